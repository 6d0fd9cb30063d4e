"""BrushSize: the brush diameter as a slider and a number, for the toolbar; it follows the
session's brush radius (the [ and ] keys) and sets it."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QSpinBox, QWidget

from casa_studio.ui.tool_session import ToolSession

MAX_SIZE = 512


class BrushSize(QWidget):
    def __init__(self, session: ToolSession) -> None:
        super().__init__()
        self.session = session
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(1, MAX_SIZE)
        self.slider.setFixedWidth(110)
        self.spin = QSpinBox(minimum=1, maximum=MAX_SIZE, suffix=" px")
        self.spin.setToolTip("Brush size (diameter; [ and ] change it)")
        self.slider.setToolTip(self.spin.toolTip())
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(QLabel("Size"))
        layout.addWidget(self.slider)
        layout.addWidget(self.spin)
        self.slider.valueChanged.connect(self._set)
        self.spin.valueChanged.connect(self._set)
        session.radius_changed.connect(self._show)
        self._show(session.context.radius)

    def _set(self, diameter: int) -> None:
        self.session.set_radius(diameter / 2)

    def _show(self, radius: float) -> None:
        for widget in (self.slider, self.spin):
            with QSignalBlocker(widget):
                widget.setValue(round(2 * radius))
