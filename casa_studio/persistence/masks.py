"""Importing label maps: 8/16-bit id PNGs, palette PNGs, and RGB colour-coded masks through
an exact palette lookup. Unknown ids or colours are reported with pixel counts for the user
to map; lossy (JPEG) masks are flagged; resizing is nearest-neighbour only."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from casa_studio.core.palette import Palette
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.images import open_image

Value = int | tuple[int, int, int]


@dataclass
class MaskImport:
    """`codes` (H, W) int64: class ids, or indices into `colors` for colour-coded masks
    (offset by the palette size). `unknown` maps each unresolved value to its pixel count."""

    path: Path
    labels: np.ndarray
    unknown: dict[Value, int] = field(default_factory=dict)
    lossy: bool = False
    by_color: bool = False
    _keys: dict[Value, np.ndarray] = field(default_factory=dict, repr=False)

    def resolve(self, mapping: dict[Value, int]) -> np.ndarray:
        """Labels (uint8) with every unknown value mapped to a class id."""
        missing = [v for v in self.unknown if v not in mapping]
        if missing:
            raise PersistenceError(f"{self.path}: no class chosen for {missing[:5]}")
        out = self.labels.copy()
        for value, class_id in mapping.items():
            out[self._keys[value]] = class_id
        return out.astype(np.uint8)


def _from_ids(path: Path, ids: np.ndarray, count: int, lossy: bool) -> MaskImport:
    bad = ids >= count
    imp = MaskImport(path, np.where(bad, 0, ids), lossy=lossy)
    for value, n in zip(*np.unique(ids[bad], return_counts=True), strict=True):
        imp.unknown[int(value)] = int(n)
        imp._keys[int(value)] = ids == value
    return imp


def _from_colors(path: Path, rgb: np.ndarray, palette: Palette, lossy: bool) -> MaskImport:
    packed = (
        (rgb[..., 0].astype(np.int64) << 16) | (rgb[..., 1].astype(np.int64) << 8) | rgb[..., 2]
    )
    lookup = {(r << 16) | (g << 8) | b: c.id for c in palette.classes for r, g, b in [c.color]}
    labels = np.zeros(packed.shape, np.int64)
    imp = MaskImport(path, labels, lossy=lossy, by_color=True)
    for value, n in zip(*np.unique(packed, return_counts=True), strict=True):
        where = packed == value
        if int(value) in lookup:
            labels[where] = lookup[int(value)]
        else:
            key = (int(value) >> 16, (int(value) >> 8) & 255, int(value) & 255)
            imp.unknown[key] = int(n)
            imp._keys[key] = where
    return imp


def read_mask(path: Path | str, palette: Palette, size_hw: tuple[int, int]) -> MaskImport:
    path = Path(path)
    image = open_image(path)
    lossy = (image.format or "").upper() in ("JPEG", "MPO", "WEBP")
    if (image.width, image.height) != (size_hw[1], size_hw[0]):
        image = image.resize((size_hw[1], size_hw[0]), Image.Resampling.NEAREST)
    if image.mode in ("LA", "PA"):
        image = image.getchannel(0)
    if image.mode in ("RGB", "RGBA"):
        rgb = np.asarray(image.convert("RGB"))
        if not (
            np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2])
        ):
            return _from_colors(path, rgb, palette, lossy)
        image = image.convert("L")
    if image.mode not in ("L", "P", "I", "I;16", "I;16B", "I;16L"):
        raise PersistenceError(f"{path}: image mode {image.mode} is neither ids nor colours")
    return _from_ids(path, np.asarray(image).astype(np.int64), len(palette), lossy)
