"""Editor: the open document, the current tool and class, and the live render loop.
Widgets call its methods and follow its signals; it holds no widgets."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from casa_studio.core.commands import SetSeed
from casa_studio.core.document import Change, Document
from casa_studio.core.palette import Palette
from casa_studio.core.raster import Point
from casa_studio.core.tools import TOOLS, Tool, ToolContext, pick_class
from casa_studio.engine.request import Renderer, RenderRequest, RenderResult
from casa_studio.engine.worker import RenderWorker
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.masks import MaskImport, read_mask
from casa_studio.persistence.project import ModelRef, load_project, save_project

log = logging.getLogger(__name__)


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


class Editor(QObject):
    document_replaced = Signal()
    document_changed = Signal(object)  # Change
    class_changed = Signal(int)
    tool_changed = Signal(str)
    result_shown = Signal(object)  # RenderResult
    state_changed = Signal(str, str)  # RenderState, detail
    message = Signal(str)
    devices_found = Signal(list)
    saved = Signal(str)

    def __init__(
        self, document: Document, factory: Callable[[], Renderer], model_name: str = ""
    ) -> None:
        super().__init__()
        self.document = document
        self.path: Path | None = None
        self.model = ModelRef(model_name)
        radius = max(1.0, min(document.size) / 40)  # a brush that suits the canvas size
        self.context = ToolContext(class_id=min(1, len(document.palette) - 1), radius=radius)
        self.recent_classes = [self.context.class_id]
        self.tool: Tool = TOOLS["brush"]()
        self.live_mode = LiveMode.CONTINUOUS
        self.want_attention = False
        self.result: RenderResult | None = None
        self.render_revision = 0  # revision of the last change the image depends on
        self.state = RenderState.LOADING
        self.device = ""
        self._factory = factory
        self.worker = self._start_worker(factory)
        document.changed.connect(self._on_change)

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

    def _on_loaded(self, label: str, devices: list[str], sha256: str) -> None:
        self.device = label
        self.model = ModelRef(self.model.name, sha256)
        self.devices_found.emit(devices)
        self.message.emit(f"Model ready on {label}")
        self.request_render(force=True)

    def _on_rendered(self, result: RenderResult) -> None:
        if self.result is not None and result.revision < self.result.revision:
            return  # older than what is on screen
        self.result = result
        self.result_shown.emit(result)
        stale = result.revision < self.render_revision
        self._set_state(
            RenderState.STALE if stale else RenderState.UP_TO_DATE,
            f"{result.seconds * 1000:.0f} ms · {result.device}",
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

    # --- painting -------------------------------------------------------------------------------

    def set_tool(self, name: str) -> None:
        self.tool.cancel(self.document)
        self.tool = TOOLS[name]()
        self.tool_changed.emit(name)

    def set_class(self, class_id: int) -> None:
        if 0 <= class_id < len(self.document.palette):
            self.context.class_id = class_id
            self.recent_classes = [class_id, *(c for c in self.recent_classes if c != class_id)][:9]
            self.class_changed.emit(class_id)

    def use_recent_class(self, index: int) -> None:
        """Keys 1-9: the index-th most recently chosen class."""
        if index < len(self.recent_classes):
            self.set_class(self.recent_classes[index])

    def set_radius(self, radius: float) -> None:
        self.context.radius = float(min(max(radius, 0.5), 256.0))

    def press(self, p: Point, pick: bool = False) -> None:
        if pick:
            picked = pick_class(self.document, p)
            if picked is not None:
                self.set_class(picked)
            return
        if not self.tool.press(self.document, p, self.context):
            self.message.emit("The active layer is locked or hidden")

    def move(self, p: Point) -> None:
        self.tool.move(self.document, p, self.context)

    def release(self, p: Point) -> None:
        self.tool.release(self.document, p, self.context)

    # --- document ---------------------------------------------------------------------------------

    def undo(self) -> None:
        if not self.document.undo():
            self.message.emit("Nothing to undo")

    def redo(self) -> None:
        if not self.document.redo():
            self.message.emit("Nothing to redo")

    def reroll(self) -> None:
        """Random styles from the mapping network, with a new seed (undoable)."""
        self.document.execute(SetSeed(random.randrange(1, 2**31)))

    def typical_styles(self) -> None:
        """Back to the model's typical (dataset mean) styles (undoable)."""
        if self.document.seed is not None:
            self.document.execute(SetSeed(None, "Typical styles"))

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

    def open_project(self, path: Path) -> None:
        """Open a `.casa` file made with this model's classes; nothing changes on failure."""
        doc, model, _render = load_project(path)
        mine = [c.name for c in self.document.palette.classes]
        if [c.name for c in doc.palette.classes] != mine:
            digest = model.sha256[:12] or "unknown"
            raise PersistenceError(
                f"{path}: made with model '{model.name}' (sha256 {digest}…), "
                f"whose classes differ from the open model '{self.model.name}'"
            )
        self.replace_document(doc)
        self.path = path

    def replace_document(self, document: Document) -> None:
        self.tool.cancel(self.document)
        self.document.changed.disconnect(self._on_change)
        self.document = document
        document.changed.connect(self._on_change)
        self.result = None
        self.path = None
        self.render_revision = document.revision
        self.document_replaced.emit()
        self.request_render(force=True)

    def read_mask(self, path: Path) -> MaskImport:
        """Read a label map at the document's size (nearest), unknown values listed."""
        return read_mask(path, self.document.palette, self.document.size)

    def open_labels(self, labels: np.ndarray) -> None:
        """A new document from a complete label map (every value a class id)."""
        self.replace_document(
            Document.from_labels(self.document.palette, labels, seed=self.document.seed)
        )

    def new_document(self, palette: Palette | None = None) -> None:
        palette = palette or self.document.palette
        self.replace_document(Document.new(palette, self.document.size, seed=self.document.seed))

    def recipe(self) -> dict[str, object]:
        """What made the current image, for export metadata."""
        return {
            "app": "CASA Studio",
            "model": self.model.name,
            "model_sha256": self.model.sha256,
            "styles": "typical"
            if self.document.seed is None
            else f"random seed {self.document.seed}",
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
