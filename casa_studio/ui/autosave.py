"""Autosave between strokes into the recovery folder, and the restore offer after a crash."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from casa_studio.errors import USER_ERRORS
from casa_studio.persistence.recovery import Orphan, RecoveryStore
from casa_studio.ui.editor import Editor

log = logging.getLogger(__name__)


class Autosave(QObject):
    def __init__(self, editor: Editor, store: RecoveryStore, seconds: int) -> None:
        super().__init__()
        self.editor = editor
        self.store = store
        self.snapshot_revision = -1
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.set_interval(seconds)
        editor.saved.connect(lambda _path: self.store.clear())

    def set_interval(self, seconds: int) -> None:
        """Snapshot every `seconds` (0: never)."""
        self.timer.stop()
        if seconds > 0:
            self.timer.start(seconds * 1000)

    def tick(self) -> bool:
        """Snapshot if there are unsaved edits and no stroke is in progress."""
        doc = self.editor.document
        if (
            not doc.modified
            or doc.history.open is not None
            or doc.revision == self.snapshot_revision
        ):
            return False
        try:
            self.store.snapshot(doc, self.editor.model, self.editor.path)
        except USER_ERRORS as exc:  # never interrupt painting; say it in the status bar
            self.editor.message.emit(f"Autosave failed: {exc}")
            return False
        self.snapshot_revision = doc.revision
        return True

    def discard(self) -> None:
        """The user discarded the unsaved document."""
        self.store.clear()
        self.snapshot_revision = -1

    def offer_recovery(self, ask: Callable[[Orphan], bool]) -> bool:
        """For each crashed session's snapshot, `ask` whether to restore it; the first one
        accepted becomes the open document (unsaved), under the file it was editing, so the
        title names it and Save writes there. Returns whether one was restored."""
        orphans = self.store.orphans()
        if self.store.notes:
            self.editor.message.emit(" ".join(self.store.notes))
        for orphan in orphans:
            if not ask(orphan):
                orphan.discard()
                continue
            try:
                doc, model, _render = orphan.load()
                self.editor.check_fits(orphan.snapshot, doc, model)
            except USER_ERRORS as exc:
                self.editor.message.emit(
                    f"Could not restore {orphan.snapshot.name}: {exc} (kept as "
                    f"{orphan.set_aside()})"
                )
                continue
            doc.history.clean_index = None  # restored work is unsaved work
            self.editor.replace_document(doc, Path(orphan.original) if orphan.original else None)
            self.tick()  # now safe under this session's lock
            orphan.discard()
            return True
        return False

    def stop(self) -> None:
        self.timer.stop()
        self.store.stop()
