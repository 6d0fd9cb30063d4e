"""Shapes, parameter counts and behaviour of the networks, checked against the spec."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from casa_studio.model.checkpoint import expected_shapes
from casa_studio.model.config import PRESETS, official_celebamask_hq, preset, tiny
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.ops import one_hot
from tests.model.official_layout import official_layout

# Spec §9.2, per top-level prefix of the released generator.
OFFICIAL_PREFIX_PARAMS = {
    "encs": 4_194_560,
    "style_encoder": 18_069_304,
    "noise_encoder": 28_244_224,
    "reshape_conv": 9_728,
    "res2": 1_902_848,
    "cross2": 6_301_440,
    "res3": 476_288,
    "cross3": 6_169_984,
    "res4": 119_360,
    "cross4": 6_104_256,
    "res5": 29_984,
    "cross5": 5_021_280,
    "res6": 18_624,
    "cross6": 567_264,
    "out_conv": 99,
}


def test_official_preset_has_the_documented_state_dict() -> None:
    shapes = expected_shapes(official_celebamask_hq())
    assert len(shapes) == 388
    assert shapes == official_layout()
    per_prefix: dict[str, int] = {}
    for key, shape in shapes.items():
        per_prefix[key.split(".")[0]] = per_prefix.get(key.split(".")[0], 0) + int(
            torch.Size(shape).numel()
        )
    assert per_prefix == OFFICIAL_PREFIX_PARAMS
    assert sum(per_prefix.values()) == 77_229_243


def _inputs(cfg, batch: int = 2, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    h, w = cfg.output_hw
    labels = torch.randint(0, cfg.num_classes, (batch, h, w), generator=gen)
    image = torch.rand(batch, 3, h, w, generator=gen) * 2 - 1
    return one_hot(labels, cfg.num_classes), image


@pytest.mark.parametrize("name", ["tiny", "slim"])
def test_presets_run_forward_with_the_documented_shapes(name: str) -> None:
    cfg = preset(name)
    model = CA2SISGenerator(cfg).eval()
    onehot, image = _inputs(cfg, batch=1)
    with torch.no_grad():
        z = model.embed_shapes(onehot)
        s = model.encode_styles(image, onehot)
        y, logits = model.decode(z, s, logits=True)
    assert z.shape == (1, cfg.shape_channels, *cfg.latent_hw)
    assert s.shape == (1, cfg.num_classes, cfg.token_dim)
    assert y.shape == (1, 3, *cfg.output_hw)
    sizes = [(cfg.latent_hw[0] * 2**i, cfg.latent_hw[1] * 2**i) for i in range(len(cfg.stages))]
    assert [tuple(m.shape) for m in logits] == [(1, cfg.num_classes, *hw) for hw in sizes]


def test_official_preset_shapes_propagate_on_the_meta_device() -> None:
    cfg = official_celebamask_hq()
    with torch.device("meta"):
        model = CA2SISGenerator(cfg)
        onehot = torch.zeros(2, 19, 256, 256)
        image = torch.zeros(2, 3, 256, 256)
        s = model.encode_styles(image, onehot)
        y, logits = model.decode(model.embed_shapes(onehot), s, logits=True)
        w = model.map_noise(torch.zeros(2, 16))
    assert s.shape == (2, 19, 1280) and w.shape == (2, 19, 1280)
    assert y.shape == (2, 3, 256, 256)
    assert [m.shape[-1] for m in logits] == [16, 32, 64, 128, 256]


@pytest.mark.parametrize("name", list(PRESETS))
def test_output_convs_start_at_zero(name: str) -> None:
    with torch.device("meta"):
        shapes = expected_shapes(preset(name))
    assert "res2.out_layers.3.weight" in shapes
    model = CA2SISGenerator(tiny())
    for res, cross in model.stages():
        assert not res.out_layers[3].weight.any() and not cross.proj_out.weight.any()


def test_seeded_construction_and_forward_are_deterministic() -> None:
    cfg = tiny()
    outs = []
    for _ in range(2):
        torch.manual_seed(7)
        model = CA2SISGenerator(cfg).eval()
        onehot, image = _inputs(cfg)
        with torch.no_grad():
            outs.append(model(image, onehot))
    assert torch.equal(outs[0], outs[1])


def test_fused_and_manual_attention_agree(tiny_model: CA2SISGenerator) -> None:
    onehot, image = _inputs(tiny_model.config)
    with torch.no_grad():
        fused = tiny_model(image, onehot)
        tiny_model.set_fused_attention(False)
        manual = tiny_model(image, onehot)
    assert torch.allclose(fused, manual, atol=1e-5)


def test_output_is_bounded_by_tanh_unless_linear(tiny_model: CA2SISGenerator) -> None:
    onehot, image = _inputs(tiny_model.config)
    with torch.no_grad():
        tiny_model.out_conv.weight.mul_(100.0)
        bounded = tiny_model(image, onehot)
        linear_model = CA2SISGenerator(dataclasses.replace(tiny_model.config, output_tanh=False))
        linear_model.load_state_dict(tiny_model.state_dict())
        linear = linear_model.eval()(image, onehot)
    assert bounded.abs().max() <= 1.0
    assert linear.abs().max() > 1.5
    assert torch.allclose(torch.tanh(linear), bounded, atol=1e-5)


def test_mask_embedder_is_affine_so_soft_masks_blend(tiny_model: CA2SISGenerator) -> None:
    a, _ = _inputs(tiny_model.config, seed=1)
    b, _ = _inputs(tiny_model.config, seed=2)
    with torch.no_grad():
        mixed = tiny_model.embed_shapes(0.3 * a + 0.7 * b)
        blended = 0.3 * tiny_model.embed_shapes(a) + 0.7 * tiny_model.embed_shapes(b)
    assert torch.allclose(mixed, blended, atol=1e-5)


def test_legacy_nearest_embedder_reads_even_pixels_only(tiny_model: CA2SISGenerator) -> None:
    cfg = tiny_model.config  # 32 px labels, 16 px embedder input
    odd = torch.zeros(1, cfg.num_classes, 32, 32)
    odd[0, 1, 3, 5] = 1.0
    even = torch.zeros(1, cfg.num_classes, 32, 32)
    even[0, 1, 2, 4] = 1.0
    empty = torch.zeros(1, cfg.num_classes, 32, 32)
    with torch.no_grad():
        base = tiny_model.embed_shapes(empty)
        assert torch.equal(tiny_model.embed_shapes(odd), base)
        assert not torch.equal(tiny_model.embed_shapes(even), base)


def test_mapping_network_zeroes_absent_classes(tiny_model: CA2SISGenerator) -> None:
    present = torch.tensor([[True, False, True, False]])
    with torch.no_grad():
        tokens = tiny_model.map_noise(torch.randn(1, tiny_model.config.mapping_dim), present)
    assert not tokens[0, 1].any() and not tokens[0, 3].any()
    assert tokens[0, 0].abs().sum() > 0 and tokens[0, 2].abs().sum() > 0


def test_absent_classes_get_the_learned_default_token(tiny_model: CA2SISGenerator) -> None:
    cfg = tiny_model.config
    labels = torch.zeros(1, *cfg.output_hw, dtype=torch.long)
    labels[:, :16] = 2  # classes 1 and 3 absent
    onehot = one_hot(labels, cfg.num_classes)
    with torch.no_grad():
        tokens = tiny_model.encode_styles(torch.rand(1, 3, *cfg.output_hw), onehot)[0]
        default = tiny_model.style_encoder.default_tokens()
    assert torch.allclose(tokens[1], default[1]) and torch.allclose(tokens[3], default[3])
    assert not torch.allclose(tokens[2], default[2])
    assert tokens.abs().max() <= 1.0
