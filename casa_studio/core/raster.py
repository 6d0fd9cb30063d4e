"""Hard-edged rasterisation for painting: round stamps, stroke segments, rectangles,
polygons and flood fill. Every result is a boolean mask; nothing is ever blended."""

from __future__ import annotations

import cv2
import numpy as np

Point = tuple[float, float]  # x, y in image pixels


def segment_mask(shape: tuple[int, int], a: Point, b: Point, radius: float) -> np.ndarray:
    """A round brush dragged from a to b."""
    mask = np.zeros(shape, np.uint8)
    thickness = max(round(2 * radius), 1)
    p0 = (round(a[0]), round(a[1]))
    p1 = (round(b[0]), round(b[1]))
    if radius < 1.0:
        cv2.line(mask, p0, p1, 1, 1, lineType=cv2.LINE_8)
    else:
        cv2.line(mask, p0, p1, 1, thickness, lineType=cv2.LINE_8)
        cv2.circle(mask, p0, round(radius), 1, -1, lineType=cv2.LINE_8)
        cv2.circle(mask, p1, round(radius), 1, -1, lineType=cv2.LINE_8)
    return mask.astype(bool)


def rect_mask(shape: tuple[int, int], a: Point, b: Point) -> np.ndarray:
    mask = np.zeros(shape, bool)
    x0, x1 = sorted((round(a[0]), round(b[0])))
    y0, y1 = sorted((round(a[1]), round(b[1])))
    mask[max(y0, 0) : max(y1 + 1, 0), max(x0, 0) : max(x1 + 1, 0)] = True
    return mask


def polygon_mask(shape: tuple[int, int], points: list[Point]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    if len(points) >= 3:
        pts = np.round(np.asarray(points)).astype(np.int32)
        cv2.fillPoly(mask, [pts], 1, lineType=cv2.LINE_8)
    return mask.astype(bool)


def flood_mask(values: np.ndarray, seed: Point) -> np.ndarray:
    """Pixels 4-connected to `seed` with the same value."""
    x, y = int(seed[0]), int(seed[1])
    h, w = values.shape
    if not (0 <= x < w and 0 <= y < h):
        return np.zeros((h, w), bool)
    filled = np.zeros((h + 2, w + 2), np.uint8)
    cv2.floodFill(values.copy(), filled, (x, y), 0, 0, 0, 4 | cv2.FLOODFILL_MASK_ONLY | (1 << 8))
    return filled[1:-1, 1:-1].astype(bool)
