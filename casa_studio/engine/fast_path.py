"""The live preview's fast path: after an exact render, a small label edit is redrawn by
recomputing only the stages and crops it reaches (model/incremental.py); anything else — new
styles, guidance, shape edits, size, a large edit, attention maps — is an exact full render,
which the fast path keeps for the next edit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from casa_studio.core.labels import Box, mask_box
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.engine.service import InferenceService, to_uint8
from casa_studio.model.incremental import IncrementalDecoder

MAX_SHARE = 0.3  # an edit whose box (with margins) covers more of the image renders in full


@dataclass(frozen=True)
class _Key:
    """What the kept activations depend on besides the labels."""

    tokens: bytes
    locality: float | None
    shapes: tuple[tuple[int, float, bytes], ...]
    size: tuple[int, int]


def changed_box(before: np.ndarray, after: np.ndarray) -> Box | None:
    """The bounding box of the pixels that differ, or None."""
    return mask_box(before != after)


class FastPath:
    """Exact renders that remember their activations, and fast updates from them."""

    def __init__(self, service: InferenceService, margin: int = 40) -> None:
        self.service = service
        self.decoder = IncrementalDecoder(service.model, margin)
        self._key: _Key | None = None
        self._labels: np.ndarray | None = None
        self._exact = False  # the kept picture is the exact render of the kept labels

    def _key_for(
        self,
        labels: np.ndarray,
        tokens: np.ndarray,
        shapes: Sequence[ShapeEdit],
        locality: float | None,
    ) -> _Key:
        edits = tuple((e.class_id, e.alpha, e.reference.tobytes()) for e in shapes)
        return _Key(tokens.tobytes(), locality, edits, labels.shape)

    def _small(self, box: Box) -> bool:
        h, w = self._labels.shape if self._labels is not None else (0, 0)
        m = self.decoder.margin
        area = min(h, box[2] - box[0] + 2 * m) * min(w, box[3] - box[1] + 2 * m)
        return bool(area <= MAX_SHARE * h * w)

    def render(
        self,
        labels: np.ndarray,
        tokens: np.ndarray,
        shapes: Sequence[ShapeEdit],
        *,
        locality: float | None,
        fast: bool,
    ) -> tuple[np.ndarray, bool]:
        """(image, exact): the fast update when `fast` allows it and it applies, else the
        exact render (kept for the next update)."""
        key = self._key_for(labels, tokens, shapes, locality)
        box = None
        if key == self._key and self._labels is not None and self.decoder.image is not None:
            box = changed_box(self._labels, labels)
            if box is None and self._exact:
                return to_uint8(self.decoder.image[0]), True
        with self.service.decoding(labels, tokens, shapes, locality) as (z, t, guide):
            if fast and box is not None and self._small(box):
                image, exact = self.decoder.update(z, t, guide, box), False
            else:
                image, exact = self.decoder.full(z, t, guide), True
                self._key = key
        self._labels, self._exact = labels.copy(), exact
        return to_uint8(image[0]), exact
