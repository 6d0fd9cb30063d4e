"""PalettePanel: the model's classes with swatch, name, id, pixel count (counted when a stroke
ends) and the key (1 to 9) that chooses a recently used one; a search box; clicking a class
makes it the painting class."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from casa_studio.core.labels import histogram
from casa_studio.ui.editor import Editor

CLASS_ID = Qt.ItemDataRole.UserRole


def swatch(color: tuple[int, int, int], size: int = 16) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(*color))
    return QIcon(pixmap)


class PalettePanel(QWidget):
    def __init__(self, editor: Editor) -> None:
        super().__init__()
        self.editor = editor
        self.search = QLineEdit(placeholderText="Search classes…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.search.textChanged.connect(self._filter)
        self.list.currentItemChanged.connect(self._on_current)
        editor.class_changed.connect(self._select)
        editor.class_changed.connect(lambda _c: self.update_counts())
        editor.document_settled.connect(self.update_counts)  # once per stroke, at its end
        editor.document_replaced.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        with QSignalBlocker(self.list):  # refilling the list is not the user picking a class
            self.list.clear()
            for c in self.editor.document.palette.classes:
                item = QListWidgetItem(swatch(c.color), "")
                item.setData(CLASS_ID, c.id)
                self.list.addItem(item)
            self._select(self.editor.context.class_id)
        self.update_counts()

    def update_counts(self) -> None:
        counts = histogram(self.editor.document.labels())
        palette = self.editor.document.palette
        recent = self.editor.recent_classes  # keys 1 to 9 choose these
        for row in range(self.list.count()):
            item = self.list.item(row)
            c = palette.classes[item.data(CLASS_ID)]
            text = f"{c.name}   #{c.id}   {int(counts[c.id]):,} px"
            if c.id in recent:
                text += f"   · key {recent.index(c.id) + 1}"
            item.setText(text)

    def counts(self) -> dict[str, int]:
        """Pixel count per class name, as the panel shows them."""
        values = histogram(self.editor.document.labels())
        return {c.name: int(values[c.id]) for c in self.editor.document.palette.classes}

    def _filter(self, text: str) -> None:
        matches = {c.id for c in self.editor.document.palette.find(text)} if text else None
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(matches is not None and item.data(CLASS_ID) not in matches)

    def _on_current(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None and item.data(CLASS_ID) != self.editor.context.class_id:
            self.editor.set_class(int(item.data(CLASS_ID)))

    def _select(self, class_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(CLASS_ID) == class_id:
                self.list.setCurrentRow(row)
                return
