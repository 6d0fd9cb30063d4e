"""Palette: the classes a document paints with (id, name, colour) and the colour lookup."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from casa_studio.core.labels import UNSET


@dataclass(frozen=True, slots=True)
class ClassInfo:
    id: int
    name: str
    color: tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Palette:
    classes: tuple[ClassInfo, ...]

    @classmethod
    def from_entries(cls, entries: list[tuple[int, str, tuple[int, int, int]]]) -> Palette:
        return cls(tuple(ClassInfo(i, n, c) for i, n, c in entries))

    def __len__(self) -> int:
        return len(self.classes)

    def lut(self) -> np.ndarray:
        """(256, 3) uint8: class colours, UNSET as mid grey, other ids magenta."""
        table = np.tile(np.array([255, 0, 255], np.uint8), (256, 1))
        for c in self.classes:
            table[c.id] = c.color
        table[UNSET] = (128, 128, 128)
        return table

    def colorize(self, labels: np.ndarray) -> np.ndarray:
        return np.asarray(self.lut()[labels], np.uint8)

    def find(self, text: str) -> list[ClassInfo]:
        needle = text.strip().lower()
        return [c for c in self.classes if needle in c.name.lower() or needle == str(c.id)]
