"""GUI fixtures: real widgets offscreen, with the tiny real model or the fake renderer."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.engine.factory import fake_renderer
from casa_studio.engine.worker import RenderWorker
from casa_studio.ui.app import build_window
from casa_studio.ui.editor import Editor
from casa_studio.ui.live_preview import RenderState
from casa_studio.ui.main_window import MainWindow

PALETTE = Palette.from_entries([(i, f"class_{i}", (40 * i, 255 - 40 * i, 100)) for i in range(4)])


@pytest.fixture(autouse=True)
def no_worker_left_running(qapp) -> Iterator[None]:
    yield
    gc.collect()
    with warnings.catch_warnings():  # scanning every object touches deprecated torch attributes
        warnings.simplefilter("ignore")
        running = [o for o in gc.get_objects() if isinstance(o, RenderWorker) and o.isRunning()]
    for worker in running:
        worker.stop()
    assert not running, "a test left a render worker running"


@pytest.fixture
def window(qtbot, tiny_folder: Path) -> Iterator[MainWindow]:
    """The real window with the real (tiny, random) model, loaded and rendered once."""
    win = build_window(str(tiny_folder), device="cpu")

    def fail_instead_of_dialog(exc: Exception) -> None:
        raise AssertionError(f"error dialog: {exc}")

    win.files.report = fail_instead_of_dialog  # a modal dialog would hang the offscreen test
    win.show()
    qtbot.waitUntil(lambda: win.editor.live.state is RenderState.UP_TO_DATE, timeout=20000)
    yield win
    win.hide()  # closing a hidden window never asks about unsaved changes
    win.close()
    win.deleteLater()


@pytest.fixture
def fake_editor(qtbot) -> Iterator[Editor]:
    """An editor on a 32x32 document whose renderer takes 150 ms per image."""
    editor = Editor(Document.new(PALETTE, (32, 32)), fake_renderer(4, 0.15))
    qtbot.waitUntil(lambda: editor.live.state is RenderState.UP_TO_DATE, timeout=10000)
    yield editor
    editor.live.shutdown()
