"""Strokes redraw only what changed (issue 11, part 4): the canvas recolours each segment's
box and the picture equals a full redraw; the palette and style panels count classes once,
when the stroke ends; the output view colours the mask only in the modes that show it."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from casa_studio.core.document import Document
from casa_studio.ui import output_view, palette_panel
from casa_studio.ui.canvas import LabelCanvas
from casa_studio.ui.display import layered_colors
from casa_studio.ui.live_preview import LiveMode
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.output_view import ViewMode

SEGMENTS = 40


def _stroke(win: MainWindow, y: float = 6.5) -> None:
    """A 40-segment brush stroke with the mouse, left to right across the canvas."""
    viewport, canvas = win.canvas.viewport(), win.canvas
    points = [canvas.mapFromScene(2 + 0.7 * i, y + (i % 3)) for i in range(SEGMENTS + 1)]
    none = Qt.KeyboardModifier.NoModifier
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, none, points[0])
    for p in points[1:]:
        QTest.mouseMove(viewport, p)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, none, points[-1])


def _shown(canvas: LabelCanvas) -> np.ndarray:
    image = canvas.pixmap_item.pixmap().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : 3 * image.width()].reshape(image.height(), image.width(), 3).copy()


@pytest.fixture
def painting(window: MainWindow) -> MainWindow:
    window.editor.live.set_live_mode(LiveMode.MANUAL)  # only the views under test react
    window.editor.set_class(2)
    window.editor.set_radius(1.5)
    window.canvas.fit()
    return window


def test_a_stroke_recolours_only_its_boxes_and_looks_like_a_full_redraw(
    painting: MainWindow, monkeypatch
) -> None:
    canvas, doc = painting.canvas, painting.editor.document
    calls: Counter[str] = Counter()
    boxes = []
    recolour, refresh = canvas.recolour, canvas.refresh

    def spy_recolour(box: tuple[int, int, int, int]) -> None:
        boxes.append(box)
        recolour(box)

    def spy_refresh() -> None:
        calls["refresh"] += 1
        refresh()

    monkeypatch.setattr(canvas, "recolour", spy_recolour)
    monkeypatch.setattr(canvas, "refresh", spy_refresh)
    before = doc.labels().copy()
    _stroke(painting)
    assert calls["refresh"] == 0 and len(boxes) >= SEGMENTS // 2
    h, w = doc.size
    assert all((y1 - y0) * (x1 - x0) < h * w / 4 for y0, x0, y1, x1 in boxes)  # small boxes
    changed = doc.labels() != before
    covered = np.zeros_like(changed)
    for y0, x0, y1, x1 in boxes:
        covered[y0:y1, x0:x1] = True
    assert changed.any() and not (changed & ~covered).any()  # every changed pixel recoloured
    assert np.array_equal(_shown(canvas), layered_colors(doc))  # same as a full redraw
    painting.action_for["undo"].trigger()  # the undone stroke is recoloured by its boxes too
    assert calls["refresh"] == 0
    assert np.array_equal(_shown(canvas), layered_colors(doc))


def test_the_reference_canvas_blends_boxes_over_the_photo_as_a_full_redraw(
    painting: MainWindow,
) -> None:
    doc = painting.editor.document
    photo = np.random.default_rng(1).integers(0, 255, (*doc.size, 3), np.uint8)
    canvas = LabelCanvas(painting.editor, photo)
    canvas.recolour((3, 4, 20, 9))
    canvas.refresh()
    full = _shown(canvas)
    doc.active_layer.pixels[5:9, 5:7] = 3  # as a stroke segment would
    canvas.recolour((5, 5, 9, 7))
    partial = _shown(canvas)
    canvas.refresh()
    assert not np.array_equal(partial, full) and np.array_equal(partial, _shown(canvas))


def test_panels_count_classes_once_per_stroke(painting: MainWindow, monkeypatch) -> None:
    calls: Counter[str] = Counter()
    histogram, present = palette_panel.histogram, Document.present
    colours = output_view.layered_colors

    def count(name, function):
        def counted(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return counted

    monkeypatch.setattr(palette_panel, "histogram", count("palette", histogram))
    monkeypatch.setattr(Document, "present", count("styles", present))
    monkeypatch.setattr(output_view, "layered_colors", count("output mask", colours))
    painting.output.set_mode(ViewMode.GENERATED)
    calls.clear()
    _stroke(painting)
    assert calls["palette"] == 1  # the counts, once the stroke is over
    assert 1 <= calls["styles"] <= 3  # the style table checks, refills, notes: not per segment
    assert calls["output mask"] == 0  # nothing shows the mask
    counts = painting.palette_panel.counts()
    assert counts["class_2"] == int((painting.editor.document.labels() == 2).sum())
    painting.output.set_mode(ViewMode.MASK)
    calls.clear()
    _stroke(painting, y=20.5)
    assert calls["output mask"] >= SEGMENTS // 2  # the mask view follows the stroke live
