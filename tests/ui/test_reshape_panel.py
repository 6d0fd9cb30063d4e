"""Reshaping an object in the real window: pick with the mouse, drag to move, Shift-drag to
scale, arrow keys, panel sliders with live preview; each one undo step."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from casa_studio.core.commands import PaintPixels
from casa_studio.ui.main_window import MainWindow


def _point(win: MainWindow, x: float, y: float) -> QPoint:
    return win.canvas.mapFromScene(x, y)


def _drag(
    win: MainWindow, points: list[tuple[float, float]], mods=Qt.KeyboardModifier.NoModifier
) -> None:
    viewport = win.canvas.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, mods, _point(win, *points[0]))
    for p in points[1:]:
        QTest.mouseMove(viewport, _point(win, *p))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, mods, _point(win, *points[-1]))


def _tree(win: MainWindow) -> None:
    doc = win.editor.document
    mask = np.zeros(doc.size, bool)
    mask[4:12, 4:10] = True  # a 'tree' of class 2 on class 0
    doc.execute(PaintPixels.from_mask(doc.layers[0], mask, 2))


def test_pick_drag_and_undo(qtbot, window: MainWindow) -> None:
    _tree(window)
    window.canvas.fit()
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_V)
    assert window.editor.tool.name == "reshape" and window.action_for["reshape"].isChecked()
    _drag(window, [(6.5, 7.5)])  # click: pick the tree
    assert window.editor.tool.selection.mask.sum() == 48
    assert not window.canvas.shape_item.path().isEmpty()  # its outline is drawn
    before = window.editor.document.labels().copy()
    _drag(window, [(6.5, 7.5), (10.5, 9.5), (16.5, 17.5)])
    labels = window.editor.document.labels()
    assert (labels[14:22, 14:20] == 2).all() and (labels[4:12, 4:10] == 0).all()
    assert window.editor.document.history.undo_text() == "Reshape class_2"
    QTest.keyClick(window.canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert (window.editor.document.labels()[14:22, 24:30] == 2).all()
    window.action_for["undo"].trigger()
    window.action_for["undo"].trigger()
    assert np.array_equal(window.editor.document.labels(), before)


def test_shift_drag_and_sliders_scale_live(qtbot, window: MainWindow) -> None:
    _tree(window)
    window.canvas.fit()
    window.editor.set_tool("reshape")
    _drag(window, [(6.5, 7.5)])
    _drag(window, [(9.5, 7.5), (14.5, 7.5)], Qt.KeyboardModifier.ShiftModifier)  # 3 → 8 px out
    assert (window.editor.document.labels() == 2).sum() > 150
    window.action_for["undo"].trigger()
    assert window.editor.tool.selection is None  # undo drops a selection of stale pixels
    _drag(window, [(6.5, 7.5)])
    panel = window.reshape
    slider = panel.sliders["Scale %"]
    steps = window.editor.document.history.index
    slider.setSliderDown(True)
    for value in (150, 200):
        slider.setValue(value)
        area = (window.editor.document.labels() == 2).sum()
        assert abs(area - 48 * (value / 100) ** 2) < 0.35 * 48 * (value / 100) ** 2
    slider.setSliderDown(False)
    assert slider.value() == 100  # springs back: the next gesture starts from the new shape
    assert window.editor.document.history.index == steps + 1
    panel.fill.setCurrentIndex(4)  # class 3 fills what the object leaves
    grow = panel.sliders["Grow px"]
    QTest.keyClick(grow, Qt.Key.Key_PageDown)  # keyboard: one step (-10 px), at once
    labels = window.editor.document.labels()
    assert (labels == 3).any() and grow.value() == 0
    window.action_for["undo"].trigger()
    window.action_for["undo"].trigger()
    assert (window.editor.document.labels() == 2).sum() == 48
