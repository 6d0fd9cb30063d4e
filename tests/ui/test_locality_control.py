"""The "Local ↔ global light" slider in the real window with the real (tiny) model: moving it
renders with the new guidance, shows its value, is a saved view setting, not an undo step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from casa_studio.core.commands import PaintPixels
from casa_studio.engine.request import DEFAULT_LOCALITY
from casa_studio.engine.service import InferenceService
from casa_studio.ui.main_window import MainWindow


def _paint_rows(win: MainWindow, value: int, rows: slice) -> None:
    doc = win.editor.document
    mask = np.zeros(doc.size, bool)
    mask[rows] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, value))


def _expected(tiny_folder: Path, win: MainWindow, locality: float) -> np.ndarray:
    service = InferenceService.load(tiny_folder, "cpu")
    labels = win.editor.document.labels().astype(np.int64)
    return service.render(labels, service.typical_styles().tokens, locality=locality)


def test_moving_the_slider_renders_with_the_new_guidance(
    qtbot, window: MainWindow, tiny_folder: Path
) -> None:
    _paint_rows(window, 2, slice(12, 22))
    _paint_rows(window, 3, slice(22, 32))
    control = window.style_panel.locality
    assert control.locality() == DEFAULT_LOCALITY
    assert control.value.text() == f"{DEFAULT_LOCALITY:g}"
    default = _expected(tiny_folder, window, DEFAULT_LOCALITY)
    qtbot.waitUntil(lambda: np.array_equal(window.editor.live.result.image, default), timeout=20000)
    undo_text = window.editor.document.history.undo_text()
    control.slider.setFocus()
    QTest.keyClick(control.slider, Qt.Key.Key_Home)  # all the way to "global": the paper's
    assert control.locality() == 0 and control.value.text() == "0"
    free = _expected(tiny_folder, window, 0.0)
    assert not np.array_equal(free, default)
    qtbot.waitUntil(lambda: np.array_equal(window.editor.live.result.image, free), timeout=20000)
    QTest.keyClick(control.slider, Qt.Key.Key_PageUp)  # one unit more local
    assert control.locality() == 1.0
    one = _expected(tiny_folder, window, 1.0)
    qtbot.waitUntil(lambda: np.array_equal(window.editor.live.result.image, one), timeout=20000)
    assert window.editor.document.history.undo_text() == undo_text  # not an undo step
    assert window.editor.recipe()["locality"] == 1.0


def test_the_setting_is_saved_with_the_project_and_reset_restores_the_default(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    control = window.style_panel.locality
    control.set_locality(5.5)
    assert window.editor.document.view["locality"] == 550
    assert control.value.text() == "5.5"
    path = window.editor.save(tmp_path / "p.casa")
    QTest.mouseClick(control.reset, Qt.MouseButton.LeftButton)
    assert control.locality() == DEFAULT_LOCALITY
    window.editor.open_project(path)
    assert control.locality() == 5.5 and control.value.text() == "5.5"
    window.editor.new_document()
    assert control.locality() == DEFAULT_LOCALITY
