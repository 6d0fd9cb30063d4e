"""StyleEditor: per-class style and shape actions on the editor's document — rerolls with
per-class seeds, typical styles, locks, swaps, blends, reference styles and shapes, the style
library. Every action is one undoable command that sets style *sources*; the render engine
derives their tokens (engine/styles.py), so a reroll, swap or blend renders with the next
request and never waits for the worker first."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QObject, Signal

from casa_studio.core.commands import SetLocked, SetShapes, SetStyles
from casa_studio.core.document import Document
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import (
    MAX_BLEND_DEPTH,
    TYPICAL,
    Reference,
    SourceKind,
    StyleSource,
)
from casa_studio.engine.jobs import FIT_STEPS, EncodeReference, Segmentation, SegmentReference
from casa_studio.engine.style_tokens import StyleTokens
from casa_studio.engine.styles import library_source, reference_source
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.style_library import LibraryStyle, StyleLibrary
from casa_studio.ui.editor import Editor

THUMB = 32  # px, reference thumbnails in the style list
NO_LOOKS = "This model has no look bank: no named looks (see `casa-studio models build-looks`)"


SEED_END = 1_000_000  # new seeds have at most 6 digits: short to read, to type and to show


def new_seed() -> int:
    return random.randrange(1, SEED_END)


class StyleEditor(QObject):
    reference_changed = Signal()
    library_changed = Signal()
    missing = Signal(str)  # classes a reference lacks, named

    def __init__(self, editor: Editor, library: StyleLibrary) -> None:
        super().__init__()
        self.editor = editor
        self.library = library
        self.thumbnails: dict[str, np.ndarray] = {}  # reference name -> small RGB
        self._reference_tokens: tuple[Reference, int, StyleTokens] | None = None  # last encoded
        self.fit: bool | None = None  # fit reference styles to the photo's colours (None: model's)
        editor.document_replaced.connect(self._on_replaced)
        self._blend: tuple[tuple[int, ...], tuple[StyleSource, ...], StyleSource] | None = None

    @property
    def doc(self) -> Document:
        return self.editor.document

    @property
    def reference(self) -> Reference | None:
        """The document's style reference (kept in its project file)."""
        return self.doc.reference

    def names(self, classes: Sequence[int]) -> str:
        return ", ".join(self.doc.palette.classes[c].name for c in classes)

    def _ready(self, need_random: bool = False) -> bool:
        info = self.editor.live.info
        if info is None:
            self.editor.message.emit("The model is still loading")
            return False
        if need_random and not info.has_random:
            self.editor.message.emit("This model has no mapping network: no random styles")
            return False
        return True

    def _set(self, classes: Sequence[int], sources: Sequence[StyleSource], text: str) -> None:
        if classes:
            self.doc.execute(SetStyles(tuple(classes), tuple(sources), text))

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
        if not free or not self._ready(need_random=True):
            return
        seeds = [new_seed() for _ in free] if each else [new_seed()] * len(free)
        self.set_seeds(free, seeds, f"Reroll {self.names(free)}" if len(free) < 4 else "Reroll")

    def set_seeds(self, classes: Sequence[int], seeds: Sequence[int], text: str = "") -> None:
        """Class `classes[i]` gets the random style of seed `seeds[i]`."""
        if self._ready(need_random=True):
            sources = [StyleSource(SourceKind.RANDOM, int(s)) for s in seeds]
            self._set(classes, sources, text or f"Seed {self.names(classes)}")

    def typical(self, classes: Sequence[int] | None = None) -> None:
        free = self._unlocked(classes)
        self._set(free, [TYPICAL] * len(free), "Typical styles")

    def look(self, name: str, classes: Sequence[int] | None = None) -> None:
        """The model's named look (clear day, night, …) for the unlocked classes (all present
        ones by default), as one undo step."""
        info = self.editor.live.info
        if not self._ready() or info is None:
            return
        if name not in info.looks:
            self.editor.message.emit(NO_LOOKS)
            return
        free = self._unlocked(classes)
        self._set(free, [StyleSource(SourceKind.LOOK, name=name)] * len(free), f"Look: {name}")

    def set_locked(self, classes: Sequence[int], locked: bool) -> None:
        text = ("Lock " if locked else "Unlock ") + self.names(classes)
        self.doc.execute(SetLocked(tuple(classes), locked, text))

    # --- swap and blend ---------------------------------------------------------------------------

    def swap(self, a: int, b: int) -> None:
        """Exchange the two classes' style *sources*: the engine derives each class's token
        again from the other's source (its seed, the reference's token for it, the typical
        style). Plain token swaps would not show: CA2-SIS's attention picks tokens by their
        content, so a token moved to another slot keeps styling its own class. A library
        style or an old mix (one stored token) moves as it is."""
        if a != b and self._ready():
            sources = self.doc.styles.sources
            self._set([a, b], [sources[b], sources[a]], f"Swap styles of {self.names([a, b])}")

    def begin_blend(self, classes: Sequence[int], target: StyleSource) -> None:
        """Blend the unlocked `classes` from their current styles towards the `target` source
        (locked ones keep theirs, as with rerolls, looks and the library)."""
        free = self._unlocked(classes)
        if free and self._ready():
            starts = tuple(self._blend_start(c) for c in free)
            self._blend = (tuple(free), starts, target)
            self.doc.begin(f"Blend {self.names(free)}")

    def _blend_start(self, c: int) -> StyleSource:
        """Class `c`'s source as a blend's start; one nested too deep is frozen into the
        tokens the last render used."""
        source = self.doc.styles.sources[c]
        result = self.editor.live.result
        if source.depth < MAX_BLEND_DEPTH or result is None or result.tokens is None:
            return source
        return StyleSource.stored(SourceKind.MIXED, source.describe(), result.tokens[[c]])

    def blend(self, alpha: float) -> None:
        """Show the blend `(1-alpha)·start + alpha·target` (live while a slider moves): the
        gesture stays one command, replaced at each step."""
        if self._blend is None:
            return
        classes, starts, target = self._blend
        sources = tuple(StyleSource.blend(s, target, alpha) for s in starts)
        self.doc.preview(SetStyles(classes, sources, "Blend styles"))

    def end_blend(self) -> None:
        if self._blend is not None:
            self._blend = None
            self.doc.end()

    def blend_target(
        self,
        kind: SourceKind,
        ready: Callable[[StyleSource], None],
        seed: int = 0,
        library: LibraryStyle | None = None,
    ) -> None:
        """The source to blend towards: `typical`, `random` (seed), `reference` or `library`
        (at once, except a reference photo's first use, which the worker encodes)."""
        if not self._ready(need_random=kind is SourceKind.RANDOM):
            return
        if kind is SourceKind.TYPICAL:
            ready(TYPICAL)
        elif kind is SourceKind.RANDOM:
            ready(StyleSource(SourceKind.RANDOM, seed))
        elif kind is SourceKind.LIBRARY and library is not None:
            source = self._library_source(library)
            if source is not None:
                ready(source)
        elif kind is SourceKind.REFERENCE and self.reference is not None:
            name = self.reference.name
            self._encode(lambda ref_tokens: ready(reference_source(name, ref_tokens)))
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

    def label_photo(self, image: np.ndarray, done: Callable[[Segmentation], None]) -> str:
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

    def _encode(self, done: Callable[[StyleTokens], None]) -> None:
        """The reference's style tokens: at once when this very reference (photo and labels)
        was encoded before, else from the worker (used only if the same document and
        reference are still open)."""
        ref = self.reference
        assert ref is not None
        steps = self.fit_steps()
        last = self._reference_tokens
        if last is not None and last[0] is ref and last[1] == steps:
            done(last[2])
            return
        doc = self.doc

        def encoded(ref_tokens: StyleTokens) -> None:
            if doc is self.doc and self.reference is ref:
                self._reference_tokens = (ref, steps, ref_tokens)
                done(ref_tokens)

        def progress(step: int, count: int) -> None:  # from the worker thread: a queued signal
            self.editor.message.emit(f"Fitting styles to {ref.name}'s colours: {step}/{count}")

        self.editor.live.run_job(EncodeReference(ref.image, ref.labels, steps, progress), encoded)

    def fit_steps(self) -> int:
        """Steps a reference's styles are fitted to its colours: the user's choice, else the
        model's default (none for imported official checkpoints, the paper's path)."""
        info = self.editor.live.info
        default = 0 if info is None else info.fit_steps
        if self.fit is None:
            return default
        return (default or FIT_STEPS) if self.fit else 0

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

        def done(ref_tokens: StyleTokens) -> None:
            missing = [c for c in free if c not in ref_tokens.present]
            if missing:
                self.missing.emit(self.names(missing))
            copied = [c for c in free if c in ref_tokens.present]
            source = reference_source(name, ref_tokens)
            self._set(copied, [source] * len(copied), f"Styles from {name}")

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

    def shape_alpha(self, alpha: float) -> None:
        """Interpolate every shape edit between the reference (0) and the document (1)
        (live inside a slider gesture: the gesture keeps one command)."""
        if self.doc.shapes:
            edits = tuple(e.with_alpha(alpha) for e in self.doc.shapes)
            self.doc.preview(SetShapes(edits, "Shape blend"))

    def clear_shapes(self) -> None:
        if self.doc.shapes:
            self.doc.execute(SetShapes((), "Clear shape edits"))

    # --- library ---------------------------------------------------------------------------------

    def save_style(self, name: str, classes: Sequence[int]) -> None:
        """Store the classes' styles under `name` (one class, or a whole set): the tokens the
        current image was rendered with."""
        if not classes or not self._ready():
            return
        result = self.editor.live.result
        if result is None or result.tokens is None or self.editor.live.is_stale:
            self.editor.message.emit("Wait for the preview to finish, then save the style")
            return
        style = LibraryStyle(
            name,
            self.editor.model.name,
            tuple(self.doc.palette.classes[c].name for c in classes),
            result.tokens[list(classes)].copy(),
        )
        try:
            self.library.save(style)
        except PersistenceError as exc:
            self.editor.message.emit(str(exc))
            return
        self.library_changed.emit()
        self.editor.message.emit(f"Saved style '{name}'")

    def _library_source(self, style: LibraryStyle) -> StyleSource | None:
        """The style as a source for this document's classes (None if made for another
        model)."""
        info = self.editor.live.info
        assert info is not None
        if style.tokens.shape[1] != info.typical.shape[1]:
            self.editor.message.emit(f"'{style.name}' was made for another model")
            return None
        return library_source(
            style.name, style.classes, style.tokens, [c.name for c in self.doc.palette.classes]
        )

    def apply_style(self, style: LibraryStyle, classes: Sequence[int] | None = None) -> None:
        """Apply a saved style to the chosen classes (default: the classes it names); a
        one-class style suits any class, a set only the classes it names."""
        if not self._ready():
            return
        names = [c.name for c in self.doc.palette.classes]
        named = [names.index(n) for n in style.classes if n in names]
        chosen = named if classes is None else list(classes)
        if len(style.classes) > 1:
            chosen = [c for c in chosen if c in named]
        free = self._unlocked(chosen)
        source = self._library_source(style) if free else None
        if source is not None:
            self._set(free, [source] * len(free), f"Style '{style.name}'")
