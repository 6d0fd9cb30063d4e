"""Batch export and preferences from the real window's menu, with the real (tiny) model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from casa_studio.settings import Settings
from casa_studio.ui.batch_dialog import BatchDialog
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.preferences import PreferencesDialog


def _open_batch(window: MainWindow) -> BatchDialog:
    window.action_for["batch"].trigger()
    (dialog,) = [d for d in window.findChildren(BatchDialog) if d.isVisible()]
    return dialog


def test_batch_export_with_progress_pattern_and_a_failing_item(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    labels = np.zeros((32, 32), np.uint8)
    labels[16:] = 2
    Image.fromarray(labels, "L").save(tmp_path / "scene.png")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    dialog = _open_batch(window)
    dialog.add_sources([tmp_path / "scene.png", tmp_path / "broken.png"])
    dialog.seeds.setValue(3)
    dialog.out.setText(str(tmp_path / "out"))
    dialog.pattern.setText("{n:02d}_{source}_{variant}")
    progress: list[int] = []
    dialog.bar.valueChanged.connect(progress.append)
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.isEnabled() and not dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30000)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "01_untitled_seed1.png",
        "02_untitled_seed2.png",
        "03_untitled_seed3.png",
        "04_scene_seed1.png",
        "05_scene_seed2.png",
        "06_scene_seed3.png",
    ]
    assert dialog.bar.value() == dialog.bar.maximum() == 9 and len(progress) >= 6
    report = dialog.report.toPlainText()
    assert "6 images written" in report and "failed: broken.png" in report
    recipe = json.loads(Image.open(tmp_path / "out" / "04_scene_seed1.png").text["casa:recipe"])
    assert recipe["source"] == "scene.png"
    assert dialog.start_button.isEnabled()
    dialog.pattern.setText("{source}")  # every variant would get the same name
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    # refused by the options the command line checks too, before anything is queued
    assert "must give each file its own name" in dialog.report.toPlainText()
    assert dialog.start_button.isEnabled()
    dialog.close()


def test_batch_cancel_stops_early(qtbot, window: MainWindow, tmp_path: Path) -> None:
    dialog = _open_batch(window)
    dialog.seeds.setValue(200)
    dialog.out.setText(str(tmp_path / "many"))
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30000)
    assert dialog.summary.cancelled and "Cancelled." in dialog.report.toPlainText()
    assert len(list((tmp_path / "many").iterdir())) < 200
    dialog.close()
    window.editor.document.history.mark_clean()


def test_autosave_interval_is_a_preference(qtbot, window: MainWindow) -> None:
    window.action_for["preferences"].trigger()
    (dialog,) = [d for d in window.findChildren(PreferencesDialog) if d.isVisible()]
    assert dialog.autosave.value() == 60
    dialog.autosave.setValue(5)
    dialog.accept()
    assert window.autosave.timer.isActive() and window.autosave.timer.interval() == 5000
    assert Settings.load().autosave_seconds == 5
    window.action_for["preferences"].trigger()
    (dialog,) = [d for d in window.findChildren(PreferencesDialog) if d.isVisible()]
    dialog.autosave.setValue(0)
    assert dialog.autosave.text() == "off"
    dialog.accept()
    assert not window.autosave.timer.isActive() and Settings.load().autosave_seconds == 0


def test_n_random_seeds_give_n_variants_and_own_styles_are_their_own_choice(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QLabel

    window.styles.reroll(window.editor.document.present())  # the document has its own styles
    dialog = _open_batch(window)
    assert any("{variant}" in label.text() for label in dialog.findChildren(QLabel))
    dialog.seeds.setValue(6)
    dialog.out.setText(str(tmp_path / "six"))
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30000)
    names = sorted(p.name for p in (tmp_path / "six").iterdir())
    assert names == [f"untitled_seed{n}.png" for n in range(1, 7)]
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    QTest.mouseClick(dialog.open_folder, Qt.MouseButton.LeftButton)
    assert opened == [str(tmp_path / "six")]
    dialog.summary = None
    dialog.by_own.setChecked(True)
    dialog.out.setText(str(tmp_path / "own"))
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30000)
    assert [p.name for p in (tmp_path / "own").iterdir()] == ["untitled_own.png"]
    assert dialog.bar.value() == dialog.bar.maximum() == 1
    dialog.close()
    window.editor.document.history.mark_clean()
