"""Style tokens fitted to a reference photo: a few Adam steps on the tokens of the classes
the photo shows, through the real generator, so that a render of the photo's own labels has
each class's colour distribution of the photo (sliced Wasserstein distance in CIELAB). The
style encoder has only seen the procedural world; this carries a real photo's colours and
light (bench/real_photos.py measures it). Off for imported official checkpoints (the
paper's path) unless asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import torch

from casa_studio.engine.colour_match import directions, lab, sliced_wasserstein
from casa_studio.engine.jobs import FIT_STEPS
from casa_studio.engine.style_tokens import StyleTokens
from casa_studio.model.ops import one_hot

if TYPE_CHECKING:
    from casa_studio.engine.service import InferenceService

FIT_RATE = 0.05  # Adam's step on tokens of unit scale (bench/real_photos.py: 10 steps)
MIN_PIXELS = 16  # a class with fewer pixels keeps its encoded token
PAPER_MODELS = ("official-import",)  # model names that keep the paper's path by default

Progress = Callable[[int, int], None]  # (steps done, steps in all), from the worker thread


def default_fit_steps(model_name: str) -> int:
    """Steps a reference gets unless the user says otherwise: none for official imports."""
    return 0 if model_name in PAPER_MODELS else FIT_STEPS


@contextmanager
def _frozen(module: torch.nn.Module) -> Iterator[None]:
    flags = [(p, p.requires_grad) for p in module.parameters()]
    for p, _ in flags:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)


def fit_styles(
    service: InferenceService,
    image: np.ndarray,
    labels: np.ndarray,
    encoded: StyleTokens,
    steps: int = FIT_STEPS,
    progress: Progress | None = None,
) -> StyleTokens:
    """`encoded` with the tokens of the classes `labels` shows (by at least `MIN_PIXELS`)
    fitted to `image`'s colours; the other tokens are untouched."""
    flat = labels.astype(np.int64).ravel()
    counts = np.bincount(flat, minlength=service.config.num_classes)
    rows = [c for c in sorted(encoded.present) if counts[c] >= MIN_PIXELS]
    if steps <= 0 or not rows:
        return encoded
    model, where = service.model, service.placement
    base = torch.from_numpy(np.nan_to_num(encoded.tokens)).to(where.device, torch.float32)
    typical = torch.from_numpy(service.styles.typical_styles().tokens).to(
        where.device, torch.float32
    )
    present = torch.zeros(len(base), 1, dtype=torch.bool, device=where.device)
    present[sorted(encoded.present)] = True
    base = torch.where(present, base, typical)  # as the resolver fills a reference source
    index = torch.tensor(rows, device=where.device)
    free = base[index].clone().requires_grad_(True)
    target = lab(torch.from_numpy(image).permute(2, 0, 1)[None].float().to(where.device) / 255)
    target = target[0].reshape(3, -1).T
    masks = [torch.from_numpy(flat == c).to(where.device) for c in rows]
    dirs = directions().to(where.device)
    with torch.inference_mode():
        z = service.shape_latents(labels.astype(np.int64))
        onehot = one_hot(
            torch.from_numpy(labels.astype(np.int64)).to(where.device)[None],
            service.config.num_classes,
            where.dtype,
        )
        guide = service.guide(onehot, None)  # the model's default, as the render
    z = z.clone()
    guide = None if guide is None else guide.clone()
    optimiser = torch.optim.Adam([free], lr=FIT_RATE)
    with _frozen(model), torch.enable_grad():
        for step in range(steps):
            tokens = base.index_put((index,), free)
            picture, _ = model.decode(z, tokens[None].to(where.dtype), guide=guide)
            pixels = lab((picture.float() + 1) / 2)[0].reshape(3, -1).T
            loss = torch.stack(
                [sliced_wasserstein(pixels[m], target[m], dirs) for m in masks]
            ).mean()
            optimiser.zero_grad()
            torch.autograd.backward(loss)
            optimiser.step()
            if progress is not None:
                progress(step + 1, steps)
    fitted = encoded.tokens.copy()
    fitted[rows] = free.detach().float().cpu().numpy()
    return StyleTokens(fitted.astype(np.float32), encoded.present)
