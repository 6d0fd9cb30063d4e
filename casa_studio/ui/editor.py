"""Editor: the open document (a ToolSession), its file, the live render loop and worker jobs.
Widgets call its methods and follow its signals; it holds no widgets."""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Signal

from casa_studio.core.document import Change, Document
from casa_studio.core.palette import Palette
from casa_studio.core.starter import starter_document
from casa_studio.core.styles import SourceKind, unresolved, unresolved_random
from casa_studio.engine.jobs import Job, NoiseRows
from casa_studio.engine.request import (
    Renderer,
    RendererInfo,
    RenderRequest,
    RenderResult,
    document_locality,
)
from casa_studio.engine.worker import RenderWorker
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.masks import MaskImport, read_mask
from casa_studio.persistence.project import ModelRef, load_project, save_project
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
    STALE = "Stale"
    ERROR = "Error"


class Editor(ToolSession):
    result_shown = Signal(object)  # RenderResult
    state_changed = Signal(str, str)  # RenderState, detail
    devices_found = Signal(list)
    model_ready = Signal(object)  # RendererInfo
    saved = Signal(str)
    job_failed = Signal(str)

    def __init__(
        self, document: Document, factory: Callable[[], Renderer], model_name: str = ""
    ) -> None:
        super().__init__(document)
        self.path: Path | None = None
        self.model = ModelRef(model_name)
        self.info: RendererInfo | None = None
        self._jobs: dict[int, Callable[[Any], None]] = {}
        self.live_mode = LiveMode.CONTINUOUS
        self.want_attention = False
        self.result: RenderResult | None = None
        self.render_revision = 0  # revision of the last change the image depends on
        self.state = RenderState.LOADING
        self.device = ""
        self._factory = factory
        self.worker = self._start_worker(factory)

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
        self._factory = factory
        self.state = RenderState.LOADING
        self.state_changed.emit(self.state, "")
        self.worker = self._start_worker(factory)

    def shutdown(self) -> None:
        self.worker.stop()

    def _set_state(self, state: RenderState, detail: str = "") -> None:
        self.state = state
        self.state_changed.emit(state, detail)

    def _on_loaded(self, info: RendererInfo) -> None:
        self.info = info
        self.device = device_name(info.label)
        self.model = ModelRef(self.model.name, info.model_sha256)
        self.devices_found.emit(list(info.devices))
        self.model_ready.emit(info)
        self.message.emit(f"Model ready on {self.device}")
        self._fill_random_rows()
        self.request_render(force=True)

    def _fill_random_rows(self) -> None:
        """Random styles stored as seeds only (format-1 projects) and looks stored by name
        only get their rows."""
        doc = self.document
        looks = self.info.looks if self.info is not None else {}
        named = [
            c
            for c in unresolved(doc.styles.tokens, doc.styles.sources, SourceKind.LOOK)
            if doc.styles.sources[c].name in looks
        ]
        if named:
            rows = [looks[doc.styles.sources[c].name][c] for c in named]
            doc.fill_rows(named, np.stack(rows))
        classes, seeds = unresolved_random(doc.styles.tokens, doc.styles.sources)
        if not classes or self.info is None or not self.info.has_mapping:
            return

        def done(rows: np.ndarray) -> None:
            if doc is self.document:
                doc.fill_rows(classes, rows)

        self.run_job(NoiseRows(tuple(classes), tuple(seeds)), done)

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
        self.message.emit(message)
        self.job_failed.emit(message)

    def _on_rendered(self, result: RenderResult) -> None:
        if self.result is not None and result.revision < self.result.revision:
            return  # older than what is on screen
        self.result = result
        self.result_shown.emit(result)
        stale = result.revision < self.render_revision
        self._set_state(
            RenderState.STALE if stale else RenderState.UP_TO_DATE,
            f"{result.seconds * 1000:.0f} ms on {device_name(result.device)}",
        )

    def _on_failed(self, message: str, revision: int) -> None:
        self._set_state(RenderState.ERROR, message)
        self.message.emit(f"Render failed: {message}")

    # --- rendering ----------------------------------------------------------------------------

    @property
    def is_stale(self) -> bool:
        return self.result is None or self.result.revision < self.render_revision

    def request_render(self, force: bool = False) -> None:
        """Queue the document's current state (the worker drops older pending requests)."""
        if not force and self.live_mode is LiveMode.MANUAL:
            self._set_state(RenderState.STALE)
            return
        self.worker.submit(RenderRequest.from_document(self.document, self.want_attention))

    def cancel(self) -> None:
        """Esc: abort the stroke in progress and the pending render."""
        self.tool.cancel(self.document)
        self.worker.cancel_pending()
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

    def _on_change(self, change: Change) -> None:
        if change.render and change.kind != "history":
            self.render_revision = self.document.revision
        self.document_changed.emit(change)
        if not self.is_stale:
            return
        stroke_open = self.document.history.open is not None
        if self.live_mode is LiveMode.CONTINUOUS or (
            self.live_mode is LiveMode.ON_RELEASE and not stroke_open
        ):
            self.request_render()
        else:
            self._set_state(RenderState.STALE)

    # --- files ----------------------------------------------------------------------------------

    def save(self, path: Path | None = None) -> Path:
        """Save the project (to `path`, or where it was last saved) and mark it clean."""
        target = path or self.path
        if target is None:
            raise PersistenceError("no file name yet: use Save As")
        target = target if target.suffix == ".casa" else target.with_suffix(".casa")
        save_project(target, self.document, self.model, self.current_image())
        self.path = target
        self.document.history.mark_clean()
        self.saved.emit(str(target))
        return target

    def folder(self) -> str:
        """Where file dialogs start: the project's folder, else the home folder (never the
        working directory the app happened to start in)."""
        return str(self.path.parent if self.path else Path.home())

    def open_project(self, path: Path) -> None:
        """Open a `.casa` file made with this model's classes; nothing changes on failure."""
        self.replace_document(self._compatible(path), path)

    def open_example(self, path: Path) -> None:
        """A `.casa` example as a new, untitled document (saving asks for a name)."""
        self.replace_document(self._compatible(path))

    def _compatible(self, path: Path) -> Document:
        doc, model, _render = load_project(path)
        self.check_fits(path, doc, model)
        return doc

    def check_fits(self, path: Path, doc: Document, model: ModelRef) -> None:
        """A project's classes, size and style rows must suit the open model."""
        mine = [c.name for c in self.document.palette.classes]
        if [c.name for c in doc.palette.classes] != mine:
            digest = model.sha256[:12] or "unknown"
            raise PersistenceError(
                f"{path}: made with model '{model.name}' (sha256 {digest}…), "
                f"whose classes differ from the open model '{self.model.name}'"
            )
        (h, w), (mh, mw) = doc.size, self.document.size
        if (h, w) != (mh, mw):
            raise PersistenceError(f"{path}: the project is {w}x{h}, the model paints {mw}x{mh}")
        tokens = doc.styles.tokens
        width = None if self.info is None else self.info.typical.shape[1]
        if tokens is not None and width is not None and tokens.shape[1] != width:
            raise PersistenceError(
                f"{path}: its style rows have {tokens.shape[1]} values, the model uses {width}"
            )

    def replace_document(self, document: Document, path: Path | None = None) -> None:
        self.result = None
        self.path = path  # before `document_replaced`: the title names the file at once
        self.render_revision = document.revision
        super().replace_document(document)
        self._fill_random_rows()
        self.request_render(force=True)

    def read_mask(self, path: Path) -> MaskImport:
        """Read a label map at the document's size (nearest), unknown values listed."""
        return read_mask(path, self.document.palette, self.document.size)

    def open_labels(self, labels: np.ndarray) -> None:
        """A new document from a complete label map (every value a class id)."""
        self.replace_document(Document.from_labels(self.document.palette, labels))

    def new_document(self, palette: Palette | None = None) -> None:
        """The starter landscape (or, for other palettes, the background class)."""
        palette = palette or self.document.palette
        self.replace_document(starter_document(palette, self.document.size))

    def recipe(self) -> dict[str, object]:
        """What made the current image, for export metadata."""
        present = self.document.present()
        return {
            "app": "CASA Studio",
            "model": self.model.name,
            "model_sha256": self.model.sha256,
            "styles": {
                c.name: self.document.styles.sources[c.id].describe()
                for c in self.document.palette.classes
                if c.id in present
            },
            "shapes": [
                f"{self.document.palette.classes[e.class_id].name} from {e.name or 'a reference'}"
                f" (alpha {e.alpha:g})"
                for e in self.document.shapes
            ],
            "locality": document_locality(self.document),
            "revision": self.result.revision if self.result else None,
        }

    def export(self, path: Path, kind: str = "image", scale: int = 1) -> None:
        """kind: image (png/jpg/webp, optionally upscaled), labels (palette PNG), colors, ora."""
        from casa_studio.persistence import export

        if kind == "labels":
            export.export_labels_index(path, self.document)
        elif kind == "colors":
            export.export_labels_color(path, self.document)
        elif kind == "ora":
            export.export_ora(path, self.document, self.current_image())
        else:
            if self.result is None:
                raise PersistenceError("nothing rendered yet: wait for the preview")
            export.export_image(path, self.result.image, self.recipe(), scale)

    def current_image(self) -> np.ndarray | None:
        return None if self.result is None else self.result.image
