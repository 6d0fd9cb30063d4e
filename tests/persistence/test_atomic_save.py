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
