"""Decoder building blocks: float32 GroupNorm, the guided-diffusion ResBlock, GEGLU feed-forward."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

Norm = Callable[[torch.Tensor], torch.Tensor]


def group_count(preferred: int, channels: int) -> int:
    """Largest group count <= `preferred` dividing `channels` (32 for every official width)."""
    return math.gcd(preferred, channels)


def zero_init(layer: nn.Module) -> None:
    """Start a layer's weights and bias at zero, so the residual branch it ends starts as
    nothing and the block as the identity."""
    for parameter in layer.parameters():
        nn.init.zeros_(parameter)


class GroupNorm32(nn.GroupNorm):
    """GroupNorm computed in float32 whatever the input precision (spec §2.4, ResBlock)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = None if self.weight is None else self.weight.float()
        bias = None if self.bias is None else self.bias.float()
        return F.group_norm(x.float(), self.num_groups, weight, bias, self.eps).type(x.dtype)


class ResBlock(nn.Module):
    """GN·SiLU·(up)·conv3 → GN·SiLU·dropout·conv3 (zero-init), plus a (1x1) skip (spec §2.4)."""

    def __init__(self, c_in: int, c_out: int, *, up: bool, groups: int) -> None:
        super().__init__()
        self.up = up
        self.in_layers = nn.Sequential(
            GroupNorm32(group_count(groups, c_in), c_in),
            nn.SiLU(),
            nn.Conv2d(c_in, c_out, 3, padding=1),
        )
        self.out_layers = nn.Sequential(
            GroupNorm32(group_count(groups, c_out), c_out),
            nn.SiLU(),
            nn.Dropout(0.0),
            nn.Conv2d(c_out, c_out, 3, padding=1),
        )
        zero_init(self.out_layers[3])
        self.skip_connection: nn.Module = (
            nn.Identity() if c_in == c_out else nn.Conv2d(c_in, c_out, 1)
        )

    @property
    def norms(self) -> tuple[nn.GroupNorm, nn.GroupNorm]:
        """The GroupNorms before the first and the second convolution."""
        first, second = self.in_layers[0], self.out_layers[0]
        assert isinstance(first, nn.GroupNorm) and isinstance(second, nn.GroupNorm)
        return first, second

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.run(x, *self.norms)

    def run(self, x: torch.Tensor, norm_in: Norm, norm_out: Norm) -> torch.Tensor:
        """The block with its two GroupNorms given: the incremental decoder normalises a
        crop with the whole map's statistics (model/incremental.py)."""
        _, act, conv = self.in_layers
        h = act(norm_in(x))
        if self.up:
            h = F.interpolate(h, scale_factor=2.0, mode="nearest")
            x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        _, act_out, dropout, conv_out = self.out_layers
        h = conv_out(dropout(act_out(norm_out(conv(h)))))
        return self.skip_connection(x) + h


class GEGLU(nn.Module):
    """Linear to 2·hidden, split [value, gate], value · GELU(gate) (exact erf GELU)."""

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.proj = nn.Linear(dim, 2 * hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        value, gate = self.proj(x).chunk(2, dim=-1)
        return value * F.gelu(gate)


class FeedForward(nn.Module):
    """GEGLU feed-forward with expansion `mult` (spec §2.4, FF)."""

    def __init__(self, dim: int, mult: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            GEGLU(dim, dim * mult), nn.Dropout(0.0), nn.Linear(dim * mult, dim)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
