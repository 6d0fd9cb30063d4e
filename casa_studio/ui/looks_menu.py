"""LooksButton: the model's named looks (clear day, golden hour, night, …) as starting points
in the Styles panel: one click gives the selected classes, or every unlocked class when none
is selected, the look's styles as one undo step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QToolButton

from casa_studio.core.commands import SetStyles
from casa_studio.core.styles import SourceKind, StyleSource
from casa_studio.ui.style_editor import StyleEditor

NO_LOOKS = "This model has no look bank: no named looks (see `casa-studio models build-looks`)"


def apply_look(styles: StyleEditor, name: str, classes: Sequence[int] | None = None) -> bool:
    """Give the unlocked ones of `classes` (default: every class of the palette, so classes
    painted later match) the look's styles; False when nothing changed."""
    info = styles.editor.live.info
    doc = styles.doc
    if info is None or name not in info.looks:
        styles.editor.message.emit("The model is still loading" if info is None else NO_LOOKS)
        return False
    chosen = range(len(doc.palette)) if classes is None else classes
    free = doc.styles.unlocked(chosen)
    if not free:
        styles.editor.message.emit("Those classes are locked")
        return False
    source = StyleSource(SourceKind.LOOK, name=name)
    doc.execute(SetStyles(tuple(free), (source,) * len(free), f"Look: {name}"))
    return True


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
        apply_look(self.styles, name, self.selection())
