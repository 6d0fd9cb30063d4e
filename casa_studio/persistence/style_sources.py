"""Style sources in a `.casa` file: each class's source as a manifest entry (blends nest
their two parts), and the tokens of stored sources (reference tokens, library styles) in one
array of `styles.safetensors`, each stored source naming its rows `[first, count]` there —
shared tokens (one reference for many classes) are written once."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from casa_studio.core.styles import STORED, SourceKind, StyleSource
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.manifest import SourceEntry


class TokenTable:
    """Collects stored tokens while sources are written; `array()` is the file's content."""

    def __init__(self) -> None:
        self._at: dict[bytes, tuple[int, int]] = {}
        self._blocks: list[np.ndarray] = []
        self._rows = 0

    def rows_of(self, source: StyleSource) -> list[int]:
        if source.tokens not in self._at:
            block = source.stored_tokens()
            assert block is not None
            self._at[source.tokens] = (self._rows, len(block))
            self._blocks.append(block)
            self._rows += len(block)
        return list(self._at[source.tokens])

    def array(self) -> np.ndarray | None:
        return np.concatenate(self._blocks).astype(np.float32) if self._blocks else None


def source_entry(source: StyleSource, table: TokenTable) -> SourceEntry:
    blend = source.kind is SourceKind.BLEND
    rows = table.rows_of(source) if source.kind in STORED else None
    return SourceEntry(
        kind=source.kind,
        seed=source.seed,
        name=source.name,
        amount=source.amount if blend else 0.0,
        parts=[source_entry(p, table) for p in source.parts] if blend else [],
        rows=None if rows is None else (rows[0], rows[1]),
    )


def read_source(entry: SourceEntry, tokens: np.ndarray | None, classes: int) -> StyleSource:
    """The source an entry describes; its rows must lie in `tokens` and be one or one per
    class."""
    if entry.kind is SourceKind.BLEND:
        start, target = (read_source(p, tokens, classes) for p in entry.parts)
        return StyleSource.blend(start, target, entry.amount)
    if entry.kind not in STORED:
        return StyleSource(entry.kind, entry.seed, entry.name)
    assert entry.rows is not None  # the schema asks stored kinds for rows
    first, count = entry.rows
    if tokens is None or first + count > len(tokens) or count not in (1, classes):
        raise PersistenceError(
            f"style source '{entry.name}': rows {first}..{first + count - 1} are not one token "
            f"or one per class in the stored tokens"
        )
    return StyleSource.stored(entry.kind, entry.name, tokens[first : first + count])


def read_sources(
    entries: Sequence[SourceEntry], tokens: np.ndarray | None, classes: int
) -> list[StyleSource]:
    return [read_source(e, tokens, classes) for e in entries]
