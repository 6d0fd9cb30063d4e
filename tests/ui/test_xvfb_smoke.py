"""End to end under a real X server: start the app, paint with real input events (xdotool),
see the canvas and the preview change, undo, quit. Needs Xvfb, xdotool and ImageMagick
(installed by the README's test command / .ci/run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = [pytest.mark.gui, pytest.mark.slow]
DISPLAY = ":97"
TOOLS = ("Xvfb", "xdotool", "import")


def _run(*args: str) -> str:
    return subprocess.run(
        args, capture_output=True, text=True, env=os.environ | {"DISPLAY": DISPLAY}, timeout=30
    ).stdout.strip()


def _shot(path: Path) -> np.ndarray:
    _run("import", "-window", "root", str(path))
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def _canvas_image(shot: np.ndarray) -> tuple[slice, slice]:
    """Rows and columns of the label image inside the canvas (found by the canvas's grey
    backdrop around it), so the test follows the window layout."""
    backdrop = (shot == (48, 48, 52)).all(axis=2)
    cols = np.flatnonzero(backdrop.sum(axis=0) > 100)
    rows = np.flatnonzero(backdrop.sum(axis=1) > 20)
    inside = ~backdrop[rows.min() : rows.max(), cols.min() : cols.max()]
    ys, xs = np.nonzero(inside[5:-5, 5:-5])
    top, left = rows.min() + 5, cols.min() + 5
    return slice(top + ys.min(), top + ys.max()), slice(left + xs.min(), left + xs.max())


def _wait(condition, timeout: float = 30.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError("timed out")


@pytest.fixture
def xserver() -> Iterator[None]:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    assert not missing, f"install {missing} (see README: the test command installs them)"
    server = subprocess.Popen(
        ["Xvfb", DISPLAY, "-screen", "0", "1600x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    yield
    server.terminate()
    server.wait(10)


def test_paint_with_real_input_events_and_undo(
    xserver: None, tiny_folder: Path, tmp_path: Path
) -> None:
    env = os.environ | {"DISPLAY": DISPLAY, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen(
        [sys.executable, "-m", "casa_studio", "--model", str(tiny_folder), "--device", "cpu"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait(lambda: _run("xdotool", "search", "--name", "CASA Studio") != "")
        window = _run("xdotool", "search", "--name", "CASA Studio").splitlines()[0]
        assert "CASA Studio" in _run("xdotool", "getwindowname", window)
        _run("xdotool", "windowmove", window, "0", "0")
        time.sleep(3.0)  # model load and first render
        before = _shot(tmp_path / "before.png")
        canvas = _canvas_image(before)
        assert canvas[1].stop - canvas[1].start > 100, "the canvas image is too small to paint"
        y = (canvas[0].start + canvas[0].stop) // 2
        xs = np.linspace(canvas[1].start + 10, canvas[1].stop - 10, 12).astype(int)
        _run("xdotool", "mousemove", str(xs[0]), str(y), "mousedown", "1")
        for x in xs[1:]:
            _run("xdotool", "mousemove", str(x), str(y))
        _run("xdotool", "mouseup", "1")
        time.sleep(2.0)
        after = _shot(tmp_path / "after.png")
        changed = np.abs(after - before).sum(axis=2) > 30
        assert changed[canvas].mean() > 0.01, "the stroke did not show on the canvas"
        right = slice(canvas[1].stop + 40, None)  # the preview is right of the canvas
        assert changed[:, right].mean() > 0.001, "the preview did not change"
        _run("xdotool", "mousemove", "1500", "850")  # take the brush outline off the canvas
        _run("xdotool", "key", "--window", window, "ctrl+z")
        time.sleep(2.0)
        undone = _shot(tmp_path / "undone.png")
        assert (np.abs(undone - before).sum(axis=2) > 30)[canvas].mean() < 0.002
        _run("xdotool", "key", "--window", window, "ctrl+q")
        assert app.wait(20) == 0
    finally:
        if app.poll() is None:
            app.kill()
