"""The results history in the real window (tiny real model): one thumbnail per recipe tried;
a click compares with the current picture, a double-click returns to that recipe as one undo
step (guidance too); saved in the project and read back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from casa_studio.core.commands import PaintPixels
from casa_studio.engine.request import document_locality
from casa_studio.persistence.project import load_project
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.results_strip import ResultsStrip


def _settled(qtbot, window: MainWindow) -> None:
    live, doc = window.editor.live, window.editor.document
    qtbot.waitUntil(
        lambda: live.result is not None and live.result.revision == window.editor.document.revision,
        timeout=20000,
    )
    assert doc is window.editor.document


def _click(strip: ResultsStrip, row: int, double: bool = False) -> None:
    centre = strip.visualItemRect(strip.item(row)).center()
    QTest.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    if double:
        QTest.mouseDClick(strip.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_a_strip_of_recipes_compare_and_go_back(qtbot, window: MainWindow, tmp_path: Path) -> None:
    strip, doc = window.output.results, window.editor.document
    assert strip.isVisible() and strip.count() == 1  # the first render
    first = tuple(doc.styles.sources)
    window.action_for["reroll"].trigger()
    _settled(qtbot, window)
    assert strip.count() == 2
    rerolled = tuple(doc.styles.sources)
    assert rerolled != first
    assert doc.results.entries[1].sources == rerolled
    mask = np.zeros(doc.size, bool)
    mask[:8, :8] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 2))  # same recipe: no new entry
    _settled(qtbot, window)
    assert strip.count() == 2
    assert "class_2" in strip.item(1).toolTip() and "guidance 0" in strip.item(1).toolTip()

    current = window.editor.current_image()
    assert current is not None
    _click(strip, 0)
    frame = window.output.frame()
    assert frame is not None and frame.shape == (32, 32 * 2 + 8, 3)  # current | result 1
    assert np.array_equal(frame[:, :32], current)
    assert np.array_equal(frame[:, 40:], doc.results.entries[0].image)
    _click(strip, 0)  # a second click ends the comparison
    assert np.array_equal(window.output.frame(), current)

    window.style_panel.locality.set_locality(1.5)  # new guidance (no new revision): a new recipe
    qtbot.waitUntil(lambda: strip.count() == 3, timeout=20000)
    assert doc.results.entries[2].locality == 1.5
    _click(strip, 0, double=True)
    assert (
        tuple(doc.styles.sources) == first and document_locality(doc) == 0.0
    )  # the tiny model's default
    assert window.style_panel.locality.locality() == 0.0  # the slider follows
    qtbot.waitUntil(lambda: strip.count() == 4, timeout=20000)  # a render of its own, newest last
    window.editor.undo()  # one undo step: every class's style at once
    assert tuple(doc.styles.sources) == rerolled

    window.files.save_as(tmp_path / "h.casa")
    reopened, _model, _render = load_project(tmp_path / "h.casa")
    kept = reopened.results.entries
    assert [r.sources for r in kept] == [r.sources for r in doc.results.entries]
    assert [r.locality for r in kept] == [r.locality for r in doc.results.entries]
    assert all(
        np.array_equal(a.image, b.image) for a, b in zip(kept, doc.results.entries, strict=True)
    )
    window.files.open_file(tmp_path / "h.casa")
    assert window.output.results.count() == len(kept)
