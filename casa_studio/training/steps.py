"""One generator and one discriminator update per iteration, for both stages (spec §3, §7)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from casa_studio.model.discriminator import MultiscaleDiscriminator
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.losses import (
    attention_loss,
    feature_matching,
    hinge_d,
    hinge_g,
    logit_gap,
    r1_penalty,
)
from casa_studio.model.vgg import VGG19Features, vgg_loss
from casa_studio.training.config import TrainConfig


class GeneratorStep(nn.Module):
    """The generator's training forward in one `forward`, so DistributedDataParallel can
    wrap it. Main stage: reconstruct from the image's own styles. Noise stage: two fakes per
    mask from two noise vectors (for the diversity loss)."""

    def __init__(self, generator: CA2SISGenerator, stage: str) -> None:
        super().__init__()
        self.generator = generator
        self.stage = stage

    def forward(
        self,
        image: torch.Tensor,
        onehot: torch.Tensor,
        noise: torch.Tensor | None = None,
        guide: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        g = self.generator
        z = g.embed_shapes(onehot)
        if self.stage == "main":
            return g.decode(z, g.encode_styles(image, onehot), logits=True, guide=guide)
        assert noise is not None
        present = (onehot.sum(dim=(2, 3)) > 0).repeat(2, 1)
        tokens = g.map_noise(noise, present)
        guide = None if guide is None else guide.repeat(2, 1, 1, 1)
        return g.decode(z.repeat(2, 1, 1, 1), tokens, logits=True, guide=guide)


@dataclass
class Losses:
    """Weights and the optional VGG network for the generator objective."""

    config: TrainConfig
    vgg: VGG19Features | None

    def generator(
        self,
        fake: torch.Tensor,
        logits: list[torch.Tensor],
        real: torch.Tensor,
        onehot: torch.Tensor,
        d: MultiscaleDiscriminator,
    ) -> dict[str, torch.Tensor]:
        """Terms of L_G (each already weighted); `total` is their sum."""
        cfg = self.config
        batch = real.shape[0]
        both = torch.cat([onehot, onehot.repeat(fake.shape[0] // batch - 1, 1, 1, 1)])
        terms = {"att": cfg.lambda_att * attention_loss(logits, both)}
        if fake.shape[0] == batch:  # main stage: reconstruction of `real`
            out = d(torch.cat([onehot, onehot]), torch.cat([fake, real]))
            fake_out = [[f[:batch] for f in scale] for scale in out]
            real_out = [[f[batch:] for f in scale] for scale in out]
            terms["gan"] = hinge_g(fake_out)
            terms["fm"] = feature_matching(real_out, fake_out, cfg.lambda_fm)
            if self.vgg is not None:
                terms["vgg"] = cfg.lambda_vgg * vgg_loss(self.vgg, fake, real)
            if cfg.l1_weight:
                terms["l1"] = cfg.l1_weight * F.l1_loss(fake, real)
        else:  # noise stage: two samples per mask, pushed apart (diversity-sensitive loss)
            first, second = fake[:batch], fake[batch:]
            terms["gan"] = hinge_g(d(both, fake))
            terms["ds"] = -cfg.lambda_ds * (first - second.detach()).abs().mean()
        terms["total"] = sum(terms.values(), start=fake.new_zeros(()))
        return terms


@dataclass
class DiscriminatorTerms:
    hinge: torch.Tensor
    gap: torch.Tensor  # real-fake logit gap, detached (logged)
    r1: torch.Tensor | None  # unweighted R1 penalty, when asked for


def discriminator_loss(
    d: nn.Module, fake: torch.Tensor, real: torch.Tensor, onehot: torch.Tensor, r1: bool = False
) -> DiscriminatorTerms:
    """Hinge loss on real and (detached) fake, passed together as in the official code; the R1
    penalty comes from the same forward (one forward, one backward: DDP-safe)."""
    batch = real.shape[0]
    fake = fake[:batch].detach()
    real = real.detach().requires_grad_(r1)
    out = d(torch.cat([onehot, onehot]), torch.cat([fake, real]))
    fake_out = [[f[:batch] for f in scale] for scale in out]
    real_out = [[f[batch:] for f in scale] for scale in out]
    penalty = r1_penalty(real_out, real) if r1 else None
    return DiscriminatorTerms(
        hinge_d(real_out, fake_out), logit_gap(real_out, fake_out).detach(), penalty
    )


def gradient_norms(terms: dict[str, torch.Tensor], fake: torch.Tensor) -> dict[str, float]:
    """Norm of each weighted loss term's gradient at the generated image: which term actually
    steers the generator (logged every few steps; costs one extra backward through D each)."""
    norms = {}
    for name, term in terms.items():
        if name != "total" and term.requires_grad:
            (grad,) = torch.autograd.grad(term, fake, retain_graph=True, allow_unused=True)
            if grad is not None:  # the attention loss acts on the logits, not on the image
                norms[f"grad_{name}"] = float(grad.float().norm())
    return norms
