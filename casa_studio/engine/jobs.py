"""Jobs the render worker runs besides renders, first come first served: style tokens of a
reference image, labels for a reference photo, and batch exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from casa_studio.engine.batch_plan import BatchOptions

FIT_STEPS = 10  # steps fitting a reference's styles to its colours (engine.style_fit)


@dataclass(frozen=True, slots=True)
class EncodeReference:
    """Per-class style tokens of `image` (model-size RGB uint8) over `labels`, fitted to its
    colours in `fit` steps (None: the model's default; `progress(done, steps)` is called from
    the worker thread). Result: `engine.style_tokens.StyleTokens`."""

    image: np.ndarray
    labels: np.ndarray
    fit: int | None = None
    progress: Callable[[int, int], None] = field(default=lambda _d, _n: None, compare=False)


@dataclass(frozen=True, slots=True)
class SegmentReference:
    """Labels for a photo from the model's reference segmenter. Result: `Segmentation`."""

    image: np.ndarray


@dataclass(frozen=True, slots=True)
class Segmentation:
    """The segmenter's labels (H, W) uint8 and where it is unsure (H, W) bool: its most
    likely class has a probability under `UNSURE_BELOW` (on the real-photo set, 20 % of the
    pixels, 78 % of them wrong against 52 % elsewhere)."""

    labels: np.ndarray
    unsure: np.ndarray


UNSURE_BELOW = 0.5


@dataclass(frozen=True, slots=True)
class RenderBatch:
    """`engine.batch.render_many` on the worker: `progress(done)` and `cancelled()` are called
    from the worker thread (they must be thread-safe). Result: `BatchSummary`."""

    sources: tuple[Path, ...]
    out: Path
    options: BatchOptions = field(default_factory=BatchOptions)
    progress: Callable[[int], None] = field(default=lambda _n: None, compare=False)
    cancelled: Callable[[], bool] = field(default=lambda: False, compare=False)
    looks: tuple[str, ...] | None = None  # one image per look instead (see render_many)
    locality: float | None = None  # attention guidance, as the editor's slider; None: the model's


Job = EncodeReference | SegmentReference | RenderBatch
