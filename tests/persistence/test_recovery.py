"""Recovery data: orphans of dead sessions are found; live sessions and our own are not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from casa_studio.core.commands import PaintPixels
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.persistence.project import ModelRef
from casa_studio.persistence.recovery import RecoveryStore

PALETTE = Palette.from_entries([(0, "sky", (0, 0, 255)), (1, "grass", (0, 255, 0))])


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _painted() -> Document:
    doc = Document.new(PALETTE, (16, 16))
    mask = np.zeros(doc.size, bool)
    mask[4:9] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 1))
    return doc


def test_a_crashed_sessions_snapshot_is_offered_and_can_be_discarded(tmp_path: Path) -> None:
    crashed = RecoveryStore(tmp_path, pid=_dead_pid())
    crashed.start()
    crashed.snapshot(_painted(), ModelRef("m"), Path("/projects/a.casa"))
    mine = RecoveryStore(tmp_path)
    mine.start()
    orphans = mine.orphans()
    assert len(orphans) == 1 and orphans[0].original == "/projects/a.casa"
    doc, model, _ = orphans[0].load()
    assert np.array_equal(doc.labels(), _painted().labels()) and model.name == "m"
    orphans[0].discard()
    assert mine.orphans() == [] and not any(tmp_path.glob(f"session-{crashed.pid}*"))


def test_a_running_instance_is_not_a_crash(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        other = RecoveryStore(tmp_path, pid=sleeper.pid)
        other.start()
        other.snapshot(_painted(), ModelRef("m"), None)
        assert RecoveryStore(tmp_path).orphans() == []
    finally:
        sleeper.kill()
        sleeper.wait()
    assert len(RecoveryStore(tmp_path).orphans()) == 1


def test_clean_exit_and_save_remove_our_recovery_data(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.start()
    store.snapshot(_painted(), ModelRef("m"), None)
    store.clear()
    assert not store.base.with_suffix(".casa").exists()
    store.stop()
    assert list(tmp_path.iterdir()) == []
