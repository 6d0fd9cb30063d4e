"""Autosave and restore after the app was killed with SIGKILL mid-work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from casa_studio import paths
from casa_studio.ui.main_window import MainWindow

CHILD = """
import os, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from casa_studio.ui.app import build_window
import numpy as np
from casa_studio.core.commands import PaintPixels
win = build_window(sys.argv[1], fake=True)
win.show()
doc = win.editor.document
mask = np.zeros(doc.size, bool)
mask[3:20, 5:9] = True
doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 3))
assert win.autosave.tick()
print("SNAPSHOT", flush=True)
time.sleep(60)
"""


def test_work_survives_kill_9_and_is_restored(qtbot, tiny_folder: Path, tmp_path: Path) -> None:
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tiny_folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = ""
    while "SNAPSHOT" not in seen and child.poll() is None:
        seen += child.stdout.readline()
    assert "SNAPSHOT" in seen, seen + child.stdout.read()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    from casa_studio.ui.app import build_window

    win: MainWindow = build_window(str(tiny_folder), fake=True)
    asked = []
    assert win.autosave.offer_recovery(lambda orphan: asked.append(orphan) or True)
    labels = win.editor.document.labels()
    assert len(asked) == 1 and (labels[3:20, 5:9] == 3).all() and labels[0, 0] == 0
    assert win.editor.document.modified  # restored work is unsaved until saved
    recovery = paths.user_data_dir() / "recovery"
    assert not any(recovery.glob(f"session-{child.pid}*"))  # moved under this session
    assert win.files.save_as(tmp_path / "restored.casa")
    assert not any(recovery.glob("*.casa"))  # saved: recovery data gone
    win.hide()
    win.close()
    assert list(recovery.iterdir()) == []
