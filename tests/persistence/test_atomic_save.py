"""Saving never leaves the project missing: one rename over the old file, the backup made by a
second name first; kill -9 at random moments leaves the old or the new version, never none."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from casa_studio.core.commands import PaintPixels
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.persistence import project
from casa_studio.persistence.project import ModelRef, load_project, save_project

PALETTE = Palette.from_entries([(0, "sky", (0, 0, 255)), (1, "grass", (0, 255, 0))])


def _doc(value: int) -> Document:
    doc = Document.new(PALETTE, (64, 64))
    doc.execute(PaintPixels.from_mask(doc.active_layer, np.ones(doc.size, bool), value))
    return doc


def test_the_project_exists_at_every_file_system_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.casa"
    save_project(path, _doc(0), ModelRef("m"))
    seen: list[tuple[str, bool]] = []
    for name in ("replace", "link", "unlink", "rename"):
        real = getattr(os, name)

        def spy(*args: object, _real=real, _name=name, **kw: object) -> object:
            seen.append((_name, path.exists()))
            out = _real(*args, **kw)
            seen.append((_name, path.exists()))
            return out

        monkeypatch.setattr(project.os, name, spy)
    save_project(path, _doc(1), ModelRef("m"))
    monkeypatch.undo()
    assert seen and all(exists for _name, exists in seen), seen
    assert [n for n, _e in seen].count("rename") == 0  # the old file is never moved away
    assert load_project(path)[0].labels()[0, 0] == 1
    assert load_project(path.with_name("p.casa~"))[0].labels()[0, 0] == 0


SAVER = """
import sys
import numpy as np
from casa_studio.core.commands import PaintPixels
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.persistence.project import ModelRef, save_project
palette = Palette.from_entries([(0, "sky", (0, 0, 255)), (1, "grass", (0, 255, 0))])
doc = Document.new(palette, (256, 256))
rng = np.random.default_rng(0)
doc.execute(PaintPixels.from_mask(doc.active_layer, rng.random(doc.size) < 0.5, 1))
print("READY", flush=True)
while True:
    save_project(sys.argv[1], doc, ModelRef("m"))
"""


def test_kill_9_during_saves_always_leaves_a_readable_project(tmp_path: Path) -> None:
    path = tmp_path / "p.casa"
    save_project(path, _doc(0), ModelRef("m"))
    rng = random.Random(12)
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for _ in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.02, 0.3))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert path.is_file()
        load_project(path)  # old or new, complete either way


VERSIONS = """
import sys
from pathlib import Path
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.persistence.project import ModelRef, save_project
from casa_studio.persistence.recovery import RecoveryStore
palette = Palette.from_entries([(0, "sky", (0, 0, 255)), (1, "grass", (0, 255, 0))])
doc = Document.new(palette, (256, 256))
target, version, autosave = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "autosave"
store = RecoveryStore(target.parent)
print("READY", flush=True)
while True:
    version += 1
    doc.view = {"version": version}
    if autosave:
        store.snapshot(doc, ModelRef("m"), None)
    else:
        save_project(target, doc, ModelRef("m"))
"""


def _version(path: Path) -> int:
    return int(load_project(path)[0].view.get("version", 0))


def _killed_at_random(path: Path, mode: str, rng: random.Random) -> None:
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    start = _version(path) if path.exists() else 0
    argv = [sys.executable, "-c", VERSIONS, str(path), str(start), mode]
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None and child.stdout.readline().strip() == "READY"
    time.sleep(rng.uniform(0.0, 0.25))
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()


@pytest.mark.slow
def test_kill_9_keeps_the_previous_version_and_the_next_save_tidies_up(tmp_path: Path) -> None:
    """Real savers killed with SIGKILL at random instants: once the leftovers are tidied (as
    the next save does first), `p.casa~` is exactly the version before `p.casa`'s and nothing
    else is left; the next save then works as usual."""
    from casa_studio.persistence.atomic import clean_leftovers

    path = tmp_path / "p.casa"
    rng = random.Random(18)
    doc = _doc(0)
    for version in (1, 2):
        doc.view = {"version": version}
        save_project(path, doc, ModelRef("m"))
    for trial in range(12):
        _killed_at_random(path, "save", rng)
        clean_leftovers(path)
        current, backup = _version(path), _version(path.with_name("p.casa~"))
        assert backup == current - 1, (trial, current, backup)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["p.casa", "p.casa~"], trial
    doc.view = {"version": 1000}
    save_project(path, doc, ModelRef("m"))
    save_project(path, doc, ModelRef("m"))  # the same document again: the backup stays
    assert _version(path) == 1000 and _version(path.with_name("p.casa~")) == current


@pytest.mark.slow
def test_autosaves_killed_at_random_leave_nothing_after_the_next_start(tmp_path: Path) -> None:
    from casa_studio.persistence.recovery import RecoveryStore

    rng = random.Random(5)
    for _ in range(6):
        _killed_at_random(tmp_path / "unused.casa", "autosave", rng)
    RecoveryStore(tmp_path).start()  # the next instance
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [], left
    for snapshot in tmp_path.glob("session-*.casa"):
        load_project(snapshot)
