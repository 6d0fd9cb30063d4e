"""Style rows on the real (tiny) model: per-class seeds, typical rows in requests, shape edits
painted away, the reference segmenter, resolving stored banks, and the worker's jobs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource
from casa_studio.engine.errors import EngineError
from casa_studio.engine.renderer import ServiceRenderer
from casa_studio.engine.request import RenderRequest
from casa_studio.engine.resolve import resolve_tokens
from casa_studio.engine.service import InferenceService
from casa_studio.model.segmenter import Segmenter, SegmenterConfig, save_segmenter


@pytest.fixture
def service(tiny_folder: Path) -> InferenceService:
    return InferenceService.load(tiny_folder, "cpu", "fp32")


def _labels() -> np.ndarray:
    labels = np.zeros((32, 32), np.int64)
    labels[8:20, 4:28] = 2
    labels[24:, :] = 3
    return labels


def test_each_class_row_depends_only_on_its_own_seed(service: InferenceService) -> None:
    rows = service.noise_rows([1, 3, 2], [5, 9, 5])
    assert np.array_equal(rows[0], service.noise_styles(5).tokens[1])
    assert np.array_equal(rows[1], service.noise_styles(9).tokens[3])
    assert np.array_equal(rows[2], service.noise_styles(5).tokens[2])


def test_typical_rows_of_a_request_are_the_models_typical_style(
    service: InferenceService,
) -> None:
    renderer = ServiceRenderer(service)
    labels = _labels()
    plain = renderer.render(RenderRequest(labels, None, 1)).image
    tokens = np.full_like(renderer.typical, np.nan)
    assert np.array_equal(renderer.render(RenderRequest(labels, tokens, 2)).image, plain)
    tokens[2] = service.noise_rows([2], [4])[0]
    changed = renderer.render(RenderRequest(labels, tokens, 3)).image
    assert not np.array_equal(changed, plain)
    expected = renderer.typical.copy()
    expected[2] = tokens[2]
    assert np.array_equal(changed, service.render(labels, expected))


def test_shape_edits_of_classes_painted_away_are_dormant(service: InferenceService) -> None:
    renderer = ServiceRenderer(service)
    labels = _labels()
    reference = np.zeros_like(labels)
    reference[:10, :] = 2
    edit = ShapeEdit(2, reference, 0.0)
    plain = renderer.render(RenderRequest(labels, None, 1)).image
    moved = renderer.render(RenderRequest(labels, None, 2, shapes=(edit,))).image
    assert not np.array_equal(moved, plain)
    no_class_2 = np.where(labels == 2, 0, labels)
    dormant = renderer.render(RenderRequest(no_class_2, None, 3, shapes=(edit,))).image
    assert np.array_equal(dormant, renderer.render(RenderRequest(no_class_2, None, 4)).image)


def test_segmenter_labels_photos_and_its_absence_is_explained(
    service: InferenceService, tiny_folder: Path
) -> None:
    photo = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert not service.has_segmenter
    with pytest.raises(EngineError, match="no reference segmenter"):
        service.segment(photo)
    torch.manual_seed(0)
    save_segmenter(
        Segmenter(SegmenterConfig(num_classes=4, width=4, depth=2, input_size=32)), tiny_folder
    )
    labelled = InferenceService.load(tiny_folder, "cpu", "fp32")
    assert labelled.has_segmenter and ServiceRenderer(labelled).info.has_segmenter
    labels = labelled.segment(photo)
    assert labels.shape == (32, 32) and labels.dtype == np.uint8 and labels.max() < 4


def test_stored_banks_resolve_typical_and_seed_only_rows(service: InferenceService) -> None:
    typical = service.typical_styles().tokens
    assert np.array_equal(resolve_tokens(service, None, [TYPICAL] * 4), typical)
    tokens = np.full_like(typical, np.nan)
    tokens[1] = 7.0
    sources = [TYPICAL, StyleSource(SourceKind.MIXED), TYPICAL, StyleSource(SourceKind.RANDOM, 11)]
    out = resolve_tokens(service, tokens, sources)
    assert np.array_equal(out[[0, 2]], typical[[0, 2]]) and (out[1] == 7.0).all()
    assert np.array_equal(out[3], service.noise_styles(11).tokens[3])
