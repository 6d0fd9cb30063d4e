"""Locality guidance: a bias towards the painted mask on the cross-attention logits; without
it the forward is the paper's, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from casa_studio.engine.errors import EngineError
from casa_studio.engine.service import InferenceService, to_uint8
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.ops import one_hot
from casa_studio.training.figures import locality

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _labels(size: int = 32) -> np.ndarray:
    labels = np.zeros((size, size), np.int64)
    labels[size // 3 :, : size // 2] = 1
    labels[size // 3 :, size // 2 :] = 2
    labels[2 * size // 3 :, size // 4 : 3 * size // 4] = 3
    return labels


def _inputs(model: CA2SISGenerator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    onehot = one_hot(torch.from_numpy(_labels())[None], model.config.num_classes)
    image = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1
    return onehot, model.embed_shapes(onehot), model.encode_styles(image, onehot)


@pytest.mark.parametrize("fused", [True, False])
def test_a_zero_guide_is_bit_identical_to_none(tiny_model: CA2SISGenerator, fused: bool) -> None:
    tiny_model.set_fused_attention(fused)
    with torch.no_grad():
        onehot, z, s = _inputs(tiny_model)
        plain, plain_logits = tiny_model.decode(z, s, logits=True)
        zero, zero_logits = tiny_model.decode(z, s, logits=True, guide=onehot * 0.0)
    assert torch.equal(plain, zero)
    assert all(torch.equal(a, b) for a, b in zip(plain_logits, zero_logits, strict=True))


def test_service_at_locality_zero_is_the_unguided_decode(tiny_folder) -> None:
    service = InferenceService.load(tiny_folder, "cpu", "fp32")
    labels = _labels()
    tokens = service.styles.noise_styles(3, labels).tokens
    with torch.no_grad():
        z = service.shape_latents(labels)
        expected = to_uint8(service.model.decode(z, torch.from_numpy(tokens)[None])[0][0])
    assert np.array_equal(service.render(labels, tokens, locality=0.0), expected)
    assert not np.array_equal(service.render(labels, tokens, locality=4.0), expected)
    with pytest.raises(EngineError, match="0 or more"):
        service.render(labels, tokens, locality=-1.0)


def test_guidance_biases_every_stage_towards_the_mask(tiny_model: CA2SISGenerator) -> None:
    with torch.no_grad():
        onehot, z, s = _inputs(tiny_model)
        _, free = tiny_model.decode(z, s, logits=True)
        _, guided = tiny_model.decode(z, s, logits=True, guide=onehot * 50.0)
    labels = torch.from_numpy(_labels())
    for free_map, guided_map in zip(free, guided, strict=True):
        h = guided_map.shape[-1]
        if h == 32:  # full resolution: the bias alone decides, every pixel picks its class
            assert torch.equal(guided_map[0].argmax(0), labels)
        assert not torch.equal(free_map, guided_map)


def test_locality_of_a_one_class_edit_rises_with_guidance(tiny_folder) -> None:
    service = InferenceService.load(tiny_folder, "cpu", "fp32")
    labels = _labels()
    own = service.styles.noise_styles(1, labels).tokens
    shares = []
    for g in (0.0, 2.0, 8.0):
        before = service.render(labels, own, locality=g)
        edited = own.copy()
        edited[2] = service.styles.noise_styles(2, labels).tokens[2]
        after = service.render(labels, edited, locality=g)
        shares.append(locality(before, after, labels == 2, grow=1))
    assert shares[0] < shares[1] < shares[2]
    assert shares[2] > shares[0] + 0.1
