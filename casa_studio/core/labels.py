"""Label-map helpers: the UNSET value, compositing layers, bounding boxes, histograms."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

UNSET = 255  # a layer pixel that shows the layers below


Box = tuple[int, int, int, int]  # y0, x0, y1, x1 (exclusive)


def composite(layers: Sequence[np.ndarray], background: int = 0) -> np.ndarray:
    """Bottom-to-top layers → one label map; pixels UNSET everywhere become `background`."""
    if not layers:
        raise ValueError("composite needs at least one layer")
    out = np.full(layers[0].shape, background, np.uint8)
    for layer in layers:
        np.copyto(out, layer, where=layer != UNSET)
    return out


def mask_box(mask: np.ndarray) -> Box | None:
    """Tight bounding box of the True pixels, or None."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def histogram(labels: np.ndarray) -> np.ndarray:
    """Pixel count per id 0..255."""
    return np.bincount(labels.ravel(), minlength=256)
