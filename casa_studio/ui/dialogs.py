"""MaskMappingDialog: the values of an imported mask that match no class, in a scrollable
table (swatch, pixel count, class), each preset to its nearest class; one editor at a time."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casa_studio.core.palette import Palette
from casa_studio.persistence.masks import MaskImport, Value
from casa_studio.ui.palette_panel import swatch
from casa_studio.wording import counted

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Value", "Pixels", "Class")
CLASS_COLUMN = 2


def describe(value: Value) -> str:
    return "#{:02x}{:02x}{:02x}".format(*value) if isinstance(value, tuple) else f"id {value}"


class UnknownValues(QAbstractTableModel):
    """One row per unknown value; the class column is editable."""

    def __init__(self, mask: MaskImport, palette: Palette) -> None:
        super().__init__()
        self.palette = palette
        self.rows = list(mask.unknown.items())
        self.nearest = [mask.suggestion(value) for value, _count in self.rows]
        self.chosen = list(self.nearest)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal
        return HEADERS[section] if horizontal and role == Qt.ItemDataRole.DisplayRole else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == CLASS_COLUMN else flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        value, count = self.rows[index.row()]
        c = self.palette.classes[self.chosen[index.row()]]
        display = (describe(value), f"{count:,} px", c.name)[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display
        if role == Qt.ItemDataRole.DecorationRole:
            if index.column() == 0 and isinstance(value, tuple):
                return QColor(*value)
            return swatch(c.color) if index.column() == CLASS_COLUMN else None
        if role == Qt.ItemDataRole.EditRole:
            return self.chosen[index.row()]
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != CLASS_COLUMN or role != Qt.ItemDataRole.EditRole:
            return False
        self.chosen[index.row()] = int(value)  # type: ignore[call-overload]
        self.dataChanged.emit(index, index)
        return True

    def map_all_to_nearest(self) -> None:
        self.chosen = list(self.nearest)
        last = self.index(len(self.rows) - 1, CLASS_COLUMN)
        self.dataChanged.emit(self.index(0, CLASS_COLUMN), last)

    def mapping(self) -> dict[Value, int]:
        return {value: c for (value, _count), c in zip(self.rows, self.chosen, strict=True)}


class ClassDelegate(QStyledItemDelegate):
    """A class combo box, only while one cell is being edited."""

    def __init__(self, palette: Palette, parent: QWidget) -> None:
        super().__init__(parent)
        self.palette = palette

    def createEditor(self, parent: QWidget, _option: QStyleOptionViewItem, _i: Index) -> QWidget:
        combo = QComboBox(parent)
        for c in self.palette.classes:
            combo.addItem(swatch(c.color), c.name, c.id)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        editor.setCurrentIndex(editor.findData(index.data(Qt.ItemDataRole.EditRole)))  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: object, index: Index) -> None:
        model.setData(index, editor.currentData())  # type: ignore[attr-defined]


class MaskMappingDialog(QDialog):
    def __init__(self, mask: MaskImport, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {mask.path.name}")
        layout = QVBoxLayout(self)
        if mask.lossy:
            layout.addWidget(
                _wrapped(
                    "⚠ This mask is lossy (JPEG/WebP): its edges hold invented values. "
                    "A lossless PNG gives exact labels."
                )
            )
        self.model = UnknownValues(mask, palette)
        if self.model.rows:
            pixels = sum(count for _value, count in self.model.rows)
            values = counted(len(self.model.rows), "value")
            verb = "matches" if len(self.model.rows) == 1 else "match"
            layout.addWidget(
                _wrapped(
                    f"{values} ({pixels:,} px) {verb} no class of the "
                    "model. Each is set to its nearest class; double-click a class to change it."
                )
            )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(CLASS_COLUMN, ClassDelegate(palette, self.table))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(bool(self.model.rows))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.nearest = buttons.addButton("Map all to nearest", buttons.ButtonRole.ResetRole)
        self.nearest.clicked.connect(self.model.map_all_to_nearest)
        self.nearest.setVisible(bool(self.model.rows))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fit_screen()

    def _fit_screen(self) -> None:
        """At most 80 % of the screen; the table scrolls."""
        screen = QGuiApplication.primaryScreen().availableGeometry()
        rows = min(len(self.model.rows), 12)
        self.resize(min(560, screen.width()), min(160 + 30 * rows, int(screen.height() * 0.8)))
        self.setMaximumHeight(screen.height())

    def mapping(self) -> dict[Value, int]:
        return self.model.mapping()


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
