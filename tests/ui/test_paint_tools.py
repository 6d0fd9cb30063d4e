"""The paint tools behave as in Krita/GIMP: fill, reshape, pan/zoom, brush size (issue 10)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsView

from casa_studio.core.labels import UNSET
from casa_studio.ui.main_window import MainWindow

HALVES = np.zeros((32, 32), np.uint8)
HALVES[:, 16:] = 2


def click(view: QGraphicsView, x: float, y: float, mods=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, mods, view.mapFromScene(x, y))


def drag(
    view: QGraphicsView, points: list[tuple[float, float]], mods=Qt.KeyboardModifier.NoModifier
) -> None:
    viewport = view.viewport()
    where = [view.mapFromScene(x, y) for x, y in points]
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, mods, where[0])
    for p in where[1:]:
        QTest.mouseMove(viewport, p)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, mods, where[-1])


def test_fill_takes_its_regions_from_what_is_seen(window: MainWindow) -> None:
    window.editor.open_labels(HALVES)  # labels below, an empty "Layer 1" active above
    window.canvas.fit()
    window.action_for["fill"].trigger()
    window.editor.set_class(1)
    click(window.canvas, 4, 10)
    labels = window.editor.document.labels()
    assert (labels[:, :16] == 1).all() and (labels[:, 16:] == 2).all()
    window.action_for["undo"].trigger()
    window.action_for["fill_active_only"].trigger()  # GIMP's "sample merged" off
    click(window.canvas, 4, 10)
    assert (window.editor.document.active_layer.pixels == 1).all()


def test_fill_in_the_reference_dialog_keeps_to_the_region(qtbot, window: MainWindow) -> None:
    image = np.full((32, 32, 3), 90, np.uint8)
    dialog = window.style_panel.reference._dialog("ref.png", image, HALVES)
    qtbot.addWidget(dialog)
    dialog.canvas.fit()
    dialog.session.set_tool("fill")
    dialog.session.set_class(3)
    click(dialog.canvas, 24, 20)
    labels = dialog.session.document.labels()
    assert (labels[:, 16:] == 3).all() and (labels[:, :16] == 0).all()
    assert (dialog.session.document.layers[0].pixels[:, 16:] == 2).all()
    assert (dialog.session.document.active_layer.pixels[:, :16] == UNSET).all()
    dialog.reject()


def test_moving_an_object_on_an_upper_layer_shows_the_layer_below(window: MainWindow) -> None:
    scene = np.ones((32, 32), np.uint8)
    scene[:12] = 0
    scene[:, 20:] = 2  # three classes behind the object
    window.editor.open_labels(scene)
    window.canvas.fit()
    window.editor.set_class(3)
    window.action_for["rectangle"].trigger()
    drag(window.canvas, [(8, 4), (16, 28)])  # a "tree" on Layer 1
    assert (window.editor.document.labels()[6:26, 10:14] == 3).all()
    window.action_for["reshape"].trigger()
    click(window.canvas, 12, 16)  # pick the tree
    drag(window.canvas, [(12, 16), (15, 16), (18, 16)])  # move it 6 px right
    labels = window.editor.document.labels()
    left = np.s_[6:26, 8:13]
    assert np.array_equal(labels[left], scene[left])  # no one-class hole: the labels show
    assert (window.editor.document.active_layer.pixels[left] == UNSET).all()
    assert window.reshape.fill.currentData() is None  # "fill with" is still offered


def test_space_drag_pans_the_canvas_even_when_the_layers_list_has_focus(
    window: MainWindow,
) -> None:
    canvas, layers = window.canvas, window.layers.list
    canvas.fit()
    canvas.zoom(4)
    doc = window.editor.document
    visible, steps = [layer.visible for layer in doc.layers], doc.history.undo_text()
    QTest.mouseClick(
        layers.viewport(),
        Qt.MouseButton.LeftButton,
        pos=layers.visualItemRect(layers.item(0)).center(),
    )
    assert layers.hasFocus() or QApplication.focusWidget() is layers
    middle = canvas.viewport().rect().center()
    QTest.mouseMove(canvas.viewport(), middle)
    QTest.keyPress(layers, Qt.Key.Key_Space)
    x0 = canvas.horizontalScrollBar().value()
    viewport = canvas.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=middle)
    QTest.mouseMove(viewport, middle + QPoint(40, 0))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=middle + QPoint(40, 0))
    QTest.keyRelease(layers, Qt.Key.Key_Space)
    assert canvas.horizontalScrollBar().value() == x0 - 40
    assert [layer.visible for layer in doc.layers] == visible
    assert doc.history.undo_text() == steps and not doc.modified  # nothing painted or toggled


def test_wheel_zoom_keeps_the_point_under_the_pointer(window: MainWindow) -> None:
    canvas = window.canvas
    canvas.fit()
    for pointer, notches in ((QPoint(30, 40), 1), (QPoint(200, 120), 2), (QPoint(90, 300), -1)):
        before = canvas.mapToScene(pointer)
        scale = canvas.transform().m11()
        event = QWheelEvent(
            QPointF(pointer),
            QPointF(canvas.viewport().mapToGlobal(pointer)),
            QPoint(),
            QPoint(0, 120 * notches),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(canvas.viewport(), event)
        assert canvas.transform().m11() == pytest.approx(scale * 1.25**notches)
        after = canvas.mapFromScene(before)
        assert (after - pointer).manhattanLength() <= 2


def _bbox(mask: np.ndarray) -> tuple[int, int]:
    ys, xs = np.nonzero(mask)
    return int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1


def test_shift_drag_from_the_centre_scales_gently_and_rotation_needs_no_alt(
    window: MainWindow,
) -> None:
    doc, canvas = window.editor.document, window.canvas
    canvas.fit()
    window.editor.set_class(3)
    window.action_for["rectangle"].trigger()
    drag(canvas, [(14, 9), (18, 25)])  # a 4 x 16 post
    area = int((doc.labels() == 3).sum())
    window.action_for["reshape"].trigger()
    click(canvas, 16, 16)
    shift, ctrl = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
    drag(canvas, [(16, 17), (18, 17), (20, 17)], shift)  # 4 px from the very centre
    assert area < (doc.labels() == 3).sum() < 2.25 * area  # was 4x or more
    window.action_for["undo"].trigger()
    click(canvas, 16, 16)
    drag(canvas, [(16, 23), (20, 21), (23, 17)], ctrl | shift)  # a quarter turn, no Alt
    width, height = _bbox(doc.labels() == 3)
    assert width > height
    window.action_for["undo"].trigger()
    click(canvas, 16, 16)
    knob = window.editor.tool.handles(2.0)["rotate"]
    drag(canvas, [knob, (20, 6), (24, 17)])  # the round knob, no modifier
    width, height = _bbox(doc.labels() == 3)
    assert width > height


def test_brush_size_shows_in_the_toolbar_and_the_outline_is_two_tone(window: MainWindow) -> None:
    size = window.brush_size
    assert size.isVisible() and size.spin.value() == round(2 * window.editor.context.radius)
    size.spin.setValue(12)
    assert window.editor.context.radius == 6 and size.slider.value() == 12
    window.action_for["larger"].trigger()  # ]
    assert size.spin.value() == round(2 * window.editor.context.radius) == 15
    window.canvas.fit()
    QTest.mouseMove(window.canvas.viewport(), window.canvas.mapFromScene(16, 16))
    dark, light = (item.pen().color().lightness() for item in window.canvas.cursor_items)
    assert dark < 60 and light > 200
    rects = {item.rect().getRect() for item in window.canvas.cursor_items}
    assert len(rects) == 1 and next(iter(rects))[2] == pytest.approx(15)


def test_the_first_class_is_one_you_would_paint_first() -> None:
    from casa_studio.core.document import Document
    from casa_studio.core.palette import Palette
    from casa_studio.engine.catalog import default_model, summarize
    from casa_studio.ui.tool_session import ToolSession

    palette = Palette.from_entries(list(summarize(default_model()).classes))
    session = ToolSession(Document.new(palette, (64, 64)))
    assert palette.classes[session.context.class_id].name == "mountain"  # not white cloud


def test_new_and_duplicated_layers_get_names_no_layer_has(window: MainWindow) -> None:
    panel = window.layers
    QTest.mouseClick(panel.buttons["Add layer"], Qt.MouseButton.LeftButton)
    QTest.mouseClick(panel.buttons["Add layer"], Qt.MouseButton.LeftButton)
    panel.list.setCurrentRow(0)
    QTest.mouseClick(panel.buttons["Duplicate layer"], Qt.MouseButton.LeftButton)
    panel.list.setCurrentRow(1)  # the copy's original again
    QTest.mouseClick(panel.buttons["Duplicate layer"], Qt.MouseButton.LeftButton)
    names = [panel.list.item(r).text() for r in range(panel.list.count())]
    assert len(set(names)) == len(names), names
    assert {"Layer 2", "Layer 3", "Layer 3 copy", "Layer 3 copy 2"} <= set(names)


def test_reshaping_an_object_of_another_layer_makes_that_layer_active(
    window: MainWindow,
) -> None:
    window.editor.open_labels(HALVES)  # the halves on the bottom layer, "Layer 1" above
    window.canvas.fit()
    window.editor.set_class(3)
    window.action_for["rectangle"].trigger()
    drag(window.canvas, [(2, 2), (8, 8)])  # a box on Layer 1
    panel, doc = window.layers, window.editor.document
    window.action_for["reshape"].trigger()
    click(window.canvas, 24, 20)  # the right half: painted on the bottom layer
    assert doc.active == 0
    assert panel.list.currentItem().text() == doc.layers[0].name
    drag(window.canvas, [(24, 20), (22, 20), (20, 20)])
    assert (doc.layers[0].pixels[:, 12:16] == 2).all()  # it moved on its own layer
    click(window.canvas, 4, 4)  # the box
    assert doc.active == 1 and panel.list.currentRow() == 0


def test_at_fit_zoom_a_margin_surrounds_the_image_and_a_rectangle_may_start_in_it(
    window: MainWindow,
) -> None:
    from casa_studio.ui.canvas import FIT_MARGIN

    window.editor.open_labels(HALVES)
    canvas = window.canvas
    canvas.fit()
    h, w = window.editor.document.size
    top_left, bottom_right = canvas.mapFromScene(0, 0), canvas.mapFromScene(w, h)
    viewport = canvas.viewport().rect()
    assert min(top_left.x(), top_left.y()) >= FIT_MARGIN - 1
    assert viewport.right() - bottom_right.x() >= FIT_MARGIN - 2
    assert viewport.bottom() - bottom_right.y() >= FIT_MARGIN - 2
    window.editor.set_class(3)
    window.action_for["rectangle"].trigger()
    start = QPoint(top_left.x() - 5, canvas.mapFromScene(0, 4).y())  # 5 px left of the image
    end = canvas.mapFromScene(8, 10)
    QTest.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(canvas.viewport(), end)
    QTest.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, pos=end)
    labels = window.editor.document.labels()
    assert (labels[5:10, 0:7] == 3).all()  # clipped to the image, from its left edge
