"""Documents of another size than the model's (tiny real model, 32 x 32): rendered at the
model's size from nearest-resized labels, the picture and attention resized back; references
and their segmentation follow the same way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import TYPICAL
from casa_studio.engine.jobs import EncodeReference
from casa_studio.engine.renderer import ServiceRenderer
from casa_studio.engine.request import RenderRequest
from casa_studio.engine.resample import image_at, labels_at
from casa_studio.engine.service import InferenceService

TYPICALS = (TYPICAL,) * 4


@pytest.fixture
def renderer(tiny_folder: Path) -> ServiceRenderer:
    return ServiceRenderer(InferenceService.load(tiny_folder, "cpu", "fp32"))


def _labels(h: int, w: int) -> np.ndarray:
    labels = np.zeros((h, w), np.uint8)
    labels[h // 4 : h // 2, w // 8 :] = 2
    labels[3 * h // 4 :, :] = 3
    return labels


def test_nearest_resizing_keeps_ids_and_blocks() -> None:
    small = _labels(32, 32)
    big = labels_at(small, (128, 96))
    assert big.dtype == np.uint8 and set(np.unique(big)) == {0, 2, 3}
    assert np.array_equal(labels_at(big, (32, 32)), small)
    assert labels_at(small, (32, 32)) is small
    image = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert image_at(image, (64, 48)).shape == (64, 48, 3) and image_at(image, (32, 32)) is image


def test_a_larger_document_is_rendered_at_the_models_size_and_enlarged(
    renderer: ServiceRenderer,
) -> None:
    big = _labels(128, 128)
    native = renderer.render(RenderRequest(labels_at(big, (32, 32)), TYPICALS, 1))
    result = renderer.render(RenderRequest(big, TYPICALS, 2, attention=True))
    assert result.image.shape == (128, 128, 3)
    assert result.attention is not None and result.attention.shape[1:] == (128, 128)
    back = image_at(result.image, (32, 32)).astype(int)  # Lanczos up, area down: near, not exact
    assert np.abs(back - native.image.astype(int)).mean() < 8  # of 255
    wide = renderer.render(RenderRequest(_labels(48, 80), TYPICALS, 3))
    assert wide.image.shape == (48, 80, 3)


def test_shape_edits_and_references_follow_the_document_size(renderer: ServiceRenderer) -> None:
    big = _labels(64, 64)
    reference = np.zeros((64, 64), np.uint8)
    reference[:, :32] = 2
    edit = ShapeEdit(2, reference, 0.0, "left half")
    tiny_region = np.zeros((64, 64), np.uint8)
    tiny_region[0, 0] = 3  # one pixel: lost at 32 x 32, so dormant, not an error
    gone = ShapeEdit(3, tiny_region, 0.0, "speck")
    moved = renderer.render(RenderRequest(big, TYPICALS, 1, shapes=(edit, gone)))
    plain = renderer.render(RenderRequest(big, TYPICALS, 2))
    assert moved.image.shape == (64, 64, 3) and not np.array_equal(moved.image, plain.image)
    photo = np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    tokens = renderer.run(EncodeReference(photo, big))
    assert tokens.tokens.shape[0] == 4 and tokens.present == frozenset({0, 2, 3})
