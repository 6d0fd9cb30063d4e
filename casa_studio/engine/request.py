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
# Its default is the model's (`GeneratorConfig.default_locality`): a document that never set
# its own renders with the default of whichever model renders it.
LOCALITY_KEY = "locality"  # document view setting, in hundredths (view values are int or str)


def document_locality(doc: Document) -> float | None:
    """The document's own locality guidance (its saved view setting), None for the model's."""
    value = doc.view.get(LOCALITY_KEY)
    return value / 100 if isinstance(value, int) and value >= 0 else None


def set_document_locality(doc: Document, locality: float | None) -> None:
    """Store a locality guidance in the document's view settings (saved, not undone); None
    goes back to the model's default."""
    if locality is None:
        doc.view.pop(LOCALITY_KEY, None)
    else:
        doc.view[LOCALITY_KEY] = round(locality * 100)


@dataclass(frozen=True, slots=True)
class RenderRequest:
    """A read-only copy of what the image depends on, tagged with the document revision."""

    labels: np.ndarray
    styles: tuple[StyleSource, ...]  # one per class; the renderer derives their tokens
    revision: int
    attention: bool = False
    shapes: tuple[ShapeEdit, ...] = ()
    locality: float | None = None  # attention guidance towards the painted mask; None: the
    # model's default, 0: the paper's forward
    fast: bool = False  # the fast path's picture is welcome; the worker then renders exactly

    @classmethod
    def from_document(
        cls, doc: Document, attention: bool = False, *, fast: bool = False
    ) -> RenderRequest:
        labels = doc.labels().copy()
        labels.flags.writeable = False
        return cls(
            labels,
            tuple(doc.styles.sources),
            doc.revision,
            attention,
            doc.shapes,
            document_locality(doc),
            fast,
        )


@dataclass(frozen=True, slots=True)
class RenderResult:
    image: np.ndarray
    revision: int
    seconds: float
    device: str
    attention: np.ndarray | None = None  # (classes, H, W) when asked for
    tokens: np.ndarray | None = None  # classes x token_dim: the style tokens the image used
    exact: bool = True  # False: the fast path's picture (an exact one follows)


@dataclass(frozen=True, slots=True)
class RendererInfo:
    """What the editor learns once the model is loaded."""

    label: str  # device, as shown to the user
    devices: tuple[str, ...]  # devices this machine offers (auto and cpu always)
    model_sha256: str
    typical: np.ndarray  # classes x token_dim: the model's typical style (its default look)
    has_random: bool  # random styles possible (a look bank or a mapping network)
    has_segmenter: bool  # reference photos can be labelled automatically
    default_locality: float  # the guidance a document that sets none renders with
    looks: Mapping[str, np.ndarray] = field(default_factory=dict)  # name -> classes x token_dim
    fit_steps: int = 0  # steps fitting a reference's styles to its colours (0: the paper's path)


class Renderer(Protocol):
    info: RendererInfo

    def render(self, request: RenderRequest) -> RenderResult: ...

    def run(self, job: Job) -> object: ...
