"""Concrete style rows for a style bank: rows left typical (NaN) become the model's typical
style (its default look), or, for a random or look source whose row is not stored, the row
derived again from the seed or the look's name."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from casa_studio.core.styles import (
    SourceKind,
    StyleSource,
    unresolved,
    unresolved_random,
    with_typical,
)
from casa_studio.engine.service import InferenceService


def resolve_tokens(
    service: InferenceService, tokens: np.ndarray | None, sources: Sequence[StyleSource]
) -> np.ndarray:
    out = with_typical(tokens, service.typical_styles().tokens)
    classes, seeds = unresolved_random(tokens, sources)
    if classes and service.has_random:
        out[classes] = service.noise_rows(classes, seeds)
    for c in unresolved(tokens, sources, SourceKind.LOOK):
        if sources[c].name in service.looks:  # another model's look keeps the default
            out[c] = service.look_styles(sources[c].name).tokens[c]
    return out
