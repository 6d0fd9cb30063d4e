"""Generator and discriminator losses of spec §3 (attention BCE, hinge GAN, feature matching),
plus the R1 penalty and the real-fake logit gap that our own `sharp` recipe uses and logs."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def attention_loss(logits: list[torch.Tensor], onehot: torch.Tensor) -> torch.Tensor:
    """L_att: BCE-with-logits of each stage's head-averaged logits (B, nc, H_l, W_l) against
    the nearest-resized one-hot mask, averaged over classes, then over stages (§3.1)."""
    if not logits:
        return onehot.new_zeros(())
    per_stage = []
    for stage in logits:
        target = F.interpolate(onehot, size=stage.shape[-2:], mode="nearest")
        per_stage.append(F.binary_cross_entropy_with_logits(stage.float(), target))
    return torch.stack(per_stage).mean()


def hinge_d(real: list[list[torch.Tensor]], fake: list[list[torch.Tensor]]) -> torch.Tensor:
    """mean relu(1 - D(real)) + mean relu(1 + D(fake)), on each scale's final map, scale mean."""
    losses = [
        F.relu(1.0 - r[-1]).mean() + F.relu(1.0 + f[-1]).mean()
        for r, f in zip(real, fake, strict=True)
    ]
    return torch.stack(losses).mean()


def hinge_g(fake: list[list[torch.Tensor]]) -> torch.Tensor:
    return torch.stack([-f[-1].mean() for f in fake]).mean()


def feature_matching(
    real: list[list[torch.Tensor]], fake: list[list[torch.Tensor]], weight: float = 10.0
) -> torch.Tensor:
    """L1 between intermediate D features (final prediction excluded), λ / num_scales each."""
    total = fake[0][0].new_zeros(())
    for r_scale, f_scale in zip(real, fake, strict=True):
        for r, f in zip(r_scale[:-1], f_scale[:-1], strict=True):
            total = total + F.l1_loss(f, r.detach()) * weight / len(fake)
    return total


def r1_penalty(real_out: list[list[torch.Tensor]], real: torch.Tensor) -> torch.Tensor:
    """R1 (Mescheder et al., ICML 2018): mean squared norm of the gradient of D's final logits
    with respect to the real images (`real` must require grad before D saw it); keeps a
    discriminator without normalisation stable."""
    # Each image's score is its mean patch logit (as one logit per image in StyleGAN): a sum
    # over patches would scale the penalty by the patch count squared and silence D.
    score = torch.stack([scale[-1].float().mean(dim=(1, 2, 3)).sum() for scale in real_out]).sum()
    (grad,) = torch.autograd.grad(score, real, create_graph=True)
    return grad.float().pow(2).flatten(1).sum(1).mean()


def logit_gap(real: list[list[torch.Tensor]], fake: list[list[torch.Tensor]]) -> torch.Tensor:
    """Mean D(real) - mean D(fake) on the final maps, averaged over scales: ~0 means a blind D."""
    gaps = [r[-1].float().mean() - f[-1].float().mean() for r, f in zip(real, fake, strict=True)]
    return torch.stack(gaps).mean()
