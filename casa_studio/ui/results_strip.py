"""ResultsStrip: the document's results history under the picture — a thumbnail per recipe
tried, newest on the right, its recipe in the tooltip. A click compares that result with the
current picture (side by side in the output view; a second click ends it); a double-click
returns every class to that result's style sources as one undo step, and the guidance with
them."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from casa_studio.core.commands import SetStyles
from casa_studio.core.results import THUMB, Result
from casa_studio.engine.request import RenderResult, document_locality, set_document_locality
from casa_studio.engine.resample import image_at
from casa_studio.ui.editor import Editor
from casa_studio.ui.qimage import rgb_to_pixmap

ICON = 72
HINT = "Click: compare · double-click: go back to this recipe"


def thumbnail(image: np.ndarray) -> np.ndarray:
    """The picture at most THUMB px a side, its aspect kept."""
    h, w = image.shape[:2]
    scale = min(1.0, THUMB / max(h, w))
    return image_at(image, (max(1, round(h * scale)), max(1, round(w * scale))))


class ResultsStrip(QListWidget):
    compare = Signal(object)  # the result's picture to show beside the current one, or None
    guidance_restored = Signal(float)

    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.comparing: int | None = None
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(ICON, ICON))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedHeight(ICON + 34)
        self.setToolTip(
            "Results: click to compare with the current picture, double-click to go back"
        )
        self.itemClicked.connect(self._on_click)
        self.itemDoubleClicked.connect(self._on_double_click)
        editor.live.result_shown.connect(self.record)
        editor.document_replaced.connect(self.rebuild)
        self.rebuild()

    def record(self, result: RenderResult) -> None:
        """A render of the document as it is now joins the history."""
        doc = self.editor.document
        if result.revision != doc.revision:
            return
        entry = Result(
            thumbnail(result.image),
            tuple(doc.styles.sources),
            self.editor.locality(),
            result.seconds,
        )
        doc.results.record(entry)
        self.rebuild()

    def rebuild(self) -> None:
        doc = self.editor.document
        present = doc.present()
        comparing = self.comparing
        self.clear()
        for i, entry in enumerate(doc.results.entries):
            item = QListWidgetItem(QIcon(rgb_to_pixmap(entry.image)), f"{i + 1}")
            item.setToolTip(
                "\n".join([f"Result {i + 1}", *entry.recipe_lines(doc.palette, present), HINT])
            )
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.addItem(item)
        if self.count():
            self.scrollToItem(self.item(self.count() - 1))
        if comparing is not None and comparing >= self.count():
            self.stop_comparing()

    def _on_click(self, item: QListWidgetItem) -> None:
        index = int(item.data(Qt.ItemDataRole.UserRole))
        if self.comparing == index:
            self.stop_comparing()
            return
        self.comparing = index
        self.compare.emit(self.editor.document.results.entries[index].image)
        self.editor.message.emit(
            f"The current picture (left) beside result {index + 1} (right); "
            "click it again to stop, double-click to go back to it"
        )

    def stop_comparing(self) -> None:
        self.comparing = None
        self.clearSelection()
        self.compare.emit(None)

    def _on_double_click(self, item: QListWidgetItem) -> None:
        self.restore(int(item.data(Qt.ItemDataRole.UserRole)))

    def restore(self, index: int) -> None:
        """Every class back to the result's sources (one undo step) and its guidance."""
        doc = self.editor.document
        entry = doc.results.entries[index]
        self.stop_comparing()
        guidance = document_locality(doc) != entry.locality
        if guidance:  # a view setting, not undone; set first so the styles' render uses it
            set_document_locality(doc, entry.locality)
            self.guidance_restored.emit(entry.locality)
        if tuple(doc.styles.sources) != entry.sources:
            classes = tuple(range(len(doc.palette)))
            doc.execute(SetStyles(classes, entry.sources, f"Back to result {index + 1}"))
        elif guidance:
            self.editor.live.request_render()
