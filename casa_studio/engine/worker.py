"""RenderWorker: a QThread that owns the renderer (and so torch). The GUI submits requests;
only the newest pending one is rendered, older ones are dropped; the final state after any
burst of edits is always rendered. Jobs (style tokens, reference encoding and labelling) run
first, in the order given, each answered by its id."""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QThread, Signal

from casa_studio.engine.jobs import Job
from casa_studio.engine.request import Renderer, RenderRequest

log = logging.getLogger(__name__)


class RenderWorker(QThread):
    loaded = Signal(object)  # RendererInfo, once the model is ready
    load_failed = Signal(str)
    started_render = Signal(int)  # revision
    rendered = Signal(object)  # RenderResult
    failed = Signal(str, int)  # message, revision
    job_done = Signal(int, object)  # job id, result
    job_failed = Signal(int, str)  # job id, message

    def __init__(self, factory: Callable[[], Renderer]) -> None:
        super().__init__()
        self._factory = factory
        self._wake = threading.Condition()
        self._pending: RenderRequest | None = None
        self._jobs: deque[tuple[int, Job]] = deque()
        self._ids = itertools.count(1)
        self._stopping = False

    def submit(self, request: RenderRequest) -> None:
        """Replace any pending request with this one."""
        with self._wake:
            self._pending = request
            self._wake.notify()

    def submit_job(self, job: Job) -> int:
        """Queue a job behind the others; its id comes back with `job_done` or `job_failed`."""
        with self._wake:
            job_id = next(self._ids)
            self._jobs.append((job_id, job))
            self._wake.notify()
        return job_id

    def cancel_pending(self) -> None:
        with self._wake:
            self._pending = None

    def stop(self, wait: bool = True) -> None:
        """End the loop after the render or job in progress (waiting for it, unless not
        `wait`: then the thread ends on its own once that work is done)."""
        with self._wake:
            self._stopping = True
            self._pending = None
            self._wake.notify()
        if wait:
            self.wait()

    def _refine(self, request: RenderRequest) -> None:
        """After a fast-path picture, the exact one, unless a newer request is waiting."""
        with self._wake:
            if self._pending is None:
                self._pending = replace(request, fast=False)

    def _next(self) -> tuple[int, Job] | RenderRequest | None:
        with self._wake:
            while self._pending is None and not self._jobs and not self._stopping:
                self._wake.wait()
            if self._stopping:
                return None
            if self._jobs:
                return self._jobs.popleft()
            request, self._pending = self._pending, None
            return request

    def _run_job(self, renderer: Renderer, job_id: int, job: Job) -> None:
        try:
            self.job_done.emit(job_id, renderer.run(job))
        except Exception as exc:  # a failed job is reported; the loop goes on
            log.exception("job failed")
            self.job_failed.emit(job_id, str(exc))

    def run(self) -> None:
        try:
            renderer = self._factory()
        except Exception as exc:  # any load failure must reach the user, not kill the app
            log.exception("model load failed")
            self.load_failed.emit(str(exc))
            return
        self.loaded.emit(renderer.info)
        while (request := self._next()) is not None:
            if isinstance(request, tuple):
                self._run_job(renderer, *request)
                continue
            self.started_render.emit(request.revision)
            try:
                result = renderer.render(request)
                self.rendered.emit(result)
                if not result.exact:
                    self._refine(request)
            except Exception as exc:  # a failed render keeps the loop (and the app) alive
                log.exception("render failed")
                self.failed.emit(str(exc), request.revision)
