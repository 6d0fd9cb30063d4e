"""MaskMappingDialog: map each unknown id or colour of an imported mask to a class."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from casa_studio.core.palette import Palette
from casa_studio.persistence.masks import MaskImport, Value


def _describe(value: Value) -> str:
    return f"colour {value}" if isinstance(value, tuple) else f"id {value}"


def _swatch(color: tuple[int, int, int]) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(*color))
    return QIcon(pixmap)


class MaskMappingDialog(QDialog):
    def __init__(self, mask: MaskImport, palette: Palette, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setWindowTitle(f"Import {mask.path.name}")
        layout = QVBoxLayout(self)
        if mask.lossy:
            warning = QLabel(
                "⚠ This mask is lossy (JPEG/WebP): its edges hold invented values. "
                "A lossless PNG gives exact labels."
            )
            warning.setWordWrap(True)
            layout.addWidget(warning)
        if mask.unknown:
            layout.addWidget(
                QLabel("These values are not classes of the model. Choose a class for each:")
            )
        form = QFormLayout()
        self.choices: dict[Value, QComboBox] = {}
        for value, count in sorted(mask.unknown.items(), key=lambda item: -item[1]):
            combo = QComboBox()
            for c in palette.classes:
                combo.addItem(_swatch(c.color), f"{c.id} {c.name}", c.id)
            form.addRow(QLabel(f"{_describe(value)} — {count:,} px"), combo)
            self.choices[value] = combo
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def mapping(self) -> dict[Value, int]:
        return {value: int(combo.currentData()) for value, combo in self.choices.items()}
