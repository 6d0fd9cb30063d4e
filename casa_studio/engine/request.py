"""Immutable render requests and results passed between the GUI and the render worker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from casa_studio.core.document import Document
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import StyleSource
from casa_studio.engine.jobs import Job

# Attention guidance towards the painted mask (0 = the paper's forward, styles routed freely).
# The default trades locality of per-class edits against colour fidelity and random styles,
# measured on the bundled model (models/landscape-slim/MODEL_CARD.md, "Locality guidance"):
# on 30 held-out scenes, 0 → 4 takes locality from 0.55 to 0.72 and segmenter mIoU up; 8
# reaches 0.80 but shifts reconstructed colours by half again and breaks random styles.
DEFAULT_LOCALITY = 4.0
LOCALITY_KEY = "locality"  # document view setting, in hundredths (view values are int or str)


def document_locality(doc: Document) -> float:
    """The document's locality guidance: its saved view setting, else the default."""
    value = doc.view.get(LOCALITY_KEY)
    return value / 100 if isinstance(value, int) and value >= 0 else DEFAULT_LOCALITY


def set_document_locality(doc: Document, locality: float) -> None:
    """Store a locality guidance in the document's view settings (saved, not undone)."""
    doc.view[LOCALITY_KEY] = round(locality * 100)


@dataclass(frozen=True, slots=True)
class RenderRequest:
    """A read-only copy of what the image depends on, tagged with the document revision."""

    labels: np.ndarray
    styles: tuple[StyleSource, ...]  # one per class; the renderer derives their tokens
    revision: int
    attention: bool = False
    shapes: tuple[ShapeEdit, ...] = ()
    locality: float = 0.0  # attention guidance towards the painted mask; 0: paper's forward

    @classmethod
    def from_document(cls, doc: Document, attention: bool = False) -> RenderRequest:
        labels = doc.labels().copy()
        labels.flags.writeable = False
        return cls(
            labels,
            tuple(doc.styles.sources),
            doc.revision,
            attention,
            doc.shapes,
            document_locality(doc),
        )


@dataclass(frozen=True, slots=True)
class RenderResult:
    image: np.ndarray
    revision: int
    seconds: float
    device: str
    attention: np.ndarray | None = None  # (classes, H, W) when asked for
    tokens: np.ndarray | None = None  # classes x token_dim: the style tokens the image used


@dataclass(frozen=True, slots=True)
class RendererInfo:
    """What the editor learns once the model is loaded."""

    label: str  # device, as shown to the user
    devices: tuple[str, ...]  # devices this machine offers (auto and cpu always)
    model_sha256: str
    typical: np.ndarray  # classes x token_dim: the model's typical style (its default look)
    has_mapping: bool  # random styles possible (a style bank or a mapping network)
    has_segmenter: bool  # reference photos can be labelled automatically
    looks: Mapping[str, np.ndarray] = field(default_factory=dict)  # name -> classes x token_dim
    fit_steps: int = 0  # steps fitting a reference's styles to its colours (0: the paper's path)


class Renderer(Protocol):
    info: RendererInfo

    def render(self, request: RenderRequest) -> RenderResult: ...

    def run(self, job: Job) -> object: ...
