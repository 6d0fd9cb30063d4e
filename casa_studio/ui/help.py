"""The Help menu's windows: the keyboard shortcut sheet, generated from the action table so it
cannot drift from the menus, and About (the model's name, card and device)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casa_studio import __version__
from casa_studio.ui.actions import POINTER_KEYS, SPECS, keys, plain


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for every action with a shortcut, then the pointer gestures."""
    rows = [(keys(spec), plain(spec.text)) for spec in SPECS if spec.shortcuts]
    return rows + list(POINTER_KEYS)


def _closing(dialog: QDialog, layout: QVBoxLayout) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)


class ShortcutSheet(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows()
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (key, text) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(key))
            self.table.setItem(row, 1, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        _closing(self, layout)
        self.resize(620, 640)


class AboutDialog(QDialog):
    def __init__(
        self, model: str, card: Path | None, device: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("About CASA Studio")
        self.summary = QLabel(
            f"<b>CASA Studio {__version__}</b> — semantic image synthesis with CA2-SIS"
            f"<br>Model: <b>{model}</b> · running on {device or 'loading…'}"
        )
        self.card = QTextBrowser()
        self.card.setMarkdown(_read_card(card))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.card, 1)
        _closing(self, layout)
        self.resize(640, 560)


def _read_card(card: Path | None) -> str:
    if card is None:
        return "This model has no model card."
    try:
        return card.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"The model card {card} could not be read ({exc})."
