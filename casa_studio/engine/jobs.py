"""Jobs the render worker runs besides renders, first come first served: style tokens of a
reference image, labels for a reference photo, and batch exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from casa_studio.engine.batch_plan import BatchOptions


@dataclass(frozen=True, slots=True)
class EncodeReference:
    """Per-class style tokens of `image` (model-size RGB uint8) over `labels`.
    Result: `engine.style_tokens.StyleTokens`."""

    image: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True, slots=True)
class SegmentReference:
    """Labels for a photo from the model's reference segmenter. Result: (H, W) uint8 ids."""

    image: np.ndarray


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
