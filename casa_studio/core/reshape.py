"""Reshaping objects without repainting: pick a connected region of one class (or the whole
class), then move, scale, rotate, grow or shrink it; the pixels it leaves get a fill class,
by default the class around it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from casa_studio.core.labels import Box, mask_box
from casa_studio.core.raster import Point

RING = 3  # px around a region where its surrounding class is looked up


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
        return Transform(**(values | changes))  # type: ignore[arg-type]


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


def surrounding_class(labels: np.ndarray, mask: np.ndarray) -> int:
    """The most common other class in a thin ring around `mask` (0 if there is none)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * RING + 1, 2 * RING + 1))
    ring = cv2.dilate(mask.astype(np.uint8), kernel).astype(bool) & ~mask
    around = labels[ring]
    counts = np.bincount(around.ravel(), minlength=256)
    counts[labels[mask][0] if mask.any() else 0] = 0
    return int(counts.argmax()) if counts.any() else 0


def transform_mask(selection: Selection, t: Transform) -> np.ndarray:
    """Where the region lands (nearest-neighbour warp, then morphology for growth)."""
    mask = selection.mask.astype(np.uint8)
    cx, cy = selection.center
    matrix = cv2.getRotationMatrix2D((cx, cy), t.angle, t.scale)
    matrix[:, 2] += (t.dx, t.dy)
    h, w = mask.shape
    moved = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    if t.grow:
        size = 2 * abs(int(t.grow)) + 1
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        moved = (cv2.dilate if t.grow > 0 else cv2.erode)(moved, kernel)
    return moved.astype(bool)


def reshape(
    layer: np.ndarray, selection: Selection, t: Transform, fill: int
) -> tuple[Box, np.ndarray] | None:
    """New values for the changed box of `layer`: the region's old pixels get `fill`, its new
    pixels its class. None when nothing changes."""
    target = transform_mask(selection, t)
    out = layer.copy()
    out[selection.mask & ~target] = fill
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
