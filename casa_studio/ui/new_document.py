"""NewDocumentDialog (File → New): a blank document of one background class at 256, 512 or
1024 px square, or a custom size within the settings' bounds and the image budget. The model
paints at its own size; the dialog says what a larger document means until a refiner exists."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from casa_studio.core.palette import Palette
from casa_studio.settings import MAX_SIDE, MIN_SIDE, Budgets
from casa_studio.ui.palette_panel import swatch

PRESETS = (256, 512, 1024)
CUSTOM = "Custom…"


class NewDocumentDialog(QDialog):
    def __init__(
        self,
        palette: Palette,
        model_size: tuple[int, int],
        start: tuple[int, int] | None,
        budgets: Budgets,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New document")
        self.budgets = budgets
        h, w = start or model_size
        self.preset = QComboBox()
        self.preset.addItems([f"{n} x {n}" for n in PRESETS] + [CUSTOM])
        self.custom_w = QSpinBox(minimum=MIN_SIDE, maximum=MAX_SIDE, value=w, suffix=" px")
        self.custom_h = QSpinBox(minimum=MIN_SIDE, maximum=MAX_SIDE, value=h, suffix=" px")
        custom = QWidget()
        row = QHBoxLayout(custom)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.custom_w)
        row.addWidget(QLabel("x"))
        row.addWidget(self.custom_h)
        self.background = QComboBox()
        for c in palette.classes:
            self.background.addItem(swatch(c.color), c.name, c.id)
        mh, mw = model_size
        self.note = QLabel(
            f"The model paints {mw} x {mh}. A larger document keeps every brush stroke at its "
            "size; its picture is the model's, enlarged (a refiner will add detail later)."
        )
        self.note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Size", self.preset)
        form.addRow("Width x height", custom)
        form.addRow("Background", self.background)
        form.addRow(self.note)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self.preset.currentTextChanged.connect(self._on_preset)
        self.custom_w.valueChanged.connect(self._check)
        self.custom_h.valueChanged.connect(self._check)
        square = h == w and h in PRESETS
        self.preset.setCurrentIndex(PRESETS.index(h) if square else len(PRESETS))
        self._on_preset(self.preset.currentText())
        self.resize(460, self.sizeHint().height())

    def _on_preset(self, text: str) -> None:
        custom = text == CUSTOM
        if not custom:
            side = PRESETS[self.preset.currentIndex()]
            self.custom_w.setValue(side)
            self.custom_h.setValue(side)
        self.custom_w.setEnabled(custom)
        self.custom_h.setEnabled(custom)
        self._check()

    def _check(self) -> None:
        """OK only for a size within the image budget (layers x size within the project's)."""
        h, w = self.chosen_size()
        problem = ""
        if h * w > self.budgets.image_pixels:
            problem = f"{w} x {h} is over the {self.budgets.image_megapixels}-megapixel budget"
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def chosen_size(self) -> tuple[int, int]:
        return self.custom_h.value(), self.custom_w.value()

    def chosen_background(self) -> int:
        return int(self.background.currentData())
