"""Recovery data: orphans of dead sessions are found; live sessions and our own are not."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
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


def test_a_damaged_record_is_set_aside_and_its_snapshot_still_offered(tmp_path: Path) -> None:
    for content in ("", '{"saved_at": "yesterday"}', "[1, 2]"):
        crashed = RecoveryStore(tmp_path, pid=_dead_pid())
        crashed.snapshot(_painted(), ModelRef("m"), Path("/projects/a.casa"))
        record = crashed.base.with_suffix(".json")
        record.write_text(content)
        mine = RecoveryStore(tmp_path)
        orphans = mine.orphans()
        assert [o.snapshot for o in orphans] == [crashed.base.with_suffix(".casa")]
        assert orphans[0].original == "" and orphans[0].saved_at > 0
        assert not record.exists() and record.with_name(record.name + ".unreadable").exists()
        assert len(mine.notes) == 1 and record.name in mine.notes[0]
        orphans[0].discard()


def test_foreign_names_and_impossible_pids_never_stop_the_search(tmp_path: Path) -> None:
    (tmp_path / "session-abc.json").write_text("{}")
    huge = RecoveryStore(tmp_path, pid=10**17)
    huge.snapshot(_painted(), ModelRef("m"), None)
    store = RecoveryStore(tmp_path)
    orphans = store.orphans()
    assert [o.snapshot.name for o in orphans] == [f"session-{10**17}.casa"]
    assert (tmp_path / "session-abc.json.unreadable").exists()
    assert any("session-abc.json" in note for note in store.notes)


SNAPSHOTTER = """
import sys
from pathlib import Path
import numpy as np
from casa_studio.core.commands import PaintPixels
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.persistence.project import ModelRef
from casa_studio.persistence.recovery import RecoveryStore
palette = Palette.from_entries([(0, "sky", (0, 0, 255)), (1, "grass", (0, 255, 0))])
doc = Document.new(palette, (128, 128))
doc.execute(PaintPixels.from_mask(doc.active_layer, np.ones(doc.size, bool), 1))
store = RecoveryStore(Path(sys.argv[1]))
store.start()
store.snapshot(doc, ModelRef("m"), Path("/p.casa"))
print("READY", flush=True)
while True:
    store.snapshot(doc, ModelRef("m"), Path("/p.casa"))
"""


def test_kill_9_during_autosave_leaves_a_snapshot_that_is_offered(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    for delay in (0.01, 0.07, 0.2):
        child = subprocess.Popen(
            [sys.executable, "-c", SNAPSHOTTER, str(tmp_path)],
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ | {"PYTHONPATH": str(root)},
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "READY"
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        orphans = RecoveryStore(tmp_path).orphans()
        assert len(orphans) == 1
        assert (orphans[0].load()[0].labels() == 1).all()
        orphans[0].discard()
