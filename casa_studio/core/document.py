"""Document: palette, layers, per-class styles, shape edits and history; every edit goes
through `execute` and is announced with `changed(Change)`, so views and the live render follow."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import numpy as np

from casa_studio.core.events import Signal
from casa_studio.core.history import History
from casa_studio.core.labels import UNSET, Box, composite
from casa_studio.core.layers import Layer
from casa_studio.core.palette import Palette
from casa_studio.core.results import ResultsHistory
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import ClassStyles, Reference

# One counter for every document of the process: a render of a closed document can never
# look newer than one of the document that replaced it.
_REVISIONS = itertools.count()


class ChangeKind(Enum):
    """What part of the document an edit touched."""

    PIXELS = "pixels"
    LAYERS = "layers"
    PROPS = "props"  # layer properties: name, opacity, visibility, lock
    STYLES = "styles"
    LOCKS = "locks"  # style locks against rerolls
    SHAPES = "shapes"
    HISTORY = "history"  # undo stack moved, nothing else


@dataclass(frozen=True, slots=True)
class Change:
    """What an edit touched: `kind`, the dirty box of pixels (None = everything) and whether
    the generated image depends on it."""

    kind: ChangeKind
    box: Box | None = None
    render: bool = True


class Command(Protocol):
    """An undoable edit: `redo` and `undo` say what they touched."""

    text: str

    def redo(self, doc: Document) -> Change: ...

    def undo(self, doc: Document) -> Change: ...

    def nbytes(self) -> int: ...


class Document:
    """Owned by the GUI thread; the render worker only ever sees copies."""

    def __init__(self, palette: Palette, layers: list[Layer], *, background: int = 0) -> None:
        if not layers:
            raise ValueError("a document needs at least one layer")
        self.palette = palette
        self.layers = layers
        self.background = background
        self.active = len(layers) - 1
        self.styles = ClassStyles(len(palette))
        self.shapes: tuple[ShapeEdit, ...] = ()
        self.view: dict[str, str | int] = {}  # how the project was shown (saved, not undone)
        self.reference: Reference | None = None  # the style reference (saved, not undone)
        self.results = ResultsHistory()  # the last renders and their recipes (saved, not undone)
        self.history: History[Command] = History()
        self.revision = next(_REVISIONS)
        self.changed = Signal()
        self._composite: tuple[int, np.ndarray] | None = None

    @classmethod
    def new(cls, palette: Palette, size: tuple[int, int], fill: int = 0) -> Document:
        """A background layer filled with class `fill` and an empty layer to paint on."""
        base = Layer("Background", np.full(size, fill, np.uint8))
        return cls(palette, [base, Layer.empty("Layer 1", size)], background=fill)

    @classmethod
    def from_labels(cls, palette: Palette, labels: np.ndarray) -> Document:
        base = Layer("Labels", labels.astype(np.uint8))
        return cls(palette, [base, Layer.empty("Layer 1", labels.shape)])

    @property
    def size(self) -> tuple[int, int]:
        h, w = self.layers[0].pixels.shape
        return h, w

    @property
    def active_layer(self) -> Layer:
        return self.layers[self.active]

    def index_of(self, uid: str) -> int:
        for i, layer in enumerate(self.layers):
            if layer.uid == uid:
                return i
        raise KeyError(uid)

    def layer(self, uid: str) -> Layer:
        return self.layers[self.index_of(uid)]

    def present(self) -> list[int]:
        """Class ids with pixels in the composite, ascending."""
        return [int(c) for c in np.flatnonzero(np.bincount(self.labels().ravel(), minlength=256))]

    def labels(self) -> np.ndarray:
        """The composite of the visible layers (cached per revision; do not modify)."""
        if self._composite is None or self._composite[0] != self.revision:
            visible = [layer.pixels for layer in self.layers if layer.visible]
            labels = composite(visible or [np.full(self.size, UNSET, np.uint8)], self.background)
            self._composite = (self.revision, labels)
        return self._composite[1]

    # --- editing --------------------------------------------------------------------------

    def _announce(self, change: Change) -> None:
        self.revision = next(_REVISIONS)
        self.changed.emit(change)

    def execute(self, command: Command) -> None:
        change = command.redo(self)
        self.history.record(command)
        self._announce(change)

    # --- gestures: a stroke or a slider drag is one undo step ------------------------------

    @contextmanager
    def gesture(self, text: str) -> Iterator[None]:
        """Everything executed inside is one undo step named `text` (none if nothing
        changed); `preview` inside replaces the gesture's newest command. An exception takes
        the gesture back."""
        self.begin(text)
        try:
            yield
        except BaseException:
            self.abort()
            raise
        self.end()

    @property
    def in_gesture(self) -> bool:
        return self.history.open is not None

    def begin(self, text: str) -> None:
        """Open a gesture (across events, as a brush stroke); `gesture` is the usual form."""
        if self.in_gesture:
            self.end()  # gestures never nest: an unfinished one keeps its own step
        self.history.begin(text)

    def preview(self, command: Command | None) -> None:
        """Inside a gesture: take back its newest command and run `command` (if any)
        instead, so a live preview (a slider or a transform being dragged) stays one command."""
        group = self.history.open
        if group is not None and group.commands:
            self._announce(group.commands.pop().undo(self))
        if command is not None:
            self.execute(command)

    def end(self) -> None:
        self.history.end()
        self._announce(Change(ChangeKind.HISTORY, render=False))

    def abort(self) -> None:
        """Undo and forget the open gesture (Esc during a stroke)."""
        group = self.history.open
        if group is None:
            return
        for command in reversed(group.commands):
            self._announce(command.undo(self))
        self.history.take_open()
        self._announce(Change(ChangeKind.HISTORY, render=False))

    def undo(self) -> bool:
        step = self.history.undo_step()
        if step is None:
            return False
        for command in reversed(step.commands):
            self._announce(command.undo(self))
        return True

    def redo(self) -> bool:
        step = self.history.redo_step()
        if step is None:
            return False
        for command in step.commands:
            self._announce(command.redo(self))
        return True

    @property
    def modified(self) -> bool:
        return not self.history.is_clean
