"""Batch export's render queue: images wait until `size` of them can go through the model in
one forward pass, then each is written. A batch that fails is rendered again one by one (and
later batches are smaller), so a bad item or too little GPU memory never costs the others."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.engine.batch_plan import BatchSummary
from casa_studio.engine.service import InferenceService
from casa_studio.errors import USER_ERRORS
from casa_studio.persistence.export import export_image

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pending:
    """One image to render and write; `name` identifies it in failure messages."""

    path: Path
    labels: np.ndarray
    tokens: np.ndarray
    shapes: tuple[ShapeEdit, ...]
    recipe: dict[str, object]
    name: str


class RenderQueue:
    """Collects `Pending` images and renders them `size` at a time."""

    def __init__(
        self,
        service: InferenceService,
        summary: BatchSummary,
        size: int,
        progress: Callable[[int], None] | None = None,
        locality: float | None = None,
    ) -> None:
        self.service, self.summary, self.size = service, summary, max(1, size)
        self.progress, self.locality = progress, locality
        self._pending: list[Pending] = []

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, item: Pending) -> None:
        self._pending.append(item)
        if len(self._pending) >= self.size:
            self.flush()

    def discard(self) -> None:
        """Forget the images not rendered yet (the batch was cancelled)."""
        self._pending = []

    def flush(self) -> None:
        """Render and write every pending image."""
        batch, self._pending = self._pending, []
        images = self._together(batch) if len(batch) > 1 else None
        for i, item in enumerate(batch):
            try:
                image = (
                    images[i]
                    if images is not None
                    else self.service.render(
                        item.labels, item.tokens, item.shapes, locality=self.locality
                    )
                )
                export_image(item.path, image, item.recipe)
                self.summary.written.append(item.path)
            except USER_ERRORS as exc:
                self.summary.failures.append(f"{item.name}: {exc}")
            if self.progress:
                self.progress(1)

    def _together(self, batch: list[Pending]) -> list[np.ndarray] | None:
        try:
            frames = [(p.labels, p.tokens, p.shapes) for p in batch]
            return self.service.render_batch(frames, locality=self.locality)
        except USER_ERRORS as exc:
            self.size = max(1, len(batch) // 2)
            log.warning(
                "a batch of %d failed (%s): one by one, then %d", len(batch), exc, self.size
            )
            return None
