"""Opening the window must not load torch: the model loads later, in the render worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_window_construction_imports_no_torch(tiny_folder: Path) -> None:
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from casa_studio.ui.app import build_window\n"
        f"win = build_window({str(tiny_folder)!r}, fake=True)\n"
        "win.show()\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')\n"
        "win.hide(); win.editor.live.shutdown()\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert "NO-TORCH" in out.stdout, out.stdout + out.stderr
