"""Concrete style rows for a style bank: rows left typical (NaN) become the model's typical
style, or, for a random source whose row is not stored, the mapping network's row."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from casa_studio.core.styles import StyleSource, unresolved_random, with_typical
from casa_studio.engine.service import InferenceService


def resolve_tokens(
    service: InferenceService, tokens: np.ndarray | None, sources: Sequence[StyleSource]
) -> np.ndarray:
    out = with_typical(tokens, service.typical_styles().tokens)
    classes, seeds = unresolved_random(tokens, sources)
    if classes and service.has_mapping:
        out[classes] = service.noise_rows(classes, seeds)
    return out
