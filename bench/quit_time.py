"""How long the process takes to end once the window has closed: the editor's fast quit
(`casa_studio.ui.app.leave`: gc.freeze, no interpreter-wide collection of torch's and Qt's
objects) against a plain interpreter exit, each with the app's libraries imported and a
model loaded, measured in child processes started by this one. Prints seconds and the ratio.

    python bench/quit_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CHILD = """
import sys, time
import torch
torch.set_num_threads(1)
from PySide6.QtWidgets import QApplication
app = QApplication([])
from casa_studio.engine.catalog import default_model
from casa_studio.engine.service import InferenceService
InferenceService.load(default_model(), "cpu")
if sys.argv[1] == "fast":
    import gc
    gc.freeze()
print(time.time(), flush=True)
"""


def one(mode: str) -> float:
    """Seconds from the child's last Python statement to its exit."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert child.stdout is not None
    said = float(child.stdout.readline())
    child.wait()
    return time.time() - said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    plain = statistics.median(one("plain") for _ in range(runs))
    fast = statistics.median(one("fast") for _ in range(runs))
    print(f"exit after the last statement: plain {plain:.2f} s, fast {fast:.2f} s")
    print(f"ratio plain / fast: {plain / fast:.1f}x")


if __name__ == "__main__":
    main()
