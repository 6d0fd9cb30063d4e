"""LooksButton: the model's named looks (clear day, golden hour, night, …) as starting points
in the Styles panel: one click gives the selected classes, or every unlocked class present
when none is selected, the look's styles as one undo step (`StyleEditor.look`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QToolButton

from casa_studio.ui.style_editor import NO_LOOKS, StyleEditor


class LooksButton(QToolButton):
    """`selection()`: the selected classes, or None when no row is selected."""

    def __init__(self, styles: StyleEditor, selection: Callable[[], list[int] | None]) -> None:
        super().__init__()
        self.styles = styles
        self.selection = selection
        self.setText("Look")
        self.setIcon(qta.icon("fa5s.cloud-sun"))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        styles.editor.live.model_ready.connect(lambda _info: self.fill())
        self.fill()

    def fill(self) -> None:
        menu = self.menu()
        menu.clear()
        info = self.styles.editor.live.info
        looks = list(info.looks) if info is not None else []
        for name in looks:
            menu.addAction(name.capitalize(), partial(self.apply, name))
        self.setEnabled(bool(looks))
        self.setToolTip(
            "Start from a named look: the selected classes, or all unlocked ones"
            if looks
            else ("The model is still loading" if info is None else NO_LOOKS)
        )

    def apply(self, name: str) -> None:
        self.styles.look(name, self.selection())
