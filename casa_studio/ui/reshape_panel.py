"""ReshapePanel: how the reshape tool picks (one region or the whole class), which class fills
the pixels an object leaves, and sliders that scale, rotate, grow or shrink the selected
object live; each slider gesture (drag, key step, click, wheel) is one undo step and the slider
springs back."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from casa_studio.core.reshape import Transform
from casa_studio.ui.palette_panel import swatch
from casa_studio.ui.sliders import ValueSlider
from casa_studio.ui.tool_session import ToolSession

SLIDERS = (  # name, range, neutral, value text, transform for a value
    ("Scale %", (10, 300), 100, "{} %", lambda v: Transform(scale=v / 100)),
    ("Rotate °", (-180, 180), 0, "{}°", lambda v: Transform(angle=v)),
    ("Grow px", (-20, 20), 0, "{:+d} px", lambda v: Transform(grow=v)),
)


class ReshapePanel(QWidget):
    def __init__(self, session: ToolSession) -> None:
        super().__init__()
        self.session = session
        self.whole = QCheckBox("Whole class (not one region)")
        self.whole.toggled.connect(self._set_whole)
        self.fill = QComboBox()
        self.fill.addItem("What was around it", None)
        for c in session.document.palette.classes:
            self.fill.addItem(swatch(c.color), c.name, c.id)
        self.fill.currentIndexChanged.connect(
            lambda i: setattr(session.context, "fill", self.fill.itemData(i))
        )
        hint = QLabel(
            "Reshape tool (V): click an object, drag to move, Shift-drag (or a corner) to "
            "scale, Ctrl+Shift-drag (or the round knob) to rotate, arrows to nudge."
        )
        hint.setWordWrap(True)
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addWidget(hint)
        outer.addLayout(form)
        outer.addStretch(1)
        form.addRow(self.whole)
        form.addRow("Fill with", self.fill)
        self.sliders: dict[str, ValueSlider] = {}
        for name, (low, high), neutral, text, make in SLIDERS:
            slider = ValueSlider(low, high, neutral, text)
            slider.follow(session.transforming, partial(self._preview, make), rest=neutral)
            form.addRow(name, slider.with_value())
            self.sliders[name] = slider

    def _preview(self, make: Callable[[int], Transform], value: int) -> None:
        self.session.preview_transform(make(value))

    def _set_whole(self, on: bool) -> None:
        self.session.context.whole_class = on
