"""The document's results history (like Krita AI Diffusion's): the last renders, each a
thumbnail with its recipe — every class's style source (seeds, looks, references) and the
guidance. One entry per recipe: a render with the newest entry's recipe (a stroke since) only
refreshes its picture. Bounded in count; thumbnails are at most THUMB px a side."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from casa_studio.core.palette import Palette
from casa_studio.core.styles import StyleSource

MAX_RESULTS = 16
THUMB = 256  # longest side of a kept picture


@dataclass(frozen=True, slots=True)
class Result:
    image: np.ndarray  # (h, w, 3) uint8, at most THUMB a side
    sources: tuple[StyleSource, ...]  # one per class
    locality: float
    seconds: float = 0.0

    def same_recipe(self, sources: tuple[StyleSource, ...], locality: float) -> bool:
        return self.sources == sources and self.locality == locality

    def summary(self, present: Collection[int]) -> str:
        """One line: the shared source of the classes shown, else how many differ."""
        shown = [self.sources[c].describe() for c in sorted(present) if c < len(self.sources)]
        kinds = sorted(set(shown))
        what = kinds[0] if len(kinds) == 1 else f"{len(kinds)} styles"
        return f"{what} · guidance {self.locality:g}"

    def recipe_lines(self, palette: Palette, present: Collection[int]) -> list[str]:
        lines = [
            f"{palette.classes[c].name}: {self.sources[c].describe()}"
            for c in sorted(present)
            if c < len(self.sources)
        ]
        return [*lines, f"guidance {self.locality:g}"]


@dataclass
class ResultsHistory:
    entries: list[Result] = field(default_factory=list)  # oldest first

    def record(self, result: Result) -> bool:
        """Keep `result`: it replaces the newest entry when the recipe is the same (True only
        for a new entry); the oldest go past MAX_RESULTS."""
        if self.entries and self.entries[-1].same_recipe(result.sources, result.locality):
            self.entries[-1] = result
            return False
        self.entries = [*self.entries, result][-MAX_RESULTS:]
        return True

    def nbytes(self) -> int:
        return sum(r.image.nbytes for r in self.entries)
