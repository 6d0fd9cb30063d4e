"""A corrupt settings file never stops the window from opening: each bad setting is reset to
its default and the status bar says which."""

from __future__ import annotations

from pathlib import Path

from casa_studio.settings import Settings
from casa_studio.ui.app import build_window


def test_the_window_opens_with_corrupt_settings_and_says_so(qtbot, tiny_folder: Path) -> None:
    Settings.path().parent.mkdir(parents=True, exist_ok=True)
    Settings.path().write_text('{"autosave_seconds": "abc", "recent_files": ["/a.casa"]}')
    win = build_window(str(tiny_folder), fake=True)
    try:
        message = win.statusBar().currentMessage()
        assert "autosave_seconds" in message and "reset to its default" in message
        assert win.settings.autosave_seconds == 60 and win.settings.recent_files == ["/a.casa"]
        assert win.autosave.timer.interval() == 60_000
    finally:
        win.editor.live.shutdown()
        win.close()
