"""Jobs the render worker runs besides renders, first come first served: style rows from
the mapping network, style codes of a reference image, and labels for a reference photo."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class NoiseRows:
    """Random style rows: class `classes[i]` from the mapping network with seed `seeds[i]`.
    Result: (len(classes), token_dim) float32."""

    classes: tuple[int, ...]
    seeds: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EncodeReference:
    """Per-class style codes of `image` (model-size RGB uint8) over `labels`.
    Result: `engine.recipes.StyleCodes`."""

    image: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True, slots=True)
class SegmentReference:
    """Labels for a photo from the model's reference segmenter. Result: (H, W) uint8 ids."""

    image: np.ndarray


Job = NoiseRows | EncodeReference | SegmentReference
