"""Cost of a 40-segment brush stroke in the editor's views, offscreen: the real document, the
real canvas widget (shown, so its paints count) and the real palette panel, driven through the
real editor. Two wirings in the same process, strokes alternating between them:

  full     every segment recolours the whole canvas (each change delivered with the
           whole-document box, the path an opened file or a layer change takes) and the
           palette recounts the classes after every segment (the old wiring);
  partial  the canvas recolours each segment's box and the palette counts once, when the
           stroke ends (as shipped).

    python bench/stroke_redraw.py [--size 512] [--strokes 20] [--segments 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtWidgets import QApplication

from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.engine.factory import fake_renderer
from casa_studio.ui.canvas import LabelCanvas
from casa_studio.ui.editor import Editor
from casa_studio.ui.live_preview import LiveMode
from casa_studio.ui.palette_panel import PalettePanel

CLASSES = 24


def scene(size: int) -> tuple[Editor, LabelCanvas, PalettePanel]:
    colours = [((53 * i) % 256, (97 * i) % 256, (151 * i) % 256) for i in range(CLASSES)]
    palette = Palette.from_entries([(i, f"class_{i}", c) for i, c in enumerate(colours)])
    doc = Document.new(palette, (size, size))
    rng = np.random.default_rng(0)
    blocks = rng.integers(0, CLASSES, (size // 32, size // 32), dtype=np.uint8)
    doc.layers[0].pixels[...] = np.kron(blocks, np.ones((32, 32), np.uint8))
    editor = Editor(doc, fake_renderer(CLASSES))
    editor.live.set_live_mode(LiveMode.MANUAL)  # the render is not what this measures
    editor.set_radius(size / 40)
    canvas = LabelCanvas(editor)
    canvas.resize(900, 900)
    canvas.show()
    canvas.fit()
    return editor, canvas, PalettePanel(editor)


def full_redraw(editor: Editor, canvas: LabelCanvas, panel: PalettePanel) -> None:
    """The old wiring: whole-canvas recolour and a recount on every change."""
    editor.document_changed.disconnect(canvas._on_change)
    editor.document_settled.disconnect(panel.update_counts)
    editor.document_changed.connect(lambda c: canvas._on_change(replace(c, box=None)))
    editor.document_changed.connect(lambda c: panel.update_counts() if c.render else None)


def stroke(app: QApplication, editor: Editor, segments: int, rng: np.random.Generator) -> float:
    """Seconds for one stroke of `segments` segments, events processed after each."""
    h, w = editor.document.size
    x, y = rng.uniform(0.2, 0.5, 2) * (w, h)
    dx, dy = rng.uniform(-1, 1, 2) * w / (3 * segments) + w / (4 * segments)
    editor.set_class(int(rng.integers(0, CLASSES)))
    start = time.perf_counter()
    editor.press((x, y))
    app.processEvents()
    for i in range(1, segments + 1):
        editor.move((x + i * dx, y + i * dy))
        app.processEvents()
    editor.release((x + segments * dx, y + segments * dy))
    app.processEvents()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--strokes", type=int, default=20)
    parser.add_argument("--segments", type=int, default=40)
    args = parser.parse_args()
    app = QApplication([])
    wirings = {"full": scene(args.size), "partial": scene(args.size)}
    full_redraw(*wirings["full"])
    changes = {name: 0 for name in wirings}
    for name, (editor, _canvas, _panel) in wirings.items():
        editor.document_changed.connect(
            lambda c, n=name: changes.__setitem__(n, changes[n] + (c.kind == "pixels"))
        )
    times: dict[str, list[float]] = {name: [] for name in wirings}
    rngs = {name: np.random.default_rng(1) for name in wirings}  # the same strokes in both
    for _ in range(args.strokes):
        for name, (editor, _canvas, _panel) in wirings.items():
            times[name].append(stroke(app, editor, args.segments, rngs[name]))
    same = all(
        np.array_equal(a.pixels, b.pixels)
        for a, b in zip(
            wirings["full"][0].document.layers, wirings["partial"][0].document.layers, strict=True
        )
    )
    print(f"{args.size}x{args.size} document, {args.strokes} strokes of {args.segments} segments")
    print(f"{'wiring':8} {'median ms':>10} {'min ms':>8} {'pixel changes':>14}")
    for name, values in times.items():
        median, best = statistics.median(values) * 1000, min(values) * 1000
        print(f"{name:8} {median:10.1f} {best:8.1f} {changes[name]:14d}")
    ratio = statistics.median(times["full"]) / statistics.median(times["partial"])
    print(f"\nfull / partial: {ratio:.1f}x faster per stroke (same strokes: {same})")
    for editor, canvas, _panel in wirings.values():
        canvas.hide()
        editor.live.shutdown()


if __name__ == "__main__":
    main()
