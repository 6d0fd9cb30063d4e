"""Stroke release → new preview on screen, driving the real widgets offscreen with a real
model (default: the first installed, i.e. the bundled one). Also the longest stall of the
GUI event loop while rendering, measured with a 2 ms timer.

    python bench/preview_latency.py [--model NAME_OR_DIR] [--strokes 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication

from casa_studio.ui.app import build_window
from casa_studio.ui.live_preview import LiveMode, RenderState


class StallMeter:
    """Largest gap between ticks of a 2 ms timer: how long the event loop was blocked."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer(interval=2)
        self.timer.timeout.connect(self._tick)
        self.worst = 0.0
        self.last = 0

    def start(self) -> None:
        self.clock.start()
        self.last = 0
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst = max(self.worst, now - self.last - 2)
        self.last = now


def wait(app: QApplication, condition, timeout: float = 60.0) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        app.processEvents()
        time.sleep(0.0005)
        if time.perf_counter() > end:
            raise TimeoutError("no preview")


def strokes(app: QApplication, window, count: int, mode: LiveMode) -> tuple[list[float], float]:
    editor = window.editor
    editor.live.set_live_mode(mode)
    h, w = editor.document.size
    rng = np.random.default_rng(0)
    meter = StallMeter()
    meter.start()
    latencies = []
    for _ in range(count):
        editor.set_class(int(rng.integers(0, len(editor.document.palette))))
        x, y = rng.uniform(0.1, 0.9, 2) * (w, h)
        editor.press((x, y))
        for step in range(1, 6):
            editor.move((x + 6 * step, y + 3 * step))
            app.processEvents()
        editor.release((x + 36, y + 18))
        released = time.perf_counter()
        wait(app, lambda: not editor.live.is_stale)
        latencies.append((time.perf_counter() - released) * 1000)
        wait(app, lambda: editor.live.state is not RenderState.RENDERING, 10)
    return latencies, meter.worst


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model")
    parser.add_argument("--strokes", type=int, default=30)
    args = parser.parse_args()
    app = QApplication([])
    window = build_window(args.model, device="auto")
    window.show()
    wait(app, lambda: window.editor.live.state is RenderState.UP_TO_DATE, 120)
    device = window.editor.live.device
    print(f"model {window.model_name} on {device}, {args.strokes} strokes per mode\n")
    print(
        f"{'live mode':12} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'worst GUI stall ms':>19}"
    )
    for mode in (LiveMode.ON_RELEASE, LiveMode.CONTINUOUS):
        latencies, stall = strokes(app, window, args.strokes, mode)
        p95 = float(np.percentile(latencies, 95))
        median = statistics.median(latencies)
        print(f"{mode.value:12} {median:10.0f} {p95:8.0f} {max(latencies):8.0f} {stall:19.0f}")
    window.hide()
    window.editor.live.shutdown()


if __name__ == "__main__":
    main()
