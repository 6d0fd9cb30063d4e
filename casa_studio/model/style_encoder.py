"""Multi-resolution grouped style encoder S: image + mask → one token per class (spec §2.2)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _conv_block(c_in: int, c_out: int, groups: int, norm_groups: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, groups=groups),
        nn.GroupNorm(norm_groups, c_out),
        nn.ReLU(),
    )


def _up_block(c_in: int, c_out: int, groups: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Upsample(scale_factor=2.0, mode="bilinear", align_corners=False),
        nn.Conv2d(c_in, c_out, 3, padding=1, groups=groups),
        nn.GroupNorm(groups, c_out),
        nn.ReLU(),
    )


class GroupedEncoder(nn.Module):
    """first_layer (full conv) and `depth` grouped stride-2 convs; one channel group per class."""

    def __init__(self, num_classes: int, feat: int, depth: int) -> None:
        super().__init__()
        base = num_classes * feat
        self.first_layer = _conv_block(3, base, 1, num_classes, 1)
        for i in range(depth):
            c_in, c_out = base * 2**i, base * 2 ** (i + 1)
            self.add_module(f"enc_layer_{i}", _conv_block(c_in, c_out, num_classes, num_classes, 2))
        self.depth = depth

    def forward(self, image: torch.Tensor) -> list[torch.Tensor]:
        x = self.first_layer(image)
        feats = []
        for i in range(self.depth):
            x = getattr(self, f"enc_layer_{i}")(x)
            feats.append(x)
        return feats


class GroupedDecoder(nn.Module):
    """U-Net-like upsampling path whose stage outputs are pooled into tokens."""

    def __init__(self, num_classes: int, feat: int, depth: int) -> None:
        super().__init__()
        base = num_classes * feat
        self.levels = depth - 1
        for j in range(self.levels):
            c_out = base * 2 ** (depth - 1 - j)
            c_in = base * 2**depth if j == 0 else 2 * base * 2 ** (depth - j)
            self.add_module(f"dec_layer_{j}", _up_block(c_in, c_out, num_classes))


class TokenHeads(nn.Module):
    """out_j: grouped 1x1 Conv1d from pooled stage features to `style_dim` per class, tanh."""

    def __init__(self, num_classes: int, feat: int, depth: int, style_dim: int) -> None:
        super().__init__()
        base = num_classes * feat
        for j in range(depth - 1):
            c = base * 2 ** (depth - 1 - j)
            conv = nn.Conv1d(c, num_classes * style_dim, 1, groups=num_classes)
            self.add_module(f"out_{j}", nn.Sequential(conv))


def masked_average(features: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per-class mean of each class's channel group over its mask pixels → (B, C)."""
    b, c, h, w = features.shape
    m = F.interpolate(mask, size=(h, w), mode="nearest")
    area = m.sum(dim=(2, 3))
    pooled = torch.einsum("bkghw,bkhw->bkg", features.view(b, m.shape[1], -1, h, w), m)
    return (pooled / (area.unsqueeze(-1) + 1e-5)).reshape(b, c)


class StyleEncoder(nn.Module):
    """Image (B,3,H,W) in [-1,1] + full one-hot mask (B,nc,H,W) → tokens
    (B, nc, levels·style_dim)."""

    def __init__(self, num_classes: int, feat: int, depth: int, style_dim: int) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.style_dim = style_dim
        self.Encoder = GroupedEncoder(num_classes, feat, depth)
        self.Decoder = GroupedDecoder(num_classes, feat, depth)
        self.out = TokenHeads(num_classes, feat, depth, style_dim)

    def forward(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        feats = self.Encoder(image)
        x = feats[-1]
        tokens = []
        for j in range(self.Decoder.levels):
            x = getattr(self.Decoder, f"dec_layer_{j}")(x)
            pooled = masked_average(x, mask).unsqueeze(-1)
            token = torch.tanh(getattr(self.out, f"out_{j}")(pooled))
            tokens.append(token.view(x.shape[0], self.num_classes, self.style_dim))
            # Decoder half first, encoder half second: not class-aligned, as trained (spec §2.2).
            if j + 1 < self.Decoder.levels:
                x = torch.cat([x, feats[-2 - j]], dim=1)
        return torch.cat(tokens, dim=-1)

    def default_tokens(self) -> torch.Tensor:
        """Token an absent class gets: tanh of the head biases, (nc, levels·style_dim)."""
        parts = [
            torch.tanh(getattr(self.out, f"out_{j}")[0].bias.view(self.num_classes, -1))
            for j in range(self.Decoder.levels)
        ]
        return torch.cat(parts, dim=-1)
