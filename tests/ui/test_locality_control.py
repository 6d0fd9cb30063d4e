"""The light control in the real window with the real (tiny) model: its ends say what they do
("whole scene's light" ↔ "this class only") and the value grows toward "this class only";
moving it renders with the new guidance, is a saved view setting, not an undo step; a
document that never set it renders with the model's own default guidance."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from casa_studio.core.commands import PaintPixels
from casa_studio.engine.service import InferenceService
from casa_studio.ui.app import build_window
from casa_studio.ui.live_preview import RenderState
from casa_studio.ui.main_window import MainWindow


def _paint_rows(win: MainWindow, value: int, rows: slice) -> None:
    doc = win.editor.document
    mask = np.zeros(doc.size, bool)
    mask[rows] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, value))


def _expected(folder: Path, win: MainWindow, locality: float | None) -> np.ndarray:
    service = InferenceService.load(folder, "cpu")
    labels = win.editor.document.labels().astype(np.int64)
    return service.render(labels, service.styles.typical_styles().tokens, locality=locality)


@pytest.fixture
def guided_window(qtbot, guided_folder: Path) -> Iterator[MainWindow]:
    win = build_window(str(guided_folder), device="cpu")
    win.show()
    qtbot.waitUntil(lambda: win.editor.live.state is RenderState.UP_TO_DATE, timeout=20000)
    yield win
    win.hide()
    win.close()


def test_the_ends_say_what_they_do_and_the_value_grows_toward_the_end_it_names(
    window: MainWindow,
) -> None:
    control = window.style_panel.locality
    words = [w.text() for w in control.findChildren(QLabel) if w is not control.value]
    assert words == ["whole scene's light", "this class only"]  # left, right
    assert not control.slider.invertedAppearance()
    control.slider.setFocus()
    QTest.keyClick(control.slider, Qt.Key.Key_Home)  # left end: the whole scene's light
    assert control.locality() == 0 and control.value.text() == "0"
    QTest.keyClick(control.slider, Qt.Key.Key_End)  # right end: this class only
    assert control.locality() == 16 and control.value.text() == "16"


def test_moving_the_slider_renders_with_the_new_guidance(
    qtbot, window: MainWindow, tiny_folder: Path
) -> None:
    _paint_rows(window, 2, slice(12, 22))
    _paint_rows(window, 3, slice(22, 32))
    control = window.style_panel.locality
    assert control.locality() == 0  # the tiny model's default: the paper's forward
    paper = _expected(tiny_folder, window, 0.0)
    qtbot.waitUntil(lambda: np.array_equal(window.editor.live.result.image, paper), timeout=20000)
    undo_text = window.editor.document.history.undo_text()
    control.slider.setFocus()
    QTest.keyClick(control.slider, Qt.Key.Key_PageUp)  # one unit toward "this class only"
    assert control.locality() == 1.0 and control.value.text() == "1"
    one = _expected(tiny_folder, window, 1.0)
    assert not np.array_equal(one, paper)
    qtbot.waitUntil(lambda: np.array_equal(window.editor.live.result.image, one), timeout=20000)
    assert window.editor.document.history.undo_text() == undo_text  # not an undo step
    assert window.editor.recipe()["locality"] == 1.0


def test_a_document_renders_with_the_models_default_guidance(
    qtbot, guided_window: MainWindow, guided_folder: Path
) -> None:
    _paint_rows(guided_window, 2, slice(12, 22))
    _paint_rows(guided_window, 3, slice(22, 32))
    control = guided_window.style_panel.locality
    assert control.locality() == 2.5 and control.value.text() == "2.5"
    assert "model's default" in control.value.toolTip()
    assert "locality" not in guided_window.editor.document.view  # follows the model
    guided = _expected(guided_folder, guided_window, 2.5)
    assert not np.array_equal(guided, _expected(guided_folder, guided_window, 0.0))
    live = guided_window.editor.live
    qtbot.waitUntil(lambda: np.array_equal(live.result.image, guided), timeout=20000)
    assert guided_window.editor.recipe()["locality"] == 2.5


def test_the_setting_is_saved_with_the_project_and_reset_restores_the_models_default(
    qtbot, guided_window: MainWindow, tmp_path: Path
) -> None:
    control = guided_window.style_panel.locality
    control.set_locality(5.5)
    assert guided_window.editor.document.view["locality"] == 550
    assert control.value.text() == "5.5"
    path = guided_window.editor.save(tmp_path / "p.casa")
    QTest.mouseClick(control.reset, Qt.MouseButton.LeftButton)
    assert control.locality() == 2.5 and "locality" not in guided_window.editor.document.view
    assert "2.5" in control.reset.toolTip()
    guided_window.editor.open_project(path)
    assert control.locality() == 5.5 and control.value.text() == "5.5"
    guided_window.editor.new_document()
    assert control.locality() == 2.5


def test_batch_export_from_the_editor_uses_the_models_default_guidance(
    qtbot, guided_window: MainWindow, guided_folder: Path, tmp_path: Path
) -> None:
    from casa_studio.ui.batch_dialog import BatchDialog

    win = guided_window
    _paint_rows(win, 2, slice(12, 22))
    _paint_rows(win, 3, slice(22, 32))
    guided = _expected(guided_folder, win, 2.5)
    qtbot.waitUntil(lambda: np.array_equal(win.editor.live.result.image, guided), timeout=20000)
    win.action_for["batch"].trigger()
    (dialog,) = [d for d in win.findChildren(BatchDialog) if d.isVisible()]
    dialog.by_own.setChecked(True)
    dialog.out.setText(str(tmp_path / "out"))
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30000)
    (written,) = (tmp_path / "out").iterdir()
    assert np.array_equal(np.asarray(Image.open(written).convert("RGB")), guided)
    dialog.close()
    win.editor.document.history.mark_clean()
