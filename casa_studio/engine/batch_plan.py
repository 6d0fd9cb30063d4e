"""Batch export without torch: the options, the summary, file-name patterns and source lists,
shared by the CLI, the engine and the GUI's batch dialog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter

from casa_studio.engine.errors import EngineError

DEFAULT_PATTERN = "{source}_{variant}"


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What a batch export makes of each source, as `casa-studio batch` flags and the batch
    dialog's controls choose it: `seeds` random-style variants (seeds 1, 2, …), or with `own`
    one image in the source's own styles, or one per style reference in the folder `styles`
    (images/ + labels/), or one per look of `looks`; files named by `pattern`; images through
    the model `batch_size` at a time (None: 8 on a GPU, 1 on a CPU) with the attention guidance
    `locality`. Checked when made: a bad option is an EngineError before anything renders."""

    seeds: int = 1
    own: bool = False
    styles: Path | None = None
    looks: tuple[str, ...] | None = None
    pattern: str = DEFAULT_PATTERN
    batch_size: int | None = None
    locality: float | None = None  # None: the model's default

    def __post_init__(self) -> None:
        check_pattern(self.pattern)
        if self.batch_size is not None and self.batch_size < 1:
            raise EngineError(f"the batch size must be at least 1, got {self.batch_size}")
        if self.seeds < 1:
            raise EngineError(f"the number of seeds must be at least 1, got {self.seeds}")
        if self.looks is not None and self.styles is not None:
            raise EngineError("looks and style references each choose the variants: give one")

    def per_source(self, references: int) -> int:
        """Images per source: one per look, one per style reference (`references` of them),
        one in the own styles, or `seeds`."""
        if self.looks is not None:
            return len(self.looks)
        if self.styles is not None:
            return references
        return 1 if self.own else self.seeds


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


def look_slug(name: str) -> str:
    """A look's name in file names: 'golden hour' -> 'golden-hour'."""
    return "-".join(name.split())


def choose_looks(text: str, known: Sequence[str]) -> tuple[str, ...]:
    """'all', or comma-separated look names (or their file-name forms), in the given order."""
    if text.strip() == "all":
        chosen = list(known)
    else:
        by_slug = {look_slug(n): n for n in known}
        chosen = [by_slug.get(look_slug(p), p.strip()) for p in text.split(",") if p.strip()]
    unknown = [n for n in chosen if n not in known]
    if unknown or not chosen:
        listed = ", ".join(known) or "none: the model has no look bank"
        named = ", ".join(unknown) or repr(text)
        raise EngineError(f"unknown look(s) {named} (known: {listed})")
    return tuple(chosen)
