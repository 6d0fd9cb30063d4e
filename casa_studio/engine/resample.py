"""Documents of any size with a model that paints one: label maps go to the model's size by
nearest neighbour (ids stay ids), images by area averaging down and Lanczos up. The picture
of a larger document is the model's render enlarged, not generated at that size (that is a
refiner's job)."""

from __future__ import annotations

import cv2
import numpy as np


def labels_at(labels: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    """Nearest neighbour at pixel centres, any integer dtype kept."""
    if labels.shape == hw:
        return labels
    h, w = labels.shape
    rows = ((np.arange(hw[0]) + 0.5) * h / hw[0]).astype(np.int64)
    cols = ((np.arange(hw[1]) + 0.5) * w / hw[1]).astype(np.int64)
    picked: np.ndarray = labels[rows[:, None], cols[None, :]]
    return picked


def image_at(image: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    """An (H, W, C) uint8 or float image at `hw`."""
    if image.shape[:2] == hw:
        return image
    shrink = hw[0] * hw[1] < image.shape[0] * image.shape[1]
    method = cv2.INTER_AREA if shrink else cv2.INTER_LANCZOS4
    out = cv2.resize(image, (hw[1], hw[0]), interpolation=method)
    return out.reshape(*hw, *image.shape[2:])


def maps_at(maps: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    """(C, H, W) float maps (attention) at `hw`, bilinear."""
    if maps.shape[1:] == hw:
        return maps
    return np.stack([cv2.resize(m, (hw[1], hw[0]), interpolation=cv2.INTER_LINEAR) for m in maps])
