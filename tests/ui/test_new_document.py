"""File → New in the real window (tiny real model, 32 x 32): a blank document of one background
class at a chosen size, rendered at the model's size and shown at the document's; the size the
dialog starts at comes from Preferences; the starter landscape stays as an example."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QDialogButtonBox, QMenu

from casa_studio.core.document import Document
from casa_studio.persistence.project import save_project
from casa_studio.ui.live_preview import RenderState
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.new_document import NewDocumentDialog


def _open_new(window: MainWindow) -> NewDocumentDialog:
    window.action_for["new"].trigger()
    (dialog,) = [d for d in window.findChildren(NewDocumentDialog) if d.isVisible()]
    return dialog


def test_new_gives_a_blank_document_of_the_chosen_size(qtbot, window: MainWindow) -> None:
    dialog = _open_new(window)
    assert [dialog.preset.itemText(i) for i in range(dialog.preset.count())] == [
        "256 x 256",
        "512 x 512",
        "1024 x 1024",
        "Custom…",
    ]
    assert "The model paints 32 x 32" in dialog.note.text()
    # the model's size is no preset: the dialog starts at it, as a custom size
    assert dialog.preset.currentText() == "Custom…" and dialog.chosen_size() == (32, 32)
    dialog.preset.setCurrentText("1024 x 1024")
    assert not dialog.custom_w.isEnabled() and dialog.chosen_size() == (1024, 1024)
    dialog.preset.setCurrentText("Custom…")
    assert dialog.custom_w.isEnabled()
    dialog.custom_w.setValue(96)
    dialog.custom_h.setValue(64)
    dialog.background.setCurrentText("class_2")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    doc = window.editor.document
    assert doc.size == (64, 96) and set(doc.present()) == {2} and len(doc.layers) == 2
    canvas = window.canvas
    shown = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert canvas.fitted and shown.contains(QRectF(0, 0, 96, 64))  # refitted to the new size
    assert shown.width() < 96 * 3 or shown.height() < 64 * 3  # and fills the view
    assert window.editor.path is None and not doc.modified
    qtbot.waitUntil(
        lambda: (
            window.editor.live.state is RenderState.UP_TO_DATE
            and window.editor.live.result is not None
            and window.editor.live.result.revision == doc.revision
        ),
        timeout=20000,
    )
    image = window.editor.current_image()
    assert image is not None and image.shape == (64, 96, 3)


def test_a_preset_and_the_preferred_size(qtbot, window: MainWindow) -> None:
    window.settings.new_document_size = (512, 512)
    dialog = _open_new(window)
    assert dialog.preset.currentText() == "512 x 512" and dialog.chosen_size() == (512, 512)
    dialog.preset.setCurrentText("256 x 256")
    dialog.accept()
    assert window.editor.document.size == (256, 256)
    assert set(window.editor.document.present()) == {0}  # the model's first class
    dialog = _open_new(window)
    dialog.reject()
    assert window.editor.document.size == (256, 256)


def test_the_starter_landscape_stays_as_an_example(window: MainWindow) -> None:
    (examples,) = [m for m in window.findChildren(QMenu) if m.title() == "New from e&xample"]
    (starter,) = [a for a in examples.actions() if a.text() == "Starter landscape"]
    window.editor.new_blank((64, 64))
    starter.trigger()
    assert window.editor.document.size == (32, 32)  # the model's size


def test_a_project_of_another_size_opens(qtbot, window: MainWindow, tmp_path: Path) -> None:
    doc = Document.new(window.editor.document.palette, (48, 80), fill=3)
    save_project(tmp_path / "wide.casa", doc, window.editor.model)
    window.files.open_file(tmp_path / "wide.casa")
    assert window.editor.path == tmp_path / "wide.casa"
    assert window.editor.document.size == (48, 80)
    qtbot.waitUntil(
        lambda: (
            window.editor.live.result is not None
            and window.editor.live.result.revision == window.editor.document.revision
        ),
        timeout=20000,
    )
    assert np.asarray(window.editor.current_image()).shape == (48, 80, 3)
