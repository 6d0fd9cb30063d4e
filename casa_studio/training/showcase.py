"""The model card's sample grid. Columns: labels | reference photo | reconstruction | the
reference's sky and water styles replaced by the next row's | random styles (mapping network)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from casa_studio.data.dataset import PairedDataset, list_pairs
from casa_studio.data.transforms import JointTransform
from casa_studio.model.checkpoint import load_model
from casa_studio.model.ops import one_hot
from casa_studio.training.samples import to_rgb

SWAP_NAMES = ("sky", "water")


@torch.no_grad()
def showcase_grid(
    folder: Path, data: Path, rows: int = 4, layout: str = "auto", split: str = "test"
) -> np.ndarray:
    g, info = load_model(folder)
    cfg = info.config
    pairs = list_pairs(data, layout, split).pairs[:rows]
    dataset = PairedDataset(pairs, cfg.num_classes, JointTransform(cfg.output_hw[0], train=False))
    items = [dataset[i] for i in range(len(dataset))]
    image = torch.stack([it["image"] for it in items])
    labels = torch.stack([it["labels"] for it in items])
    onehot = one_hot(labels, cfg.num_classes)
    z, tokens = g.embed_shapes(onehot), g.encode_styles(image, onehot)
    swapped = tokens.clone()
    names = [c.name for c in cfg.classes]
    chosen = [names.index(n) for n in SWAP_NAMES if n in names] or [0]
    swapped[:, chosen] = tokens.roll(1, dims=0)[:, chosen]
    columns = [
        np.asarray([c.color for c in cfg.classes], np.uint8)[labels.numpy()],
        to_rgb(image),
        to_rgb(g.decode(z, tokens)[0]),
        to_rgb(g.decode(z, swapped)[0]),
    ]
    if g.noise_encoder is not None:
        w = torch.randn(len(items), cfg.mapping_dim, generator=torch.Generator().manual_seed(0))
        columns.append(to_rgb(g.decode(z, g.map_noise(w, onehot.sum((2, 3)) > 0))[0]))
    return np.concatenate(
        [np.concatenate([col[i] for col in columns], axis=1) for i in range(len(items))]
    )
