"""Style sources: where each class's style token comes from — the model's typical style, a
random seed, a named look, a reference photo, a library style, or a blend of two sources by an
amount. The document keeps sources only; tokens are stored just where a source cannot be
derived again (a reference photo's tokens, a library style, an old project's mix). The render
engine turns sources into tokens (`engine.styles.StyleResolver`), and nothing else does."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class SourceKind(StrEnum):
    TYPICAL = "typical"
    RANDOM = "random"
    REFERENCE = "reference"
    MIXED = "mixed"  # stored tokens of unknown origin (a blend saved before format 3)
    LIBRARY = "library"
    LOOK = "look"  # a named look of the model's look bank (clear day, night, …)
    BLEND = "blend"  # (1 - amount) · start + amount · target, per class


STORED = frozenset({SourceKind.REFERENCE, SourceKind.MIXED, SourceKind.LIBRARY})
MAX_BLEND_DEPTH = 8  # blends of blends nest at most this deep (deeper ones are frozen)


@dataclass(frozen=True, slots=True)
class StyleSource:
    """Where a class's style comes from: `seed` for random styles; `name` for a reference,
    a library entry or a look; `parts` (start, target) and `amount` for a blend. Stored kinds
    carry their tokens (float32 bytes, `width` values a token): one token for any class, or
    one per class (NaN where the source has none, e.g. a class the reference photo lacks)."""

    kind: SourceKind = SourceKind.TYPICAL
    seed: int | None = None
    name: str = ""
    tokens: bytes = b""
    width: int = 0
    parts: tuple[StyleSource, ...] = ()
    amount: float = 0.0

    @classmethod
    def stored(cls, kind: SourceKind, name: str, tokens: np.ndarray) -> StyleSource:
        """A reference, library or mixed source with its tokens ((1 or classes) x width)."""
        array = np.ascontiguousarray(tokens, np.float32)
        if kind not in STORED or array.ndim != 2:
            raise ValueError(f"{kind.value} sources do not carry {array.shape} tokens")
        return cls(kind, name=name, tokens=array.tobytes(), width=array.shape[1])

    @classmethod
    def blend(cls, start: StyleSource, target: StyleSource, amount: float) -> StyleSource:
        return cls(SourceKind.BLEND, parts=(start, target), amount=float(amount))

    def stored_tokens(self) -> np.ndarray | None:
        """The carried tokens, read-only ((1 or classes) x width), or None."""
        if not self.tokens:
            return None
        return np.frombuffer(self.tokens, np.float32).reshape(-1, self.width)

    def token_for(self, class_id: int) -> np.ndarray | None:
        """Class `class_id`'s stored token (None if the source has none for it)."""
        tokens = self.stored_tokens()
        if tokens is None or (len(tokens) > 1 and class_id >= len(tokens)):
            return None
        token = tokens[0 if len(tokens) == 1 else class_id]
        return None if bool(np.isnan(token).any()) else token

    @property
    def depth(self) -> int:
        """How deep blends nest in this source (0 for a plain one)."""
        return 1 + max(p.depth for p in self.parts) if self.parts else 0

    def leaves(self) -> Iterator[StyleSource]:
        """The plain sources a blend is made of (the source itself when plain)."""
        if not self.parts:
            yield self
        for part in self.parts:
            yield from part.leaves()

    def describe(self) -> str:
        if self.kind is SourceKind.RANDOM:
            return f"random #{self.seed}"
        if self.kind in (SourceKind.REFERENCE, SourceKind.LIBRARY, SourceKind.LOOK):
            return f"{self.kind.value} {self.name}".strip()
        if self.kind is SourceKind.BLEND:
            start, target = self.parts
            return f"{start.describe()} + {round(self.amount * 100)} % {target.describe()}"
        if self.kind is SourceKind.MIXED:
            return self.name or "mixed"
        return "typical"


TYPICAL = StyleSource()


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference image at the model's size with its labels (given or from the segmenter)."""

    name: str
    image: np.ndarray
    labels: np.ndarray


class ClassStyles:
    """Each class's style source and which classes are locked against rerolls. Mutated only
    by commands (see `core.commands.SetStyles`)."""

    def __init__(self, num_classes: int) -> None:
        self.num_classes = num_classes
        self.sources = [TYPICAL] * num_classes
        self.locked: set[int] = set()

    def unlocked(self, classes: Iterable[int]) -> list[int]:
        return [c for c in classes if c not in self.locked]

    def widths(self) -> set[int]:
        """The token widths of the stored tokens (empty when nothing is stored)."""
        return {leaf.width for s in self.sources for leaf in s.leaves() if leaf.tokens}


def with_typical(tokens: np.ndarray | None, typical: np.ndarray) -> np.ndarray:
    """`tokens` with their NaN ones, or all of them when None, taken from `typical` (the
    model's typical style for the same classes)."""
    if tokens is None:
        return typical.astype(np.float32)
    stored = ~np.isnan(tokens).any(axis=1)
    return np.where(stored[:, None], tokens, typical).astype(np.float32)
