"""Value-noise helpers for the procedural world (numpy + OpenCV resizing)."""

from __future__ import annotations

import cv2
import numpy as np


def fbm2d(
    rng: np.random.Generator,
    h: int,
    w: int,
    base: int = 4,
    octaves: int = 5,
    persistence: float = 0.5,
) -> np.ndarray:
    """Fractal value noise in [0, 1], shape (h, w): octaves of smooth random grids."""
    total = np.zeros((h, w), np.float32)
    amp, norm = 1.0, 0.0
    for o in range(octaves):
        cells = base * 2**o
        grid = rng.random((cells + 1, cells + 1), dtype=np.float32)
        total += amp * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        norm += amp
        amp *= persistence
    total /= norm
    lo, hi = float(total.min()), float(total.max())
    return (total - lo) / max(hi - lo, 1e-6)


def fbm1d(
    rng: np.random.Generator, n: int, base: int = 3, octaves: int = 6, persistence: float = 0.5
) -> np.ndarray:
    """Fractal 1-D noise in [0, 1] of length n (mountain ridges, shore lines)."""
    return fbm2d(rng, 1, n, base, octaves, persistence)[0] if n > 1 else np.zeros(1, np.float32)


def streaks(rng: np.random.Generator, h: int, w: int, length: int) -> np.ndarray:
    """Horizontal streak noise in [0, 1] (water ripples): noise stretched along x."""
    small = rng.random((h, max(w // length, 2)), dtype=np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
