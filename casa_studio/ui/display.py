"""What the views show, as numpy: layers with display opacity, overlays, attention heatmaps."""

from __future__ import annotations

import cv2
import numpy as np

from casa_studio.core.document import Document
from casa_studio.core.labels import UNSET, Box


def layered_colors(doc: Document, box: Box | None = None) -> np.ndarray:
    """The visible layers, coloured, each drawn with its display opacity over those below;
    only the pixels of `box` when given (a stroke's dirty box)."""
    y0, x0, y1, x1 = box or (0, 0, *doc.size)
    lut = doc.palette.lut().astype(np.float32)
    out = np.broadcast_to(lut[doc.background], (y1 - y0, x1 - x0, 3)).astype(np.float32)
    for layer in doc.layers:
        if not layer.visible:
            continue
        pixels = layer.pixels[y0:y1, x0:x1]
        mask = pixels != UNSET
        out[mask] = (1 - layer.opacity) * out[mask] + layer.opacity * lut[pixels[mask]]
    return out.round().astype(np.uint8)


def overlay(image: np.ndarray, mask_rgb: np.ndarray, opacity: float) -> np.ndarray:
    return (image * (1 - opacity) + mask_rgb * opacity).round().astype(np.uint8)


def heatmap(weights: np.ndarray) -> np.ndarray:
    """Attention weights in [0, 1] → an RGB heat map."""
    grey = (np.clip(weights, 0, 1) * 255).astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(grey, cv2.COLORMAP_INFERNO), cv2.COLOR_BGR2RGB)
