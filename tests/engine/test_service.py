"""InferenceService on a tiny random model: rendering, styles, caches, shape edits, maps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.engine.device import Placement
from casa_studio.engine.errors import EngineError
from casa_studio.engine.service import InferenceService
from casa_studio.model.checkpoint import load_model


@pytest.fixture
def service(tiny_folder: Path) -> InferenceService:
    return InferenceService.load(tiny_folder, device="cpu", precision="fp32")


def _labels(seed: int, size: int = 32, classes: int = 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, classes, (size // 8, size // 8))
    return np.kron(coarse, np.ones((8, 8), dtype=np.int64))


def _image(seed: int, size: int = 32) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (size, size, 3), dtype=np.uint8)


def test_render_is_rgb_at_model_size_and_deterministic(service: InferenceService) -> None:
    labels = _labels(0)
    tokens = service.styles.noise_styles(3, labels).tokens
    first = service.render(labels, tokens)
    assert first.shape == (32, 32, 3) and first.dtype == np.uint8
    assert np.array_equal(first, service.render(labels, tokens))
    assert first.std() > 0


def test_render_changes_with_labels_and_styles(service: InferenceService) -> None:
    labels = _labels(0)
    a = service.render(labels, service.styles.noise_styles(1).tokens)
    assert not np.array_equal(a, service.render(labels, service.styles.noise_styles(2).tokens))
    assert not np.array_equal(a, service.render(_labels(1), service.styles.noise_styles(1).tokens))


def test_noise_styles_are_seeded_and_zero_for_absent_classes(service: InferenceService) -> None:
    labels = np.zeros((32, 32), dtype=np.int64)
    labels[:, 16:] = 2
    noise = service.styles.noise_styles(5, labels)
    assert noise.present == {0, 2}
    assert not noise.tokens[1].any() and not noise.tokens[3].any()
    assert np.array_equal(noise.tokens, service.styles.noise_styles(5, labels).tokens)
    assert not np.array_equal(noise.tokens, service.styles.noise_styles(6, labels).tokens)


def test_encode_styles_reports_present_classes_and_caches(service: InferenceService) -> None:
    labels = _labels(2)
    encoded = service.references.encode_styles(_image(0), labels)
    assert encoded.tokens.shape == (4, service.config.token_dim)
    assert encoded.present == set(np.unique(labels).tolist())
    assert service.references.encode_styles(_image(0), labels) is encoded
    assert service.references.encode_styles(_image(1), labels) is not encoded


def test_bad_inputs_get_clear_errors(service: InferenceService) -> None:
    tokens = service.styles.default_styles().tokens
    bad = _labels(0)
    bad[0, :3] = 9
    with pytest.raises(EngineError, match=r"ids \[9\] unknown to this model"):
        service.render(bad, tokens)
    with pytest.raises(EngineError, match="the model needs"):
        service.render(np.zeros((16, 16), dtype=np.int64), tokens)
    with pytest.raises(EngineError, match="2-D integer"):
        service.render(np.zeros((32, 32), dtype=np.float32), tokens)
    with pytest.raises(EngineError, match="style tokens"):
        service.render(_labels(0), tokens[:, :4])
    with pytest.raises(EngineError, match="style image"):
        service.references.encode_styles(np.zeros((32, 32), dtype=np.uint8), _labels(0))


def test_unusable_model_folder_is_an_engine_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="not a model folder"):
        InferenceService.load(tmp_path, device="cpu")


def test_incremental_shape_latents_equal_a_full_recompute(
    service: InferenceService, tiny_folder: Path
) -> None:
    labels = _labels(4)
    service.shape_latents(labels)
    before = service._shapes.rows_computed
    edited = labels.copy()
    edited[0:8, 0:8] = 3
    z = service.shape_latents(edited)
    fresh = InferenceService.load(tiny_folder, device="cpu", precision="fp32").shape_latents(edited)
    assert torch.allclose(z, fresh, atol=1e-6)
    assert service._shapes.rows_computed - before <= 2  # only the classes the edit touched
    with torch.no_grad():
        direct = service.model.embed_shapes(service.inputs.onehot(edited))
    assert torch.allclose(z, direct, atol=1e-5)


def test_shape_edit_replaces_exactly_one_row(service: InferenceService) -> None:
    labels, ref = _labels(5), _labels(6)
    cls = next(c for c in range(1, 4) if (labels == c).any() and (ref == c).any())
    base = service.shape_latents(labels)
    kept = service.shape_latents(labels, [ShapeEdit(cls, ref, alpha=1.0)])
    assert torch.equal(kept, base)
    moved = service.shape_latents(labels, [ShapeEdit(cls, ref, alpha=0.0)])
    with torch.no_grad():
        ref_z = service.model.embed_shapes(service.inputs.onehot(ref))
    row = cls - 1  # background has no shape row
    assert torch.allclose(moved[0, row], ref_z[0, row], atol=1e-6)
    others = [r for r in range(3) if r != row]
    assert torch.equal(moved[0, others], base[0, others])
    half = service.shape_latents(labels, [ShapeEdit(cls, ref, alpha=0.5)])
    assert torch.allclose(half[0, row], (base[0, row] + ref_z[0, row]) / 2, atol=1e-6)


def test_shape_edit_refusals(service: InferenceService) -> None:
    labels = np.zeros((32, 32), dtype=np.int64)
    labels[:8] = 1
    with pytest.raises(EngineError, match="background is implicit"):
        service.shape_latents(labels, [ShapeEdit(0, labels)])
    with pytest.raises(EngineError, match="pixels in both"):
        service.shape_latents(labels, [ShapeEdit(2, _labels(0))])


def test_attention_maps_are_per_pixel_distributions(service: InferenceService) -> None:
    labels = _labels(7)
    maps = service.attention_maps(labels, service.styles.noise_styles(0, labels).tokens)
    assert maps.shape == (4, 32, 32)
    assert np.allclose(maps.sum(axis=0), 1.0, atol=1e-5)
    assert (maps >= 0).all()


def test_default_styles_are_the_learned_absent_tokens(service: InferenceService) -> None:
    labels = np.full((32, 32), 2, dtype=np.int64)
    encoded = service.references.encode_styles(_image(3), labels)
    default = service.styles.default_styles()
    assert np.allclose(encoded.tokens[[0, 1, 3]], default.tokens[[0, 1, 3]], atol=1e-6)


def test_bf16_placement_renders_close_to_fp32(tiny_folder: Path) -> None:
    exact = InferenceService.load(tiny_folder, device="cpu", precision="fp32")
    labels = _labels(8)
    tokens = exact.styles.noise_styles(1, labels).tokens
    model, info = load_model(tiny_folder)
    fast = InferenceService(model, info, Placement(torch.device("cpu"), torch.bfloat16))
    assert fast.placement.label == "cpu (bf16)"
    assert next(fast.model.parameters()).dtype == torch.bfloat16
    diff = np.abs(
        exact.render(labels, tokens).astype(int) - fast.render(labels, tokens).astype(int)
    )
    assert diff.mean() < 4
    assert np.allclose(fast.styles.noise_styles(1, labels).tokens, tokens, atol=0.05)
