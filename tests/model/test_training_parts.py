"""Discriminator layout (spec §4, §9.3) and the losses of spec §3."""

from __future__ import annotations

import torch

from casa_studio.model.discriminator import MultiscaleDiscriminator
from casa_studio.model.losses import attention_loss, feature_matching, hinge_d, hinge_g


def test_discriminator_state_dict_matches_the_official_layout() -> None:
    shapes = {k: tuple(v.shape) for k, v in MultiscaleDiscriminator(19).state_dict().items()}
    for k in (0, 1):
        p = f"discriminator_{k}"
        assert shapes[f"{p}.model0.0.weight"] == (64, 22, 4, 4)
        assert shapes[f"{p}.model1.0.0.weight_orig"] == (128, 64, 4, 4)
        assert shapes[f"{p}.model1.0.0.weight_u"] == (128,)
        assert shapes[f"{p}.model1.0.0.weight_v"] == (1024,)
        assert shapes[f"{p}.model2.0.0.weight_orig"] == (256, 128, 4, 4)
        assert shapes[f"{p}.model2.0.0.weight_v"] == (2048,)
        assert shapes[f"{p}.model3.0.weight"] == (1, 256, 4, 4)
    params = sum(p.numel() for p in MultiscaleDiscriminator(19).parameters())
    assert round(params / 1e6, 2) == 1.36


def test_discriminator_output_sizes_per_scale() -> None:
    d = MultiscaleDiscriminator(4)
    out = d(torch.zeros(1, 4, 256, 256), torch.zeros(1, 3, 256, 256))
    assert [tuple(f.shape[1:]) for f in out[0]] == [
        (64, 129, 129),
        (128, 65, 65),
        (256, 33, 33),
        (1, 34, 34),
    ]
    assert [tuple(f.shape[1:]) for f in out[1]] == [
        (64, 65, 65),
        (128, 33, 33),
        (256, 17, 17),
        (1, 18, 18),
    ]


def test_attention_loss_rewards_logits_that_predict_the_mask() -> None:
    onehot = torch.zeros(1, 3, 8, 8)
    onehot[:, 0, :4] = 1
    onehot[:, 2, 4:] = 1
    good = [(onehot * 20 - 10)[..., ::2, ::2], onehot * 20 - 10]
    bad = [-g for g in good]
    assert attention_loss(good, onehot) < 1e-3 < attention_loss(bad, onehot)
    assert attention_loss([], onehot) == 0


def test_hinge_and_feature_matching() -> None:
    real = [[torch.zeros(1, 2), torch.full((1, 1), 2.0)]]
    fake = [[torch.ones(1, 2), torch.full((1, 1), -2.0)]]
    assert hinge_d(real, fake) == 0  # both beyond the margin
    assert hinge_g(fake) == 2.0
    assert feature_matching(real, fake) == 10.0
