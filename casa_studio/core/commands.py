"""Undoable edits. Pixel edits keep only their bounding box: the mask and the old values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from casa_studio.core.document import Change, ChangeKind, Document
from casa_studio.core.labels import UNSET, Box, mask_box
from casa_studio.core.layers import Layer
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import StyleSource


@dataclass
class PaintPixels:
    """Set the masked pixels of one layer to `value` (a class id, or UNSET to erase)."""

    layer_uid: str
    box: Box
    mask: np.ndarray
    value: int
    text: str = "Paint"
    old: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def from_mask(
        cls, layer: Layer, mask: np.ndarray, value: int, text: str = "Paint"
    ) -> PaintPixels | None:
        """None when the mask changes nothing."""
        mask = mask & (layer.pixels != value)
        box = mask_box(mask)
        if box is None:
            return None
        y0, x0, y1, x1 = box
        return cls(layer.uid, box, mask[y0:y1, x0:x1].copy(), value, text)

    def _region(self, doc: Document) -> np.ndarray:
        y0, x0, y1, x1 = self.box
        return doc.layer(self.layer_uid).pixels[y0:y1, x0:x1]

    def redo(self, doc: Document) -> Change:
        region = self._region(doc)
        if self.old is None:
            self.old = region[self.mask]
        region[self.mask] = self.value
        return Change(ChangeKind.PIXELS, self.box)

    def undo(self, doc: Document) -> Change:
        assert self.old is not None
        self._region(doc)[self.mask] = self.old
        return Change(ChangeKind.PIXELS, self.box)

    def nbytes(self) -> int:
        return self.mask.nbytes + (self.old.nbytes if self.old is not None else 0)


@dataclass
class ReplacePixels:
    """Write `values` into the `box` of one layer (a reshaped object)."""

    layer_uid: str
    box: Box
    values: np.ndarray
    text: str = "Reshape"
    old: np.ndarray | None = field(default=None, repr=False)

    def _region(self, doc: Document) -> np.ndarray:
        y0, x0, y1, x1 = self.box
        return doc.layer(self.layer_uid).pixels[y0:y1, x0:x1]

    def redo(self, doc: Document) -> Change:
        region = self._region(doc)
        self.old = region.copy()
        region[...] = self.values
        return Change(ChangeKind.PIXELS, self.box)

    def undo(self, doc: Document) -> Change:
        assert self.old is not None
        self._region(doc)[...] = self.old
        return Change(ChangeKind.PIXELS, self.box)

    def nbytes(self) -> int:
        return 2 * self.values.nbytes


@dataclass
class AddLayer:
    """Insert `layer` at `index` (a new, duplicated or re-inserted layer)."""

    layer: Layer
    index: int
    text: str = "Add layer"

    def redo(self, doc: Document) -> Change:
        doc.layers.insert(self.index, self.layer)
        doc.active = self.index
        return Change(ChangeKind.LAYERS)

    def undo(self, doc: Document) -> Change:
        doc.layers.pop(self.index)
        doc.active = min(doc.active, len(doc.layers) - 1)
        return Change(ChangeKind.LAYERS)

    def nbytes(self) -> int:
        return self.layer.pixels.nbytes


@dataclass
class RemoveLayer:
    index: int
    text: str = "Delete layer"
    removed: Layer | None = None

    def redo(self, doc: Document) -> Change:
        self.removed = doc.layers.pop(self.index)
        doc.active = max(min(self.index, len(doc.layers) - 1), 0)
        return Change(ChangeKind.LAYERS)

    def undo(self, doc: Document) -> Change:
        assert self.removed is not None
        doc.layers.insert(self.index, self.removed)
        doc.active = self.index
        return Change(ChangeKind.LAYERS)

    def nbytes(self) -> int:
        return self.removed.pixels.nbytes if self.removed is not None else 0


@dataclass
class MoveLayer:
    source: int
    target: int
    text: str = "Move layer"

    def _move(self, doc: Document, a: int, b: int) -> Change:
        doc.layers.insert(b, doc.layers.pop(a))
        doc.active = b
        return Change(ChangeKind.LAYERS)

    def redo(self, doc: Document) -> Change:
        return self._move(doc, self.source, self.target)

    def undo(self, doc: Document) -> Change:
        return self._move(doc, self.target, self.source)

    def nbytes(self) -> int:
        return 0


@dataclass
class SetLayerProps:
    """Change name / visible / locked / opacity of one layer."""

    layer_uid: str
    changes: dict[str, Any]
    text: str = "Layer properties"
    before: dict[str, Any] = field(default_factory=dict)

    def _apply(self, doc: Document, values: dict[str, Any]) -> Change:
        layer = doc.layer(self.layer_uid)
        for key, value in values.items():
            setattr(layer, key, value)
        return Change(ChangeKind.PROPS, render="visible" in values)

    def redo(self, doc: Document) -> Change:
        layer = doc.layer(self.layer_uid)
        self.before = {k: getattr(layer, k) for k in self.changes}
        return self._apply(doc, self.changes)

    def undo(self, doc: Document) -> Change:
        return self._apply(doc, self.before)

    def nbytes(self) -> int:
        return 0


@dataclass
class MergeDown:
    """Paint layer `index` onto the one below (its set pixels win) and remove it."""

    index: int
    text: str = "Merge down"
    removed: Layer | None = None
    below_before: np.ndarray | None = None

    def redo(self, doc: Document) -> Change:
        upper, lower = doc.layers[self.index], doc.layers[self.index - 1]
        self.below_before = lower.pixels.copy()
        np.copyto(lower.pixels, upper.pixels, where=upper.pixels != UNSET)
        self.removed = doc.layers.pop(self.index)
        doc.active = self.index - 1
        return Change(ChangeKind.LAYERS)

    def undo(self, doc: Document) -> Change:
        assert self.removed is not None and self.below_before is not None
        doc.layers[self.index - 1].pixels[...] = self.below_before
        doc.layers.insert(self.index, self.removed)
        doc.active = self.index
        return Change(ChangeKind.LAYERS)

    def nbytes(self) -> int:
        return 0 if self.below_before is None else 2 * self.below_before.nbytes


@dataclass
class SetStyles:
    """Give `classes` new style sources (the render engine derives their tokens)."""

    classes: tuple[int, ...]
    sources: tuple[StyleSource, ...]
    text: str = "Change styles"
    before: tuple[StyleSource, ...] = field(default=(), repr=False)

    def _apply(self, doc: Document, sources: tuple[StyleSource, ...]) -> Change:
        for c, source in zip(self.classes, sources, strict=True):
            doc.styles.sources[c] = source
        return Change(ChangeKind.STYLES)

    def redo(self, doc: Document) -> Change:
        self.before = tuple(doc.styles.sources[c] for c in self.classes)
        return self._apply(doc, self.sources)

    def undo(self, doc: Document) -> Change:
        return self._apply(doc, self.before)

    def nbytes(self) -> int:
        return sum(len(s.tokens) for s in (*self.sources, *self.before))


@dataclass
class SetLocked:
    """Lock classes against rerolls (or unlock them)."""

    classes: tuple[int, ...]
    locked: bool
    text: str = "Lock styles"
    before: frozenset[int] = frozenset()

    def redo(self, doc: Document) -> Change:
        self.before = frozenset(doc.styles.locked)
        if self.locked:
            doc.styles.locked.update(self.classes)
        else:
            doc.styles.locked.difference_update(self.classes)
        return Change(ChangeKind.LOCKS, render=False)

    def undo(self, doc: Document) -> Change:
        doc.styles.locked = set(self.before)
        return Change(ChangeKind.LOCKS, render=False)

    def nbytes(self) -> int:
        return 0


@dataclass
class SetShapes:
    """Replace the document's shape edits (recipes 4 and 6)."""

    shapes: tuple[ShapeEdit, ...]
    text: str = "Transfer shape"
    before: tuple[ShapeEdit, ...] = ()

    def redo(self, doc: Document) -> Change:
        self.before, doc.shapes = doc.shapes, self.shapes
        return Change(ChangeKind.SHAPES)

    def undo(self, doc: Document) -> Change:
        doc.shapes = self.before
        return Change(ChangeKind.SHAPES)

    def nbytes(self) -> int:
        return sum(edit.reference.nbytes for edit in self.shapes)
