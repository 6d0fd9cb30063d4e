"""First impression, in the real window with the bundled model's classes (fake renderer): a
new document is the starter landscape, and File → New from example opens a shipped example as
an untitled document with its look."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtWidgets import QMenu, QMessageBox

from casa_studio import paths
from casa_studio.core.commands import SetLocked
from casa_studio.persistence.project import load_project
from casa_studio.ui.app import build_window
from casa_studio.ui.live_preview import RenderState
from casa_studio.ui.main_window import MainWindow

BUNDLED = paths.bundled_models_dir() / "landscape-slim"


@pytest.fixture
def landscape_window(qtbot) -> Iterator[MainWindow]:
    win = build_window(str(BUNDLED), fake=True)
    win.show()
    qtbot.waitUntil(lambda: win.editor.live.state is RenderState.UP_TO_DATE, timeout=20000)
    yield win
    win.hide()
    win.close()
    win.deleteLater()


def _examples_menu(win: MainWindow) -> QMenu:
    (file_menu,) = [a.menu() for a in win.menuBar().actions() if a.text() == "&File"]
    (examples,) = [a.menu() for a in file_menu.actions() if a.text() == "New from e&xample"]
    return examples


def _present_names(win: MainWindow) -> set[str]:
    doc = win.editor.document
    return {doc.palette.classes[c].name for c in doc.present()}


def test_the_first_document_is_a_starter_landscape(landscape_window: MainWindow) -> None:
    assert {"sky", "mountain", "water", "tree", "grass"} <= _present_names(landscape_window)
    assert not landscape_window.editor.document.modified


def test_new_from_example_through_the_file_menu(
    qtbot, landscape_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = landscape_window
    editor = win.editor
    menu = _examples_menu(win)
    names = [a.text() for a in menu.actions()]
    assert len(names) >= 3 and "Mountain lake" in names
    editor.document.execute(SetLocked((0,), True))  # an edit: asked before it is discarded
    asked: list[str] = []

    def answer(*args: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", answer)
    (mountain,) = [a for a in menu.actions() if a.text() == "Mountain lake"]
    mountain.trigger()
    shipped, _model, _render = load_project(paths.resources_dir() / "examples/mountain-lake.casa")
    assert np.array_equal(editor.document.labels(), shipped.labels())
    assert asked and editor.path is None and win.windowTitle().startswith("Untitled")
    assert editor.document.styles.sources[7].describe() == "look clear day"
    qtbot.waitUntil(lambda: not editor.live.is_stale, timeout=10000)
    assert np.array_equal(editor.live.result.tokens[7], editor.live.info.looks["clear day"][7])
    (starter,) = [a for a in menu.actions() if a.text() == "Starter landscape"]
    starter.trigger()
    assert {"sky", "mountain", "water", "tree", "grass"} <= _present_names(win)
