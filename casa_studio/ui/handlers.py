"""What each row of the action table does in the main window: the one map from an action's key
to the editor, file, view, panel or dialog call that runs it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from casa_studio.persistence.export import ExportKind
from casa_studio.settings import Settings
from casa_studio.ui.actions import LIVE, TOOL_KEYS
from casa_studio.ui.batch_dialog import BatchDialog
from casa_studio.ui.help import AboutDialog, GettingStarted, ModelFacts, ShortcutSheet
from casa_studio.ui.live_preview import LiveMode
from casa_studio.ui.menus import LIVE_MODES
from casa_studio.ui.preferences import PreferencesDialog

if TYPE_CHECKING:
    from casa_studio.ui.main_window import MainWindow


def action_handlers(w: MainWindow) -> dict[str, Callable[[], object]]:
    e, files, canvas, styles, panel = w.editor, w.files, w.canvas, w.styles, w.style_panel
    handlers: dict[str, Callable[[], object]] = {
        "new": files.ask_new_document,
        "open": files.open_file,
        "save": files.save,
        "save_as": files.save_as,
        "export_image": files.export_image,
        "export_2x": partial(files.export, ExportKind.IMAGE, 2),
        "export_4x": partial(files.export, ExportKind.IMAGE, 4),
        "export_labels": partial(files.export, ExportKind.LABELS),
        "export_colors": partial(files.export, ExportKind.COLORS),
        "export_ora": partial(files.export, ExportKind.ORA),
        "export_psd": partial(files.export, ExportKind.PSD),
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
        "getting_started": lambda: _show(w, GettingStarted(w)),
        "about": lambda: _show(
            w, AboutDialog(w.model_name, w.model_card, e.live.device, model_facts(w), w)
        ),
    }
    for key in TOOL_KEYS:
        handlers[key] = partial(e.set_tool, key)
    return handlers


def model_facts(window: MainWindow) -> ModelFacts:
    editor = window.editor
    info, result = editor.live.info, editor.live.result
    return ModelFacts(
        tuple(c.name for c in editor.document.palette.classes),
        editor.model_size,
        tuple(info.looks) if info else (),
        result.seconds if result else 0.0,
    )


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
    """The preferences dialog; on OK they are saved and apply at once: the device (when the
    worker offers it; else from the next start), the live mode (its menu follows), the autosave
    interval, and the size and guidance of the next new document."""
    settings, editor = window.settings, window.editor
    dialog = PreferencesDialog(settings, editor.model_size, window, editor.default_locality())

    def accepted() -> None:
        before = settings.device
        dialog.apply_to(settings)
        window.autosave.set_interval(settings.autosave_seconds)
        editor.default_guidance = settings.guidance
        (live,) = [a for a in window.menus[LIVE].actions() if a.text() == _live_text(settings)]
        live.trigger()
        device = window.device_actions[settings.device]
        if settings.device != before and device.isEnabled():
            device.trigger()
        elif settings.device != before:
            window.statusBar().showMessage(
                f"{device.text()} is not available now; it will be tried at the next start", 8000
            )
        window.files.save_settings()

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog


def _live_text(settings: Settings) -> str:
    return dict(LIVE_MODES)[LiveMode(settings.live_mode)]
