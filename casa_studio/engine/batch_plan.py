"""Batch export without torch: the summary, file-name patterns and source lists, shared by
the CLI, the engine and the GUI's batch dialog."""

from __future__ import annotations

from collections.abc import Sized
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter

from casa_studio.engine.errors import EngineError

DEFAULT_PATTERN = "{source}_{variant}"


@dataclass
class BatchSummary:
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    cancelled: bool = False


def expand_sources(paths: list[Path]) -> list[Path]:
    """Folders become the `.casa` projects and `.png` label maps in them, by name."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in (".casa", ".png"))
        else:
            files.append(path)
    return files


def check_pattern(pattern: str) -> str:
    """File names come from `{source}` (the source's name), `{variant}` (own, seed3, a
    reference's name) and `{n}` (a running number); each name must be distinct."""
    try:
        name = pattern.format(source="a", variant="b", n=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise EngineError(
            f"naming pattern '{pattern}': use {{source}}, {{variant}} and {{n}} ({exc})"
        ) from None
    fields = {f for _text, f, _spec, _conv in Formatter().parse(pattern) if f}
    distinct = "n" in fields or {"source", "variant"} <= fields
    if not distinct or not name or any(c in name for c in '/\\:*?"<>|'):
        raise EngineError(
            f"naming pattern '{pattern}' must give each file its own name without folders: "
            "use {n}, or {source} and {variant}"
        )
    return pattern


def variant_count(seeds: int, own: bool, styles: Sized | None) -> int:
    """Images per source: one per style reference, one in the own styles, or `seeds`."""
    return len(styles) if styles is not None else 1 if own else seeds
