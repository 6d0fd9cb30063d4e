"""BrushSize: the brush diameter as a slider and a number, for the toolbar; it follows the
painter's radius (the [ and ] keys) and sets it."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QSpinBox, QWidget

from casa_studio.ui.painter import Painter

MAX_SIZE = 512


class BrushSize(QWidget):
    def __init__(self, painter: Painter) -> None:
        super().__init__()
        self.painter = painter
        self.slider = QSlider(Qt.Orientation.Horizontal, minimum=1, maximum=MAX_SIZE)
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
        painter.radius_changed.connect(self._show)
        self._show(painter.context.radius)

    def _set(self, diameter: int) -> None:
        self.painter.set_radius(diameter / 2)

    def _show(self, radius: float) -> None:
        for widget in (self.slider, self.spin):
            with QSignalBlocker(widget):
                widget.setValue(round(2 * radius))
