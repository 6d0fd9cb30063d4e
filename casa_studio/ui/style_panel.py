"""StylePanel: one row per class in the document — its style source (reference thumbnail,
random seed, mixed, default), a seed that can be typed, a lock and a reroll button — and the
actions on the selected classes (all present ones when none is selected): reroll, typical,
swap, blend with a live slider, and the style library."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from casa_studio.core.styles import SourceKind, StyleSource
from casa_studio.ui.locality_control import LocalityControl
from casa_studio.ui.looks_menu import LooksButton
from casa_studio.ui.palette_panel import swatch
from casa_studio.ui.qimage import rgb_to_pixmap
from casa_studio.ui.reference_panel import ReferenceBox
from casa_studio.ui.sliders import ValueSlider
from casa_studio.ui.style_editor import StyleEditor

CLASS_ID = Qt.ItemDataRole.UserRole
NAME, SOURCE, SEED, LOCK, REROLL = range(5)
HEADERS = (  # column, text, icon, tooltip
    (NAME, "Class", "", "The classes in the document"),
    (SOURCE, "Style", "", "Where each class's style comes from"),
    (SEED, "Seed", "", "Type a seed for a class's random style"),
    (LOCK, "", "fa5s.lock", "Lock: rerolls leave the class's style alone"),
    (REROLL, "", "fa5s.dice", "Reroll one class"),
)
BLEND_TARGETS = (SourceKind.TYPICAL, SourceKind.RANDOM, SourceKind.REFERENCE, SourceKind.LIBRARY)
SWAP_TIP = "Swap the styles of two selected classes"
ROW_HEIGHT = 24  # px
ROWS_SHOWN = 5  # the table never shows fewer rows (the panel scrolls on a small screen)


@dataclass
class _Blend:
    """A blend gesture: the slider's latest value and whether the gesture is still on."""

    value: int | None = None
    open: bool = True


class StylePanel(QWidget):
    def __init__(self, styles: StyleEditor) -> None:
        super().__init__()
        self.styles = styles
        self.editor = styles.editor
        self._shown: tuple[object, ...] = ()
        self._filling = False
        self._blend = _Blend(open=False)
        self.table = QTableWidget(0, 5)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header_height = self.table.horizontalHeader().sizeHint().height()
        self.table.setMinimumHeight(header_height + ROWS_SHOWN * ROW_HEIGHT + 4)
        self._headers()
        self.table.itemChanged.connect(self._on_item)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._action_row())
        self.looks = LooksButton(
            styles, lambda: self.chosen() if self.table.selectedIndexes() else None
        )
        layout.addWidget(self.looks)
        self.locality = LocalityControl(self.editor)
        layout.addWidget(self.locality)
        self.reference = ReferenceBox(styles, self.chosen)
        layout.addWidget(self.reference)
        layout.addWidget(self._blend_box())
        layout.addWidget(self._library_box())
        self.editor.document_settled.connect(self._on_settled)
        self.editor.document_replaced.connect(self.refresh)
        self.editor.live.model_ready.connect(lambda _info: self.refresh())
        styles.library_changed.connect(self._fill_library)
        styles.reference_changed.connect(self.refresh)
        self.refresh()
        self._fill_library()

    # --- layout ---------------------------------------------------------------------------------

    def _headers(self) -> None:
        """Names and seeds get what they need, the style the rest; lock and reroll are
        icons with a tooltip."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, text, icon, tip in HEADERS:
            item = QTableWidgetItem(qta.icon(icon) if icon else QIcon(), text)
            item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(column, item)
        fit, stretch = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
        for column, mode in (
            (NAME, fit),
            (SOURCE, stretch),
            (SEED, fit),
            (LOCK, fit),
            (REROLL, fit),
        ):
            header.setSectionResizeMode(column, mode)

    def _button(self, text: str, icon: str, slot: object, tip: str) -> QPushButton:
        button = QPushButton(qta.icon(icon), text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _action_row(self) -> QGridLayout:
        s = self.styles
        self.reroll_button = self._button(
            "Reroll", "fa5s.dice", lambda: s.reroll(self.chosen()), "One new seed (Ctrl+R)"
        )
        self.each_button = self._button(
            "Reroll each",
            "fa5s.dice-d6",
            lambda: s.reroll(self.chosen(), each=True),
            "A new seed for each class separately",
        )
        self.typical_button = self._button(
            "Typical", "fa5s.palette", lambda: s.typical(self.chosen()), "Typical styles (Ctrl+T)"
        )
        self.swap_button = self._button("Swap", "fa5s.exchange-alt", self._swap, SWAP_TIP)
        grid = QGridLayout()
        for i, button in enumerate(
            (self.reroll_button, self.each_button, self.typical_button, self.swap_button)
        ):
            grid.addWidget(button, 0, i)
        return grid

    def _blend_box(self) -> QGroupBox:
        box = QGroupBox("Blend towards")
        self.blend_kind = QComboBox()
        self.blend_kind.addItems(["Typical style", "Random seed", "Reference", "Library style"])
        self.blend_seed = QSpinBox()
        self.blend_seed.setRange(0, 2**31 - 1)
        self.blend_seed.setValue(1)
        self.blend_seed.setEnabled(False)
        self.blend_seed.setToolTip("The seed of the random style to blend towards")
        self.blend_kind.currentIndexChanged.connect(
            lambda i: self.blend_seed.setEnabled(BLEND_TARGETS[i] is SourceKind.RANDOM)
        )
        self.blend_slider = ValueSlider(0, 100, 0, "{} %")
        self.blend_slider.setToolTip("0: the current styles, 100: the target; live while dragging")
        self.blend_slider.follow(self._blending, self._blend_move, rest=0)
        row = QHBoxLayout()
        row.addWidget(self.blend_kind, 1)
        row.addWidget(self.blend_seed)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.blend_slider.with_value())
        return box

    def _library_box(self) -> QGroupBox:
        box = QGroupBox("Style library")
        self.library = QComboBox()
        apply = self._button("Apply", "fa5s.fill", self._apply_library, "Apply to the selection")
        save = self._button("Save…", "fa5s.bookmark", self._save_library, "Save selected styles")
        layout = QHBoxLayout(box)
        layout.addWidget(self.library, 1)
        layout.addWidget(apply)
        layout.addWidget(save)
        return box

    # --- contents -------------------------------------------------------------------------------

    def _class_of(self, row: int) -> int:
        """The class shown in table row `row`."""
        item = self.table.item(row, NAME)
        assert item is not None  # every row has its name cell
        return int(item.data(CLASS_ID))

    def chosen(self) -> list[int]:
        """Selected classes, or every class in the document when none is selected."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        picked = [self._class_of(r) for r in rows]
        return picked or self.editor.document.present()

    def _signature(self) -> tuple[object, ...]:
        bank = self.editor.document.styles
        present = self.editor.document.present()
        return (
            tuple(present),
            tuple(bank.sources[c] for c in present),
            frozenset(bank.locked),
            self.styles.reference.name if self.styles.reference else None,
        )

    def _on_settled(self) -> None:
        if self._signature() != self._shown:
            self.refresh()

    def refresh(self) -> None:
        """Rebuild the rows, keeping the selection."""
        selected = set(self.chosen()) if self.table.selectedIndexes() else set()
        doc = self.editor.document
        present = doc.present()
        self._filling = True
        self.table.setRowCount(len(present))
        for row, c in enumerate(present):
            info = doc.palette.classes[c]
            name = QTableWidgetItem(swatch(info.color), info.name)
            name.setData(CLASS_ID, c)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, NAME, name)
            self._source_cell(row, c)
            self._lock_cell(row, c)
            self._reroll_cell(row, c)
        self.table.clearSelection()
        for row, c in enumerate(present):
            if c in selected:
                self._add_row(row)
        self._filling = False
        self._shown = self._signature()
        self._update_buttons()

    def _add_row(self, row: int) -> None:
        model = self.table.selectionModel()
        index = self.table.model().index(row, NAME)
        model.select(index, model.SelectionFlag.Select | model.SelectionFlag.Rows)

    def _source_cell(self, row: int, c: int) -> None:
        source = self.editor.document.styles.sources[c]
        item = QTableWidgetItem(source.describe())
        item.setToolTip(source.describe())
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        thumb = self.styles.thumbnails.get(source.name)
        if source.kind is SourceKind.REFERENCE and thumb is not None:
            item.setIcon(QIcon(rgb_to_pixmap(thumb)))
            item.setText(source.name)  # the thumbnail says it is a reference
        self.table.setItem(row, SOURCE, item)
        seed = QTableWidgetItem("" if source.seed is None else str(source.seed))
        seed.setToolTip("Type a seed for this class's random style")
        info = self.editor.live.info
        if info is not None and not info.has_random:
            seed.setFlags(seed.flags() & ~Qt.ItemFlag.ItemIsEditable)
            seed.setToolTip("This model has no mapping network: no random styles")
        self.table.setItem(row, SEED, seed)

    def _lock_cell(self, row: int, c: int) -> None:
        locked = c in self.editor.document.styles.locked
        button = QToolButton()
        button.setCheckable(True)
        button.setChecked(locked)
        button.setAutoRaise(True)
        button.setIcon(qta.icon("fa5s.lock" if locked else "fa5s.lock-open"))
        button.setToolTip("Locked against rerolls" if locked else "Lock against rerolls")
        button.toggled.connect(lambda on, c=c: self.styles.set_locked([c], on))
        self.table.setCellWidget(row, LOCK, button)

    def _reroll_cell(self, row: int, c: int) -> None:
        button = QToolButton(autoRaise=True)
        button.setIcon(qta.icon("fa5s.dice"))
        button.setToolTip("New random style for this class")
        button.clicked.connect(partial(self.styles.reroll, [c]))
        info = self.editor.live.info
        button.setEnabled(info is None or info.has_random)
        self.table.setCellWidget(row, REROLL, button)

    def _update_buttons(self) -> None:
        info = self.editor.live.info
        mapping = info is not None and info.has_random
        for button in (self.reroll_button, self.each_button):
            button.setEnabled(mapping)
            if info is not None and not mapping:
                button.setToolTip("This model has no mapping network: no random styles")
        selected = sorted({i.row() for i in self.table.selectedIndexes()})
        why = self._why_no_swap([self._class_of(r) for r in selected])
        self.swap_button.setEnabled(info is not None and not why)
        self.swap_button.setToolTip(why or SWAP_TIP)

    def _why_no_swap(self, classes: list[int]) -> str:
        """'' when the two selected classes can swap styles, else why not."""
        if len(classes) != 2:
            return f"{SWAP_TIP}: select two classes"
        a, b = (self.editor.document.styles.sources[c] for c in classes)
        if a == b:
            return f"Nothing to swap: both have the same style ({a.describe()})"
        return ""

    # --- actions --------------------------------------------------------------------------------

    def _on_item(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != SEED:
            return
        c = self._class_of(item.row())
        text = item.text().strip()
        if not text.isdigit():
            self.editor.message.emit(f"'{text}' is not a seed: use a whole number")
            self.refresh()
            return
        self.styles.set_seeds([c], [int(text)])

    def _swap(self) -> None:
        chosen = self.chosen()
        if len(chosen) == 2:
            self.styles.swap(*chosen)

    def _blend_target(self, then: Callable[[StyleSource], None]) -> None:
        kind = BLEND_TARGETS[self.blend_kind.currentIndex()]
        library = self.library.currentData()
        self.styles.blend_target(kind, then, seed=self.blend_seed.value(), library=library)

    @contextmanager
    def _blending(self) -> Iterator[None]:
        """One blend gesture (one undo step; the slider springs back to 0 after it, so the
        next blend starts from the result). The target may come from the worker after the
        slider moved, or even after it was let go: the blend then shows the latest value."""
        classes = self.chosen()
        gesture = self._blend = _Blend()

        def ready(target: StyleSource) -> None:
            self.styles.begin_blend(classes, target)
            if gesture.value is not None:
                self.styles.blend(gesture.value / 100)
            if not gesture.open:
                self.styles.end_blend()

        self._blend_target(ready)
        try:
            yield
        finally:
            gesture.open = False
            self.styles.end_blend()

    def _blend_move(self, value: int) -> None:
        self._blend.value = value
        self.styles.blend(value / 100)  # nothing yet while the target is on its way

    def _fill_library(self) -> None:
        self.library.clear()
        for style in self.styles.library.entries(self.editor.model.name):
            label = f"{style.name} ({', '.join(style.classes)})"
            self.library.addItem(label, style)
            self.library.setItemData(self.library.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.library.setEnabled(self.library.count() > 0)

    def _apply_library(self) -> None:
        style = self.library.currentData()
        if style is not None:
            selected = bool(self.table.selectedIndexes())
            self.styles.apply_style(style, self.chosen() if selected else None)

    def _save_library(self) -> None:
        classes = self.chosen()
        default = self.styles.names(classes) if len(classes) == 1 else "My style set"
        name, ok = QInputDialog.getText(self, "Save style", "Name:", text=default)
        if ok and name.strip():
            self.styles.save_style(name.strip(), classes)
