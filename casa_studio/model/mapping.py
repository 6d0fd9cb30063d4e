"""Mapping network: a noise vector → one style token per class (spec §2.3, StarGAN-v2 style)."""

from __future__ import annotations

import itertools

import torch
from torch import nn


def _mlp(widths: list[int], *, last_relu: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(widths)):
        layers.append(nn.Linear(a, b))
        if last_relu or i < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class MappingNetwork(nn.Module):
    """Shared 4-layer trunk, then one unshared 4-layer head per class; unbounded tokens."""

    def __init__(self, latent_dim: int, hidden: int, token_dim: int, num_classes: int) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.shared = _mlp([latent_dim] + [hidden] * 4, last_relu=True)
        self.unshared = nn.ModuleList(
            [_mlp([hidden] * 4 + [token_dim], last_relu=False) for _ in range(num_classes)]
        )

    def forward(self, w: torch.Tensor, present: torch.Tensor | None = None) -> torch.Tensor:
        """w (B, latent) → tokens (B, classes, token_dim); classes absent from `present`
        (B, classes) bool are zeroed, as `forward_noise` does."""
        h = self.shared(w)
        tokens = torch.stack([head(h) for head in self.unshared], dim=1)
        if present is not None:
            tokens = tokens * present.to(tokens.dtype).unsqueeze(-1)
        return tokens
