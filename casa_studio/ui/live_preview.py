"""LivePreview: the live render loop of the open document — the render worker and its jobs,
the live mode, the render state, and what a document change triggers. It holds no widgets;
widgets follow its signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from casa_studio.core.document import Change, ChangeKind
from casa_studio.engine.jobs import Job
from casa_studio.engine.request import Renderer, RendererInfo, RenderRequest, RenderResult
from casa_studio.engine.worker import RenderWorker
from casa_studio.ui.tool_session import ToolSession

log = logging.getLogger(__name__)

DEVICE_NAMES = {"auto": "Automatic", "cpu": "CPU", "cuda": "GPU (CUDA)", "mps": "GPU (Apple)"}


def device_name(label: str) -> str:
    """What the status bar calls a device: "cpu (bf16)" -> "CPU" (precision is jargon)."""
    kind = label.split(" ", 1)[0].split(":", 1)[0]
    return DEVICE_NAMES.get(kind, label)


class LiveMode(StrEnum):
    CONTINUOUS = "continuous"
    ON_RELEASE = "on_release"
    MANUAL = "manual"


class RenderState(StrEnum):
    LOADING = "Loading model…"
    RENDERING = "Rendering…"
    UP_TO_DATE = "Up to date"
    FAST = "Fast preview"  # the fast path's picture of a stroke; the exact one is on its way
    STALE = "Stale"
    ERROR = "Error"


class LivePreview(QObject):
    """Renders `session.document` on a worker thread as the live mode asks; reports through
    `session.message`."""

    result_shown = Signal(object)  # RenderResult
    state_changed = Signal(str, str)  # RenderState, detail
    devices_found = Signal(list)
    model_ready = Signal(object)  # RendererInfo
    job_failed = Signal(str)

    def __init__(self, session: ToolSession, factory: Callable[[], Renderer]) -> None:
        super().__init__()
        self.session = session
        self.info: RendererInfo | None = None
        self._jobs: dict[int, Callable[[Any], None]] = {}
        self.live_mode = LiveMode.CONTINUOUS
        self.want_attention = False
        self.result: RenderResult | None = None
        self.render_revision = 0  # revision of the last change the image depends on
        self._asked = -1  # revision of the last request the worker was given
        self.state = RenderState.LOADING
        self.device = ""
        self.worker = self._start_worker(factory)
        session.document_changed.connect(self._on_change)

    # --- worker -----------------------------------------------------------------------------

    def _start_worker(self, factory: Callable[[], Renderer]) -> RenderWorker:
        worker = RenderWorker(factory)
        worker.loaded.connect(self._on_loaded)
        worker.load_failed.connect(
            lambda msg: self._set_state(RenderState.ERROR, f"model failed to load: {msg}")
        )
        worker.started_render.connect(lambda _rev: self._set_state(RenderState.RENDERING))
        worker.rendered.connect(self._on_rendered)
        worker.failed.connect(self._on_failed)
        worker.job_done.connect(self._on_job_done)
        worker.job_failed.connect(self._on_job_failed)
        worker.start()
        return worker

    def restart_worker(self, factory: Callable[[], Renderer]) -> None:
        """Swap the renderer (other device or model); the current state is rendered again."""
        self.worker.stop()
        self.state = RenderState.LOADING
        self.state_changed.emit(self.state, "")
        self.worker = self._start_worker(factory)

    def shutdown(self, wait: bool = True) -> None:
        self.worker.stop(wait)

    def _set_state(self, state: RenderState, detail: str = "") -> None:
        self.state = state
        self.state_changed.emit(state, detail)

    def _on_loaded(self, info: RendererInfo) -> None:
        self.info = info
        self.device = device_name(info.label)
        self.devices_found.emit(list(info.devices))
        self.model_ready.emit(info)
        self.session.message.emit(f"Model ready on {self.device}")
        self.request_render(force=True)

    def run_job(self, job: Job, done: Callable[[Any], None]) -> None:
        """Run a job on the worker; `done(result)` is called in the GUI thread. A failure is
        reported to the user and `done` is not called."""
        self._jobs[self.worker.submit_job(job)] = done

    def _on_job_done(self, job_id: int, result: object) -> None:
        done = self._jobs.pop(job_id, None)
        if done is not None:
            done(result)

    def _on_job_failed(self, job_id: int, message: str) -> None:
        self._jobs.pop(job_id, None)
        self.session.message.emit(message)
        self.job_failed.emit(message)

    def _on_rendered(self, result: RenderResult) -> None:
        if self.result is not None and result.revision < self.result.revision:
            return  # older than what is on screen
        self.result = result
        self.result_shown.emit(result)
        stale = result.revision < self.render_revision
        state = RenderState.UP_TO_DATE if result.exact else RenderState.FAST
        self._set_state(
            RenderState.STALE if stale else state,
            f"{result.seconds * 1000:.0f} ms on {device_name(result.device)}",
        )

    def _on_failed(self, message: str, revision: int) -> None:
        self._set_state(RenderState.ERROR, message)
        self.session.message.emit(f"Render failed: {message}")

    # --- rendering ----------------------------------------------------------------------------

    @property
    def is_stale(self) -> bool:
        return self.result is None or self.result.revision < self.render_revision

    def request_render(self, force: bool = False, *, fast: bool = False) -> None:
        """Queue the document's current state (the worker drops older pending requests);
        `fast` lets a small edit show the fast path's picture first."""
        if not force and self.live_mode is LiveMode.MANUAL:
            self._set_state(RenderState.STALE)
            return
        doc = self.session.document
        request = RenderRequest.from_document(doc, self.want_attention, fast=fast)
        self._asked = request.revision
        self.worker.submit(request)

    def cancel(self) -> None:
        """Drop the pending render."""
        self.worker.cancel_pending()
        self._asked = -1
        if self.is_stale and self.state is RenderState.RENDERING:
            self._set_state(RenderState.STALE)

    def set_live_mode(self, mode: LiveMode) -> None:
        self.live_mode = mode
        if mode is not LiveMode.MANUAL and self.is_stale:
            self.request_render()

    def set_attention(self, enabled: bool) -> None:
        self.want_attention = enabled
        if enabled and (self.result is None or self.result.attention is None):
            self.request_render(force=True)

    def forget(self, revision: int) -> None:
        """Another document comes, at `revision`: nothing on screen is current any more."""
        self.result = None
        self.render_revision = revision

    def document_opened(self) -> None:
        """Render the new document at once, whatever the live mode."""
        self.request_render(force=True)

    def _on_change(self, change: Change) -> None:
        """The on-change policy: what an edit triggers in each live mode."""
        if change.render and change.kind is not ChangeKind.HISTORY:
            self.render_revision = self.session.document.revision
        if not self.is_stale or self._asked >= self.render_revision:
            return  # current, or the worker already has this state
        stroke_open = self.session.document.history.open is not None
        if self.live_mode is LiveMode.CONTINUOUS or (
            self.live_mode is LiveMode.ON_RELEASE and not stroke_open
        ):
            self.request_render(fast=True)  # the worker follows a fast picture with the exact one
        else:
            self._set_state(RenderState.STALE)

    def image(self) -> np.ndarray | None:
        return None if self.result is None else self.result.image
