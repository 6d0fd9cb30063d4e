"""Panels, view modes, help, shortcut sheet and key hints can be found (issue 10, trap 12)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDockWidget

from casa_studio.ui.help import AboutDialog, ShortcutSheet
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.output_view import ViewMode


def _menu(window: MainWindow, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == title)


def test_a_closed_panel_comes_back_from_view_panels(qtbot, window: MainWindow) -> None:
    styles = next(d for d in window.findChildren(QDockWidget) if d.windowTitle() == "Styles")
    styles.close()
    assert not styles.isVisible()
    panels = next(a.menu() for a in _menu(window, "&View").actions() if a.text() == "&Panels")
    names = [a.text() for a in panels.actions()]
    assert {"Layers", "Classes", "Reshape", "Styles", "Tools"} <= set(names)
    next(a for a in panels.actions() if a.text() == "Styles").trigger()
    assert styles.isVisible()
    mask = next(a for a in _menu(window, "&View").actions() if a.text() == ViewMode.MASK.value)
    mask.trigger()
    assert window.output.current_mode() is ViewMode.MASK and mask.isChecked()


def test_help_has_a_shortcut_sheet_from_the_actions_and_about(qtbot, window: MainWindow) -> None:
    texts = [a.text() for a in _menu(window, "&Help").actions()]
    assert texts == ["&Keyboard shortcuts", "&About CASA Studio"]
    window.actions["shortcuts"].trigger()
    sheet = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ShortcutSheet))
    rows = {
        sheet.table.item(r, 0).text(): sheet.table.item(r, 1).text()
        for r in range(sheet.table.rowCount())
    }
    for action in window.actions.values():  # what the menus really do
        if action.shortcuts():
            keys = " / ".join(k.toString() for k in action.shortcuts())
            assert rows.get(keys) == action.text().replace("&", "").rstrip("…"), keys
    assert "Ctrl+Shift-drag, the round knob" in rows
    sheet.close()
    window.actions["about"].trigger()
    about = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog) and w.isVisible()
    )
    assert window.model_name in about.summary.text() and "CPU" in about.summary.text()
    assert "tiny test model" in about.card.toPlainText()
    about.close()


def test_tooltips_show_the_key_and_the_palette_shows_the_class_keys(window: MainWindow) -> None:
    assert window.actions["brush"].toolTip() == "Brush (B)"
    assert window.actions["redo"].toolTip() == "Redo (Ctrl+Shift+Z / Ctrl+Y)"
    first = window.editor.context.class_id
    window.editor.set_class(3)
    items = {
        window.palette.list.item(r).data(256): window.palette.list.item(r).text()
        for r in range(window.palette.list.count())
    }
    assert items[3].endswith("key 1") and items[first].endswith("key 2")
    QApplication.processEvents()


def test_the_readme_keys_table_lists_every_shortcut() -> None:
    from pathlib import Path

    from casa_studio.ui.actions import SPECS

    readme = Path(__file__).parents[2] / "README.md"
    table = readme.read_text(encoding="utf-8").split("| keys | action |", 1)[1].split("##", 1)[0]
    for spec in SPECS:
        for key in spec.shortcuts:
            assert key in table, f"{key} ({spec.key}) is missing from the README's keys table"
