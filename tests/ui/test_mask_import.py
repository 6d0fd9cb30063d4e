"""Opening a photo or an anti-aliased colour mask as a label map (issue 10, trap 1)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QProgressDialog, QWidget

from casa_studio.persistence.masks import read_mask
from casa_studio.ui.background import run_in_background
from casa_studio.ui.dialogs import CLASS_COLUMN, MaskMappingDialog
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.reference_panel import ReferenceDialog


def _no_mapping_wanted(mask: object) -> None:
    pytest.fail("the mapping dialog was asked for")


def test_a_photo_is_refused_in_seconds_and_offered_as_a_reference(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 256, (256, 256, 3), np.uint8)).save(tmp_path / "photo.png")
    window.files.ask_mapping = _no_mapping_wanted
    widgets = len(QApplication.allWidgets())
    started = time.monotonic()
    window.files.open_file(tmp_path / "photo.png")
    assert time.monotonic() - started < 5
    box = window.files.notice
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "photo" in box.text() and "style reference" in box.text()
    assert len(QApplication.allWidgets()) - widgets < 40  # never one widget per colour
    use = next(b for b in box.buttons() if b.text() == "Use as style reference")
    use.click()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, ReferenceDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    )
    assert not window.editor.document.modified  # the document was not replaced


def test_an_anti_aliased_mask_snaps_to_the_palette(window: MainWindow, tmp_path: Path) -> None:
    palette = window.editor.document.palette
    labels = np.zeros((32, 32), np.uint8)
    labels[:, 16:] = 2
    rgb = palette.colorize(labels).astype(np.float32)
    a, b = np.array(palette.classes[0].color), np.array(palette.classes[2].color)
    for column, t in ((14, 0.2), (15, 0.4), (16, 0.6), (17, 0.8)):  # a soft edge
        rgb[:, column] = (1 - t) * a + t * b
    Image.fromarray(rgb.round().astype(np.uint8)).save(tmp_path / "soft.png")
    window.files.ask_mapping = _no_mapping_wanted
    window.files.open_file(tmp_path / "soft.png")
    expected = labels.copy()
    expected[:, 16] = 2  # 60 % of the way to class 2
    assert np.array_equal(window.editor.document.labels(), expected)


def test_unknown_colours_are_a_screen_sized_table_preset_to_the_nearest(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    palette = window.editor.document.palette
    rgb = palette.colorize(np.zeros((32, 32), np.uint8)).copy()
    rng = np.random.default_rng(3)
    rgb.reshape(-1, 3)[:250] = rng.integers(0, 256, (250, 3))  # stray colours, not a photo
    Image.fromarray(rgb).save(tmp_path / "strays.png")
    mask = read_mask(tmp_path / "strays.png", palette, (32, 32))
    assert 0 < len(mask.unknown) <= 250 and not mask.photo
    dialog = MaskMappingDialog(mask, palette)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.findChildren(QComboBox)  # an editor only while a cell is edited
    assert len(dialog.findChildren(QWidget)) < 40
    assert dialog.height() <= QGuiApplication.primaryScreen().availableGeometry().height()
    model = dialog.model
    assert model.rowCount() == len(mask.unknown)
    first = next(iter(mask.unknown))
    assert dialog.mapping()[first] == mask.suggestion(first)
    assert model.index(0, 1).data().endswith("px")
    editable = Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, CLASS_COLUMN)) & editable
    assert not model.flags(model.index(0, 0)) & editable
    dialog.table.edit(model.index(0, CLASS_COLUMN))  # the one combo box, while editing
    assert len(dialog.findChildren(QComboBox)) == 1
    model.setData(model.index(0, CLASS_COLUMN), 3)
    assert dialog.mapping()[first] == 3
    dialog.nearest.click()
    assert dialog.mapping() == mask.nearest_mapping()
    labels = mask.resolve(dialog.mapping())
    assert labels.shape == (32, 32) and labels.max() < len(palette)


def test_slow_analysis_runs_off_the_ui_thread_with_a_progress_dialog(
    qtbot, window: MainWindow
) -> None:
    seen: list[bool] = []

    def look() -> None:
        seen.append(
            any(
                isinstance(w, QProgressDialog) and w.isVisible()
                for w in QApplication.topLevelWidgets()
            )
        )

    QTimer.singleShot(700, look)  # the UI thread keeps running while the work sleeps
    assert run_in_background(window, "Reading…", lambda: time.sleep(1.0) or 42) == 42
    assert seen == [True]
    with pytest.raises(ValueError, match="bad"):
        run_in_background(window, "Reading…", lambda: (_ for _ in ()).throw(ValueError("bad")))
