"""The starter landscape a new document opens with — sky, clouds, snow-capped mountains, a lake,
trees and grass, painted by code at any size — for palettes that have those classes; other
palettes start from their background class as before."""

from __future__ import annotations

import numpy as np

from casa_studio.core.document import Document
from casa_studio.core.layers import Layer
from casa_studio.core.palette import Palette

NEEDED = ("sky", "mountain", "water", "tree", "grass")
# pines: centre x, base y (fractions of the size), height (fraction of the height)
PINES = (
    *((0.72, 0.7, 0.2), (0.79, 0.72, 0.25), (0.86, 0.69, 0.17), (0.93, 0.74, 0.27)),
    *((0.06, 0.66, 0.12), (0.12, 0.67, 0.14)),
)
CLOUDS = ((0.13, 0.72, 0.04, 0.12), (0.1, 0.8, 0.05, 0.08), (0.2, 0.2, 0.03, 0.1))


def _ellipse(h: int, w: int, cy: float, cx: float, ry: float, rx: float) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return np.asarray(((yy - cy * h) / (ry * h)) ** 2 + ((xx - cx * w) / (rx * w)) ** 2 <= 1.0)


def _pine(h: int, w: int, cx: float, base: float, height: float) -> np.ndarray:
    """A conifer: a triangle on the ground, half as wide as it is tall."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    top = (base - height) * h
    depth = np.clip((yy - top) / (height * h), 0.0, 1.0)
    inside = np.abs(xx - cx * w) <= depth * 0.22 * height * h
    return np.asarray((yy >= top) & (yy <= base * h) & inside)


def _ridge(w: int, h: int, horizon: int) -> np.ndarray:
    """Mountain tops per column: two peaks with a jagged edge."""
    x = np.linspace(0.0, 1.0, w, dtype=np.float32)
    peaks = 0.3 * np.exp(-(((x - 0.3) / 0.15) ** 2)) + 0.22 * np.exp(-(((x - 0.66) / 0.17) ** 2))
    jagged = 0.02 * np.sin(x * 23.0) + 0.012 * np.sin(x * 61.0 + 1.0)
    return np.asarray(horizon - h * (0.06 + peaks + jagged), np.float32)


def starter_labels(palette: Palette, size: tuple[int, int]) -> np.ndarray | None:
    """The starter landscape's label map, or None when the palette lacks one of `NEEDED`."""
    ids = {c.name: c.id for c in palette.classes}
    if any(name not in ids for name in NEEDED):
        return None
    h, w = size
    horizon = int(0.6 * h)
    labels = np.full(size, ids["sky"], np.uint8)
    labels[horizon:] = ids["grass"]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    mountain = (yy >= _ridge(w, h, horizon)[None]) & (yy < horizon)
    labels[mountain] = ids["mountain"]
    if "snow" in ids:
        snow_line = horizon - h * (0.26 + 0.025 * np.sin(xx / w * 47.0))
        labels[mountain & (yy < snow_line)] = ids["snow"]
    if "cloud" in ids:
        for cy, cx, ry, rx in CLOUDS:
            labels[_ellipse(h, w, cy, cx, ry, rx) & (labels == ids["sky"])] = ids["cloud"]
    labels[_ellipse(h, w, 0.77, 0.42, 0.09, 0.3) & (yy >= horizon + 3)] = ids["water"]
    for cx, base, height in PINES:
        labels[_pine(h, w, cx, base, height)] = ids["tree"]
    return labels


def starter_document(palette: Palette, size: tuple[int, int]) -> Document:
    """A new document: the starter landscape as its first layer and an empty layer to paint
    on, or (for other palettes) the background class and an empty layer."""
    labels = starter_labels(palette, size)
    if labels is None:
        return Document.new(palette, size)
    return Document(palette, [Layer("Landscape", labels), Layer.empty("Layer 1", size)])
