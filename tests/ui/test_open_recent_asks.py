"""File → Open Recent asks about unsaved changes before replacing the document, like Open."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QMessageBox

from casa_studio.core.commands import PaintPixels
from casa_studio.ui.main_window import MainWindow


def _paint(win: MainWindow, value: int) -> None:
    doc = win.editor.document
    doc.execute(PaintPixels.from_mask(doc.active_layer, np.ones(doc.size, bool), value))


def test_open_recent_asks_and_cancel_keeps_the_unsaved_work(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    saved = tmp_path / "other.casa"
    assert window.files.save_as(saved)
    window.files.fill_recent(window.recent_menu)
    _paint(window, 2)
    asked: list[str] = []

    def cancel(*args: object, **kw: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    window.recent_menu.actions()[0].trigger()
    assert asked == ["Save the changes to this document?"]
    assert window.editor.document.modified and (window.editor.document.labels() == 2).all()

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.recent_menu.actions()[0].trigger()
    assert not window.editor.document.modified and window.editor.path == saved
