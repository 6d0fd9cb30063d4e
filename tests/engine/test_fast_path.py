"""The live preview's fast path: small label edits are redrawn from the last exact render
within a few grey levels of the full render (bundled model), anything else renders exactly,
and the worker follows every fast picture with the exact one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from casa_studio import paths
from casa_studio.core.palette import Palette
from casa_studio.core.raster import flood_mask, segment_mask
from casa_studio.core.reshape import Transform, reshape, select_region
from casa_studio.core.starter import starter_document
from casa_studio.core.styles import TYPICAL
from casa_studio.engine.catalog import summarize
from casa_studio.engine.fake import FakeRenderer
from casa_studio.engine.fast_path import FastPath, changed_box
from casa_studio.engine.request import RenderRequest, RenderResult
from casa_studio.engine.service import InferenceService
from casa_studio.engine.worker import RenderWorker


@pytest.fixture
def tiny_path(tiny_folder: Path, one_torch_thread) -> FastPath:
    service = InferenceService.load(tiny_folder, device="cpu", precision="fp32")
    return FastPath(service, margin=2)


def _tiny_labels() -> np.ndarray:
    labels = np.zeros((32, 32), np.int64)
    labels[16:] = 2
    return labels


def test_changed_box_bounds_the_differing_pixels() -> None:
    a = np.zeros((10, 12), np.uint8)
    b = a.copy()
    assert changed_box(a, b) is None
    b[3, 4] = b[6, 9] = 1
    assert changed_box(a, b) == (3, 4, 7, 10)


def test_a_small_edit_takes_the_fast_path_and_anything_else_renders_exactly(tiny_path) -> None:
    fast = tiny_path
    labels = _tiny_labels()
    tokens = fast.service.styles.typical_styles().tokens
    first, exact = fast.render(labels, tokens, (), locality=4.0, fast=True)
    assert exact  # nothing kept yet
    again, exact = fast.render(labels, tokens, (), locality=4.0, fast=True)
    assert exact and np.array_equal(again, first)  # unchanged: the kept exact picture
    edited = labels.copy()
    edited[20:22, 3:5] = 1
    _, exact = fast.render(edited, tokens, (), locality=4.0, fast=True)
    assert not exact
    full, exact = fast.render(edited, tokens, (), locality=4.0, fast=False)
    assert exact  # the hand stopped: the exact render
    expected = fast.service.render(edited, tokens, locality=4.0)
    assert np.array_equal(full, expected)
    edited[20:22, 8:10] = 3
    _, exact = fast.render(edited, tokens * 0.5, (), locality=4.0, fast=True)
    assert exact  # new styles
    _, exact = fast.render(edited, tokens * 0.5, (), locality=2.0, fast=True)
    assert exact  # new guidance
    large = edited.copy()
    large[:, :20] = 1
    _, exact = fast.render(large, tokens * 0.5, (), locality=2.0, fast=True)
    assert exact  # most of the picture changed


class _TwoSpeeds(FakeRenderer):
    """A fake whose pictures are fast whenever the request allows it."""

    def render(self, request: RenderRequest) -> RenderResult:
        return replace(super().render(request), exact=not request.fast)


def test_the_worker_follows_a_fast_picture_with_the_exact_one(qtbot) -> None:
    worker = RenderWorker(lambda: _TwoSpeeds(4))
    seen: list[tuple[int, bool]] = []
    worker.rendered.connect(lambda r: seen.append((r.revision, r.exact)))
    labels = np.zeros((8, 8), np.uint8)
    worker.submit(RenderRequest(labels, (TYPICAL,) * 4, 5, fast=True))
    worker.start()
    try:
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    finally:
        worker.stop()
    assert seen == [(5, False), (5, True)]


def _edits(labels: np.ndarray) -> dict[str, np.ndarray]:
    """A stroke, a fill, a reshape and a layer shown, as the editor's tools make them."""
    h, w = labels.shape
    stroke = labels.copy()
    stroke[segment_mask((h, w), (60, 215), (110, 205), 5)] = 5  # trees on the grass
    fill = labels.copy()
    island = np.zeros_like(labels, bool)
    island[150:170, 180:200] = True
    fill[island] = 8
    region = flood_mask(fill.astype(np.uint8), (190, 160))
    filled = fill.copy()
    filled[region] = 4  # the sand patch filled with rock
    selection = select_region(stroke, (85, 210))
    assert selection is not None
    change = reshape(stroke, selection, Transform(dx=12), int(labels[210, 85]))
    assert change is not None
    (y0, x0, y1, x1), values = change
    moved = stroke.copy()
    moved[y0:y1, x0:x1] = values
    layer = labels.copy()
    layer[30:45, 150:190] = 1  # a cloud layer made visible
    return {"stroke": (labels, stroke), "fill": (fill, filled), "reshape": (stroke, moved),
            "layer": (labels, layer)}  # fmt: skip


@pytest.mark.slow  # the bundled model on the CPU: about 10 s
def test_fast_pictures_of_the_bundled_model_match_its_full_renders(one_torch_thread) -> None:
    folder = paths.bundled_models_dir() / "landscape-slim"
    service = InferenceService.load(folder, device="cpu", precision="fp32")
    summary = summarize(folder)
    labels = starter_document(Palette.from_entries(list(summary.classes)), summary.output_hw)
    labels = labels.labels().astype(np.int64)
    tokens = service.styles.typical_styles().tokens
    fast = FastPath(service)
    for name, (before, after) in _edits(labels).items():
        fast.render(before, tokens, (), locality=4.0, fast=False)
        picture, exact = fast.render(after, tokens, (), locality=4.0, fast=True)
        assert not exact, name
        full = service.render(after, tokens, locality=4.0)
        diff = np.abs(picture.astype(int) - full.astype(int)).max(axis=-1)
        box = changed_box(before, after)
        assert box is not None
        near = np.zeros_like(diff, bool)
        near[max(0, box[0] - 8) : box[2] + 8, max(0, box[1] - 8) : box[3] + 8] = True
        assert np.percentile(diff, 99) <= 3, (name, np.percentile(diff, 99))
        assert np.percentile(diff[near], 99) <= 6, name  # the edit itself is redrawn
