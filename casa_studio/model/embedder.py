"""Mask Embedder E: one shared affine map per class channel → a latent shape map (spec §2.1)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class MaskEmbedder(nn.Module):
    """(B, n, H, W) one-hot or soft mask → (B, n, lh, lw); affine, so blends of masks blend."""

    def __init__(
        self, embed_size: int, latent_hw: tuple[int, int], *, legacy_nearest: bool
    ) -> None:
        super().__init__()
        self.embed_size = embed_size
        self.latent_hw = latent_hw
        # Legacy 'nearest' reproduces the released weights; 'nearest-exact' for own training.
        self.mode = "nearest" if legacy_nearest else "nearest-exact"
        self.encs = nn.Sequential(nn.Linear(embed_size * embed_size, latent_hw[0] * latent_hw[1]))

    def forward(self, mask: torch.Tensor) -> torch.Tensor:
        b, n = mask.shape[:2]
        if mask.shape[-2:] != (self.embed_size, self.embed_size):
            mask = F.interpolate(mask, size=(self.embed_size, self.embed_size), mode=self.mode)
        z = self.encs(mask.reshape(b, n, -1))
        return z.view(b, n, *self.latent_hw)
