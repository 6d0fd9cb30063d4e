"""Document, commands, history and tools, driven by synthetic pointer events."""

from __future__ import annotations

import numpy as np
import pytest

from casa_studio.core.commands import (
    AddLayer,
    MergeDown,
    MoveLayer,
    PaintPixels,
    RemoveLayer,
    SetLayerProps,
)
from casa_studio.core.document import Change, ChangeKind, Document
from casa_studio.core.labels import UNSET, composite
from casa_studio.core.layers import Layer
from casa_studio.core.palette import Palette
from casa_studio.core.tools import (
    BrushTool,
    EraserTool,
    FillTool,
    LassoTool,
    RectTool,
    ToolContext,
    pick_class,
)

PALETTE = Palette.from_entries(
    [(0, "sky", (0, 0, 255)), (1, "grass", (0, 255, 0)), (2, "tree", (0, 100, 0))]
)


@pytest.fixture
def doc() -> Document:
    return Document.new(PALETTE, (32, 48))


def _snapshot(doc: Document) -> list[np.ndarray]:
    return [layer.pixels.copy() for layer in doc.layers]


def test_new_document_composites_over_the_background(doc: Document) -> None:
    assert doc.size == (32, 48) and len(doc.layers) == 2
    assert (doc.labels() == 0).all()
    assert (doc.active_layer.pixels == UNSET).all()


def test_brush_stroke_is_one_undo_step_with_hard_edges(doc: Document) -> None:
    changes: list[Change] = []
    doc.changed.connect(changes.append)
    ctx = ToolContext(class_id=1, radius=3)
    brush = BrushTool()
    before = _snapshot(doc)
    assert brush.press(doc, (5, 5), ctx)
    for x in range(6, 30, 3):
        brush.move(doc, (x, 10), ctx)
    brush.release(doc, (30, 10), ctx)
    labels = doc.labels()
    assert set(np.unique(labels)) == {0, 1}  # never a blended value
    assert labels[10, 20] == 1 and labels[30, 40] == 0
    assert doc.history.undo_text() == "Brush stroke" and doc.modified
    assert all(c.box is not None for c in changes if c.kind is ChangeKind.PIXELS)
    after = _snapshot(doc)
    assert doc.undo()
    assert all(np.array_equal(a, b) for a, b in zip(_snapshot(doc), before, strict=True))
    assert not doc.modified
    assert doc.redo()
    assert all(np.array_equal(a, b) for a, b in zip(_snapshot(doc), after, strict=True))


def test_escape_aborts_an_unfinished_stroke(doc: Document) -> None:
    brush, ctx = BrushTool(), ToolContext(class_id=2, radius=2)
    brush.press(doc, (3, 3), ctx)
    brush.move(doc, (20, 20), ctx)
    brush.cancel(doc)
    assert (doc.labels() == 0).all() and not doc.history.can_undo


def test_eraser_fill_rectangle_and_lasso(doc: Document) -> None:
    ctx = ToolContext(class_id=1, radius=2)
    rect = RectTool()
    rect.press(doc, (2, 2), ctx)
    rect.move(doc, (10, 8), ctx)
    assert rect.outline()[2] == (10, 8)
    rect.release(doc, (10, 8), ctx)
    assert (doc.labels()[2:9, 2:11] == 1).all() and doc.labels()[9, 2] == 0
    eraser = EraserTool()
    eraser.press(doc, (5, 5), ctx)
    eraser.release(doc, (5, 5), ctx)
    assert doc.active_layer.pixels[5, 5] == UNSET and doc.labels()[5, 5] == 0
    ctx.class_id = 2
    FillTool().press(doc, (30, 20), ctx)  # fills the unset area of the layer, not the rectangle
    assert doc.labels()[20, 30] == 2 and doc.labels()[3, 3] == 1
    lasso = LassoTool()
    lasso.press(doc, (20, 2), ctx)
    for p in [(30, 2), (30, 12), (20, 12)]:
        lasso.move(doc, p, ctx)
    ctx.class_id = 0
    lasso.release(doc, (20, 12), ctx)
    assert doc.labels()[7, 25] == 0
    assert (
        doc.history.index == 4 and pick_class(doc, (3, 3)) == 1 and pick_class(doc, (99, 3)) is None
    )


def test_locked_or_hidden_layers_refuse_painting(doc: Document) -> None:
    doc.execute(SetLayerProps(doc.active_layer.uid, {"locked": True}))
    assert not BrushTool().press(doc, (3, 3), ToolContext(1))
    doc.undo()
    doc.execute(SetLayerProps(doc.active_layer.uid, {"visible": False}))
    assert not FillTool().press(doc, (3, 3), ToolContext(1))


def test_layer_commands_undo_and_redo(doc: Document) -> None:
    top = doc.active_layer
    doc.execute(PaintPixels.from_mask(top, np.ones(doc.size, bool), 2))
    doc.execute(AddLayer(Layer.empty("Layer 2", doc.size), 2))
    doc.execute(AddLayer(top.copy("Copy"), 3))
    assert [layer.name for layer in doc.layers] == ["Background", "Layer 1", "Layer 2", "Copy"]
    doc.execute(MoveLayer(3, 0))
    assert doc.layers[0].name == "Copy" and doc.active == 0
    doc.execute(SetLayerProps(doc.layers[2].uid, {"name": "Trees", "opacity": 0.5}))
    doc.execute(RemoveLayer(1))
    assert [layer.name for layer in doc.layers] == ["Copy", "Trees", "Layer 2"]
    for _ in range(3):
        doc.undo()
    assert [layer.name for layer in doc.layers] == ["Background", "Layer 1", "Layer 2", "Copy"]
    while doc.redo():
        pass
    assert [layer.name for layer in doc.layers] == ["Copy", "Trees", "Layer 2"]


def test_merge_down_keeps_set_pixels_of_the_upper_layer(doc: Document) -> None:
    mask = np.zeros(doc.size, bool)
    mask[:10] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 1))
    doc.execute(MergeDown(1))
    assert (
        len(doc.layers) == 1
        and (doc.layers[0].pixels[:10] == 1).all()
        and (doc.layers[0].pixels[10:] == 0).all()
    )
    doc.undo()
    assert len(doc.layers) == 2 and (doc.layers[0].pixels == 0).all()


def test_hidden_layers_leave_the_composite(doc: Document) -> None:
    doc.execute(PaintPixels.from_mask(doc.active_layer, np.ones(doc.size, bool), 2))
    assert (doc.labels() == 2).all()
    doc.execute(SetLayerProps(doc.active_layer.uid, {"visible": False}))
    assert (doc.labels() == 0).all()


def test_painting_nothing_is_no_command(doc: Document) -> None:
    assert PaintPixels.from_mask(doc.layers[0], np.ones(doc.size, bool), 0) is None


def test_history_memory_limit_drops_the_oldest_steps(doc: Document) -> None:
    doc.history.limit_bytes = 3 * doc.size[0] * doc.size[1] * 2
    for value in (1, 2, 1, 2, 1):
        doc.execute(PaintPixels.from_mask(doc.active_layer, np.ones(doc.size, bool), value))
    assert 1 <= len(doc.history.steps) <= 3
    while doc.undo():
        pass
    assert not (doc.active_layer.pixels == UNSET).all()  # the oldest edits can no longer be undone


def test_composite_and_palette_helpers() -> None:
    a = np.full((2, 2), UNSET, np.uint8)
    b = np.array([[1, UNSET], [UNSET, 2]], np.uint8)
    assert composite([a, b], background=0).tolist() == [[1, 0], [0, 2]]
    assert PALETTE.colorize(np.array([[0, 1]], np.uint8)).tolist() == [[[0, 0, 255], [0, 255, 0]]]
    assert [c.name for c in PALETTE.find("gr")] == ["grass"] and PALETTE.find("2")[0].name == "tree"
