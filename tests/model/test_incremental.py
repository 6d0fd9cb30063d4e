"""The incremental decoder: its full decode is the generator's, and a crop recomputed from an
unchanged picture gives that picture back (halos and kept statistics are right), at the
image's borders and inside it."""

from __future__ import annotations

import itertools

import pytest
import torch

from casa_studio.model.incremental import IncrementalDecoder
from casa_studio.model.ops import one_hot


def _inputs(model, seed: int):
    torch.manual_seed(seed)
    cfg = model.config
    h, w = cfg.output_hw
    labels = torch.randint(0, cfg.num_classes, (1, h // 8, w // 8)).repeat_interleave(8, 1)
    labels = labels.repeat_interleave(8, 2)
    onehot = one_hot(labels, cfg.num_classes, torch.float32)
    tokens = torch.randn(1, cfg.num_classes, cfg.token_dim)
    return model.embed_shapes(onehot), tokens, onehot * 4.0


def test_the_full_decode_is_the_generators(tiny_model, one_torch_thread) -> None:
    z, tokens, guide = _inputs(tiny_model, 0)
    decoder = IncrementalDecoder(tiny_model)
    with torch.inference_mode():
        expected, _ = tiny_model.decode(z, tokens, guide=guide)
        assert torch.equal(decoder.full(z, tokens, guide), expected)


@pytest.mark.parametrize("box", [(0, 0, 6, 6), (10, 12, 14, 20), (26, 20, 32, 32), (0, 30, 32, 32)])
def test_a_recomputed_crop_of_an_unchanged_picture_is_that_picture(
    tiny_model, one_torch_thread, box
) -> None:
    z, tokens, guide = _inputs(tiny_model, 1)
    decoder = IncrementalDecoder(tiny_model, margin=2)
    with torch.inference_mode():
        before = decoder.full(z, tokens, guide).clone()
        after = decoder.update(z, tokens, guide, box)
    assert decoder.first_local > 0  # the self-attention stages ran in full
    assert torch.allclose(after, before, atol=1e-5), (after - before).abs().max()


def test_the_plan_covers_each_next_stage_input(tiny_model) -> None:
    """Every stage's crop holds the input (with halo) that the next stage's crop reads."""
    z, tokens, guide = _inputs(tiny_model, 2)
    decoder = IncrementalDecoder(tiny_model, margin=3)
    with torch.inference_mode():
        decoder.full(z, tokens, guide)
    crops = decoder.plan((12, 4, 15, 9))
    for inner, outer in itertools.pairwise(crops):
        y0, x0, y1, x1 = outer
        assert inner[0] <= y0 // 2 and inner[2] >= -(-y1 // 2)
        assert inner[1] <= x0 // 2 and inner[3] >= -(-x1 // 2)
    assert crops[-1] == (9, 1, 18, 12)
