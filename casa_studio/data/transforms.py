"""Joint image/label transforms (spec §6.1): labels are only ever resized nearest-neighbour."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True, slots=True)
class JointTransform:
    """Train: resize to `load_size`, same random crop of `crop_size`, same random flip.
    Test (`train=False`): resize to `crop_size`. Randomness comes from `seed` and the item
    index plus an epoch counter set by the caller, so runs are reproducible."""

    crop_size: int = 256
    load_size: int = 286
    train: bool = True
    flip: bool = True
    seed: int = 0

    def __call__(
        self, image: Image.Image, labels: Image.Image, index: int, epoch: int = 0
    ) -> tuple[Image.Image, Image.Image]:
        size = self.load_size if self.train else self.crop_size
        if image.size != (size, size):
            image = image.resize((size, size), Image.Resampling.BICUBIC)
        if labels.size != (size, size):
            labels = labels.resize((size, size), Image.Resampling.NEAREST)
        if not self.train:
            return image, labels
        rng = np.random.default_rng([self.seed, epoch, index])
        x, y = (int(v) for v in rng.integers(0, size - self.crop_size + 1, 2))
        box = (x, y, x + self.crop_size, y + self.crop_size)
        image, labels = image.crop(box), labels.crop(box)
        if self.flip and rng.random() < 0.5:  # left/right classes are not swapped (spec §10.6)
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            labels = labels.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        return image, labels
