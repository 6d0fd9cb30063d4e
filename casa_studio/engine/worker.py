"""RenderWorker: a QThread that owns the renderer (and so torch). The GUI submits requests;
only the newest pending one is rendered, older ones are dropped; the final state after any
burst of edits is always rendered."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QThread, Signal

from casa_studio.engine.request import Renderer, RenderRequest

log = logging.getLogger(__name__)


class RenderWorker(QThread):
    loaded = Signal(str, list, str)  # label, devices found, model sha256: once the model is ready
    load_failed = Signal(str)
    started_render = Signal(int)  # revision
    rendered = Signal(object)  # RenderResult
    failed = Signal(str, int)  # message, revision

    def __init__(self, factory: Callable[[], Renderer]) -> None:
        super().__init__()
        self._factory = factory
        self._wake = threading.Condition()
        self._pending: RenderRequest | None = None
        self._stopping = False

    def submit(self, request: RenderRequest) -> None:
        """Replace any pending request with this one."""
        with self._wake:
            self._pending = request
            self._wake.notify()

    def cancel_pending(self) -> None:
        with self._wake:
            self._pending = None

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._pending = None
            self._wake.notify()
        self.wait()

    def _next(self) -> RenderRequest | None:
        with self._wake:
            while self._pending is None and not self._stopping:
                self._wake.wait()
            request, self._pending = self._pending, None
            return None if self._stopping else request

    def run(self) -> None:
        try:
            renderer = self._factory()
        except Exception as exc:  # any load failure must reach the user, not kill the app
            log.exception("model load failed")
            self.load_failed.emit(str(exc))
            return
        self.loaded.emit(renderer.label, list(renderer.devices), renderer.model_sha256)
        while (request := self._next()) is not None:
            self.started_render.emit(request.revision)
            try:
                self.rendered.emit(renderer.render(request))
            except Exception as exc:  # a failed render keeps the loop (and the app) alive
                log.exception("render failed")
                self.failed.emit(str(exc), request.revision)
