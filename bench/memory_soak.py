"""Memory over a long session: random strokes, undo/redo, style rerolls and reshapes with live
preview, through the real window offscreen with a real model (default: the first installed).
After a warm-up, prints resident memory every block of operations and the growth per 1,000
operations, beside what the undo history itself holds (which grows by design up to its limit).

    python bench/memory_soak.py [--model NAME_OR_DIR] [--ops 1000] [--warmup 300] [--fake]
                                [--trace]

`--trace`: also the Python allocation sites that grew most after the warm-up (tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from casa_studio.core.reshape import Transform
from casa_studio.ui.app import build_window
from casa_studio.ui.live_preview import LiveMode, RenderState

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def history_mb(window) -> float:
    return sum(step.nbytes() for step in window.editor.document.history.steps) / 2**20


def settle(app: QApplication, editor, timeout: float = 60.0) -> None:
    """Let the live preview catch up: the image on screen is the document's. Deleted widgets
    are freed as the application's own event loop would (processEvents alone never does)."""
    end = time.perf_counter() + timeout
    while editor.live.is_stale or editor.live.state is RenderState.RENDERING or editor.live._jobs:
        app.processEvents()
        time.sleep(0.001)
        if time.perf_counter() > end:
            raise TimeoutError("the preview never caught up")
    app.processEvents()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


class Session:
    """One random operation at a time, as an artist would do them."""

    def __init__(self, app: QApplication, window, seed: int = 0) -> None:
        self.app, self.window, self.editor = app, window, window.editor
        self.rng = np.random.default_rng(seed)
        self.h, self.w = self.editor.document.size

    def point(self) -> tuple[float, float]:
        x, y = self.rng.uniform(0.1, 0.9, 2) * (self.w, self.h)
        return float(x), float(y)

    def stroke(self) -> None:
        editor = self.editor
        editor.set_tool("brush")
        editor.set_class(int(self.rng.integers(0, len(editor.document.palette))))
        x, y = self.point()
        editor.press((x, y))
        for step in range(1, 8):
            editor.move((x + 5 * step, y + 2 * step))
            self.app.processEvents()
        editor.release((x + 40, y + 16))

    def undo_redo(self) -> None:
        for _ in range(int(self.rng.integers(1, 4))):
            self.editor.undo()
        if self.rng.random() < 0.7:
            self.editor.redo()

    def reroll(self) -> None:
        classes = sorted(set(self.editor.document.present()))
        self.window.styles.reroll([int(self.rng.choice(classes))])

    def reshape(self) -> None:
        editor = self.editor
        editor.set_tool("reshape")
        picked = self.point()
        editor.press(picked)
        editor.release(picked)
        with editor.transforming():  # a slider drag: previews, rendered live, one undo step
            for step in range(1, 6):
                editor.preview_transform(Transform(dx=3 * step, scale=1 + 0.05 * step))
                self.app.processEvents()

    def run(self, count: int) -> None:
        actions = (self.stroke, self.undo_redo, self.reroll, self.reshape)
        for i in range(count):
            actions[int(self.rng.choice(4, p=(0.4, 0.25, 0.15, 0.2)))]()
            if i % 5 == 4:
                settle(self.app, self.editor)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model")
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--block", type=int, default=200)
    parser.add_argument("--fake", action="store_true", help="numpy stand-in renderer")
    parser.add_argument("--trace", action="store_true", help="print what grew (tracemalloc)")
    args = parser.parse_args()
    app = QApplication([])
    window = build_window(args.model, device="cpu", fake=args.fake)
    window.show()
    window.editor.live.set_live_mode(LiveMode.CONTINUOUS)
    settle(app, window.editor, 180)
    session = Session(app, window)
    print(f"model {window.model_name}, {window.editor.document.size} px, live preview on")
    session.run(args.warmup)
    settle(app, window.editor)
    start, history0 = rss_mb(), history_mb(window)
    if args.trace:
        tracemalloc.start(8)
        before = tracemalloc.take_snapshot()
    print(f"after {args.warmup} warm-up operations: RSS {start:.0f} MB")
    print(f"{'operations':>10} {'RSS MB':>8} {'growth MB':>10} {'history MB':>11}")
    done = 0
    while done < args.ops:
        block = min(args.block, args.ops - done)
        session.run(block)
        settle(app, window.editor)
        done += block
        history = history_mb(window)
        print(f"{done:10d} {rss_mb():8.0f} {rss_mb() - start:10.1f} {history:11.1f}")
    growth = (rss_mb() - start) * 1000 / done
    history = (history_mb(window) - history0) * 1000 / done
    print(
        f"\nRSS growth per 1,000 operations after warm-up: {growth:.1f} MB "
        f"(of which undo history {history:.1f} MB)"
    )
    if args.trace:
        grown = tracemalloc.take_snapshot().compare_to(before, "traceback")
        print("\nallocation sites that grew most:")
        for stat in grown[:8]:
            print(f"  {stat.size_diff / 2**20:+8.1f} MB  {stat.count_diff:+7d} blocks")
            for line in stat.traceback.format()[-6:]:
                print(f"      {line}")
    window.hide()
    window.editor.live.shutdown()


if __name__ == "__main__":
    main()
