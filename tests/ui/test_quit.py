"""Quitting ends the process at once: it never waits for a render that torch cannot
interrupt, and it leaves nothing behind in the recovery folder."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from casa_studio import paths
from casa_studio.engine.fake import FakeRenderer
from casa_studio.engine.request import RenderRequest, RenderResult
from casa_studio.ui import app as app_module
from casa_studio.ui.live_preview import RenderState
from casa_studio.ui.main_window import MainWindow


def test_quit_does_not_wait_for_the_render_in_progress(
    qtbot, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    class Stuck(FakeRenderer):
        """Its second render lasts until the test lets it go (at most 10 s)."""

        def render(self, request: RenderRequest) -> RenderResult:
            if self.rendered:
                release.wait(10)
            return super().render(request)

    monkeypatch.setattr(app_module, "fake_renderer", lambda n, _delay: lambda: Stuck(n))
    exits: list[int] = []

    def exit_now(code: int) -> None:
        exits.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(os, "_exit", exit_now)
    seen: list[MainWindow] = []
    made: list[MainWindow] = []
    build = app_module.build_window

    def build_and_keep(*args: object, **kwargs: object) -> MainWindow:
        made.append(build(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(app_module, "build_window", build_and_keep)

    def drive() -> None:
        if made and made[0].isVisible():  # this run's window, not an earlier test's
            win = made[0]
            if not seen and win.editor.live.state is RenderState.UP_TO_DATE:
                seen.append(win)
                win.editor.live.request_render(force=True)
            elif seen and win.editor.live.state is RenderState.RENDERING:
                win.close()  # the user quits while the picture is being rendered
                return
        QTimer.singleShot(20, drive)

    QTimer.singleShot(20, drive)
    try:
        with pytest.raises(SystemExit):
            app_module.run(str(tiny_folder), "cpu", True, None)
        assert exits == [0]
        assert seen[0].editor.live.worker.isRunning()  # the render was not waited for
        assert list((paths.user_data_dir() / "recovery").iterdir()) == []
    finally:
        gc.unfreeze()
        release.set()
        if seen:
            seen[0].editor.live.worker.wait()
