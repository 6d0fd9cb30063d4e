"""Per-class colour distributions in CIELAB: the sliced Wasserstein distance between a
photo's and a render's colours (ΔE units), the measure the real-photo bench reports."""

from __future__ import annotations

import numpy as np
import torch

DIRECTIONS = 64  # random projections of the sliced Wasserstein distance
QUANTILES = 128  # levels at which two projected distributions are compared


def lab(rgb: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) RGB in [0, 1] → CIELAB (L 0..100, a and b in ΔE units), differentiable."""
    from kornia.color import rgb_to_lab  # 1 s to import: only where colours are compared

    converted: torch.Tensor = rgb_to_lab(rgb.clamp(0.0, 1.0))
    return converted


def lab_pixels(image: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 → (H*W, 3) Lab pixels."""
    rgb = torch.from_numpy(image).permute(2, 0, 1)[None].float() / 255.0
    pixels: torch.Tensor = lab(rgb)[0].reshape(3, -1).T
    return pixels


def directions(count: int = DIRECTIONS, seed: int = 0) -> torch.Tensor:
    """(count, 3) unit vectors, the same for every call with the same seed."""
    d = torch.randn(count, 3, generator=torch.Generator().manual_seed(seed))
    unit: torch.Tensor = d / d.norm(dim=1, keepdim=True)
    return unit


def sliced_wasserstein(a: torch.Tensor, b: torch.Tensor, dirs: torch.Tensor) -> torch.Tensor:
    """Mean over `dirs` of the 1-D Wasserstein-1 distance between the projections of point
    sets a (N, 3) and b (M, 3), compared at `QUANTILES` levels (differentiable in both)."""
    levels = torch.linspace(0.0, 1.0, QUANTILES, dtype=a.dtype, device=a.device)
    qa = torch.quantile(a @ dirs.T, levels, dim=0)
    qb = torch.quantile(b @ dirs.T, levels, dim=0)
    return (qa - qb).abs().mean()


def class_distances(
    photo: np.ndarray, render: np.ndarray, labels: np.ndarray, ignore: int = 255
) -> dict[int, float]:
    """Per labelled class: the sliced Wasserstein distance between the photo's and the
    render's Lab colours over that class's pixels (`ignore`: pixels without a label)."""
    dirs = directions()
    a, b = lab_pixels(photo), lab_pixels(render)
    flat = labels.ravel()
    out: dict[int, float] = {}
    for c in np.unique(flat):
        if c == ignore:
            continue
        where = torch.from_numpy(flat == c)
        out[int(c)] = float(sliced_wasserstein(a[where], b[where], dirs))
    return out
