"""Style tokens on the real (tiny) model: per-class seeds, sources in requests, shape edits
painted away, the reference segmenter, and the one resolver of sources into tokens."""

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
from casa_studio.engine.service import InferenceService
from casa_studio.engine.style_tokens import StyleTokens
from casa_studio.engine.styles import StyleResolver, reference_source
from casa_studio.model.segmenter import Segmenter, SegmenterConfig, save_segmenter


@pytest.fixture
def service(tiny_folder: Path) -> InferenceService:
    return InferenceService.load(tiny_folder, "cpu", "fp32")


def _labels() -> np.ndarray:
    labels = np.zeros((32, 32), np.int64)
    labels[8:20, 4:28] = 2
    labels[24:, :] = 3
    return labels


def test_each_class_token_depends_only_on_its_own_seed(service: InferenceService) -> None:
    tokens = service.styles.noise_tokens([1, 3, 2], [5, 9, 5])
    assert np.array_equal(tokens[0], service.styles.noise_styles(5).tokens[1])
    assert np.array_equal(tokens[1], service.styles.noise_styles(9).tokens[3])
    assert np.array_equal(tokens[2], service.styles.noise_styles(5).tokens[2])


ALL_TYPICAL = (TYPICAL,) * 4


def test_requests_carry_sources_and_results_report_their_tokens(
    service: InferenceService,
) -> None:
    renderer = ServiceRenderer(service)
    labels = _labels()
    plain = renderer.render(RenderRequest(labels, ALL_TYPICAL, 1))
    assert np.array_equal(plain.tokens, renderer.info.typical)
    seeded = (TYPICAL, TYPICAL, StyleSource(SourceKind.RANDOM, 4), TYPICAL)
    changed = renderer.render(RenderRequest(labels, seeded, 3))
    assert not np.array_equal(changed.image, plain.image)
    expected = renderer.info.typical.copy()
    expected[2] = service.styles.noise_tokens([2], [4])[0]
    assert np.array_equal(changed.tokens, expected)
    assert np.array_equal(changed.image, service.render(labels, expected))


def test_shape_edits_of_classes_painted_away_are_dormant(service: InferenceService) -> None:
    renderer = ServiceRenderer(service)
    labels = _labels()
    reference = np.zeros_like(labels)
    reference[:10, :] = 2
    edit = ShapeEdit(2, reference, 0.0)
    plain = renderer.render(RenderRequest(labels, ALL_TYPICAL, 1)).image
    moved = renderer.render(RenderRequest(labels, ALL_TYPICAL, 2, shapes=(edit,))).image
    assert not np.array_equal(moved, plain)
    no_class_2 = np.where(labels == 2, 0, labels)
    dormant = renderer.render(RenderRequest(no_class_2, ALL_TYPICAL, 3, shapes=(edit,))).image
    assert np.array_equal(dormant, renderer.render(RenderRequest(no_class_2, ALL_TYPICAL, 4)).image)


def test_segmenter_labels_photos_and_its_absence_is_explained(
    service: InferenceService, tiny_folder: Path
) -> None:
    photo = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert not service.references.has_segmenter
    with pytest.raises(EngineError, match="no reference segmenter"):
        service.references.segment(photo)
    torch.manual_seed(0)
    save_segmenter(
        Segmenter(SegmenterConfig(num_classes=4, width=4, depth=2, input_size=32)), tiny_folder
    )
    labelled = InferenceService.load(tiny_folder, "cpu", "fp32")
    assert labelled.references.has_segmenter and ServiceRenderer(labelled).info.has_segmenter
    labels = labelled.references.segment(photo)
    assert labels.shape == (32, 32) and labels.dtype == np.uint8 and labels.max() < 4


def test_the_resolver_derives_every_kind_of_source(service: InferenceService) -> None:
    resolver = StyleResolver(service.styles)
    typical = service.styles.typical_styles().tokens
    assert np.array_equal(resolver.tokens([TYPICAL] * 4), typical)
    ref_tokens = np.full_like(typical, 7.0)
    ref = reference_source("a.png", StyleTokens(ref_tokens, frozenset({1, 3})))
    mixed = StyleSource.stored(SourceKind.MIXED, "", np.full((1, typical.shape[1]), 2, np.float32))
    random11 = StyleSource(SourceKind.RANDOM, 11)
    out = resolver.tokens([ref, ref, mixed, StyleSource.blend(random11, TYPICAL, 0.25)])
    assert np.array_equal(out[0], typical[0])  # the reference lacks class 0: typical
    assert (out[1] == 7.0).all() and (out[2] == 2.0).all()
    noise = service.styles.noise_styles(11).tokens[3]
    np.testing.assert_allclose(out[3], 0.75 * noise + 0.25 * typical[3], rtol=1e-6)


def test_the_resolver_caches_by_source(service: InferenceService) -> None:
    resolver = StyleResolver(service.styles, size=8)
    sources = [StyleSource(SourceKind.RANDOM, 5)] * 4
    first = resolver.tokens(sources)
    misses = resolver.misses
    calls: list[int] = []
    original = service.styles.noise_tokens
    service.styles.noise_tokens = lambda c, s: calls.append(1) or original(c, s)  # type: ignore[method-assign]
    assert np.array_equal(resolver.tokens(list(sources)), first)  # equal sources: cache hits
    assert resolver.misses == misses and calls == []
    rerolled = [*sources[:3], StyleSource(SourceKind.RANDOM, 6)]
    resolver.tokens(rerolled)
    assert resolver.misses == misses + 1 and len(calls) == 1  # one class derived again
    resolver.tokens([StyleSource(SourceKind.RANDOM, s) for s in range(20, 24)])
    assert len(resolver._cache) == 8  # bounded: the oldest went first
