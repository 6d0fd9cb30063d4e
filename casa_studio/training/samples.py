"""Sample grids: labels | real | reconstruction | style swap | noise sample, one row per item."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from casa_studio.model.attention import guide_bias
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.ops import one_hot


def to_rgb(t: torch.Tensor) -> np.ndarray:
    return (
        ((t.detach().float().clamp(-1, 1) + 1) * 127.5)
        .round()
        .byte()
        .permute(0, 2, 3, 1)
        .cpu()
        .numpy()
    )


@torch.no_grad()
def sample_grid(
    g: CA2SISGenerator, image: torch.Tensor, labels: torch.Tensor, seed: int, locality: float = 0.0
) -> np.ndarray:
    """Rows: each item. Style swap takes the styles of the next item in the batch. `locality`:
    the attention guidance the app renders with (0: the paper's forward)."""
    g.eval()
    cfg = g.config
    onehot = one_hot(labels, cfg.num_classes)
    guide = guide_bias(onehot, locality)
    z = g.embed_shapes(onehot)
    tokens = g.encode_styles(image, onehot)
    columns = [
        np.asarray([c.color for c in cfg.classes], np.uint8)[labels.cpu().numpy()],
        to_rgb(image),
        to_rgb(g.decode(z, tokens, guide=guide)[0]),
        to_rgb(g.decode(z, tokens.roll(1, dims=0), guide=guide)[0]),
    ]
    if g.noise_encoder is not None:
        gen = torch.Generator().manual_seed(seed)
        w = torch.randn(image.shape[0], cfg.mapping_dim, generator=gen).to(image.device)
        columns.append(to_rgb(g.decode(z, g.map_noise(w, onehot.sum((2, 3)) > 0), guide=guide)[0]))
    g.train()
    rows = [np.concatenate([col[i] for col in columns], axis=1) for i in range(image.shape[0])]
    return np.concatenate(rows, axis=0)


def save_grid(grid: np.ndarray, path: Path) -> None:
    Image.fromarray(grid).save(path)
