"""Editor: the open document (a ToolSession) and its file operations — open, save, export;
its live preview is `editor.live` (ui/live_preview.py). Widgets call its methods and follow
its signals; it holds no widgets."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal

from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.core.starter import starter_document
from casa_studio.engine.provenance import recipe
from casa_studio.engine.request import (
    Renderer,
    RendererInfo,
    document_locality,
    set_document_locality,
)
from casa_studio.persistence.compatibility import ModelFit, check_fits
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.export import ExportKind
from casa_studio.persistence.masks import MaskImport, read_mask
from casa_studio.persistence.project import ModelRef, load_project, save_project
from casa_studio.ui.live_preview import LivePreview
from casa_studio.ui.tool_session import ToolSession

log = logging.getLogger(__name__)


class Editor(ToolSession):
    saved = Signal(str)

    def __init__(
        self, document: Document, factory: Callable[[], Renderer], model_name: str = ""
    ) -> None:
        super().__init__(document)
        self.path: Path | None = None
        self.model = ModelRef(model_name)
        self.model_size = document.size  # the first document is at the size the model paints
        self.default_guidance: float | None = None  # new documents' (None: the model's)
        self.live = LivePreview(self, factory)
        self.live.model_ready.connect(self._on_model_ready)

    def _on_model_ready(self, info: RendererInfo) -> None:
        self.model = ModelRef(self.model.name, info.model_sha256)

    def default_locality(self) -> float:
        """The model's default attention guidance (0, the paper's, while it loads)."""
        return 0.0 if self.live.info is None else self.live.info.default_locality

    def locality(self) -> float:
        """The guidance the document renders with: its own, else the model's default."""
        own = document_locality(self.document)
        return self.default_locality() if own is None else own

    def cancel(self) -> None:
        """Esc: abort the stroke in progress and the pending render."""
        self.tool.cancel(self.document)
        self.live.cancel()

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
        """A project's classes and style tokens must suit the open model (any size does: the
        render is resized, engine/resample.py); the check batch export makes too."""
        info = self.live.info
        width = None if info is None else int(info.typical.shape[1])
        names = tuple(c.name for c in self.document.palette.classes)
        check_fits(path, doc, model, ModelFit(self.model.name, names, width))

    def replace_document(self, document: Document, path: Path | None = None) -> None:
        self.path = path  # before `document_replaced`: the title names the file at once
        self.live.forget(document.revision)
        super().replace_document(document)
        self.live.document_opened()

    def read_mask(self, path: Path) -> MaskImport:
        """Read a label map at the document's size (nearest), unknown values listed."""
        return read_mask(path, self.document.palette, self.document.size)

    def open_labels(self, labels: np.ndarray) -> None:
        """A new document from a complete label map (every value a class id)."""
        self._start(Document.from_labels(self.document.palette, labels))

    def new_document(self, palette: Palette | None = None) -> None:
        """The starter landscape at the model's size (or, for other palettes, the background
        class)."""
        self._start(starter_document(palette or self.document.palette, self.model_size))

    def new_blank(self, size: tuple[int, int], fill: int = 0) -> None:
        """A blank document of `size` (H, W): one background layer of class `fill` and an empty
        layer to paint on."""
        self._start(Document.new(self.document.palette, size, fill))

    def _start(self, document: Document) -> None:
        """A new, untitled document with the preferred guidance (when one is set)."""
        if self.default_guidance is not None:
            set_document_locality(document, self.default_guidance)
        self.replace_document(document)

    def recipe(self) -> dict[str, object]:
        """What made the current image, for export metadata."""
        revision = self.live.result.revision if self.live.result else None
        return recipe(self.document, self.model.name, self.model.sha256, revision, self.locality())

    def export(self, path: Path, kind: ExportKind = ExportKind.IMAGE, scale: int = 1) -> None:
        """An image (png/jpg/webp, optionally upscaled), the labels (palette PNG or colours)
        or the layers (OpenRaster, PSD)."""
        from casa_studio.persistence import export, layered

        if kind is ExportKind.LABELS:
            export.export_labels_index(path, self.document)
        elif kind is ExportKind.COLORS:
            export.export_labels_color(path, self.document)
        elif kind in (ExportKind.ORA, ExportKind.PSD):
            write = layered.export_ora if kind is ExportKind.ORA else layered.export_psd
            write(path, self.document, self.current_image())
        else:
            image = self.current_image()
            if image is None:
                raise PersistenceError("nothing rendered yet: wait for the preview")
            export.export_image(path, image, self.recipe(), scale)

    def current_image(self) -> np.ndarray | None:
        return self.live.image()
