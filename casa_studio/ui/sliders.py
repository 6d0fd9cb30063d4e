"""ValueSlider: a horizontal slider that writes its value beside it ("60 %", "-15°"), and
springs back to a resting value without acting on it (gesture sliders)."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget


class ValueSlider(QSlider):
    def __init__(self, low: int, high: int, value: int = 0, text: str = "{}") -> None:
        super().__init__(Qt.Orientation.Horizontal, minimum=low, maximum=high, value=value)
        self.text = text
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        widest = max(len(text.format(low)), len(text.format(high)))
        self.label.setMinimumWidth(self.label.fontMetrics().averageCharWidth() * (widest + 1))
        self.valueChanged.connect(self._show)
        self._show(value)

    def _show(self, value: int) -> None:
        self.label.setText(self.text.format(value))

    def with_value(self) -> QWidget:
        """The slider and its value in one row, for a layout."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self, 1)
        layout.addWidget(self.label)
        return row

    def spring_back(self, value: int) -> None:
        """Back to the resting value without acting on it."""
        with QSignalBlocker(self):
            self.setValue(value)
        self._show(value)
