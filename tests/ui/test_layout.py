"""The window at small and large sizes: both image views usable, docks shrink or scroll,
the canvas refits until the user zooms (issue 10, trap 7)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDockWidget

from casa_studio.core.commands import PaintPixels
from casa_studio.ui.canvas import FIT_MARGIN
from casa_studio.ui.main_window import MainWindow


def _settle(qtbot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    QApplication.processEvents()


def _fills(window: MainWindow) -> float:
    """How much of the canvas's short side, less the fit margin, the image covers."""
    canvas = window.canvas
    h, w = window.editor.document.size
    shown = canvas.transform().m11() * max(h, w)
    short = min(canvas.viewport().width(), canvas.viewport().height())
    return shown / (short - 2 * FIT_MARGIN)


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


def _long_library_style(window: MainWindow) -> str:
    from casa_studio.persistence.style_library import LibraryStyle

    names = [c.name for c in window.editor.document.palette.classes]
    tokens = window.editor.live.info.typical[: len(names)].copy()
    style = LibraryStyle("purple dusk", window.editor.model.name, tuple(names), tokens)
    window.styles.library.save(style)
    window.styles.library_changed.emit()
    return f"purple dusk ({', '.join(names)})"


def test_a_long_library_style_name_never_widens_the_styles_dock(qtbot, window: MainWindow) -> None:
    _settle(qtbot, window, 1400, 820)
    styles_dock = window.findChild(QDockWidget, "Styles")
    before = styles_dock.width()
    label = _long_library_style(window)
    combo = window.style_panel.library
    assert combo.itemText(0) == label and combo.itemData(0, Qt.ItemDataRole.ToolTipRole) == label
    assert combo.sizeHint().width() < combo.fontMetrics().horizontalAdvance(label)  # elided
    assert window.style_panel.minimumSizeHint().width() <= 400  # the dock's widest
    _settle(qtbot, window, 1401, 820)
    assert styles_dock.width() <= before + 1


def test_the_window_and_its_docks_come_back_as_left_and_reset_layout_restores_them(
    qtbot, window: MainWindow, tiny_folder
) -> None:
    from casa_studio.ui.app import build_window

    _settle(qtbot, window, 700, 520)  # within the offscreen screen, which Qt clamps to
    reshape = window.findChild(QDockWidget, "Reshape")
    reshape.close()
    window.hide()
    window.close()  # remembers the layout in the settings file
    again = build_window(str(tiny_folder), fake=True)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.width() == 700 and again.height() == 520)
    assert not again.findChild(QDockWidget, "Reshape").isVisible()
    again.action_for["reset_layout"].trigger()
    qtbot.waitUntil(lambda: again.width() == 1400 and again.height() == 820)
    assert again.findChild(QDockWidget, "Reshape").isVisible()
    again.hide()


def test_a_small_window_shows_more_than_two_style_rows(qtbot, window: MainWindow) -> None:
    doc = window.editor.document
    for c in range(1, 4):  # all four classes of the tiny model in the document
        mask = np.zeros(doc.size, bool)
        mask[6 * c : 6 * c + 4] = True
        doc.execute(PaintPixels.from_mask(doc.active_layer, mask, c))
    _settle(qtbot, window, 1024, 700)
    table = window.style_panel.table
    qtbot.waitUntil(lambda: table.rowCount() == 4)
    shown = [
        r
        for r in range(table.rowCount())
        if table.rowViewportPosition(r) >= 0
        and table.rowViewportPosition(r) + table.rowHeight(r) <= table.viewport().height()
    ]
    assert len(shown) >= 4
