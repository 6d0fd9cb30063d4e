"""Importing label maps: 8/16-bit id PNGs, palette PNGs, and RGB colour-coded masks. Colours
snap to the nearest palette class (ΔE in CIELAB), anti-aliased edge colours to the nearer of
the two classes they blend; what stays unknown is reported with pixel counts for the user to
map; photos are recognised; lossy (JPEG) masks are flagged; resizing is nearest-neighbour."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from casa_studio.core.palette import Palette
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.images import open_image

Value = int | tuple[int, int, int]
SNAP_DELTA_E = 12.0  # CIE76 ΔE under which a colour is taken as a palette colour
BLEND_RGB = 6.0  # sRGB units a colour may lie off the straight blend of two class colours
PHOTO_COLORS = 300  # more colours than this left unknown after snapping…
PHOTO_SHARE = 0.02  # …on more than this share of the pixels: a photo
UNKNOWN = -1


@dataclass
class MaskImport:
    """`codes` (H, W) index the distinct `values` of the file; `classes` holds the class of
    each value (UNKNOWN: the user chooses) and `nearest` the closest class, as a suggestion."""

    path: Path
    codes: np.ndarray
    values: list[Value]
    counts: np.ndarray
    classes: np.ndarray
    nearest: np.ndarray
    lossy: bool = False
    by_color: bool = False

    @property
    def unknown(self) -> dict[Value, int]:
        """Each unresolved value with its pixel count, most pixels first."""
        rows = np.flatnonzero(self.classes == UNKNOWN)
        rows = rows[np.argsort(-self.counts[rows], kind="stable")]
        return {self.values[i]: int(self.counts[i]) for i in rows}

    @property
    def photo(self) -> bool:
        """Clearly a photograph, not a label map: hundreds of colours left after snapping,
        covering more than a sliver of the image (a blurred mask leaves them on edges only)."""
        unknown = self.classes == UNKNOWN
        share = self.counts[unknown].sum() / max(int(self.counts.sum()), 1)
        return self.by_color and int(unknown.sum()) > PHOTO_COLORS and share > PHOTO_SHARE

    def suggestion(self, value: Value) -> int:
        return int(self.nearest[self.values.index(value)])

    def nearest_mapping(self) -> dict[Value, int]:
        return {self.values[i]: int(self.nearest[i]) for i in np.flatnonzero(self.classes < 0)}

    def resolve(self, mapping: dict[Value, int]) -> np.ndarray:
        """Labels (uint8) with every unknown value mapped to a class id."""
        classes = self.classes.copy()
        index = {v: i for i, v in enumerate(self.values)}
        for value, class_id in mapping.items():
            classes[index[value]] = class_id
        missing = [self.values[i] for i in np.flatnonzero(classes == UNKNOWN)]
        if missing:
            raise PersistenceError(f"{self.path}: no class chosen for {missing[:5]}")
        labels: np.ndarray = classes[self.codes].astype(np.uint8)
        return labels


def _from_ids(path: Path, ids: np.ndarray, palette: Palette, lossy: bool) -> MaskImport:
    values, codes, counts = np.unique(ids, return_inverse=True, return_counts=True)
    known = values < len(palette)
    classes = np.where(known, values, UNKNOWN)
    nearest = np.where(known, values, 0)
    ints: list[Value] = [int(v) for v in values]
    return MaskImport(path, codes.reshape(ids.shape), ints, counts, classes, nearest, lossy)


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """(N, 3) uint8 sRGB → (N, 3) float32 CIELAB (L in 0..100)."""
    scaled = (rgb.astype(np.float32) / 255).reshape(-1, 1, 3)
    return cv2.cvtColor(scaled, cv2.COLOR_RGB2Lab).reshape(-1, 3)


def snap_colors(colors: np.ndarray, palette: Palette) -> tuple[np.ndarray, np.ndarray]:
    """For (N, 3) uint8 colours: the class each snaps to (UNKNOWN if none) and the nearest
    class. A colour snaps when within SNAP_DELTA_E of a class colour, or when it lies on the
    straight sRGB blend of two class colours (an anti-aliased edge: the nearer class wins)."""
    refs = np.array([c.color for c in palette.classes], np.uint8)
    lab, ref_lab = to_lab(colors), to_lab(refs)
    ids = np.array([c.id for c in palette.classes])
    dist = np.linalg.norm(lab[:, None, :] - ref_lab[None, :, :], axis=2)
    nearest = dist.argmin(axis=1)
    snapped = np.where(dist[np.arange(len(lab)), nearest] <= SNAP_DELTA_E, nearest, UNKNOWN)
    rgb, ref_rgb = colors.astype(np.float32), refs.astype(np.float32)
    for a in range(len(refs)):
        for b in range(a + 1, len(refs)):
            _snap_blend(rgb, ref_rgb[a], ref_rgb[b], (a, b), snapped)
    return np.where(snapped >= 0, ids[np.maximum(snapped, 0)], UNKNOWN), ids[nearest]


def _snap_blend(
    rgb: np.ndarray, a: np.ndarray, b: np.ndarray, pair: tuple[int, int], snapped: np.ndarray
) -> None:
    """Unknown colours on the blend from `a` to `b` take the nearer end (in place)."""
    open_rows = np.flatnonzero(snapped == UNKNOWN)
    if not len(open_rows):
        return
    span = b - a
    t = np.clip((rgb[open_rows] - a) @ span / max(float(span @ span), 1e-6), 0, 1)
    off = np.linalg.norm(rgb[open_rows] - (a + t[:, None] * span), axis=1)
    near = off <= BLEND_RGB
    snapped[open_rows[near]] = np.where(t[near] < 0.5, pair[0], pair[1])


def _from_colors(path: Path, rgb: np.ndarray, palette: Palette, lossy: bool) -> MaskImport:
    packed = (
        (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8) | rgb[..., 2]
    )
    values, codes, counts = np.unique(packed, return_inverse=True, return_counts=True)
    colors = np.stack([values >> 16, (values >> 8) & 255, values & 255], 1).astype(np.uint8)
    classes, nearest = snap_colors(colors, palette)
    keys: list[Value] = [(int(r), int(g), int(b)) for r, g, b in colors]
    shape = packed.shape
    return MaskImport(path, codes.reshape(shape), keys, counts, classes, nearest, lossy, True)


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
    return _from_ids(path, np.asarray(image).astype(np.int64), palette, lossy)
