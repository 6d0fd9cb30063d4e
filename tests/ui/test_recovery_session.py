"""A crashed session's work comes back under its own file name, and a dead session's lock
never stays behind in the recovery folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from casa_studio import paths
from casa_studio.core.commands import PaintPixels
from casa_studio.persistence.project import load_project
from casa_studio.persistence.recovery import RecoveryStore
from casa_studio.ui.app import build_window


def _dead_pid() -> int:
    """The number of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _fail_instead_of_dialog(exc: Exception) -> None:
    raise AssertionError(f"error dialog: {exc}")


def test_restored_work_keeps_its_file_and_ctrl_s_saves_there(
    qtbot, tiny_folder: Path, tmp_path: Path
) -> None:
    win = build_window(str(tiny_folder), fake=True)
    qtbot.addWidget(win)
    win.files.report = _fail_instead_of_dialog
    project = tmp_path / "mylandscape.casa"
    win.editor.save(project)
    doc = win.editor.document
    mask = np.zeros(doc.size, bool)
    mask[3:20, 5:9] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 3))
    crashed = RecoveryStore(paths.user_data_dir() / "recovery", _dead_pid())
    crashed.start()
    crashed.snapshot(doc, win.editor.model, project)  # the crashed session's last autosave
    win.editor.new_document()
    assert win.editor.path is None

    assert win.autosave.offer_recovery(lambda orphan: True)
    assert win.editor.path == project
    assert win.windowTitle().startswith("*mylandscape.casa")
    assert win.action_for["save"].shortcut().toString() == "Ctrl+S"
    win.action_for["save"].trigger()
    saved, _model, _render = load_project(project)
    assert (saved.labels()[3:20, 5:9] == 3).all()
    assert win.windowTitle().startswith("mylandscape.casa")
    win.hide()
    win.close()


def test_a_new_session_removes_the_locks_of_dead_sessions(qtbot, tiny_folder: Path) -> None:
    recovery = paths.user_data_dir() / "recovery"
    dead = RecoveryStore(recovery, _dead_pid())
    dead.start()  # it ended without a snapshot (nothing unsaved) and without its clean-up
    win = build_window(str(tiny_folder), fake=True)
    qtbot.addWidget(win)
    assert not dead.base.with_suffix(".lock").exists()
    mine = sorted(p.name for p in recovery.iterdir())
    assert mine == [f"session-{win.autosave.store.pid}.lock"]
    win.hide()
    win.close()
    assert list(recovery.iterdir()) == []
