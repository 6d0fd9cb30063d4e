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


class Pictures:
    """The pictures shown, by revision: the fast path's and the exact one of each state."""

    def __init__(self) -> None:
        self.fast: dict[int, np.ndarray] = {}
        self.exact: dict[int, np.ndarray] = {}

    def shown(self, result) -> None:
        (self.exact if result.exact else self.fast)[result.revision] = result.image

    def differences(self) -> np.ndarray:
        """Per-pixel max channel difference, fast vs exact, over every state with both."""
        both = sorted(set(self.fast) & set(self.exact))
        return np.concatenate(
            [np.abs(self.fast[r].astype(int) - self.exact[r].astype(int)).max(-1).ravel()
             for r in both]
        ) if both else np.zeros(0, int)  # fmt: skip


def strokes(app: QApplication, window, count: int, mode: LiveMode, seed: int) -> dict[str, object]:
    """`count` strokes at new places (each row its own seed, so every stroke changes pixels)."""
    editor = window.editor
    editor.live.set_live_mode(mode)
    h, w = editor.document.size
    rng = np.random.default_rng(seed)
    meter = StallMeter()
    meter.start()
    first, exact = [], []
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
        first.append((time.perf_counter() - released) * 1000)
        wait(app, lambda: editor.live.state is RenderState.UP_TO_DATE, 10)
        exact.append((time.perf_counter() - released) * 1000)
    return {"first": first, "exact": exact, "stall": meter.worst}


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
    live = window.editor.live
    wait(app, lambda: live.state is RenderState.UP_TO_DATE, 120)
    pictures = Pictures()
    live.result_shown.connect(pictures.shown)
    print(f"model {window.model_name} on {live.device}, {args.strokes} strokes per row\n")
    print(
        f"{'live mode':12} {'fast path':9} {'median ms':>10} {'p95 ms':>8} {'exact median ms':>16}"
        f" {'worst GUI stall ms':>19}"
    )
    medians: dict[tuple[LiveMode, bool], float] = {}
    ask = live.request_render
    for mode in (LiveMode.ON_RELEASE, LiveMode.CONTINUOUS):
        for fast in (False, True):  # the baseline (every picture exact) in the same process
            live.request_render = (  # type: ignore[method-assign]
                ask if fast else lambda force=False, fast=False: ask(force)
            )
            row = strokes(app, window, args.strokes, mode, len(medians))
            first = row["first"]
            medians[mode, fast] = statistics.median(first)
            print(
                f"{mode.value:12} {'on' if fast else 'off':9} {medians[mode, fast]:10.0f}"
                f" {float(np.percentile(first, 95)):8.0f}"
                f" {statistics.median(row['exact']):16.0f} {row['stall']:19.0f}"
            )
    live.request_render = ask  # type: ignore[method-assign]
    for mode in (LiveMode.ON_RELEASE, LiveMode.CONTINUOUS):
        ratio = medians[mode, False] / medians[mode, True]
        print(f"{mode.value}: first picture {ratio:.2f}x sooner with the fast path")
    diff = pictures.differences()
    if diff.size:
        states = len(set(pictures.fast) & set(pictures.exact))
        print(
            f"fast path vs full render: max {diff.max()} levels, "
            f"p99 {np.percentile(diff, 99):.0f} over {states} states"
        )
    window.hide()
    live.shutdown()


if __name__ == "__main__":
    main()
