"""Immutable render requests and results passed between the GUI and the render worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from casa_studio.core.document import Document


@dataclass(frozen=True, slots=True)
class RenderRequest:
    """A read-only copy of what the image depends on, tagged with the document revision."""

    labels: np.ndarray
    seed: int | None  # None: the model's typical styles
    revision: int
    attention: bool = False

    @classmethod
    def from_document(cls, doc: Document, attention: bool = False) -> RenderRequest:
        labels = doc.labels().copy()
        labels.flags.writeable = False
        return cls(labels, doc.seed, doc.revision, attention)


@dataclass(frozen=True, slots=True)
class RenderResult:
    image: np.ndarray
    revision: int
    seconds: float
    device: str
    attention: np.ndarray | None = None  # (classes, H, W) when asked for


class Renderer(Protocol):
    label: str
    devices: tuple[str, ...]  # devices this machine offers (auto and cpu always)
    model_sha256: str

    def render(self, request: RenderRequest) -> RenderResult: ...
