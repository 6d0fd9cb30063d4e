"""StyleEditor: per-class style and shape actions on the editor's document — rerolls with
per-class seeds, typical styles, locks, swaps, blends, reference styles and shapes, the style
library. Every action ends in one undoable command; work for the model runs on the worker."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from casa_studio.core.commands import SetLocked, SetShapes, SetStyles
from casa_studio.core.document import Document
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import TYPICAL, Reference, SourceKind, StyleSource, with_typical
from casa_studio.engine.jobs import EncodeReference, Job, NoiseRows, SegmentReference
from casa_studio.engine.recipes import StyleCodes, blend_styles, transfer_styles
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.style_library import LibraryStyle, StyleLibrary
from casa_studio.ui.editor import Editor

MIXED = StyleSource(SourceKind.MIXED)
THUMB = 32  # px, reference thumbnails in the style list


def new_seed() -> int:
    return random.randrange(1, 2**31)


class StyleEditor(QObject):
    reference_changed = Signal()
    library_changed = Signal()
    missing = Signal(str)  # classes a reference lacks, named

    def __init__(self, editor: Editor, library: StyleLibrary) -> None:
        super().__init__()
        self.editor = editor
        self.library = library
        self.thumbnails: dict[str, np.ndarray] = {}  # reference name -> small RGB
        editor.document_replaced.connect(self._on_replaced)
        self._blend: tuple[tuple[int, ...], np.ndarray, np.ndarray] | None = None
        self._blend_names: tuple[list[str], str] = ([], "")

    @property
    def doc(self) -> Document:
        return self.editor.document

    @property
    def reference(self) -> Reference | None:
        """The document's style reference (kept in its project file)."""
        return self.doc.reference

    def names(self, classes: Sequence[int]) -> str:
        return ", ".join(self.doc.palette.classes[c].name for c in classes)

    def _ready(self, need_mapping: bool = False) -> bool:
        info = self.editor.live.info
        if info is None:
            self.editor.message.emit("The model is still loading")
            return False
        if need_mapping and not info.has_mapping:
            self.editor.message.emit("This model has no mapping network: no random styles")
            return False
        return True

    def resolved(self, classes: Sequence[int]) -> np.ndarray:
        """The classes' current style rows with typical rows filled in (model must be ready)."""
        assert self.editor.live.info is not None
        return with_typical(
            self.doc.styles.rows(classes), self.editor.live.info.typical[list(classes)]
        )

    def _set(
        self,
        classes: Sequence[int],
        rows: np.ndarray | None,
        sources: Sequence[StyleSource],
        text: str,
    ) -> None:
        if classes:
            self.doc.execute(SetStyles(tuple(classes), rows, tuple(sources), text))

    def _job(self, job: Job, done: Callable[[Any], None]) -> None:
        """Run `job`; its result is used only if the same document is still open."""
        doc = self.doc
        self.editor.live.run_job(job, lambda result: done(result) if doc is self.doc else None)

    def _unlocked(self, classes: Sequence[int] | None) -> list[int]:
        chosen = self.doc.present() if classes is None else list(classes)
        free = self.doc.styles.unlocked(chosen)
        if chosen and not free:
            self.editor.message.emit("Those classes are locked")
        return free

    # --- random and typical styles ----------------------------------------------------------------

    def reroll(self, classes: Sequence[int] | None = None, each: bool = False) -> None:
        """New random styles for the unlocked classes (all present ones by default): one new
        seed for all of them, or (`each`) a new seed per class."""
        free = self._unlocked(classes)
        if not free or not self._ready(need_mapping=True):
            return
        seeds = [new_seed() for _ in free] if each else [new_seed()] * len(free)
        self.set_seeds(free, seeds, f"Reroll {self.names(free)}" if len(free) < 4 else "Reroll")

    def set_seeds(self, classes: Sequence[int], seeds: Sequence[int], text: str = "") -> None:
        """Class `classes[i]` gets the mapping network's style for seed `seeds[i]`."""
        if not self._ready(need_mapping=True):
            return
        sources = [StyleSource(SourceKind.RANDOM, int(s)) for s in seeds]
        text = text or f"Seed {self.names(classes)}"
        self._job(
            NoiseRows(tuple(classes), tuple(int(s) for s in seeds)),
            lambda rows: self._set(classes, rows, sources, text),
        )

    def typical(self, classes: Sequence[int] | None = None) -> None:
        free = self._unlocked(classes)
        self._set(free, None, [TYPICAL] * len(free), "Typical styles")

    def set_locked(self, classes: Sequence[int], locked: bool) -> None:
        text = ("Lock " if locked else "Unlock ") + self.names(classes)
        self.doc.execute(SetLocked(tuple(classes), locked, text))

    # --- swap and blend ---------------------------------------------------------------------------

    def swap(self, a: int, b: int) -> None:
        """Exchange the two classes' style *sources*: each class's row is derived again from
        the other's source (its seed, the reference's token for it, the typical style). Plain
        token swaps would not show: CA2-SIS's attention picks tokens by their content, so a
        token moved to another slot keeps styling its own class. Rows that cannot be derived
        again (mixed, library) are moved as they are."""
        if a == b or not self._ready():
            return
        bank = self.doc.styles
        plan = {a: bank.sources[b], b: bank.sources[a]}
        moved = {a: self.resolved([b])[0], b: self.resolved([a])[0]}
        rows: dict[int, tuple[np.ndarray, StyleSource]] = {}
        text = f"Swap styles of {self.names([a, b])}"

        def ready(c: int, row: np.ndarray, source: StyleSource) -> None:
            rows[c] = (row, source)
            if len(rows) == 2:
                final = np.stack([rows[a][0], rows[b][0]]).astype(np.float32)
                self._set([a, b], final, [rows[a][1], rows[b][1]], text)

        for c, source in plan.items():
            self._derive(c, source, moved[c], partial(ready, c))

    def _derive(
        self,
        c: int,
        source: StyleSource,
        fallback: np.ndarray,
        done: Callable[[np.ndarray, StyleSource], None],
    ) -> None:
        """Class `c`'s row from `source` (async for seeds and references)."""
        assert self.editor.live.info is not None
        ref = self.reference
        if source.kind is SourceKind.TYPICAL:
            done(self.editor.live.info.typical[c].copy(), source)
        elif source.kind is SourceKind.RANDOM and source.seed is not None:
            self._job(NoiseRows((c,), (source.seed,)), lambda rows: done(rows[0], source))
        elif source.kind is SourceKind.REFERENCE and ref is not None and ref.name == source.name:

            def from_codes(codes: StyleCodes) -> None:
                present = c in codes.present
                done(codes.tokens[c] if present else fallback, source if present else MIXED)

            self._encode(from_codes)
        else:
            done(fallback, MIXED if source.kind is not SourceKind.TYPICAL else source)

    def begin_blend(self, classes: Sequence[int], target: np.ndarray, label: str = "") -> None:
        """Blend `classes` from their current styles towards `target` rows (one per class),
        `label` naming the target in the Styles table ("typical", "random #3")."""
        if self._ready():
            self._blend = (tuple(classes), self.resolved(classes), target.astype(np.float32))
            starts = [self.doc.styles.sources[c].describe() for c in classes]
            self._blend_names = (starts, label or "target")
            self.doc.begin(f"Blend {self.names(classes)}")

    def blend(self, alpha: float) -> None:
        """Show the blend `(1-alpha)·start + alpha·target` (live while a slider moves)."""
        if self._blend is None:
            return
        classes, start, target = self._blend
        rows = blend_styles(target, start, alpha)
        starts, label = self._blend_names
        sources = [
            StyleSource(SourceKind.MIXED, name=f"{first} + {round(alpha * 100)} % {label}")
            for first in starts
        ]
        self._set(classes, rows, sources, "Blend styles")

    def end_blend(self) -> None:
        if self._blend is not None:
            self._blend = None
            self.doc.end()

    def blend_target(
        self,
        kind: str,
        classes: Sequence[int],
        ready: Callable[[np.ndarray], None],
        seed: int = 0,
        library: LibraryStyle | None = None,
    ) -> None:
        """Rows to blend towards: `typical`, `random` (seed), `reference` or `library`."""
        if not self._ready(need_mapping=kind == "random"):
            return
        assert self.editor.live.info is not None
        if kind == "typical":
            ready(self.editor.live.info.typical[list(classes)])
        elif kind == "random":
            self._job(NoiseRows(tuple(classes), (seed,) * len(classes)), ready)
        elif kind == "library" and library is not None:
            rows = self._library_rows(library, classes)
            if rows is not None:
                ready(rows)
        elif kind == "reference" and self.reference is not None:
            self._encode(lambda codes: ready(self._reference_rows(codes, classes)))
        else:
            self.editor.message.emit("Open a reference image first")

    # --- references -------------------------------------------------------------------------------

    def set_reference(self, reference: Reference) -> None:
        self.doc.reference = reference
        self._on_replaced()

    def _on_replaced(self) -> None:
        ref = self.reference
        if ref is not None:
            h, w = ref.image.shape[:2]
            step = max(1, max(h, w) // THUMB)
            self.thumbnails[ref.name] = np.ascontiguousarray(ref.image[::step, ::step])
        self.reference_changed.emit()

    def label_photo(self, image: np.ndarray, done: Callable[[np.ndarray], None]) -> str:
        """Labels for a reference photo from the model's segmenter; '' when started, else why
        not."""
        info = self.editor.live.info
        why = (
            "The model is still loading"
            if info is None
            else ""
            if info.has_segmenter
            else "This model has no reference segmenter: load a label map or paint the labels"
        )
        if why:
            self.editor.message.emit(why)
            return why
        self.editor.live.run_job(SegmentReference(image), done)
        return ""

    def _encode(self, done: Callable[[StyleCodes], None]) -> None:
        ref = self.reference
        assert ref is not None
        self._job(EncodeReference(ref.image, ref.labels), done)

    def _reference_rows(self, codes: StyleCodes, classes: Sequence[int]) -> np.ndarray:
        """The reference's rows; classes it lacks keep their current style."""
        rows = self.resolved(classes)
        for i, c in enumerate(classes):
            if c in codes.present:
                rows[i] = codes.tokens[c]
        return rows

    def apply_reference(self, classes: Sequence[int] | None = None) -> None:
        """Recipe 3 (chosen classes) or global transfer (every present class): classes the
        reference lacks keep their style and are reported."""
        if self.reference is None:
            self.editor.message.emit("Open a reference image first")
            return
        free = self._unlocked(classes)
        if not free or not self._ready():
            return
        name = self.reference.name

        def done(codes: StyleCodes) -> None:
            current = np.zeros((len(self.doc.palette), codes.tokens.shape[1]), np.float32)
            tokens, missing = transfer_styles(current, codes, free)
            if missing:
                self.missing.emit(self.names(missing))
            copied = [c for c in free if c not in missing]
            source = StyleSource(SourceKind.REFERENCE, name=name)
            self._set(copied, tokens[copied], [source] * len(copied), f"Styles from {name}")

        self._encode(done)

    def transfer_shapes(self, classes: Sequence[int], alpha: float = 0.0) -> None:
        """Recipe 4/6: the chosen classes take the reference's shape (alpha 0) or a blend."""
        ref = self.reference
        if ref is None:
            self.editor.message.emit("Open a reference image first")
            return
        labels = self.doc.labels()
        usable = [c for c in classes if np.any(ref.labels == c) and np.any(labels == c)]
        lacking = [c for c in classes if c not in usable]
        if lacking:
            self.missing.emit(self.names(lacking))
        kept = tuple(e for e in self.doc.shapes if e.class_id not in usable)
        new = tuple(ShapeEdit(c, ref.labels, alpha, ref.name) for c in usable)
        if new:
            self.doc.execute(SetShapes(kept + new, f"Shape of {self.names(usable)}"))

    def begin_shape_alpha(self) -> None:
        self.doc.begin("Shape blend")

    def shape_alpha(self, alpha: float) -> None:
        """Interpolate every shape edit between the reference (0) and the document (1)."""
        if self.doc.shapes:
            edits = tuple(e.with_alpha(alpha) for e in self.doc.shapes)
            self.doc.execute(SetShapes(edits, "Shape blend"))

    def end_shape_alpha(self) -> None:
        self.doc.end()

    def clear_shapes(self) -> None:
        if self.doc.shapes:
            self.doc.execute(SetShapes((), "Clear shape edits"))

    # --- library ---------------------------------------------------------------------------------

    def save_style(self, name: str, classes: Sequence[int]) -> None:
        """Store the classes' current styles under `name` (one class, or a whole set)."""
        if not classes or not self._ready():
            return
        style = LibraryStyle(
            name,
            self.editor.model.name,
            tuple(self.doc.palette.classes[c].name for c in classes),
            self.resolved(classes),
        )
        try:
            self.library.save(style)
        except PersistenceError as exc:
            self.editor.message.emit(str(exc))
            return
        self.library_changed.emit()
        self.editor.message.emit(f"Saved style '{name}'")

    def _library_rows(self, style: LibraryStyle, classes: Sequence[int]) -> np.ndarray | None:
        """Rows for `classes`: by class name, or a one-class style applied to each of them."""
        assert self.editor.live.info is not None
        if style.rows.shape[1] != self.editor.live.info.typical.shape[1]:
            self.editor.message.emit(f"'{style.name}' was made for another model")
            return None
        by_name = dict(zip(style.classes, style.rows, strict=True))
        rows = self.resolved(classes)
        for i, c in enumerate(classes):
            name = self.doc.palette.classes[c].name
            if name in by_name:
                rows[i] = by_name[name]
            elif len(style.classes) == 1:
                rows[i] = style.rows[0]
        return rows

    def apply_style(self, style: LibraryStyle, classes: Sequence[int] | None = None) -> None:
        """Apply a saved style to the chosen classes (default: the classes it names)."""
        if not self._ready():
            return
        names = [c.name for c in self.doc.palette.classes]
        if classes is None:
            classes = [names.index(n) for n in style.classes if n in names]
        free = self._unlocked(classes)
        rows = self._library_rows(style, free) if free else None
        if rows is not None:
            source = StyleSource(SourceKind.LIBRARY, name=style.name)
            self._set(free, rows, [source] * len(free), f"Style '{style.name}'")
