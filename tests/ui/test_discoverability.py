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
    assert texts == ["&Getting started", "&Keyboard shortcuts", "&About CASA Studio"]
    window.action_for["shortcuts"].trigger()
    sheet = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ShortcutSheet))
    rows = {
        sheet.table.item(r, 0).text(): sheet.table.item(r, 1).text()
        for r in range(sheet.table.rowCount())
    }
    for action in window.action_for.values():  # what the menus really do
        if action.shortcuts():
            keys = " / ".join(k.toString() for k in action.shortcuts())
            assert rows.get(keys) == action.text().replace("&", "").rstrip("…"), keys
    assert "Ctrl+Shift-drag, the round knob" in rows
    sheet.close()
    window.action_for["about"].trigger()
    about = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog) and w.isVisible()
    )
    assert window.model_name in about.summary.text() and "CPU" in about.summary.text()
    assert "tiny test model" in about.card.toPlainText()
    about.close()


def test_tooltips_show_the_key_and_the_palette_shows_the_class_keys(window: MainWindow) -> None:
    assert window.action_for["brush"].toolTip() == "Brush (B)"
    assert window.action_for["redo"].toolTip() == "Redo (Ctrl+Shift+Z / Ctrl+Y)"
    first = window.editor.context.class_id
    window.editor.set_class(3)
    items = {
        window.palette_panel.list.item(r).data(256): window.palette_panel.list.item(r).text()
        for r in range(window.palette_panel.list.count())
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


def _table_rows(menu, table: set) -> list:
    """The menu's entries that are table actions, separators as None, submenus left out."""
    entries = [None if a.isSeparator() else a for a in menu.actions() if a.menu() is None]
    return [a for a in entries if a is None or a in table]


def _expected(rows) -> list:
    return [x for s, a in rows for x in ([None, a] if s.separated else [a])]


def test_menus_and_toolbar_are_built_from_the_action_table(window: MainWindow) -> None:
    from PySide6.QtWidgets import QToolBar

    from casa_studio.ui.actions import MENUS, SPECS

    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == list(MENUS)
    table = set(window.action_for.values())
    for title in MENUS:
        rows = [(s, window.action_for[s.key]) for s in SPECS if s.menu == title]
        got = _table_rows(_menu(window, title), table)
        assert [a for a in got if a is not None] == [a for _s, a in rows], title
        for spec, action in rows:  # a row marked `separated` has a line above it
            if spec.separated:
                assert got[got.index(action) - 1] is None, spec.key
    toolbar = next(b for b in window.findChildren(QToolBar) if b.objectName() == "Tools")
    placed = sorted((s.toolbar, s.key) for s in SPECS if s.toolbar)
    on_bar = [a for a in toolbar.actions() if a in table]
    assert on_bar == [window.action_for[k] for _n, k in placed]
    assert toolbar.actions()[toolbar.actions().index(window.action_for["undo"]) - 1].isSeparator()


def test_a_new_action_is_one_row_in_the_table(qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QMainWindow, QToolBar

    from casa_studio.ui import actions, menus

    row = actions.ActionSpec("tidy", "&Tidy up", ("Ctrl+K",), menu=actions.EDIT, toolbar=99)
    specs = (*actions.SPECS, row)
    monkeypatch.setattr(actions, "SPECS", specs)
    monkeypatch.setattr(menus, "SPECS", specs)
    host = QMainWindow()
    qtbot.addWidget(host)
    ran: list[str] = []
    made = actions.build_actions(host, {"tidy": lambda: ran.append("tidy")})
    edit = menus.build_menus(host.menuBar(), made)[actions.EDIT]
    bar = QToolBar()
    menus.build_toolbar(bar, made)
    assert edit.actions()[-1] is made["tidy"] and bar.actions()[-1] is made["tidy"]
    assert bar.actions()[-2].isSeparator()  # 99 follows 13 with a gap
    made["tidy"].trigger()
    assert ran == ["tidy"] and made["tidy"].toolTip() == "Tidy up (Ctrl+K)"
