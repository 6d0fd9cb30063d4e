"""Label tools that follow a photo's edges (reference labels): a region grown by colour from
a click that stops at the photo's edges (smart select), and labels snapped to the photo's
edges with a colour-guided filter (Refine edges). OpenCV's main modules only: the guided
filter of He et al. is built from box filters, since opencv-contrib is not a dependency."""

from __future__ import annotations

import cv2
import numpy as np

from casa_studio.core.raster import Point

TOLERANCE = 14  # smart select: CIELAB distance per channel (0..255 scale) from the clicked colour
EDGE_LOW, EDGE_HIGH = 60, 150  # Canny thresholds of the photo's edges
REFINE_RADIUS = 4  # Refine edges: the band it may relabel (the guided filter's window is twice)
REFINE_EPS = 1e-3  # the guided filter's regularisation (colours in 0..1)


def _lab(photo: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(photo), cv2.COLOR_RGB2LAB)


def photo_edges(photo: np.ndarray) -> np.ndarray:
    """(H, W) bool: the photo's edges (Canny on its lightness, lightly smoothed first)."""
    grey = cv2.GaussianBlur(_lab(photo)[..., 0], (3, 3), 0)
    return cv2.Canny(grey, EDGE_LOW, EDGE_HIGH) > 0


def smart_region(photo: np.ndarray, seed: Point, tolerance: int = TOLERANCE) -> np.ndarray:
    """(H, W) bool: pixels 4-connected to `seed` whose colour is within `tolerance` of the
    seed's, not crossing the photo's edges (edge pixels of that colour next to it join it)."""
    h, w = photo.shape[:2]
    x, y = int(seed[0]), int(seed[1])
    if not (0 <= x < w and 0 <= y < h):
        return np.zeros((h, w), bool)
    edges = photo_edges(photo)
    edges[y, x] = False
    mask = np.zeros((h + 2, w + 2), np.uint8)
    mask[1:-1, 1:-1] = edges
    flags = 4 | cv2.FLOODFILL_FIXED_RANGE | cv2.FLOODFILL_MASK_ONLY | (2 << 8)
    diff = (tolerance,) * 3
    lab = _lab(photo)
    cv2.floodFill(lab, mask, (x, y), (0, 0, 0), diff, diff, flags)
    region = mask[1:-1, 1:-1] == 2
    grown = cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    alike = (np.abs(lab.astype(np.int16) - lab[y, x].astype(np.int16)) <= tolerance).all(-1)
    chosen: np.ndarray = region | (grown & edges & alike)
    return chosen


def _box(x: np.ndarray, r: int) -> np.ndarray:
    return cv2.boxFilter(x, -1, (2 * r + 1, 2 * r + 1), borderType=cv2.BORDER_REFLECT)


def refine_edges(photo: np.ndarray, labels: np.ndarray, radius: int = REFINE_RADIUS) -> np.ndarray:
    """`labels` with the pixels within `radius` of a class border relabelled by a guided
    filter of each class's mask with the photo's colours as the guide: borders move onto the
    photo's edges, the inside of regions is kept."""
    band_radius, radius = radius, 2 * radius
    guide = photo.astype(np.float32) / 255
    mean = _box(guide, radius)
    products = np.stack(
        [
            _box(guide[..., i] * guide[..., j], radius) - mean[..., i] * mean[..., j]
            for i in range(3)
            for j in range(3)
        ],
        axis=-1,
    ).reshape(*labels.shape, 3, 3)
    inverse = np.linalg.inv(products + REFINE_EPS * np.eye(3, dtype=np.float32))
    classes = np.unique(labels)
    scores = np.empty((len(classes), *labels.shape), np.float32)
    for k, c in enumerate(classes):
        p = (labels == c).astype(np.float32)
        cov = _box(guide * p[..., None], radius) - mean * _box(p, radius)[..., None]
        a = np.einsum("hwij,hwj->hwi", inverse, cov)
        b = _box(p, radius) - np.einsum("hwi,hwi->hw", a, mean)
        scores[k] = np.einsum("hwi,hwi->hw", _box(a, radius), guide) + _box(b, radius)
    refined = classes[scores.argmax(axis=0)].astype(labels.dtype)
    kernel = np.ones((3, 3), np.uint8)
    border = cv2.dilate(labels, kernel) != cv2.erode(labels, kernel)
    window = np.ones((2 * band_radius + 1,) * 2, np.uint8)
    band = cv2.dilate(border.astype(np.uint8), window) > 0
    return np.where(band, refined, labels)
