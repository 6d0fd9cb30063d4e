"""The menu bar and toolbar, placed as the action table says, and the menus whose entries are
choices rather than actions: live-preview mode, device, output view mode and the panels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMenuBar, QToolBar

from casa_studio.ui.actions import MENUS, SPECS
from casa_studio.ui.editor import Editor
from casa_studio.ui.live_preview import DEVICE_NAMES, LiveMode
from casa_studio.ui.output_view import OutputView, ViewMode

LIVE_MODES = (
    (LiveMode.CONTINUOUS, "Continuous"),
    (LiveMode.ON_RELEASE, "On stroke release"),
    (LiveMode.MANUAL, "Manual (F5)"),
)


def build_menus(bar: QMenuBar, actions: dict[str, QAction]) -> dict[str, QMenu]:
    """Every menu of MENUS, left to right, holding its table rows in table order."""
    menus = {title: bar.addMenu(title) for title in MENUS}
    for spec in SPECS:
        if spec.menu:
            if spec.separated:
                menus[spec.menu].addSeparator()
            menus[spec.menu].addAction(actions[spec.key])
    return menus


def build_toolbar(bar: QToolBar, actions: dict[str, QAction]) -> None:
    """The table's toolbar rows by position; a skipped position is a separator."""
    placed = sorted((spec.toolbar, spec.key) for spec in SPECS if spec.toolbar)
    last = placed[0][0] - 1 if placed else 0
    for position, key in placed:
        if position > last + 1:
            bar.addSeparator()
        bar.addAction(actions[key])
        last = position


def _choices(
    menu: QMenu, choices: Sequence[tuple[str, Callable[[], object], bool]]
) -> list[QAction]:
    """One checkable entry per (text, what it does, checked now), one checked at a time."""
    group = QActionGroup(menu)
    entries = []
    for text, run, checked in choices:
        action = QAction(text, menu, checkable=True, checked=checked)
        action.triggered.connect(lambda _checked=False, run=run: run())
        group.addAction(action)
        menu.addAction(action)
        entries.append(action)
    return entries


def fill_live_menu(menu: QMenu, editor: Editor) -> None:
    modes = [
        (text, partial(editor.live.set_live_mode, mode), mode is editor.live.live_mode)
        for mode, text in LIVE_MODES
    ]
    _choices(menu, modes)


def fill_device_menu(menu: QMenu, on_device: Callable[[str], None]) -> dict[str, QAction]:
    """The devices; only auto and cpu are enabled until the worker reports the others."""
    names = list(DEVICE_NAMES)
    entries = _choices(
        menu, [(text, partial(on_device, n), n == "auto") for n, text in DEVICE_NAMES.items()]
    )
    for name, action in zip(names, entries, strict=True):
        action.setEnabled(name in ("auto", "cpu"))
    return dict(zip(names, entries, strict=True))


def fill_view_menu(menu: QMenu, output: OutputView, window: QMainWindow) -> None:
    """The output's view modes (kept in step with its combo box), then every panel (a closed
    one comes back here)."""
    menu.addSeparator()
    modes = [
        (mode.value, partial(output.set_mode, mode), output.current_mode() is mode)
        for mode in ViewMode
    ]
    for mode, action in zip(ViewMode, _choices(menu, modes), strict=True):
        output.mode.currentTextChanged.connect(
            lambda text, a=action, m=mode: a.setChecked(text == m.value)
        )
    panels = menu.addMenu("&Panels")
    for widget in window.findChildren(QDockWidget) + window.findChildren(QToolBar):
        panels.addAction(widget.toggleViewAction())
