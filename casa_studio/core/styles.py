"""Style bank: one style token per class (classes x token_dim float32) with where each came
from, and which classes are locked against rerolls. NaN rows stand for the model's typical
style (its default look), which only the render engine knows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np


class SourceKind(StrEnum):
    TYPICAL = "typical"
    RANDOM = "random"
    REFERENCE = "reference"
    MIXED = "mixed"
    LIBRARY = "library"
    LOOK = "look"  # a named look of the model's style bank (clear day, night, …)


@dataclass(frozen=True, slots=True)
class StyleSource:
    """Where a class's style came from: `seed` for random styles, `name` for a reference
    image, a library entry or a look."""

    kind: SourceKind = SourceKind.TYPICAL
    seed: int | None = None
    name: str = ""

    def describe(self) -> str:
        if self.kind is SourceKind.RANDOM:
            return f"random #{self.seed}"
        if self.kind in (SourceKind.REFERENCE, SourceKind.LIBRARY, SourceKind.LOOK):
            return f"{self.kind.value} {self.name}".strip()
        if self.kind is SourceKind.MIXED:
            return self.name or "mixed"  # a blend names what it mixes: "random #3 + 60 % typical"
        return "typical"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "seed": self.seed, "name": self.name}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StyleSource:
        seed = data.get("seed")
        return cls(SourceKind(data["kind"]), None if seed is None else int(seed), str(data["name"]))


TYPICAL = StyleSource()


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference image at the model's size with its labels (given or from the segmenter)."""

    name: str
    image: np.ndarray
    labels: np.ndarray


class StyleBank:
    """Mutated only by commands (see `core.commands.SetStyles`)."""

    def __init__(self, num_classes: int) -> None:
        self.num_classes = num_classes
        self.tokens: np.ndarray | None = None  # created with the first concrete row
        self.sources = [TYPICAL] * num_classes
        self.locked: set[int] = set()

    def rows(self, classes: Iterable[int]) -> np.ndarray | None:
        """A copy of the chosen rows (None while every row is typical)."""
        return None if self.tokens is None else self.tokens[list(classes)].copy()

    def put(self, classes: list[int], rows: np.ndarray | None) -> None:
        """Set rows; None makes them typical."""
        if rows is None:
            if self.tokens is not None:
                self.tokens[classes] = np.nan
            return
        if self.tokens is None or self.tokens.shape[1] != rows.shape[1]:
            self.tokens = np.full((self.num_classes, rows.shape[1]), np.nan, np.float32)
        self.tokens[classes] = rows

    def snapshot(self) -> np.ndarray | None:
        """A read-only copy for a render request."""
        if self.tokens is None:
            return None
        copy = self.tokens.copy()
        copy.flags.writeable = False
        return copy

    def unlocked(self, classes: Iterable[int]) -> list[int]:
        return [c for c in classes if c not in self.locked]


def with_typical(rows: np.ndarray | None, typical: np.ndarray) -> np.ndarray:
    """`rows` with their typical (NaN) rows, or all of them when None, taken from `typical`
    (the model's typical style for the same classes)."""
    if rows is None:
        return typical.astype(np.float32)
    stored = ~np.isnan(rows).any(axis=1)
    return np.where(stored[:, None], rows, typical).astype(np.float32)


def unresolved(
    tokens: np.ndarray | None, sources: Sequence[StyleSource], kind: SourceKind
) -> list[int]:
    """Classes whose source is of `kind` but whose row is not stored: the engine derives
    those rows again from the source (a seed, a look's name)."""
    return [
        c
        for c, s in enumerate(sources)
        if s.kind is kind
        and (s.seed is not None or kind is not SourceKind.RANDOM)
        and (tokens is None or bool(np.isnan(tokens[c]).any()))
    ]


def unresolved_random(
    tokens: np.ndarray | None, sources: Sequence[StyleSource]
) -> tuple[list[int], list[int]]:
    """Classes with a random source but no stored row (a format-1 project), and their seeds:
    the engine recomputes those rows from the seeds."""
    missing = unresolved(tokens, sources, SourceKind.RANDOM)
    return missing, [int(sources[c].seed or 0) for c in missing]
