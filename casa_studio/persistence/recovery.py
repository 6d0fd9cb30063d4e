"""Crash recovery: each running instance holds a lock file and writes snapshots of its
document; at start-up, snapshots whose instance is gone (its process no longer runs) are
offered for restore. A live lock means a second instance, not a crash."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from casa_studio.core.document import Document
from casa_studio.persistence.project import ModelRef, load_project, save_project


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True, slots=True)
class Orphan:
    """Recovery data left by an instance that ended without saving or discarding."""

    snapshot: Path
    original: str  # the project path it was editing, or ""
    saved_at: float

    def load(self) -> tuple[Document, ModelRef, np.ndarray | None]:
        return load_project(self.snapshot)

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

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.base.with_suffix(".lock").write_text(
            json.dumps({"pid": self.pid, "started": time.time()})
        )

    def orphans(self) -> list[Orphan]:
        """Snapshots of sessions whose process is gone (crashed or killed)."""
        found = []
        for meta in sorted(self.root.glob("session-*.json")):
            pid = int(meta.stem.split("-")[1])
            if pid == self.pid or _alive(pid):
                continue  # our own, or another instance still running
            try:
                info = json.loads(meta.read_text())
            except (OSError, ValueError):
                continue
            snapshot = meta.with_suffix(".casa")
            if snapshot.is_file():
                found.append(
                    Orphan(snapshot, str(info.get("original", "")), float(info.get("saved_at", 0)))
                )
        return found

    def snapshot(self, doc: Document, model: ModelRef, original: Path | None) -> None:
        save_project(self.base.with_suffix(".casa"), doc, model)
        self.base.with_suffix(".casa~").unlink(missing_ok=True)
        meta = {"original": str(original or ""), "saved_at": time.time()}
        self.base.with_suffix(".json").write_text(json.dumps(meta))

    def clear(self) -> None:
        """The user saved or discarded: this session's recovery data is no longer needed."""
        for suffix in (".casa", ".casa~", ".json"):
            self.base.with_suffix(suffix).unlink(missing_ok=True)

    def stop(self) -> None:
        self.clear()
        self.base.with_suffix(".lock").unlink(missing_ok=True)
