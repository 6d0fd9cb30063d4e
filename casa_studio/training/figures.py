"""Quality figures of generated pictures against real ones on the same labels (numpy, cv2):
sharpness, texture, colour plausibility, patch statistics, diversity, locality, mIoU.

Not PSNR/SSIM: the world's fine texture is stochastic, so those reward the blurred average.
"""

from __future__ import annotations

import cv2
import numpy as np

HF_CUTOFF = 0.25  # of the Nyquist frequency
TEXTURE_SIGMA = 2.0  # px: the high-pass that texture energy measures
PATCH = 7  # px: Laplacian patch side for the sliced Wasserstein distance
DUPLICATE_DE = 3.0  # mean ΔE between two 1/8-size pictures below which they count as the same
OUTSIDE_QUANTILE = 0.95  # real class means beyond this nearest-neighbour distance are "outside"


def luma(rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 → (H, W) float32 in [0, 1], Rec. 601 weights."""
    return (rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)) / 255.0


def high_frequency_power(rgb: np.ndarray) -> float:
    """Mean power of the (Hann-windowed) luma spectrum above ¼ Nyquist."""
    y = luma(rgb)
    h, w = y.shape
    window = np.outer(np.hanning(h), np.hanning(w)).astype(np.float32)
    power = np.abs(np.fft.fft2((y - y.mean()) * window)) ** 2
    radius = np.hypot(*np.meshgrid(np.fft.fftfreq(h), np.fft.fftfreq(w), indexing="ij"))
    return float(power[radius > HF_CUTOFF * 0.5].sum() / (h * w))


def texture_energy(rgb: np.ndarray, region: np.ndarray) -> tuple[float, int]:
    """(sum of squared luma high-pass, pixel count) inside `region` shrunk by 3 px, so class
    borders do not count as texture."""
    y = luma(rgb)
    high = y - cv2.GaussianBlur(y, (0, 0), TEXTURE_SIGMA)
    inner = cv2.erode(region.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    return float((high[inner] ** 2).sum()), int(inner.sum())


def lab(rgb: np.ndarray) -> np.ndarray:
    """(…, 3) uint8 sRGB → float32 CIELAB (L 0..100)."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def class_mean_colours(
    rgb: np.ndarray, labels: np.ndarray, min_share: float = 0.002
) -> dict[int, np.ndarray]:
    """Mean CIELAB colour of each class covering at least `min_share` of the picture."""
    colours = lab(rgb)
    out = {}
    for c in np.unique(labels):
        region = labels == c
        if region.mean() >= min_share:
            out[int(c)] = colours[region].mean(axis=0)
    return out


def nearest_distances(points: np.ndarray, reference: np.ndarray, *, exclude_self: bool = False):
    """Euclidean distance (ΔE76 for CIELAB) of each point to its nearest reference point."""
    d = np.linalg.norm(points[:, None, :] - reference[None, :, :], axis=-1)
    if exclude_self:
        np.fill_diagonal(d, np.inf)
    return d.min(axis=1)


class ColourReference:
    """Real class mean colours per class, with one threshold calibrated so that
    `OUTSIDE_QUANTILE` of real means lie within it of their nearest other real mean."""

    def __init__(self, means: dict[int, list[np.ndarray]]) -> None:
        self.means = {c: np.stack(v) for c, v in means.items() if len(v) >= 2}
        loo = [nearest_distances(m, m, exclude_self=True) for m in self.means.values()]
        self.threshold = float(np.quantile(np.concatenate(loo), OUTSIDE_QUANTILE))

    def distances(self, means: dict[int, list[np.ndarray]]) -> np.ndarray:
        """Nearest-real distance of every given class mean (classes the reference lacks skipped)."""
        parts = [
            nearest_distances(np.stack(v), self.means[c])
            for c, v in means.items()
            if c in self.means
        ]
        return np.concatenate(parts) if parts else np.zeros(0)


def laplacian_levels(rgb: np.ndarray, levels: int = 2) -> list[np.ndarray]:
    """The finest `levels` bands of a Laplacian pyramid (full size, then half, …), float32."""
    g: np.ndarray = rgb.astype(np.float32)
    bands = []
    for _ in range(levels):
        down = cv2.pyrDown(g)
        bands.append(g - cv2.pyrUp(down, dstsize=(g.shape[1], g.shape[0])))
        g = down
    return bands


def sample_patches(band: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` random PATCH x PATCH x 3 neighbourhoods of a band, flattened (count, 147)."""
    h, w, _ = band.shape
    ys = rng.integers(0, h - PATCH + 1, count)
    xs = rng.integers(0, w - PATCH + 1, count)
    return np.stack(
        [band[y : y + PATCH, x : x + PATCH].ravel() for y, x in zip(ys, xs, strict=True)]
    )


def sliced_wasserstein(
    a: np.ndarray, b: np.ndarray, seed: int = 0, repeats: int = 4, directions: int = 128
) -> float:
    """Sliced Wasserstein distance x 1e3 between two descriptor sets, each normalised per
    colour channel over its own set first (as in Karras et al., ICLR 2018)."""
    n = min(len(a), len(b))
    rng = np.random.default_rng(seed)
    a = _normalised(a[rng.permutation(len(a))[:n]])
    b = _normalised(b[rng.permutation(len(b))[:n]])
    results = []
    for _ in range(repeats):
        dirs = rng.standard_normal((a.shape[1], directions)).astype(np.float32)
        dirs /= np.linalg.norm(dirs, axis=0, keepdims=True)
        pa, pb = np.sort(a @ dirs, axis=0), np.sort(b @ dirs, axis=0)
        results.append(np.abs(pa - pb).mean())
    return float(np.mean(results) * 1e3)


def _normalised(desc: np.ndarray) -> np.ndarray:
    per_channel = desc.reshape(len(desc), -1, 3)
    mean = per_channel.mean(axis=(0, 1), keepdims=True)
    std = per_channel.std(axis=(0, 1), keepdims=True) + 1e-8
    return ((per_channel - mean) / std).reshape(len(desc), -1).astype(np.float32)


def picture_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean ΔE76 between two pictures at 1/8 size: how different they look, texture aside."""
    h, w, _ = a.shape
    size = (max(1, w // 8), max(1, h // 8))
    small = [lab(cv2.resize(x, size, interpolation=cv2.INTER_AREA)) for x in (a, b)]
    return float(np.linalg.norm(small[0] - small[1], axis=-1).mean())


def locality(before: np.ndarray, after: np.ndarray, region: np.ndarray, grow: int) -> float | None:
    """Share of the change (sum of |Δ|) inside `region` dilated by `grow` px; None if nothing
    changed."""
    change = np.abs(after.astype(np.float32) - before.astype(np.float32)).sum(axis=-1)
    total = float(change.sum())
    if total < 1e-6:
        return None
    kernel = np.ones((2 * grow + 1, 2 * grow + 1), np.uint8)
    grown = cv2.dilate(region.astype(np.uint8), kernel).astype(bool)
    return float(change[grown].sum() / total)


class ConfusionIoU:
    """Per-class intersection and union accumulated over a whole set."""

    def __init__(self, num_classes: int) -> None:
        self.num_classes = num_classes
        self.matrix = np.zeros((num_classes, num_classes), np.int64)

    def add(self, predicted: np.ndarray, target: np.ndarray) -> None:
        k = self.num_classes
        idx = target.astype(np.int64).ravel() * k + predicted.astype(np.int64).ravel()
        self.matrix += np.bincount(idx, minlength=k * k).reshape(k, k)

    def mean(self) -> float:
        inter = np.diag(self.matrix).astype(np.float64)
        union = self.matrix.sum(0) + self.matrix.sum(1) - inter
        seen = union > 0
        return float((inter[seen] / union[seen]).mean()) if seen.any() else float("nan")
