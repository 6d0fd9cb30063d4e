"""Style tokens: one token per class from a style source (a reference photo, a look, a seed)
and which classes that source showed (numpy; no model needed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class StyleTokens:
    """One style token per class (classes x token_dim, float32) and the classes that had
    pixels in the source (the others carry a default or zero token)."""

    tokens: np.ndarray
    present: frozenset[int]


def present_classes(labels: np.ndarray) -> frozenset[int]:
    return frozenset(int(c) for c in np.unique(labels))
