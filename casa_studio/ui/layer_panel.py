"""LayerPanel: the document's layers (top first) with visibility and lock; add, delete,
duplicate, rename, reorder by drag, opacity (live, one undo step per slider gesture), merge
down — each an undoable command."""

from __future__ import annotations

import itertools

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casa_studio.core.commands import AddLayer, MergeDown, MoveLayer, RemoveLayer, SetLayerProps
from casa_studio.core.document import Change, ChangeKind
from casa_studio.core.layers import Layer
from casa_studio.ui.editor import Editor
from casa_studio.ui.sliders import ValueSlider

UID = Qt.ItemDataRole.UserRole


class LayerPanel(QWidget):
    def __init__(self, editor: Editor) -> None:
        super().__init__()
        self.editor = editor
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.opacity = ValueSlider(0, 100, 100, "{} %")
        self.opacity.setToolTip("Display opacity of the active layer")
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, tip, slot in (
            ("fa5s.plus", "Add layer", self.add),
            ("fa5s.trash-alt", "Delete layer", self.delete),
            ("fa5s.clone", "Duplicate layer", self.duplicate),
            ("fa5s.level-down-alt", "Merge down", self.merge_down),
        ):
            button = QPushButton(qta.icon(name), "")
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[tip] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.opacity.with_value())
        layout.addLayout(buttons)
        self._syncing = False
        self.list.currentRowChanged.connect(self._on_row)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        self.opacity.follow(lambda: self.doc.gesture("Layer opacity"), self._on_opacity)
        editor.document_changed.connect(self._on_change)
        editor.document_replaced.connect(self.sync)
        editor.layer_chosen.connect(self.sync)
        self.sync()

    @property
    def doc(self):
        return self.editor.document

    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.LAYERS, ChangeKind.PROPS) and not self.doc.in_gesture:
            self.sync()  # not while the opacity slider is being dragged

    def _row_of(self, index: int) -> int:
        return len(self.doc.layers) - 1 - index

    def sync(self) -> None:
        """Rebuild the list from the document (top layer first)."""
        self._syncing = True
        self.list.clear()
        for layer in reversed(self.doc.layers):
            item = QListWidgetItem(f"{layer.name}{'  🔒' if layer.locked else ''}")
            item.setData(UID, layer.uid)
            item.setFlags(
                item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable
            )
            item.setCheckState(Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setCurrentRow(self._row_of(self.doc.active))
        self.opacity.setValue(round(self.doc.active_layer.opacity * 100))
        self.buttons["Delete layer"].setEnabled(len(self.doc.layers) > 1)
        self.buttons["Merge down"].setEnabled(self.doc.active > 0)
        self._syncing = False

    def _on_row(self, row: int) -> None:
        if self._syncing or row < 0:
            return
        self.doc.active = self._row_of(row)
        self.opacity.setValue(round(self.doc.active_layer.opacity * 100))
        self.buttons["Merge down"].setEnabled(self.doc.active > 0)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._syncing:
            return
        layer = self.doc.layer(item.data(UID))
        visible = item.checkState() == Qt.CheckState.Checked
        name = item.text().replace("  🔒", "").strip() or layer.name
        changes = {
            k: v for k, v in (("visible", visible), ("name", name)) if getattr(layer, k) != v
        }
        if changes:
            self.doc.execute(
                SetLayerProps(
                    layer.uid, changes, "Rename layer" if "name" in changes else "Layer visibility"
                )
            )

    def _on_rows_moved(self, *_args: object) -> None:
        """A drag moved one row: find the single move that gives the new order."""
        if self._syncing:
            return
        wanted = [self.list.item(r).data(UID) for r in range(self.list.count())][::-1]
        old = [layer.uid for layer in self.doc.layers]
        for source in range(len(old)):
            for target in range(len(old)):
                trial = old.copy()
                trial.insert(target, trial.pop(source))
                if trial == wanted and source != target:
                    self.doc.execute(MoveLayer(source, target))
                    return
        self.sync()

    def _on_opacity(self, value: int) -> None:
        """Show the active layer at `value` % (live; the gesture keeps one command)."""
        layer = self.doc.active_layer
        self.doc.preview(None)  # back to the opacity the gesture started from
        if abs(layer.opacity - value / 100) > 1e-6:
            self.doc.execute(SetLayerProps(layer.uid, {"opacity": value / 100}, "Layer opacity"))

    def _unique(self, stem: str, numbered: bool = False) -> str:
        """A name no layer has: `stem` itself (unless `numbered`), else with the first free
        number after it: "Layer 1", "Layer 2", "Sky copy", "Sky copy 2"."""
        taken = {layer.name for layer in self.doc.layers}
        first = [] if numbered else [stem]
        numbers = (f"{stem} {n}" for n in itertools.count(1 if numbered else 2))
        return next(name for name in itertools.chain(first, numbers) if name not in taken)

    def add(self) -> None:
        layer = Layer.empty(self._unique("Layer", numbered=True), self.doc.size)
        self.doc.execute(AddLayer(layer, self.doc.active + 1))

    def delete(self) -> None:
        if len(self.doc.layers) > 1:
            self.doc.execute(RemoveLayer(self.doc.active))

    def duplicate(self) -> None:
        layer = self.doc.active_layer
        self.doc.execute(
            AddLayer(
                layer.copy(self._unique(f"{layer.name} copy")),
                self.doc.active + 1,
                "Duplicate layer",
            )
        )

    def merge_down(self) -> None:
        if self.doc.active > 0:
            self.doc.execute(MergeDown(self.doc.active))

    def toggle_lock(self) -> None:
        layer = self.doc.active_layer
        self.doc.execute(SetLayerProps(layer.uid, {"locked": not layer.locked}, "Lock layer"))
