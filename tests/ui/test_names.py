"""Titles and names say the same thing everywhere (issue 10, trap 11)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.style_panel import LOCK, NAME, REROLL, SOURCE
from tests.ui.test_paint_tools import drag


def test_the_title_names_an_opened_project_before_any_edit(
    window: MainWindow, tmp_path: Path
) -> None:
    window.files.save_as(tmp_path / "valley.casa")
    window.files.new_document()
    assert window.windowTitle().startswith("Untitled")
    window.files.open_file(tmp_path / "valley.casa")
    assert window.windowTitle().startswith("valley.casa")


def test_one_word_for_the_typical_look_and_plain_device_and_undo_names(
    qtbot, window: MainWindow
) -> None:
    panel = window.style_panel
    assert panel.typical_button.text() == "Typical"
    assert panel.table.item(0, SOURCE).text() == "typical"
    assert panel.each_button.text() == "Reroll each"
    assert window.info_label.text().endswith("· CPU")
    assert "bf16" not in window.state_label.text() and "fp32" not in window.state_label.text()
    window.canvas.fit()
    drag(window.canvas, [(4, 4), (20, 20)])
    assert window.action_for["undo"].text() == "&Undo brush stroke"


def test_the_styles_table_shows_whole_names_and_names_every_column(window: MainWindow) -> None:
    table = window.style_panel.table
    name = table.item(0, NAME)
    assert table.columnWidth(NAME) >= table.fontMetrics().horizontalAdvance(name.text()) + 16
    for column in (LOCK, REROLL):
        header = table.horizontalHeaderItem(column)
        assert not header.icon().isNull() and header.toolTip()
    used = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert used >= table.viewport().width() - 2  # no space left over while text is cut


def test_file_dialogs_start_in_the_projects_folder(
    window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    (tmp_path / "work").mkdir()
    window.files.save_as(tmp_path / "work" / "scene.casa")
    started: list[str] = []

    def ask(_parent, _title, start, _filters):
        started.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", ask)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    window.action_for["open"].trigger()
    window.action_for["export_image"].trigger()
    window.style_panel.reference.open_reference()
    assert started[0] == str(tmp_path / "work")
    assert started[1] == str(tmp_path / "work" / "scene.png")
    assert started[2] == str(tmp_path / "work")
