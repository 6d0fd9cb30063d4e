"""What each row of the action table does in the main window: the one map from an action's key
to the editor, file, view, panel or dialog call that runs it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from casa_studio.ui.actions import TOOL_KEYS
from casa_studio.ui.batch_dialog import BatchDialog
from casa_studio.ui.help import AboutDialog, ShortcutSheet
from casa_studio.ui.preferences import PreferencesDialog

if TYPE_CHECKING:
    from casa_studio.ui.main_window import MainWindow


def action_handlers(w: MainWindow) -> dict[str, Callable[[], object]]:
    e, files, canvas, styles, panel = w.editor, w.files, w.canvas, w.styles, w.style_panel
    handlers: dict[str, Callable[[], object]] = {
        "new": files.new_document,
        "open": files.open_file,
        "save": files.save,
        "save_as": files.save_as,
        "export_image": files.export_image,
        "export_2x": partial(files.export, "image", 2),
        "export_4x": partial(files.export, "image", 4),
        "export_labels": partial(files.export, "labels"),
        "export_colors": partial(files.export, "colors"),
        "export_ora": partial(files.export, "ora"),
        "batch": partial(batch_export, w),
        "preferences": partial(preferences, w),
        "quit": w.close,
        "undo": e.undo,
        "redo": e.redo,
        "smaller": lambda: e.set_radius(e.context.radius / 1.25),
        "larger": lambda: e.set_radius(e.context.radius * 1.25),
        "zoom_in": lambda: canvas.zoom(1.25),
        "zoom_out": lambda: canvas.zoom(0.8),
        "fit": canvas.fit,
        "reset_layout": w.reset_layout,
        "render": lambda: e.live.request_render(force=True),
        "cancel": e.cancel,
        "reroll": lambda: styles.reroll(panel.chosen()),
        "typical": lambda: styles.typical(panel.chosen()),
        "reference": panel.reference.open_reference,
        "lock_layer": w.layers.toggle_lock,
        "shortcuts": lambda: _show(w, ShortcutSheet(w)),
        "about": lambda: _show(w, AboutDialog(w.model_name, w.model_card, e.live.device, w)),
    }
    for key in TOOL_KEYS:
        handlers[key] = partial(e.set_tool, key)
    return handlers


def _show(window: MainWindow, dialog: QDialog) -> None:
    """A modeless help window, freed when closed."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    window.help_window = dialog


def batch_export(window: MainWindow) -> BatchDialog:
    dialog = BatchDialog(window.editor, window)
    dialog.show()
    return dialog


def preferences(window: MainWindow) -> PreferencesDialog:
    """The preferences dialog; on OK the autosave interval applies at once and is saved."""
    dialog = PreferencesDialog(window.settings, window)

    def accepted() -> None:
        window.settings.autosave_seconds = dialog.autosave.value()
        window.autosave.set_interval(window.settings.autosave_seconds)
        window.files.save_settings()

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog
