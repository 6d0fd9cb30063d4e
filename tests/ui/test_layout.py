"""The window at small and large sizes: both image views usable, docks shrink or scroll,
the canvas refits until the user zooms (issue 10, trap 7)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDockWidget

from casa_studio.ui.main_window import MainWindow


def _settle(qtbot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    QApplication.processEvents()


def _fills(window: MainWindow) -> float:
    """How much of the canvas's short side the image covers."""
    canvas = window.canvas
    h, w = window.editor.document.size
    shown = canvas.transform().m11() * max(h, w)
    return shown / min(canvas.viewport().width(), canvas.viewport().height())


def test_small_window_shares_the_centre_and_no_dock_button_clips(qtbot, window: MainWindow) -> None:
    _settle(qtbot, window, 1024, 700)
    canvas, output = window.canvas.width(), window.output.width()
    assert canvas >= 270 and output >= 270  # the docks gave way
    assert abs(canvas - output) < 0.25 * max(canvas, output)  # shared fairly
    for dock in window.findChildren(QDockWidget):
        for button in dock.findChildren(QAbstractButton):
            if button.isVisibleTo(dock) and button.text():
                assert button.width() >= button.minimumSizeHint().width(), button.text()


def test_the_canvas_refits_on_resize_until_the_user_zooms(qtbot, window: MainWindow) -> None:
    _settle(qtbot, window, 1024, 700)
    assert _fills(window) == pytest.approx(1.0, abs=0.05)  # the first window is fitted
    assert not window.canvas.horizontalScrollBar().isVisible()
    _settle(qtbot, window, 2560, 1440)
    assert _fills(window) == pytest.approx(1.0, abs=0.05)
    window.action_for["zoom_in"].trigger()
    zoomed = window.canvas.transform().m11()
    _settle(qtbot, window, 1600, 1000)
    assert window.canvas.transform().m11() == zoomed
    window.action_for["fit"].trigger()
    _settle(qtbot, window, 1400, 900)
    assert _fills(window) == pytest.approx(1.0, abs=0.05)
