"""LocalityControl: the light control — from "whole scene's light" (styles mix freely, the
paper's attention) to "this class only" (each class's style kept inside its own painted
region: attention guidance) — with its value shown, growing toward "this class only".

A render setting kept in the document's view settings (saved with the project, written into
exports' recipes), not an undo step: it changes how the same labels and styles are rendered,
not the document, and a drag would otherwise flood the history. A document that never set it
renders with the model's default (its config's `default_locality`), which reset goes back to."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout

from casa_studio.engine.request import set_document_locality
from casa_studio.ui.editor import Editor

MAX_LOCALITY = 16.0  # locality saturates about here (0.87 on the bundled model)
STEPS_PER_UNIT = 4  # slider steps of 0.25
WHOLE_SCENE = "whole scene's light"
CLASS_ONLY = "this class only"


class LocalityControl(QGroupBox):
    def __init__(self, editor: Editor) -> None:
        super().__init__("Light")
        self.editor = editor
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, int(MAX_LOCALITY * STEPS_PER_UNIT))
        self.slider.setPageStep(STEPS_PER_UNIT)
        self.slider.setToolTip(
            f"Left, {WHOLE_SCENE}: styles mix freely, so a class's light and colour spread "
            f"across the scene (the paper's attention, 0). Right, {CLASS_ONLY}: a class's "
            "style stays in its own painted region, so a per-class edit changes only that class."
        )
        self.value = QLabel()
        self.value.setMinimumWidth(34)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.reset = QToolButton()
        self.reset.setIcon(qta.icon("fa5s.undo-alt"))
        self.reset.clicked.connect(self._reset)
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.value)
        row.addWidget(self.reset)
        ends = QHBoxLayout()  # under the slider's two ends, so a narrow dock keeps it long
        ends.addWidget(QLabel(WHOLE_SCENE))
        ends.addStretch(1)
        ends.addWidget(QLabel(CLASS_ONLY))
        ends.addSpacing(self.reset.sizeHint().width() + self.value.minimumWidth())
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(ends)
        self.slider.valueChanged.connect(self._on_slider)
        editor.document_replaced.connect(self.show_document)
        editor.live.model_ready.connect(lambda _info: self.show_document())
        self.show_document()

    def locality(self) -> float:
        return self.slider.value() / STEPS_PER_UNIT

    def set_locality(self, locality: float) -> None:
        self.slider.setValue(round(min(max(locality, 0.0), MAX_LOCALITY) * STEPS_PER_UNIT))

    def show_document(self) -> None:
        """A document opens with its own setting, else the model's default; nothing is
        rendered for showing it."""
        self.slider.blockSignals(True)
        self.set_locality(self.editor.locality())
        self.slider.blockSignals(False)
        self._show_value()

    def _show_value(self) -> None:
        g = self.locality()
        default = self.editor.default_locality()
        self.value.setText(f"{g:.2f}".rstrip("0").rstrip("."))
        self.value.setToolTip(
            f"attention guidance towards {CLASS_ONLY}: 0 = {WHOLE_SCENE}"
            + (" (the model's default)" if g == default else "")
        )
        self.reset.setToolTip(f"Back to the model's default ({default:g})")

    def _reset(self) -> None:
        set_document_locality(self.editor.document, None)
        self.show_document()
        self.editor.live.request_render()

    def _on_slider(self, _value: int) -> None:
        set_document_locality(self.editor.document, self.locality())
        self._show_value()
        self.editor.live.request_render()
