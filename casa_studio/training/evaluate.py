"""Held-out figures for a model card: reconstruction PSNR/SSIM, attention-map mIoU against the
mask, and the reference segmenter's mIoU."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from pytorch_msssim import ssim

from casa_studio.data.dataset import PairedDataset, list_pairs
from casa_studio.data.transforms import JointTransform
from casa_studio.model.checkpoint import load_model
from casa_studio.model.ops import one_hot
from casa_studio.model.segmenter import load_segmenter


class ConfusionIoU:
    """Accumulates per-class intersection and union over a whole set."""

    def __init__(self, num_classes: int) -> None:
        self.inter = np.zeros(num_classes)
        self.union = np.zeros(num_classes)

    def add(self, predicted: torch.Tensor, target: torch.Tensor) -> None:
        for c in range(len(self.inter)):
            p, t = predicted == c, target == c
            self.inter[c] += float((p & t).sum())
            self.union[c] += float((p | t).sum())

    def mean(self) -> float:
        seen = self.union > 0
        return float((self.inter[seen] / self.union[seen]).mean()) if seen.any() else float("nan")


@torch.no_grad()
def evaluate_model(
    folder: Path,
    data: Path,
    *,
    layout: str = "auto",
    split: str = "train",
    limit: int = 200,
    progress: Callable[[int], None] | None = None,
) -> dict[str, float]:
    """Figures over the first `limit` pairs of a held-out dataset (fp32, CPU or CUDA)."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    g, info = load_model(folder, device)
    nc = info.config.num_classes
    segmenter = load_segmenter(Path(folder), nc)
    pairs = list_pairs(data, layout, split).pairs[:limit]
    dataset = PairedDataset(pairs, nc, JointTransform(info.config.output_hw[0], train=False))
    psnr, ssims = [], []
    att, seg = ConfusionIoU(nc), ConfusionIoU(nc)
    for item in dataset:
        image, labels = item["image"][None].to(device), item["labels"][None].to(device)
        onehot = one_hot(labels, nc)
        fake, logits = g.decode(g.embed_shapes(onehot), g.encode_styles(image, onehot), logits=True)
        real01, fake01 = (image + 1) / 2, (fake.clamp(-1, 1) + 1) / 2
        psnr.append(float(10 * torch.log10(1.0 / ((real01 - fake01) ** 2).mean().clamp_min(1e-10))))
        ssims.append(float(ssim(fake01, real01, data_range=1.0)))
        att.add(logits[-1].argmax(1), labels)
        if segmenter is not None:
            seg.add(segmenter.to(device)(image).argmax(1), labels)
        if progress:
            progress(1)
    figures = {
        "images": float(len(dataset)),
        "psnr": float(np.mean(psnr)),
        "ssim": float(np.mean(ssims)),
        "attention_miou": att.mean(),
    }
    if segmenter is not None:
        figures["segmenter_miou"] = seg.mean()
    return figures
