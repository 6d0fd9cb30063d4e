"""Crash recovery: each running instance holds a lock file and writes snapshots of its
document; at start-up, snapshots whose instance is gone (its process no longer runs) are
offered for restore. A live lock means a second instance, not a crash. Records are written
atomically; a snapshot is offered even when its record is missing or damaged, and a damaged
record or a file with a foreign name is set aside (renamed, never deleted) and named."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import Field

from casa_studio.core.document import Document
from casa_studio.persistence.atomic import alive as _alive
from casa_studio.persistence.atomic import clean_folder
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.project import ModelRef, load_project, save_project
from casa_studio.validation import Record, load

SESSION = re.compile(r"session-(\d{1,18})")
SET_ASIDE = ".unreadable"


class RecoveryRecord(Record):
    """`session-<pid>.json`: what the snapshot beside it was editing, and when."""

    original: Annotated[str, Field(max_length=4096)] = ""
    saved_at: Annotated[float, Field(ge=0)] = 0.0


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # a killed one's: clean_folder
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True, slots=True)
class Orphan:
    """Recovery data left by an instance that ended without saving or discarding."""

    snapshot: Path
    original: str  # the project path it was editing, or ""
    saved_at: float

    def load(self) -> tuple[Document, ModelRef, np.ndarray | None]:
        return load_project(self.snapshot)

    def set_aside(self) -> Path:
        """An unreadable snapshot is renamed (kept for the user), never offered again."""
        aside = self.snapshot.with_name(self.snapshot.name + SET_ASIDE)
        os.replace(self.snapshot, aside)
        return aside

    def discard(self) -> None:
        for path in (
            self.snapshot,
            self.snapshot.with_suffix(".json"),
            self.snapshot.with_suffix(".lock"),
        ):
            path.unlink(missing_ok=True)


class RecoveryStore:
    """Recovery folder of the user data directory; one session per running process."""

    def __init__(self, root: Path, pid: int | None = None) -> None:
        self.root = root
        self.pid = pid or os.getpid()
        self.base = root / f"session-{self.pid}"
        self.notes: list[str] = []  # files set aside by the last `orphans()`

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        clean_folder(self.root)  # what autosaves killed mid-write left
        _write_atomic(
            self.base.with_suffix(".lock"), json.dumps({"pid": self.pid, "started": time.time()})
        )
        self._remove_dead_locks()

    def _remove_dead_locks(self) -> None:
        """A session that ended without its clean-up (killed, or crashed with nothing unsaved)
        leaves its lock; one without a snapshot protects nothing and goes. A lock beside a
        snapshot stays until that snapshot is restored or discarded."""
        for lock in self.root.glob("session-*.lock"):
            match = SESSION.fullmatch(lock.stem)
            if match is None or int(match.group(1)) == self.pid:
                continue
            if not _alive(int(match.group(1))) and not lock.with_suffix(".casa").exists():
                lock.unlink(missing_ok=True)

    def _set_aside(self, path: Path, why: str) -> None:
        aside = path.with_name(path.name + SET_ASIDE)
        try:
            os.replace(path, aside)
        except OSError as exc:
            self.notes.append(f"Recovery file {path} is unreadable ({why}; {exc}).")
            return
        self.notes.append(f"Recovery file {path.name} was unreadable ({why}); kept as {aside}.")

    def _record(self, snapshot: Path) -> RecoveryRecord:
        """The snapshot's record; a missing one means nothing is known, a damaged one is set
        aside. Either way the snapshot is offered, dated by the file itself."""
        record = snapshot.with_suffix(".json")
        fallback = RecoveryRecord(saved_at=snapshot.stat().st_mtime)
        if not record.exists():
            return fallback
        try:
            return load(RecoveryRecord, record, PersistenceError)
        except PersistenceError as exc:
            self._set_aside(record, str(exc).removeprefix(f"{record}: ").rstrip("."))
            return fallback

    def _dead_sessions(self) -> list[Path]:
        """Snapshots of sessions whose process is gone; foreign names are set aside."""
        found = []
        for path in sorted(self.root.glob("session-*")):
            if path.suffix not in (".casa", ".json", ".lock"):
                continue
            match = SESSION.fullmatch(path.stem)
            if match is None:
                self._set_aside(path, "not named session-<process number>")
                continue
            pid = int(match.group(1))
            if path.suffix == ".casa" and pid != self.pid and not _alive(pid):
                found.append(path)
        return found

    def orphans(self) -> list[Orphan]:
        """Snapshots of sessions whose process is gone (crashed or killed)."""
        self.notes = []
        found = []
        for snapshot in self._dead_sessions():
            record = self._record(snapshot)
            found.append(Orphan(snapshot, record.original, record.saved_at))
        return found

    def snapshot(self, doc: Document, model: ModelRef, original: Path | None) -> None:
        save_project(self.base.with_suffix(".casa"), doc, model)
        self.base.with_suffix(".casa~").unlink(missing_ok=True)
        record = RecoveryRecord(original=str(original or ""), saved_at=time.time())
        _write_atomic(self.base.with_suffix(".json"), record.model_dump_json())

    def clear(self) -> None:
        """The user saved or discarded: this session's recovery data is no longer needed."""
        for suffix in (".casa", ".casa~", ".json"):
            self.base.with_suffix(suffix).unlink(missing_ok=True)

    def stop(self) -> None:
        self.clear()
        self.base.with_suffix(".lock").unlink(missing_ok=True)
