"""Preferences as users expect them (real window, tiny real model): device, live mode,
autosave, the size File → New starts at and the guidance of new documents, the model's own
unless overridden; saved, applied at once and again at the next start."""

from __future__ import annotations

from pathlib import Path

from casa_studio.engine.request import document_locality
from casa_studio.settings import Settings
from casa_studio.ui.app import build_window
from casa_studio.ui.live_preview import LiveMode
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.new_document import NewDocumentDialog
from casa_studio.ui.preferences import PreferencesDialog


def _open(window: MainWindow) -> PreferencesDialog:
    window.action_for["preferences"].trigger()
    (dialog,) = [d for d in window.findChildren(PreferencesDialog) if d.isVisible()]
    return dialog


def test_preferences_offer_device_live_mode_size_and_guidance(
    qtbot, window: MainWindow, tiny_folder: Path
) -> None:
    dialog = _open(window)
    assert dialog.device.currentText() == "Automatic"
    assert dialog.live.currentText() == "Continuous"
    assert dialog.new_size.currentText() == "The model's (32 x 32)"
    assert dialog.model_guidance.isChecked() and not dialog.guidance.isEnabled()
    dialog.device.setCurrentText("CPU")
    dialog.live.setCurrentText("Manual (F5)")
    dialog.new_size.setCurrentText("512 x 512")
    dialog.model_guidance.setChecked(False)
    assert dialog.guidance.isEnabled()
    dialog.guidance.setValue(2.5)
    dialog.accept()
    saved = Settings.load()
    assert (saved.device, saved.live_mode, saved.new_document_size, saved.guidance) == (
        "cpu",
        "manual",
        (512, 512),
        2.5,
    )
    assert window.editor.live.live_mode is LiveMode.MANUAL
    (manual,) = [a for a in window.menus["&Live preview"].actions() if a.text() == "Manual (F5)"]
    assert manual.isChecked() and window.device_actions["cpu"].isChecked()
    window.action_for["new"].trigger()
    (new,) = [d for d in window.findChildren(NewDocumentDialog) if d.isVisible()]
    assert new.chosen_size() == (512, 512)
    new.accept()
    assert document_locality(window.editor.document) == 2.5
    again = build_window(str(tiny_folder), fake=True)  # the next start follows them too
    try:
        assert again.editor.live.live_mode is LiveMode.MANUAL
        assert again.device_actions["cpu"].isChecked()
        assert document_locality(again.editor.document) == 2.5
    finally:
        again.editor.live.shutdown()
        again.deleteLater()


def test_the_models_guidance_is_the_default(qtbot, window: MainWindow) -> None:
    dialog = _open(window)
    dialog.accept()
    assert Settings.load().guidance is None and window.editor.default_guidance is None
    window.editor.new_blank((64, 64))
    assert document_locality(window.editor.document) is None  # the model's default
