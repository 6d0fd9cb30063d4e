"""Composition root: the only place that wires model choice, worker, editor and window."""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QTimer
from PySide6.QtWidgets import QApplication

from casa_studio import paths
from casa_studio.core.palette import Palette
from casa_studio.core.starter import starter_document
from casa_studio.engine.catalog import default_model, resolve_model, summarize
from casa_studio.engine.factory import fake_renderer, model_renderer
from casa_studio.engine.request import Renderer, set_document_locality
from casa_studio.persistence.recovery import RecoveryStore
from casa_studio.persistence.style_library import StyleLibrary
from casa_studio.settings import Settings
from casa_studio.ui.autosave import Autosave
from casa_studio.ui.editor import Editor
from casa_studio.ui.live_preview import LiveMode
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.style_editor import StyleEditor

QUIT_WAIT_MS = 300  # the longest the quit waits for the render in progress


def build_window(
    model: str | None, *, device: str = "auto", fake: bool = False, labels: Path | None = None
) -> MainWindow:
    """Window and editor for a model folder or name (default: the first installed)."""
    folder = resolve_model(model) if model else default_model()
    summary = summarize(folder)
    palette = Palette.from_entries(list(summary.classes))

    def factory_for(dev: str) -> Callable[[], Renderer]:
        return fake_renderer(len(palette), 0.05) if fake else model_renderer(folder, dev)

    settings, notes = Settings.load_checked()
    device = settings.device if device == "auto" else device  # --device wins, then Preferences
    editor = Editor(starter_document(palette, summary.output_hw), factory_for(device), summary.name)
    editor.live.set_live_mode(LiveMode(settings.live_mode))
    editor.default_guidance = settings.guidance
    if settings.guidance is not None:
        set_document_locality(editor.document, settings.guidance)
    store = RecoveryStore(paths.user_data_dir() / "recovery")
    store.start()
    window = MainWindow(
        editor,
        summary.name if not fake else f"{summary.name} (fake engine)",
        lambda dev: editor.live.restart_worker(factory_for(dev)),
        settings,
        Autosave(editor, store, settings.autosave_seconds),
        StyleEditor(editor, StyleLibrary(paths.user_data_dir() / "styles")),
        summary.path / "MODEL_CARD.md",
    )
    window.device_actions[device].setChecked(True)
    editor.document_replaced.connect(window.canvas.fit)  # a new document, maybe another size
    window.output.results.guidance_restored.connect(
        lambda _g: window.style_panel.locality.show_document()
    )
    if notes:  # a corrupt setting never stops the start; it is reset and said
        window.statusBar().showMessage(" ".join(notes), 15000)
    if labels is not None:
        window.files.open_file(labels)
    return window


def run(model: str | None, device: str, fake: bool, labels: Path | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("CASA Studio")
    window = build_window(model, device=device, fake=fake, labels=labels)
    window.wait_for_worker = False  # closing asks the worker to stop; `leave` waits a little
    app.aboutToQuit.connect(lambda: window.editor.live.shutdown(wait=False))
    window.show()
    QTimer.singleShot(0, window.canvas.fit)  # after the first layout
    QTimer.singleShot(0, window.offer_recovery)
    return leave(app.exec(), window)


def leave(code: int, window: MainWindow) -> int:
    """Quit within a second of the window closing. Everything the user keeps (recovery
    clean-up, settings) is done by then. A render or model load in progress cannot be
    interrupted inside torch: it is not waited for past QUIT_WAIT_MS, the process ends at once
    (os._exit). Otherwise the interpreter's teardown is spared its garbage collection of
    torch's and Qt's many objects (gc.freeze), which took about 2 s on a CPU machine."""
    if not window.editor.live.worker.wait(QDeadlineTimer(QUIT_WAIT_MS)):
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    gc.freeze()
    return code
