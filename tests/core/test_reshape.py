"""Reshaping objects: region picking, transforms, the fill of uncovered pixels, live preview
as one undo step."""

from __future__ import annotations

import numpy as np
import pytest

from casa_studio.core.commands import PaintPixels
from casa_studio.core.document import Document
from casa_studio.core.labels import UNSET
from casa_studio.core.palette import Palette
from casa_studio.core.reshape import (
    Selection,
    Transform,
    degrees,
    select_region,
    transform_mask,
    vacated_fill,
)
from casa_studio.core.tools import Drag, ReshapeTool, ToolContext


@pytest.fixture
def doc() -> Document:
    """Class 1 background with two class-3 squares (a 'tree' at 10..20 and one at 40..44)."""
    palette = Palette.from_entries([(i, f"c{i}", (i * 50, 0, 0)) for i in range(5)])
    doc = Document.new(palette, (64, 64), fill=1)
    mask = np.zeros(doc.size, bool)
    mask[10:20, 10:20] = True
    mask[40:44, 40:44] = True
    doc.execute(PaintPixels.from_mask(doc.layers[0], mask, 3))
    doc.history.mark_clean()
    return doc


def test_regions_are_components_or_whole_classes(doc: Document) -> None:
    one = select_region(doc.labels(), (12, 12))
    assert one is not None and one.class_id == 3 and one.mask.sum() == 100
    every = select_region(doc.labels(), (12, 12), whole_class=True)
    assert every is not None and every.mask.sum() == 116
    assert select_region(doc.labels(), (-1, 5)) is None


def test_vacated_pixels_take_their_nearest_neighbour_or_show_the_layers_below() -> None:
    labels = np.zeros((20, 20), np.uint8)
    labels[:, 10:] = 2  # class 0 left, class 2 right
    mask = np.zeros_like(labels, bool)
    mask[5:15, 6:14] = True  # an object across the border
    labels[mask] = 3
    fill = vacated_fill(labels, mask, None)
    assert (fill[mask & (np.arange(20) < 9)] == 0).all()
    assert (fill[mask & (np.arange(20) > 10)] == 2).all()
    below = np.full_like(labels, 4)
    below[5:8] = 3  # where the layers below show the object's class, not a hole
    upper = vacated_fill(labels, mask, below)
    assert (upper[8:15, 6:14] == UNSET).all()
    assert set(np.unique(upper[5:8, 6:14])) <= {0, 2}


def test_transforms_move_scale_rotate_and_grow() -> None:
    mask = np.zeros((64, 64), bool)
    mask[20:30, 20:40] = True  # 10 high, 20 wide
    sel = Selection(mask, 2)
    moved = transform_mask(sel, Transform(dx=5, dy=-3))
    assert np.array_equal(moved, np.roll(np.roll(mask, 5, axis=1), -3, axis=0))
    assert abs(transform_mask(sel, Transform(scale=2.0)).sum() - 800) < 60
    turned = transform_mask(sel, Transform(angle=90))
    ys, xs = np.nonzero(turned)
    assert abs((ys.max() - ys.min()) - 19) <= 2 and abs((xs.max() - xs.min()) - 9) <= 2
    assert (
        transform_mask(sel, Transform(grow=2)).sum()
        > 200
        > transform_mask(sel, Transform(grow=-2)).sum()
    )
    assert round(degrees((10, 0), (0, -10), (0, 0))) == 90  # up on screen is counter-clockwise


def test_dragging_moves_the_object_as_one_undoable_step(doc: Document) -> None:
    tool, ctx = ReshapeTool(), ToolContext()
    before = doc.labels().copy()
    assert tool.press(doc, (12, 12), ctx) and tool.selection is not None  # pick
    assert not doc.modified
    assert tool.press(doc, (15, 15), ctx)  # inside: start dragging
    for x in (17, 20, 25):
        tool.move(doc, (x, 15), ctx)
        assert len(doc.history.open.commands) <= 1  # the preview replaces itself
    tool.release(doc, (30, 15), ctx)
    labels = doc.labels()
    assert (labels[10:20, 25:35] == 3).all() and (labels[10:20, 10:25] == 1).all()
    assert (labels[40:44, 40:44] == 3).all()  # the other object stays
    assert doc.history.undo_text() == "Reshape c3"
    assert tool.shown is not None and tool.shown[15, 30]  # the moved object stays selected
    doc.undo()
    assert np.array_equal(doc.labels(), before)


def test_panel_transforms_fill_choice_and_escape(doc: Document) -> None:
    tool, ctx = ReshapeTool(), ToolContext(fill=4)
    tool.press(doc, (12, 12), ctx)
    assert tool.begin(doc, ctx)
    tool.preview(doc, Transform(scale=0.5))
    tool.preview(doc, Transform(scale=0.5, grow=-1))
    tool.commit(doc)
    labels = doc.labels()
    assert (labels[10:12, 10:20] == 4).all()  # uncovered pixels take the chosen fill
    assert 4 < (labels == 3).sum() - 16 < 25
    assert tool.begin(doc, ctx)
    tool.preview(doc, Transform(dx=10))
    before_escape = doc.history.index
    tool.cancel(doc)  # Esc: the transform in progress is taken back
    assert doc.history.index == before_escape and np.array_equal(doc.labels(), labels)
    tool.cancel(doc)  # a second Esc drops the selection
    assert tool.selection is None and tool.outline() == []


def test_locked_layer_and_a_region_painted_away(doc: Document) -> None:
    tool, ctx = ReshapeTool(), ToolContext()
    tool.press(doc, (12, 12), ctx)
    assert doc.active == 0  # the tree's own layer
    doc.layers[0].locked = True
    assert not tool.begin(doc, ctx)
    doc.layers[0].locked = False
    doc.execute(PaintPixels.from_mask(doc.layers[1], tool.selection.mask, 2))
    assert not tool.begin(doc, ctx) and tool.selection is None


def test_shift_and_alt_drags_scale_and_rotate(doc: Document) -> None:
    tool = ReshapeTool()
    ctx = ToolContext(drag=Drag.SCALE)
    tool.press(doc, (12, 12), ctx)
    tool.press(doc, (19, 14.5), ctx)  # 4.5 px right of the centre (14.5, 14.5)
    tool.release(doc, (26.07, 14.5), ctx)  # half the 10x10 square's diagonal out: twice the size
    assert 350 < (doc.labels()[:30, :30] == 3).sum() < 450
    doc.undo()
    tool.press(doc, (12, 12), ctx)
    tool.press(doc, (14.5, 14.5), ctx)  # at the very centre: as if pulling a corner
    tool.release(doc, (18.5, 14.5), ctx)
    assert 100 < (doc.labels()[:30, :30] == 3).sum() < 250  # gentle, not 4x
    ctx.drag = Drag.ROTATE
    strip = np.zeros(doc.size, bool)
    strip[30:32, 2:30] = True
    doc.execute(PaintPixels.from_mask(doc.layers[1], strip, 2))
    tool.press(doc, (5, 31), ctx)
    tool.press(doc, (28, 31), ctx)
    tool.release(doc, (16, 18), ctx)  # a quarter turn about the strip's centre
    ys, xs = np.nonzero(doc.labels() == 2)
    assert ys.max() - ys.min() > 20 and xs.max() - xs.min() < 6


def test_corner_and_rotate_handles(doc: Document) -> None:
    tool, ctx = ReshapeTool(), ToolContext()
    tool.press(doc, (12, 12), ctx)
    handles = tool.handles(reach=2.0)
    assert handles["tl"] == (10.0, 10.0) and handles["br"] == (20.0, 20.0)
    assert handles["rotate"] == (15.0, 2.0)
    tool.press(doc, (20.5, 20.5), ctx)  # the bottom-right corner: scale, no modifier needed
    tool.release(doc, (25.0, 25.0), ctx)
    assert (doc.labels()[:30, :30] == 3).sum() > 150
    doc.undo()
    tool = ReshapeTool()
    tool.press(doc, (12, 12), ctx)
    tool.press(doc, (15.0, 2.0), ctx)  # the rotate handle, a quarter turn clockwise
    tool.release(doc, (27.0, 14.5), ctx)
    assert tool.selection is not None and tool.selection.mask.sum() == 100  # a square stays
