"""Tensor helpers shared by the networks: one-hot encoding of label maps."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def one_hot(
    labels: torch.Tensor, num_classes: int, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Integer labels (B, H, W) → one-hot (B, num_classes, H, W)."""
    return F.one_hot(labels.long(), num_classes).permute(0, 3, 1, 2).to(dtype)
