"""Layers of label pixels (UNSET shows what is below), composited bottom to top."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np

from casa_studio.core.labels import UNSET


def new_uid() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class Layer:
    """One layer; `opacity` is for display only, never for the label values."""

    name: str
    pixels: np.ndarray
    uid: str = field(default_factory=new_uid)
    visible: bool = True
    locked: bool = False
    opacity: float = 1.0

    @classmethod
    def empty(cls, name: str, shape: tuple[int, int]) -> Layer:
        return cls(name, np.full(shape, UNSET, np.uint8))

    def copy(self, name: str | None = None) -> Layer:
        return Layer(
            name or self.name,
            self.pixels.copy(),
            new_uid(),
            self.visible,
            self.locked,
            self.opacity,
        )
