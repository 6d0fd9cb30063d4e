"""Class-adaptive cross-attention: pixels query one style token per class (spec §2.4, §3.1),
optionally guided towards the painted mask by a bias on the cross-attention logits."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from casa_studio.model.blocks import FeedForward, group_count, zero_init


class Attention(nn.Module):
    """Multi-head attention; with `context` it is the cross-attention over class tokens.

    `fused` uses scaled_dot_product_attention; the manual path is taken when the caller asks
    for the logits (attention loss, attention maps) or when `fused` is switched off.
    """

    def __init__(self, query_dim: int, context_dim: int, heads: int, head_dim: int) -> None:
        super().__init__()
        inner = heads * head_dim
        self.heads = heads
        self.scale = head_dim**-0.5
        self.fused = True
        self.to_q = nn.Linear(query_dim, inner, bias=False)
        self.to_k = nn.Linear(context_dim, inner, bias=False)
        self.to_v = nn.Linear(context_dim, inner, bias=False)
        self.to_out = nn.Sequential(nn.Linear(inner, query_dim), nn.Dropout(0.0))

    def _split(self, t: torch.Tensor) -> torch.Tensor:
        b, n, _ = t.shape
        return t.view(b, n, self.heads, -1).transpose(1, 2)

    def forward(
        self,
        x: torch.Tensor,
        context: torch.Tensor | None = None,
        *,
        logits: bool = False,
        bias: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x (B, N, D), context (B, K, Dc) → (out (B, N, D), head-mean logits (B, N, K) or None).

        `bias` (B, N, K) is added to every head's logits before the softmax (the returned
        logits include it); None leaves the paper's computation untouched.
        """
        ctx = x if context is None else context
        q, k, v = (
            self._split(self.to_q(x)),
            self._split(self.to_k(ctx)),
            self._split(self.to_v(ctx)),
        )
        mean_logits = None
        if logits or not self.fused:
            scores = (q @ k.transpose(-1, -2)) * self.scale
            if bias is not None:
                scores = scores + bias[:, None].to(scores.dtype)
            if logits:
                mean_logits = scores.float().mean(dim=1)
            out = scores.softmax(dim=-1) @ v
        else:
            mask = None if bias is None else bias[:, None].to(q.dtype)
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        b, _, n, _ = out.shape
        out = out.transpose(1, 2).reshape(b, n, -1)
        return self.to_out(out), mean_logits


class TransformerBlock(nn.Module):
    """[self-attention] → cross-attention over class tokens → GEGLU FF, each pre-LN residual."""

    def __init__(
        self,
        dim: int,
        heads: int,
        head_dim: int,
        context_dim: int,
        *,
        self_attention: bool,
        ff_mult: int,
    ) -> None:
        super().__init__()
        # Registration order mirrors the official state_dict key order (spec §9.2).
        self.attn1 = Attention(dim, dim, heads, head_dim) if self_attention else None
        self.ff = FeedForward(dim, ff_mult)
        self.attn2 = Attention(dim, context_dim, heads, head_dim)
        self.norm1 = nn.LayerNorm(dim) if self_attention else None
        self.norm2 = nn.LayerNorm(dim)
        self.norm3 = nn.LayerNorm(dim)

    def forward(
        self,
        x: torch.Tensor,
        context: torch.Tensor,
        *,
        logits: bool,
        bias: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self.attn1 is not None and self.norm1 is not None:
            x = x + self.attn1(self.norm1(x))[0]
        attended, cross_logits = self.attn2(self.norm2(x), context, logits=logits, bias=bias)
        x = x + attended
        return x + self.ff(self.norm3(x)), cross_logits


class SpatialTransformer(nn.Module):
    """GN · 1x1 in · transformer block · 1x1 out (zero-init) + residual, on a feature map.

    Without self-attention every step after the GroupNorm is per pixel, so the tokens are
    processed in chunks of `chunk_tokens`: same numbers, far less memory traffic at 128² and
    256² (the FF hidden state of a whole 256² map does not fit in cache).
    """

    chunk_tokens = 4096

    def __init__(
        self,
        channels: int,
        heads: int,
        head_dim: int,
        context_dim: int,
        *,
        self_attention: bool,
        ff_mult: int,
        groups: int,
    ) -> None:
        super().__init__()
        inner = heads * head_dim
        self.norm = nn.GroupNorm(group_count(groups, channels), channels, eps=1e-6)
        self.proj_in = nn.Conv2d(channels, inner, 1)
        self.transformer_blocks = nn.ModuleList(
            [
                TransformerBlock(
                    inner,
                    heads,
                    head_dim,
                    context_dim,
                    self_attention=self_attention,
                    ff_mult=ff_mult,
                )
            ]
        )
        self.proj_out = nn.Conv2d(inner, channels, 1)
        zero_init(self.proj_out)

    @staticmethod
    def _pointwise(conv: nn.Conv2d, tokens: torch.Tensor) -> torch.Tensor:
        """A 1x1 convolution applied in token layout (B, N, C)."""
        return F.linear(tokens, conv.weight.flatten(1), conv.bias)

    def forward(
        self,
        x: torch.Tensor,
        context: torch.Tensor,
        *,
        logits: bool = False,
        guide: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Returns the new map and, if asked, logits as (B, classes, H, W).

        `guide` (B, classes, H', W'): a per-class logit bias at any resolution (see
        `guide_tokens`), e.g. strength x one-hot labels; None is the paper's forward.
        """
        _, _, h, w = x.shape
        bias = None if guide is None else guide_tokens(guide, h, w)
        return self.run(x, self.norm(x), context, logits=logits, bias=bias)

    def run(
        self,
        x: torch.Tensor,
        normed: torch.Tensor,
        context: torch.Tensor,
        *,
        logits: bool = False,
        bias: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Everything after the GroupNorm: `normed` is `x` normalised, `bias` the guidance as
        tokens (B, h·w, classes). The incremental decoder runs it on a crop."""
        b, c, h, w = x.shape
        residual = x.permute(0, 2, 3, 1).reshape(b, h * w, c)
        normed = normed.permute(0, 2, 3, 1).reshape(b, h * w, c)
        block = self.transformer_blocks[0]
        step = h * w if block.attn1 is not None else self.chunk_tokens
        outs, chunk_logits = [], []
        for start in range(0, h * w, step):
            t = self._pointwise(self.proj_in, normed[:, start : start + step])
            chunk_bias = None if bias is None else bias[:, start : start + step]
            t, cross_logits = block(t, context, logits=logits, bias=chunk_bias)
            outs.append(self._pointwise(self.proj_out, t) + residual[:, start : start + step])
            if cross_logits is not None:
                chunk_logits.append(cross_logits)
        out = torch.cat(outs, dim=1).reshape(b, h, w, c).permute(0, 3, 1, 2)
        maps = None
        if chunk_logits:
            maps = torch.cat(chunk_logits, dim=1).reshape(b, h, w, -1).permute(0, 3, 1, 2)
        return out.contiguous(), maps


def guide_bias(onehot: torch.Tensor, locality: float) -> torch.Tensor | None:
    """The attention guidance towards each pixel's painted class: `locality` x the one-hot
    labels, or None at 0 (the paper's exact forward)."""
    return onehot * locality if locality else None


def guide_tokens(guide: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """A per-class bias map (B, K, H', W') at a stage's resolution, as tokens (B, h·w, K).

    Area resizing gives a boundary pixel the share of each class it covers, so the bias
    fades across class borders instead of stepping.
    """
    if guide.shape[-2:] != (h, w):
        guide = F.interpolate(guide.float(), size=(h, w), mode="area")
    return guide.flatten(2).transpose(1, 2)
