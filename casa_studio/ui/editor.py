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
from casa_studio.engine.request import (
    Renderer,
    RendererInfo,
    document_locality,
)
from casa_studio.persistence.compatibility import ModelFit, check_fits
from casa_studio.persistence.errors import PersistenceError
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
        self.live = LivePreview(self, factory)
        self.live.model_ready.connect(self._on_model_ready)

    def _on_model_ready(self, info: RendererInfo) -> None:
        self.model = ModelRef(self.model.name, info.model_sha256)

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
        """A project's classes, size and style tokens must suit the open model (the check
        batch export makes too)."""
        info = self.live.info
        width = None if info is None else int(info.typical.shape[1])
        names = tuple(c.name for c in self.document.palette.classes)
        check_fits(path, doc, model, ModelFit(self.model.name, names, self.document.size, width))

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
            "revision": self.live.result.revision if self.live.result else None,
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
            image = self.current_image()
            if image is None:
                raise PersistenceError("nothing rendered yet: wait for the preview")
            export.export_image(path, image, self.recipe(), scale)

    def current_image(self) -> np.ndarray | None:
        return self.live.image()
