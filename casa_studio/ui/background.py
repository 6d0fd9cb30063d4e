"""Run one slow function off the UI thread while the window stays live; a busy progress
dialog appears when it takes longer than a moment, and cancelling abandons the result."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
SHOW_AFTER_MS = 400


def run_in_background(parent: QWidget, text: str, work: Callable[[], T]) -> T | None:
    """`work()`'s result (its exception is raised here); None if the user cancelled."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["result"] = work()
        except Exception as exc:  # handed to the UI thread, raised there
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="background-work", daemon=True)
    thread.start()
    progress = QProgressDialog(text, "Cancel", 0, 0, parent)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.hide()
    loop = QEventLoop()
    poll = QTimer(interval=20)
    poll.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    progress.canceled.connect(loop.quit)
    show = QTimer(progress, singleShot=True, interval=SHOW_AFTER_MS)
    show.timeout.connect(progress.show)
    show.start()
    poll.start()
    loop.exec()
    poll.stop()
    show.stop()
    cancelled = progress.wasCanceled()
    progress.deleteLater()
    if cancelled:
        return None
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
