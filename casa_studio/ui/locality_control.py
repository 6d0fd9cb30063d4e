"""LocalityControl: the "Local ↔ global light" slider — how strongly each class's style is
kept inside its own painted region (attention guidance) — with its value shown.

A render setting kept in the document's view settings (saved with the project, written into
exports' recipes), not an undo step: it changes how the same labels and styles are rendered,
not the document, and a drag would otherwise flood the history."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout

from casa_studio.engine.request import DEFAULT_LOCALITY, document_locality, set_document_locality
from casa_studio.ui.editor import Editor

MAX_LOCALITY = 16.0  # locality saturates about here (0.87 on the bundled model)
STEPS_PER_UNIT = 4  # slider steps of 0.25


class LocalityControl(QGroupBox):
    def __init__(self, editor: Editor) -> None:
        super().__init__("Local ↔ global light")
        self.editor = editor
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, int(MAX_LOCALITY * STEPS_PER_UNIT))
        self.slider.setInvertedAppearance(True)  # local (strong guidance) on the left
        self.slider.setPageStep(STEPS_PER_UNIT)
        self.slider.setToolTip(
            "Left: a class's style stays in its own painted region (a per-class edit changes "
            "only that class). Right: styles mix freely, so light and colour spread across "
            "the scene (the paper's attention)."
        )
        self.value = QLabel()
        self.value.setMinimumWidth(34)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.reset = QToolButton()
        self.reset.setIcon(qta.icon("fa5s.undo-alt"))
        self.reset.setToolTip(f"Back to the default ({DEFAULT_LOCALITY:g})")
        self.reset.clicked.connect(lambda: self.set_locality(DEFAULT_LOCALITY))
        row = QHBoxLayout()
        row.addWidget(QLabel("Local"))
        row.addWidget(self.slider, 1)
        row.addWidget(QLabel("Global"))
        row.addWidget(self.value)
        row.addWidget(self.reset)
        QVBoxLayout(self).addLayout(row)
        self.slider.valueChanged.connect(self._on_slider)
        editor.document_replaced.connect(self.show_document)
        self.show_document()

    def locality(self) -> float:
        return self.slider.value() / STEPS_PER_UNIT

    def set_locality(self, locality: float) -> None:
        self.slider.setValue(round(min(max(locality, 0.0), MAX_LOCALITY) * STEPS_PER_UNIT))

    def show_document(self) -> None:
        """A document opens with its own setting; nothing is rendered for showing it."""
        self.slider.blockSignals(True)
        self.set_locality(document_locality(self.editor.document))
        self.slider.blockSignals(False)
        self._show_value()

    def _show_value(self) -> None:
        g = self.locality()
        self.value.setText(f"{g:.2f}".rstrip("0").rstrip("."))
        self.value.setToolTip(
            "attention guidance" + (" (default)" if g == DEFAULT_LOCALITY else "")
        )

    def _on_slider(self, _value: int) -> None:
        set_document_locality(self.editor.document, self.locality())
        self._show_value()
        self.editor.live.request_render()
