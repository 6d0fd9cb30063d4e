"""Reshaping objects without repainting: pick a connected region of one class (or the whole
class), then move, scale, rotate, grow or shrink it; the pixels it leaves get a chosen class,
or by default show the layers below (upper layers) or take their nearest neighbour's class."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from casa_studio.core.labels import UNSET, Box, mask_box
from casa_studio.core.raster import Point


@dataclass(frozen=True, slots=True)
class Transform:
    """About the region's centre: shift in pixels, scale factor, rotation in degrees
    (counter-clockwise) and growth in pixels (negative shrinks)."""

    dx: float = 0.0
    dy: float = 0.0
    scale: float = 1.0
    angle: float = 0.0
    grow: int = 0

    def then(self, **changes: float) -> Transform:
        values = {f: getattr(self, f) for f in ("dx", "dy", "scale", "angle", "grow")}
        return Transform(**(values | changes))


@dataclass(frozen=True, slots=True)
class Selection:
    mask: np.ndarray  # bool, image size
    class_id: int

    @property
    def center(self) -> Point:
        ys, xs = np.nonzero(self.mask)
        return float(xs.mean()), float(ys.mean())


def select_region(labels: np.ndarray, p: Point, whole_class: bool = False) -> Selection | None:
    """The 8-connected region of the clicked class (or all its pixels); None off the image."""
    x, y = int(p[0]), int(p[1])
    h, w = labels.shape
    if not (0 <= x < w and 0 <= y < h):
        return None
    class_id = int(labels[y, x])
    same = labels == class_id
    if whole_class:
        return Selection(same, class_id)
    _count, parts = cv2.connectedComponents(same.astype(np.uint8), connectivity=8)
    return Selection(parts == parts[y, x], class_id)


def nearest_outside(labels: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """For every pixel, the class of the nearest pixel outside `mask`."""
    if mask.all():
        return labels.copy()
    _distance, nearest = cv2.distanceTransformWithLabels(
        mask.astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
    )
    lut = np.zeros(int(nearest.max()) + 1, np.uint8)
    lut[nearest[~mask]] = labels[~mask]
    return np.asarray(lut[nearest], np.uint8)


def vacated_fill(labels: np.ndarray, mask: np.ndarray, below: np.ndarray | None) -> np.ndarray:
    """What each pixel a region leaves becomes. On the bottom layer (`below` None): the class
    of its nearest remaining neighbour. On an upper layer: transparent, so the layers below
    show, unless they show the region's own class there (then the nearest neighbour too)."""
    nearest = nearest_outside(labels, mask)
    if below is None or not mask.any():
        return nearest
    own = labels[mask][0]
    return np.where(below == own, nearest, UNSET).astype(np.uint8)


def transform_mask(selection: Selection, t: Transform) -> np.ndarray:
    """Where the region lands (nearest-neighbour warp, then morphology for growth)."""
    mask = selection.mask.astype(np.uint8)
    cx, cy = selection.center
    matrix = cv2.getRotationMatrix2D((cx, cy), t.angle, t.scale)
    matrix[:, 2] += np.array((t.dx, t.dy))
    h, w = mask.shape
    moved = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    if t.grow:
        size = 2 * abs(int(t.grow)) + 1
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        moved = (cv2.dilate if t.grow > 0 else cv2.erode)(moved, kernel)
    return moved.astype(bool)


def reshape(
    layer: np.ndarray, selection: Selection, t: Transform, fill: int | np.ndarray
) -> tuple[Box, np.ndarray] | None:
    """New values for the changed box of `layer`: the region's old pixels get `fill` (one
    class, or per pixel), its new pixels its class. None when nothing changes."""
    target = transform_mask(selection, t)
    out = layer.copy()
    vacated = selection.mask & ~target
    out[vacated] = np.broadcast_to(np.asarray(fill, np.uint8), out.shape)[vacated]
    out[target] = selection.class_id
    box = mask_box(out != layer)
    if box is None:
        return None
    y0, x0, y1, x1 = box
    return box, out[y0:y1, x0:x1]


def degrees(a: Point, b: Point, center: Point) -> float:
    """The angle swept from `a` to `b` around `center`, counter-clockwise on screen."""
    first = math.atan2(a[1] - center[1], a[0] - center[0])
    second = math.atan2(b[1] - center[1], b[0] - center[0])
    return -math.degrees(second - first)
