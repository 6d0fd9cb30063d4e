"""Editing recipes of spec §5 on style codes and shape edits (numpy; no model needed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from casa_studio.engine.errors import EngineError


@dataclass(frozen=True, slots=True)
class StyleCodes:
    """One style token per class (classes x token_dim, float32) and the classes that had
    pixels in the source (the others carry a default or zero token)."""

    tokens: np.ndarray
    present: frozenset[int]


def _check_classes(classes: Iterable[int], count: int) -> list[int]:
    chosen = sorted(set(int(c) for c in classes))
    bad = [c for c in chosen if not 0 <= c < count]
    if bad:
        raise EngineError(f"class ids {bad} are outside this model's 0..{count - 1}")
    return chosen


def transfer_styles(
    target: np.ndarray, reference: StyleCodes, classes: Iterable[int]
) -> tuple[np.ndarray, list[int]]:
    """Recipe 3: copy the reference's whole token for each chosen class present in it.

    Returns the new tokens and the chosen classes missing from the reference (left as they
    were, never silently given the reference's default token).
    """
    chosen = _check_classes(classes, target.shape[0])
    out = target.copy()
    missing = [c for c in chosen if c not in reference.present]
    copied = [c for c in chosen if c in reference.present]
    out[copied] = reference.tokens[copied]
    return out, missing


def swap_class_styles(tokens: np.ndarray, a: int, b: int) -> np.ndarray:
    """Exchange the style tokens of classes `a` and `b`."""
    _check_classes((a, b), tokens.shape[0])
    out = tokens.copy()
    out[[a, b]] = tokens[[b, a]]
    return out


def blend_styles(
    a: np.ndarray, b: np.ndarray, alpha: float, classes: Iterable[int] | None = None
) -> np.ndarray:
    """Per-class linear blend `alpha·a + (1-alpha)·b` (SEAN-style), on all or chosen classes."""
    if a.shape != b.shape:
        raise EngineError(f"cannot blend style sets of shapes {a.shape} and {b.shape}")
    out = a.copy()
    rows = slice(None) if classes is None else _check_classes(classes, a.shape[0])
    out[rows] = alpha * a[rows] + (1.0 - alpha) * b[rows]
    return out.astype(np.float32)


def present_classes(labels: np.ndarray) -> frozenset[int]:
    return frozenset(int(c) for c in np.unique(labels))
