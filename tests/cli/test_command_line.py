"""The command line as a newcomer mistypes it: an unknown subcommand is a usage error, a file
still opens the editor, no display is said in one line, and counts read as English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.cli import main, opens_editor
from casa_studio.cli.gui_cmd import missing_display
from casa_studio.wording import counted

ROOT = Path(__file__).resolve().parents[2]


def _headless(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m casa_studio ARGS` of this checkout in an environment without any display."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "casa_studio", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_an_unknown_subcommand_is_a_usage_error(tmp_path: Path) -> None:
    out = _headless("frobnicate", cwd=tmp_path)
    assert out.returncode == 2
    assert "usage: casa-studio" in out.stderr
    assert "invalid choice: 'frobnicate'" in out.stderr
    assert "xcb" not in out.stderr and "file not found" not in out.stderr


def test_without_a_display_the_editor_says_so_in_one_line(tmp_path: Path) -> None:
    out = _headless("scene.png", cwd=tmp_path)
    assert out.returncode == 2  # not 134: Qt is never asked for a window
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("casa-studio: error: no display")
    assert "xcb" not in out.stderr


def test_files_and_options_still_open_the_editor(tmp_path: Path) -> None:
    (tmp_path / "scene").mkdir()
    assert opens_editor([]) and opens_editor(["scene.png"]) and opens_editor(["my.casa"])
    assert opens_editor(["--model", "landscape"]) and opens_editor(["dir/scene"])
    assert opens_editor([str(tmp_path / "scene")])  # an existing name without a suffix
    assert not opens_editor(["frobnicate"]) and not opens_editor(["render", "--help"])


@pytest.mark.parametrize(
    ("environ", "blocked"),
    [
        ({}, True),
        ({"DISPLAY": ":5"}, False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, False),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":1"}, False),
        ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, False),
    ],
)
def test_which_environments_have_a_display(environ: dict[str, str], blocked: bool) -> None:
    assert (missing_display(environ, "linux") is not None) is blocked
    assert missing_display({}, "win32") is None and missing_display({}, "darwin") is None


def test_counts_are_english() -> None:
    assert counted(1, "image") == "1 image"
    assert counted(0, "image") == "0 images"
    assert counted(2_000, "scene") == "2,000 scenes"
    assert counted(3, "class", "classes") == "3 classes"


def test_batch_of_one_says_one_image(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    labels = np.zeros((32, 32), np.uint8)
    labels[:, 16:] = 1
    Image.fromarray(labels, "L").save(tmp_path / "a.png")
    args = ["batch", str(tmp_path / "a.png"), "-o", str(tmp_path / "out")]
    assert main([*args, "--model", str(tiny_folder), "--device", "cpu"]) == 0
    assert "1 image written to" in capsys.readouterr().out


def test_the_editor_process_restarts_once_with_two_malloc_arenas(monkeypatch) -> None:
    """Freed memory of the render worker's threads stays in glibc's per-thread arenas (the
    soak grew by +156 MB per 1,000 edits); the editor runs in a process started with two."""
    import sys as _sys

    from casa_studio import cli

    calls: list[tuple[str, list[str], dict[str, str]]] = []

    def execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        calls.append((path, argv, env))
        raise SystemExit(0)  # what a real exec would leave of this process

    monkeypatch.setattr(cli.gui_cmd.os, "execve", execve)
    monkeypatch.setattr(_sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(_sys, "argv", ["casa-studio", "scene.png"])
    with pytest.raises(SystemExit):
        cli.main()
    assert len(calls) == 1
    path, argv, env = calls[0]
    assert path == _sys.executable and argv[1:] == ["-m", "casa_studio", "gui", "scene.png"]
    assert env["MALLOC_ARENA_MAX"] == "2" and env["QT_QPA_PLATFORM"] == "offscreen"

    monkeypatch.setenv("MALLOC_ARENA_MAX", "2")  # the restarted process goes on
    monkeypatch.setattr(cli.gui_cmd, "cmd_gui", lambda args: 0)
    cli.gui_cmd.restart_with_few_arenas(["gui"])
    assert len(calls) == 1
