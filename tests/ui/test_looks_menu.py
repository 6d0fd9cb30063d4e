"""Looks in the real window with the real (tiny) model and its look bank: the Styles panel's
Look menu (the unlocked classes present, or the selection; one undo step), look tokens filled when a
project names a look without its tokens, and batch export over looks from the dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from casa_studio.core.commands import PaintPixels, SetLocked
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource
from casa_studio.persistence.project import ModelRef, save_project
from casa_studio.ui.app import build_window
from casa_studio.ui.batch_dialog import BatchDialog
from casa_studio.ui.live_preview import RenderState
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.style_panel import NAME

NIGHT = StyleSource(SourceKind.LOOK, name="night")


@pytest.fixture
def looks_window(qtbot, looks_folder: Path) -> Iterator[MainWindow]:
    win = build_window(str(looks_folder), device="cpu")

    def fail_instead_of_dialog(exc: Exception) -> None:
        raise AssertionError(f"error dialog: {exc}")

    win.files.report = fail_instead_of_dialog
    win.show()
    qtbot.waitUntil(lambda: win.editor.live.state is RenderState.UP_TO_DATE, timeout=20000)
    doc = win.editor.document
    mask = np.zeros(doc.size, bool)
    mask[20:] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 2))
    _wait(qtbot, win)
    yield win
    win.hide()
    win.close()
    win.deleteLater()


def _wait(qtbot, win: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: win.editor.live.result is not None and not win.editor.live.is_stale, timeout=20000
    )


def _look_action(win: MainWindow, text: str) -> QAction:
    actions = {a.text(): a for a in win.style_panel.looks.menu().actions()}
    return actions[text]


def test_look_menu_lists_the_models_looks(looks_window: MainWindow) -> None:
    button = looks_window.style_panel.looks
    assert button.isEnabled()
    assert [a.text() for a in button.menu().actions()] == ["Clear day", "Golden hour", "Night"]


def test_a_look_styles_every_unlocked_class_present_in_one_undo_step(
    qtbot, looks_window: MainWindow
) -> None:
    win = looks_window
    doc, info = win.editor.document, win.editor.live.info
    mask = np.zeros(doc.size, bool)
    mask[:4] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 3))
    assert doc.present() == [0, 2, 3]  # class 1 is not in the picture: it keeps its style
    _wait(qtbot, win)
    doc.execute(SetLocked((2,), True))
    before = win.editor.live.result.image.copy()
    _look_action(win, "Night").trigger()
    assert doc.styles.sources == [NIGHT, TYPICAL, TYPICAL, NIGHT]
    _wait(qtbot, win)
    assert np.array_equal(win.editor.live.result.tokens[[0, 3]], info.looks["night"][[0, 3]])
    assert not np.array_equal(win.editor.live.result.image, before)
    panel = win.style_panel
    assert panel.table.item(0, 1).text() == "look night"  # class 0's row in the panel
    assert doc.history.undo_text() == "Look: night"
    win.action_for["undo"].trigger()
    assert doc.styles.sources == [TYPICAL] * 4
    _wait(qtbot, win)
    assert np.array_equal(win.editor.live.result.image, before)


def test_a_look_styles_the_classes_present_as_a_reroll_does(looks_window: MainWindow) -> None:
    doc = looks_window.editor.document
    mask = np.zeros(doc.size, bool)
    mask[:20] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 3))  # now only classes 2 and 3
    assert doc.present() == [2, 3]
    _look_action(looks_window, "Night").trigger()
    assert doc.styles.sources == [TYPICAL, TYPICAL, NIGHT, NIGHT]
    looks_window.style_panel.styles.reroll()
    assert [s.kind for s in doc.styles.sources] == [SourceKind.TYPICAL] * 2 + [
        SourceKind.RANDOM
    ] * 2


def test_a_look_on_the_selection_only(looks_window: MainWindow) -> None:
    win = looks_window
    panel = win.style_panel
    model = panel.table.selectionModel()
    row = next(
        r for r in range(panel.table.rowCount()) if panel.table.item(r, NAME).text() == "class_2"
    )
    model.select(
        panel.table.model().index(row, NAME),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    _look_action(win, "Golden hour").trigger()
    sources = win.editor.document.styles.sources
    assert sources[2] == StyleSource(SourceKind.LOOK, name="golden hour")
    assert [s for i, s in enumerate(sources) if i != 2] == [TYPICAL] * 3


def test_a_project_naming_a_look_renders_the_looks_tokens(
    qtbot, looks_window: MainWindow, tmp_path: Path
) -> None:
    win = looks_window
    doc = win.editor.document
    doc.styles.sources[2] = NIGHT  # as a hand-written or older manifest may have it
    save_project(tmp_path / "p.casa", doc, ModelRef("tiny"))
    doc.history.mark_clean()
    win.files.open_file(tmp_path / "p.casa")
    opened = win.editor.document
    assert opened is not doc
    _wait(qtbot, win)
    assert np.array_equal(win.editor.live.result.tokens[2], win.editor.live.info.looks["night"][2])
    assert not opened.modified


def test_batch_dialog_renders_the_checked_looks(
    qtbot, looks_window: MainWindow, tmp_path: Path
) -> None:
    win = looks_window
    win.action_for["batch"].trigger()
    (dialog,) = [d for d in win.findChildren(BatchDialog) if d.isVisible()]
    assert dialog.by_looks.isEnabled() and dialog.looks.count() == 3
    dialog.by_looks.setChecked(True)
    dialog.looks.item(1).setCheckState(Qt.CheckState.Unchecked)
    dialog.out.setText(str(tmp_path / "out"))
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30000)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["untitled_clear-day.png", "untitled_night.png"]
    assert dialog.bar.value() == dialog.bar.maximum() == 2
    dialog.close()
    win.editor.document.history.mark_clean()


def test_models_without_looks_disable_the_menu_and_the_batch_option(window: MainWindow) -> None:
    button = window.style_panel.looks
    assert not button.isEnabled() and "no look bank" in button.toolTip()
    window.action_for["batch"].trigger()
    (dialog,) = [d for d in window.findChildren(BatchDialog) if d.isVisible()]
    assert not dialog.by_looks.isEnabled()
    dialog.close()
