"""Per-pixel noise injection (StyleGAN, Karras et al. 2019, §2): a source of stochastic
texture for the decoder's fine stages. Not part of the paper's generator; off unless the
config asks for it (`noise_stages`), so official checkpoints load and run unchanged."""

from __future__ import annotations

from functools import lru_cache

import torch
from torch import nn


@lru_cache(maxsize=16)
def fixed_noise(height: int, width: int) -> torch.Tensor:
    """One fixed unit-Gaussian pattern per size (CPU, float32): inference is deterministic,
    so a re-render shows the same texture and an edit changes only what it touches."""
    gen = torch.Generator().manual_seed(height * 100_003 + width)
    return torch.randn(1, 1, height, width, generator=gen)


class NoiseInjection(nn.Module):
    """x + weight[c] · noise(b, 1, h, w); `weight` starts at zero, so adding the module to a
    trained generator changes nothing until training gives it a scale."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, h, w = x.shape
        if self.training:
            noise = torch.randn(b, 1, h, w, device=x.device, dtype=x.dtype)
        else:
            noise = fixed_noise(h, w)
        return self.add(x, noise)

    def add(self, x: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """x + weight[c] · noise (a crop of the fixed pattern, for the incremental decoder)."""
        return x + self.weight.to(x.dtype).view(1, -1, 1, 1) * noise.to(x.device, x.dtype)
