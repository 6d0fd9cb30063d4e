"""A plain functional CA2-SIS forward written from the spec (§2.1-2.4) over state_dict names:
an independent second implementation that our modules must match number for number."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from casa_studio.model.config import GeneratorConfig

Tensor = torch.Tensor


def embed(sd: dict[str, Tensor], onehot: Tensor, cfg: GeneratorConfig) -> Tensor:
    m = onehot[:, 1:] if cfg.exclude_bg else onehot
    h, w = m.shape[-2:]
    e = cfg.embed_size
    rows = torch.arange(e) * h // e  # legacy 'nearest': source pixel floor(i * in / out)
    cols = torch.arange(e) * w // e
    m = m[:, :, rows][:, :, :, cols]
    z = m.flatten(2) @ sd["encs.encs.0.weight"].T + sd["encs.encs.0.bias"]
    return z.view(m.shape[0], m.shape[1], *cfg.latent_hw)


def _conv_gn_relu(
    sd: dict, p: str, gn: str, x: Tensor, stride: int, groups: int, nc: int
) -> Tensor:
    x = F.conv2d(x, sd[f"{p}.weight"], sd[f"{p}.bias"], stride=stride, padding=1, groups=groups)
    return F.relu(F.group_norm(x, nc, sd[f"{gn}.weight"], sd[f"{gn}.bias"]))


def style_tokens(
    sd: dict[str, Tensor], image: Tensor, onehot: Tensor, cfg: GeneratorConfig
) -> Tensor:
    nc, p = cfg.num_classes, "style_encoder"
    x = _conv_gn_relu(
        sd, f"{p}.Encoder.first_layer.0", f"{p}.Encoder.first_layer.1", image, 1, 1, nc
    )
    feats = []
    for i in range(cfg.style_depth):
        e = f"{p}.Encoder.enc_layer_{i}"
        x = _conv_gn_relu(sd, f"{e}.0", f"{e}.1", x, 2, nc, nc)
        feats.append(x)
    tokens = []
    for j in range(cfg.style_depth - 1):
        d = f"{p}.Decoder.dec_layer_{j}"
        x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = _conv_gn_relu(sd, f"{d}.1", f"{d}.2", x, 1, nc, nc)
        m = F.interpolate(onehot, size=x.shape[-2:], mode="nearest")
        k = x.shape[1] // nc
        pooled = (x * m.repeat_interleave(k, dim=1)).sum((2, 3))
        pooled = pooled / (m.sum((2, 3)).repeat_interleave(k, dim=1) + 1e-5)
        out = F.conv1d(
            pooled[..., None],
            sd[f"{p}.out.out_{j}.0.weight"],
            sd[f"{p}.out.out_{j}.0.bias"],
            groups=nc,
        )
        tokens.append(torch.tanh(out).view(x.shape[0], nc, cfg.style_dim))
        x = torch.cat([x, feats[cfg.style_depth - 2 - j]], dim=1)
    return torch.cat(tokens, dim=-1)


def _gn(sd: dict, p: str, x: Tensor, groups: int, eps: float = 1e-5) -> Tensor:
    c = x.shape[1]
    return F.group_norm(x, math.gcd(groups, c), sd[f"{p}.weight"], sd[f"{p}.bias"], eps)


def _resblock(sd: dict, p: str, x: Tensor, up: bool, groups: int) -> Tensor:
    h = F.silu(_gn(sd, f"{p}.in_layers.0", x, groups))
    if up:
        h, x = F.interpolate(h, scale_factor=2.0), F.interpolate(x, scale_factor=2.0)
    h = F.conv2d(h, sd[f"{p}.in_layers.2.weight"], sd[f"{p}.in_layers.2.bias"], padding=1)
    h = F.silu(_gn(sd, f"{p}.out_layers.0", h, groups))
    h = F.conv2d(h, sd[f"{p}.out_layers.3.weight"], sd[f"{p}.out_layers.3.bias"], padding=1)
    if f"{p}.skip_connection.weight" in sd:
        x = F.conv2d(x, sd[f"{p}.skip_connection.weight"], sd[f"{p}.skip_connection.bias"])
    return x + h


def _attention(sd: dict, p: str, x: Tensor, ctx: Tensor, heads: int) -> Tensor:
    q, k, v = (
        x @ sd[f"{p}.to_q.weight"].T,
        ctx @ sd[f"{p}.to_k.weight"].T,
        ctx @ sd[f"{p}.to_v.weight"].T,
    )
    d = q.shape[-1] // heads
    outs = []
    for h in range(heads):  # one head at a time, softmax over the keys (classes)
        sl = slice(h * d, (h + 1) * d)
        weights = (q[..., sl] @ k[..., sl].transpose(1, 2) * d**-0.5).softmax(dim=-1)
        outs.append(weights @ v[..., sl])
    out = torch.cat(outs, dim=-1)
    return out @ sd[f"{p}.to_out.0.weight"].T + sd[f"{p}.to_out.0.bias"]


def _ln(sd: dict, p: str, x: Tensor) -> Tensor:
    return F.layer_norm(x, x.shape[-1:], sd[f"{p}.weight"], sd[f"{p}.bias"])


def _transformer(sd: dict, p: str, x: Tensor, ctx: Tensor, heads: int, groups: int) -> Tensor:
    b, _, h, w = x.shape
    t = _gn(sd, f"{p}.norm", x, groups, eps=1e-6)
    t = F.conv2d(t, sd[f"{p}.proj_in.weight"], sd[f"{p}.proj_in.bias"])
    t = t.flatten(2).transpose(1, 2)
    blk = f"{p}.transformer_blocks.0"
    if f"{blk}.attn1.to_q.weight" in sd:
        t = t + _attention(
            sd, f"{blk}.attn1", _ln(sd, f"{blk}.norm1", t), _ln(sd, f"{blk}.norm1", t), heads
        )
    t = t + _attention(sd, f"{blk}.attn2", _ln(sd, f"{blk}.norm2", t), ctx, heads)
    hid = (
        _ln(sd, f"{blk}.norm3", t) @ sd[f"{blk}.ff.net.0.proj.weight"].T
        + sd[f"{blk}.ff.net.0.proj.bias"]
    )
    half = hid.shape[-1] // 2
    hid = hid[..., :half] * F.gelu(hid[..., half:])
    t = t + hid @ sd[f"{blk}.ff.net.2.weight"].T + sd[f"{blk}.ff.net.2.bias"]
    t = t.transpose(1, 2).reshape(b, -1, h, w)
    return F.conv2d(t, sd[f"{p}.proj_out.weight"], sd[f"{p}.proj_out.bias"]) + x


def decode(sd: dict[str, Tensor], z: Tensor, tokens: Tensor, cfg: GeneratorConfig) -> Tensor:
    x = F.conv2d(z, sd["reshape_conv.weight"], sd["reshape_conv.bias"])
    for i, stage in enumerate(cfg.stages):
        x = _resblock(sd, f"res{i + 2}", x, i > 0, cfg.norm_groups)
        x = _transformer(sd, f"cross{i + 2}", x, tokens, stage.heads, cfg.norm_groups)
    y = F.conv2d(x, sd["out_conv.weight"], sd["out_conv.bias"])
    return torch.tanh(y) if cfg.output_tanh else y


def mapping(sd: dict[str, Tensor], w: Tensor, present: Tensor, nc: int) -> Tensor:
    h = w
    for i in (0, 2, 4, 6):
        h = F.relu(
            h @ sd[f"noise_encoder.shared.{i}.weight"].T + sd[f"noise_encoder.shared.{i}.bias"]
        )
    heads = []
    for k in range(nc):
        g = h
        for i in (0, 2, 4, 6):
            p = f"noise_encoder.unshared.{k}.{i}"
            g = g @ sd[f"{p}.weight"].T + sd[f"{p}.bias"]
            g = F.relu(g) if i < 6 else g
        heads.append(g)
    return torch.stack(heads, dim=1) * present[..., None].float()
