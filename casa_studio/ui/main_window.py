"""MainWindow: canvas and output side by side, layer, class, reshape and style docks, status
bar; menus and toolbar come from the action table (ui/actions.py, ui/menus.py), what each action
does from ui/handlers.py. It assembles widgets; no editing logic."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import (
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QToolBar,
    QWidget,
)

from casa_studio.persistence.recovery import Orphan
from casa_studio.settings import Settings
from casa_studio.ui.actions import DEVICE, FILE, LIVE, TOOL_KEYS, VIEW, build_actions
from casa_studio.ui.autosave import Autosave
from casa_studio.ui.brush_size import BrushSize
from casa_studio.ui.canvas import LabelCanvas
from casa_studio.ui.editor import Editor
from casa_studio.ui.file_actions import TITLE, FileActions
from casa_studio.ui.handlers import action_handlers
from casa_studio.ui.layer_panel import LayerPanel
from casa_studio.ui.menus import (
    build_menus,
    build_toolbar,
    fill_device_menu,
    fill_live_menu,
    fill_view_menu,
)
from casa_studio.ui.output_view import OutputView
from casa_studio.ui.palette_panel import PalettePanel
from casa_studio.ui.reshape_panel import ReshapePanel
from casa_studio.ui.style_editor import StyleEditor
from casa_studio.ui.style_panel import StylePanel

MIN_VIEW = 240  # px: the least either image view gets
DOCK_WIDTHS = ((250, 0.17), (400, 0.26))  # left, right dock: px at most, share of the window
DEFAULT_SIZE = (1400, 820)
LAYOUT = 1  # version of the saved dock layout: a change of docks makes old layouts unusable
COMBO_CHARS = 8  # the width a combo box asks for, in characters; longer entries are elided


class MainWindow(QMainWindow):
    def __init__(
        self,
        editor: Editor,
        model_name: str,
        on_device: Callable[[str], None],
        settings: Settings,
        autosave: Autosave,
        styles: StyleEditor,
        model_card: Path | None = None,
    ) -> None:
        super().__init__()
        self.model_card = model_card
        self.help_window: QDialog | None = None
        self.editor = editor
        self.styles = styles
        self.settings = settings
        self.autosave = autosave
        self.model_name = model_name
        self.wait_for_worker = True  # on close; the app's quit does not (ui/app.py)
        self.files = FileActions(self, editor, settings, autosave)
        self.canvas = LabelCanvas(editor)
        self.output = OutputView(editor)
        self.layers = LayerPanel(editor)
        self.palette_panel = PalettePanel(editor)
        self.style_panel = StylePanel(styles)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        for view in (self.canvas, self.output):
            view.setMinimumSize(MIN_VIEW, MIN_VIEW)  # both stay usable on a small screen
            splitter.addWidget(view)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1000, 1000])  # equal halves
        self.setCentralWidget(splitter)
        right = Qt.DockWidgetArea.RightDockWidgetArea
        docks = [self._dock("Layers", self.layers, right)]
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self.reshape = ReshapePanel(editor)
        lefts = [
            self._dock("Classes", self.palette_panel, left),
            self._dock("Reshape", self.reshape, left),
        ]
        docks.append(self._dock("Styles", self.style_panel, right))
        self.areas = {dock: self.dockWidgetArea(dock) for dock in (*lefts, *docks)}
        self._place_docks()
        self.side_docks = [lefts[0], docks[0]]
        self._restored = False  # a remembered layout: resizing then only keeps docks in bounds
        self.files.use_as_reference = self.style_panel.reference.open_reference
        self.files.label_map_from = self.style_panel.reference.make_label_map
        styles.missing.connect(self._on_missing)
        self.action_for = build_actions(self, action_handlers(self))
        self.action_for["fill_active_only"].toggled.connect(
            lambda on: setattr(editor.context, "fill_active_only", on)
        )
        self._menus(on_device)
        self._recent_class_shortcuts()
        self.state_label, self.info_label = QLabel(), QLabel()
        self.statusBar().addWidget(self.state_label, 1)
        self.statusBar().addPermanentWidget(self.info_label)
        editor.live.state_changed.connect(self._on_state)
        editor.message.connect(lambda text: self.statusBar().showMessage(text, 4000))
        editor.document_changed.connect(lambda _c: self._update_title())
        editor.document_replaced.connect(self._update_title)
        editor.saved.connect(self._on_saved)
        editor.tool_changed.connect(lambda name: self.action_for[name].setChecked(True))
        self.action_for["brush"].setChecked(True)
        self._on_state(editor.live.state, "")
        self._update_title()
        self.setAcceptDrops(True)
        self.resize(*DEFAULT_SIZE)
        for combo in self.findChildren(QComboBox):  # a long entry never widens its dock
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(COMBO_CHARS)
            combo.setMinimumWidth(combo.sizeHint().width())  # its minimum hint would be the text
        self.restore_layout()

    def _place_docks(self) -> None:
        """The docks' first sizes: classes above reshape on the left, layers above styles on
        the right (the styles table gets the height)."""
        lefts = [
            d for d, area in self.areas.items() if area == Qt.DockWidgetArea.LeftDockWidgetArea
        ]
        rights = [d for d in self.areas if d not in lefts]
        self.resizeDocks(lefts[:1], [DOCK_WIDTHS[0][0]], Qt.Orientation.Horizontal)
        self.resizeDocks(lefts, [480, 260], Qt.Orientation.Vertical)
        self.resizeDocks(rights, [150, 670], Qt.Orientation.Vertical)
        self.resizeDocks(rights[:1], [DOCK_WIDTHS[1][0]], Qt.Orientation.Horizontal)

    def restore_layout(self) -> bool:
        """The window's size, place, maximised state, docks and toolbar as the user left
        them (the settings file); False when none was remembered or it does not fit."""
        s = self.settings
        if not s.window_geometry:
            return False
        geometry = QByteArray.fromBase64(s.window_geometry.encode("ascii"))
        state = QByteArray.fromBase64(s.window_state.encode("ascii"))
        self._restored = self.restoreGeometry(geometry) and self.restoreState(state, LAYOUT)
        return self._restored

    def remember_layout(self) -> None:
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.settings.window_state = bytes(self.saveState(LAYOUT).toBase64().data()).decode()
        self.files.save_settings()

    def reset_layout(self) -> None:
        """View → Reset layout: every dock and the toolbar back in place, the first size."""
        self.showNormal()
        for dock, area in self.areas.items():
            dock.setFloating(False)
            self.addDockWidget(area, dock)
            dock.show()
        for bar in self.findChildren(QToolBar):
            self.addToolBar(bar)
            bar.show()
        self._restored = False
        self.resize(*DEFAULT_SIZE)
        self._place_docks()
        self.settings.window_geometry = self.settings.window_state = ""
        self.files.save_settings()

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        scroll = QScrollArea()  # a small window shrinks the dock; its panel scrolls
        scroll.setWidget(widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        dock.setWidget(scroll)
        self.addDockWidget(area, dock)
        return dock

    def _menus(self, on_device: Callable[[str], None]) -> None:
        """The menu bar and toolbar from the action table, plus the submenus and choice menus
        that are not table rows."""
        a = self.action_for
        self.menus = build_menus(self.menuBar(), a)
        file_menu = self.menus[FILE]
        self.examples_menu = QMenu("New from e&xample", self)
        self.files.fill_examples(self.examples_menu)
        file_menu.insertMenu(a["open"], self.examples_menu)
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.aboutToShow.connect(lambda: self.files.fill_recent(self.recent_menu))
        file_menu.insertMenu(a["save"], self.recent_menu)
        tools = QActionGroup(self)
        for key in TOOL_KEYS:
            tools.addAction(a[key])
        fill_live_menu(self.menus[LIVE], self.editor)
        self.device_actions = fill_device_menu(self.menus[DEVICE], on_device)
        self.editor.live.devices_found.connect(self._on_devices)
        bar = QToolBar("Tools")
        bar.setObjectName("Tools")
        build_toolbar(bar, a)
        bar.addSeparator()
        self.brush_size = BrushSize(self.editor)
        bar.addWidget(self.brush_size)
        self.addToolBar(bar)
        fill_view_menu(self.menus[VIEW], self.output, self)

    def _recent_class_shortcuts(self) -> None:
        """Keys 1 to 9 choose the most recently used classes, newest first."""
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(str(n)), self)
            shortcut.activated.connect(partial(self.editor.use_recent_class, n - 1))

    def offer_recovery(self) -> bool:
        def ask(orphan: Orphan) -> bool:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(orphan.saved_at))
            what = orphan.original or "an unsaved document"
            buttons = QMessageBox.StandardButton
            answer = QMessageBox.question(
                self,
                TITLE,
                f"CASA Studio did not close properly. Restore {what} (autosaved {when})?",
                buttons.Yes | buttons.No,
            )
            return answer == buttons.Yes

        return self.autosave.offer_recovery(ask)

    def _on_missing(self, names: str) -> None:
        """Classes the reference lacks: said in the status bar, nothing to dismiss."""
        self.statusBar().showMessage(
            f"The reference has no {names}: those classes keep their current style.", 8000
        )

    def _on_devices(self, devices: list[str]) -> None:
        for name, action in self.device_actions.items():
            action.setEnabled(name in devices)

    def _on_state(self, state: str, detail: str) -> None:
        self.state_label.setText(state + (f" — {detail}" if detail else ""))
        self.info_label.setText(f"{self.model_name} · {self.editor.live.device or 'loading'}")

    def _on_saved(self, path: str) -> None:
        self._update_title()
        self.files.remember(Path(path))
        self.statusBar().showMessage(f"Saved {path}", 4000)

    def _update_title(self) -> None:
        mark = "*" if self.editor.document.modified else ""
        name = self.editor.path.name if self.editor.path else "Untitled"
        self.setWindowTitle(f"{mark}{name} — {TITLE}")
        history = self.editor.document.history
        self.action_for["undo"].setText(f"&Undo {_step(history.undo_text())}".rstrip())
        self.action_for["redo"].setText(f"&Redo {_step(history.redo_text())}".rstrip())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if files and self.files.confirm_discard():
            event.acceptProposedAction()
            self.files.open_file(files[0])

    def resizeEvent(self, event: QResizeEvent) -> None:
        """On a small screen the docks give way to the image views (they scroll); on a large
        one they take their usual width again."""
        super().resizeEvent(event)
        width = event.size().width()
        sizes = [min(most, int(width * share)) for most, share in DOCK_WIDTHS]
        if self._restored:  # the user's own dock sizes, only kept within bounds
            sizes = [min(size, d.width()) for size, d in zip(sizes, self.side_docks, strict=True)]
        self.resizeDocks(self.side_docks, sizes, Qt.Orientation.Horizontal)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.isHidden() and not self.files.confirm_discard():
            event.ignore()
            return
        self.remember_layout()
        self.hide()  # gone at once, whatever the worker is doing
        self.autosave.stop()
        self.editor.live.shutdown(wait=self.wait_for_worker)
        event.accept()


def _step(text: str) -> str:
    """An undo step inside a sentence: "Brush stroke" -> "brush stroke"."""
    return text[:1].lower() + text[1:]
