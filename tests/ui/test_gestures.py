"""One gesture mechanism (issue 11, part 3): on every document slider — layer opacity, shape
alpha, blend, the three reshape sliders — a mouse drag, a key step, a click in the groove and
a wheel notch are each exactly one undo step holding one command, and the value the slider
shows is the value applied."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from casa_studio.core.commands import PaintPixels, SetShapes
from casa_studio.core.document import Document
from casa_studio.core.reshape import transform_mask
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.tools import ReshapeTool
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.reshape_panel import SLIDERS
from casa_studio.ui.sliders import ValueSlider

Check = Callable[[], bool]  # does the document show what the slider shows?


def _handle(slider: ValueSlider) -> QPoint:
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    rect = slider.style().subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider
    )
    return rect.center()


def _one_step(doc: Document, gesture: Callable[[], None]) -> None:
    before = doc.history.index
    gesture()
    assert doc.history.index == before + 1 and not doc.in_gesture
    assert len(doc.history.steps[before].commands) == 1  # live previews replaced each other


def _drag(slider: ValueSlider, sign: int, applied: Check, moves: int = 6) -> None:
    """Press the handle, move it in `moves` steps, release; the document follows live."""
    start = _handle(slider)
    QTest.mousePress(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    shown = set()
    for i in range(1, moves + 1):
        QTest.mouseMove(slider, start + QPoint(sign * 4 * i, 0))
        assert applied(), f"shown {slider.value()} is not what the document has"
        shown.add(slider.value())
    end = start + QPoint(sign * 4 * moves, 0)
    QTest.mouseRelease(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert len(shown) > 1  # the drag really moved the value


def _groove_click(slider: ValueSlider, sign: int) -> None:
    handle = _handle(slider)
    room = handle + QPoint(sign * 25, 0)
    assert 0 < room.x() < slider.width()
    QTest.mouseClick(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, room)


def _wheel(slider: ValueSlider, sign: int, notches: int = 4) -> None:
    at = QPointF(_handle(slider))
    event = QWheelEvent(
        at,
        QPointF(slider.mapToGlobal(at)),
        QPoint(0, 0),
        QPoint(0, 120 * sign * notches),  # one event: a fast turn of the wheel
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(slider, event)


def _every_gesture(
    doc: Document,
    slider: ValueSlider,
    sign: int,
    applied: Check,
    rest: int | None = None,
    after: Callable[[], None] = lambda: None,
) -> None:
    """Drag, key step, groove click and wheel: one undo step each (then `after`); the value
    shown is the value applied (after the gesture too, unless the slider springs back to
    `rest`)."""
    key = Qt.Key.Key_PageUp if sign > 0 else Qt.Key.Key_PageDown
    for gesture in (
        lambda: _drag(slider, sign, applied),
        lambda: QTest.keyClick(slider, key),
        lambda: _groove_click(slider, sign),
        lambda: _wheel(slider, sign),
    ):
        before = slider.value()
        _one_step(doc, gesture)
        if rest is None:
            assert slider.value() != before and applied()
        else:
            assert slider.value() == rest
        after()


@pytest.fixture
def shown(window: MainWindow) -> MainWindow:
    window.resize(1600, 1000)
    return window


def test_layer_opacity_applies_what_it_shows(qtbot, shown: MainWindow) -> None:
    doc, slider = shown.editor.document, shown.layers.opacity
    slider.setFocus()
    QTest.keyClick(slider, Qt.Key.Key_PageDown)  # the case: shown 90, layer at 100
    assert slider.value() == 90 and doc.active_layer.opacity == pytest.approx(0.9)
    assert doc.history.undo_text() == "Layer opacity"

    def applied() -> bool:
        return round(doc.active_layer.opacity * 100) == slider.value()

    _every_gesture(doc, slider, -1, applied)
    for _ in range(5):
        shown.action_for["undo"].trigger()
    assert doc.active_layer.opacity == 1.0 and slider.value() == 100  # the slider follows undo


def test_shape_alpha_is_one_step_per_gesture(qtbot, shown: MainWindow) -> None:
    doc, slider = shown.editor.document, shown.style_panel.reference.shape_slider
    reference = np.zeros(doc.size, np.uint8)
    reference[:8] = 2
    doc.execute(SetShapes((ShapeEdit(2, reference, 0.0, "ref.png"),)))

    def applied() -> bool:
        return round((1 - doc.shapes[0].alpha) * 100) == slider.value()

    _every_gesture(doc, slider, -1, applied)  # from the reference's shape (100 %) down
    assert doc.history.undo_text() == "Shape blend"


def test_a_blend_drag_is_one_command(qtbot, shown: MainWindow) -> None:
    doc, panel = shown.editor.document, shown.style_panel
    doc.execute(PaintPixels.from_mask(doc.active_layer, doc.labels() == 0, 2))
    panel.blend_kind.setCurrentIndex(0)  # towards the typical style: no worker round trip
    slider = panel.blend_slider

    def applied() -> bool:  # the style row's name says how much of the target it has
        found = re.findall(r"(\d+) % typical", doc.styles.sources[2].describe())
        return bool(found) and int(found[-1]) == slider.value()

    _every_gesture(doc, slider, 1, applied, rest=0)
    before = doc.history.index
    _drag(slider, 1, applied, moves=40)  # used to leave a command per move
    assert doc.history.index == before + 1 and len(doc.history.steps[before].commands) == 1
    assert doc.history.undo_text() == "Blend class_2"


@pytest.mark.parametrize("name", [name for name, *_ in SLIDERS])
def test_reshape_sliders_are_one_step_per_gesture(qtbot, shown: MainWindow, name: str) -> None:
    doc, editor = shown.editor.document, shown.editor
    mask = np.zeros(doc.size, bool)
    mask[8:20, 8:18] = True
    doc.execute(PaintPixels.from_mask(doc.layers[0], mask, 2))
    editor.set_tool("reshape")
    tool = editor.tool
    assert isinstance(tool, ReshapeTool)

    def pick() -> None:
        tool.press(doc, (12.5, 13.5), editor.context)
        tool.release(doc, (12.5, 13.5), editor.context)

    def undo_and_pick() -> None:  # each gesture starts from the same object
        shown.action_for["undo"].trigger()
        assert (doc.labels() == 2).sum() == 120
        pick()

    pick()
    slider = shown.reshape.sliders[name]
    make = next(make for n, *_, make in SLIDERS if n == name)

    def applied() -> bool:  # the object is where the slider's transform puts it
        assert tool.selection is not None and tool.shown is not None
        return np.array_equal(tool.shown, transform_mask(tool.selection, make(slider.value())))

    rest = slider.value()
    _every_gesture(doc, slider, 1, applied, rest=rest, after=undo_and_pick)


def test_holding_a_step_key_is_one_undo_step(qtbot, shown: MainWindow) -> None:
    """Auto-repeat (press, then repeated press/release pairs, then the real release) moves the
    layer opacity live and leaves one undo step for the whole hold."""
    doc, slider = shown.editor.document, shown.layers.opacity
    slider.setFocus()
    before = doc.history.index
    key, none = Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier

    def send(kind: QEvent.Type, repeat: bool) -> None:
        QApplication.sendEvent(slider, QKeyEvent(kind, key, none, "", repeat))

    send(QEvent.Type.KeyPress, False)
    for _ in range(3):
        send(QEvent.Type.KeyRelease, True)
        send(QEvent.Type.KeyPress, True)
        assert round(doc.active_layer.opacity * 100) == slider.value()  # live while held
    assert doc.in_gesture
    send(QEvent.Type.KeyRelease, False)
    assert slider.value() == 60 and doc.active_layer.opacity == pytest.approx(0.6)
    assert doc.history.index == before + 1 and not doc.in_gesture
    shown.action_for["undo"].trigger()
    assert doc.active_layer.opacity == 1.0 and slider.value() == 100
