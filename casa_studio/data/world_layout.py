"""Procedural landscape label maps: sky, clouds, mountain ranges with snow and rock, ground
with water, beaches, trees, bushes and flowers, with perspective-scaled objects."""

from __future__ import annotations

import cv2
import numpy as np

from casa_studio.data.noise import fbm1d, fbm2d

CLASS_NAMES = (
    "sky",
    "cloud",
    "mountain",
    "snow",
    "rock",
    "tree",
    "grass",
    "water",
    "sand",
    "bush",
    "flower",
)
SKY, CLOUD, MOUNTAIN, SNOW, ROCK, TREE, GRASS, WATER, SAND, BUSH, FLOWER = range(len(CLASS_NAMES))
CLASS_COLORS = (
    (120, 180, 235),
    (235, 235, 245),
    (110, 100, 120),
    (250, 250, 255),
    (90, 85, 80),
    (30, 110, 40),
    (120, 200, 80),
    (40, 90, 200),
    (230, 210, 140),
    (60, 150, 60),
    (230, 80, 160),
)


def _rows_cols(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    return rows, cols


def _mountains(labels: np.ndarray, rng: np.random.Generator, horizon: int) -> None:
    h, w = labels.shape
    yy, _ = _rows_cols(h, w)
    for _ in range(int(rng.integers(0, 3))):
        height = rng.uniform(0.1, 0.38) * h
        ridge = horizon + 2 - height * (0.25 + 0.75 * fbm1d(rng, w, base=int(rng.integers(2, 5))))
        body = (yy >= ridge[None, :]) & (yy < horizon + 2)
        labels[body] = MOUNTAIN
        if rng.random() < 0.7:
            snow_line = horizon - height * rng.uniform(0.55, 0.85)
            wobble = (fbm2d(rng, h, w, base=6, octaves=3) - 0.5) * 0.12 * h
            labels[body & (yy < snow_line + wobble)] = SNOW
        rocky = fbm2d(rng, h, w, base=5, octaves=4) > rng.uniform(0.62, 0.8)
        labels[body & rocky & (labels == MOUNTAIN)] = ROCK


def _clouds(labels: np.ndarray, rng: np.random.Generator, horizon: int) -> None:
    h, w = labels.shape
    yy, _ = _rows_cols(h, w)
    cover = rng.uniform(0.0, 0.45)
    field = fbm2d(rng, h, w, base=int(rng.integers(2, 5)), octaves=5)
    fade = np.clip(1.0 - yy / max(horizon, 1), 0, 1) ** 0.5
    labels[(field * fade > 1.0 - cover) & (labels == SKY)] = CLOUD


def _water(labels: np.ndarray, rng: np.random.Generator, horizon: int) -> np.ndarray:
    h, w = labels.shape
    yy, xx = _rows_cols(h, w)
    kind = rng.choice(["none", "lake", "river", "sea"], p=[0.2, 0.35, 0.25, 0.2])
    if kind == "lake":
        cx, cy = rng.uniform(0.2, 0.8) * w, horizon + rng.uniform(0.1, 0.3) * (h - horizon)
        rx, ry = rng.uniform(0.2, 0.5) * w, rng.uniform(0.08, 0.25) * (h - horizon)
        edge = 1.0 + 0.35 * (fbm2d(rng, h, w, base=3, octaves=3) - 0.5)
        water = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 < edge
    elif kind == "river":
        t = np.clip((yy - horizon) / max(h - horizon, 1), 0, 1)
        centre = w * (0.2 + 0.6 * fbm1d(rng, h, base=2, octaves=3))[:, None]
        water = np.abs(xx - centre) < (0.01 + 0.12 * t) * w
    elif kind == "sea":
        shore = horizon + (0.1 + 0.4 * rng.random()) * (h - horizon) * fbm1d(rng, w, base=2)
        water = yy < shore[None, :]
    else:
        water = np.zeros_like(labels, bool)
    return water & (yy >= horizon)


def _blob(
    labels: np.ndarray, cx: float, cy: float, rx: float, ry: float, cls: int, allowed: np.ndarray
) -> None:
    h, w = labels.shape
    y0, y1 = max(int(cy - ry), 0), min(int(cy + ry) + 1, h)
    x0, x1 = max(int(cx - rx), 0), min(int(cx + rx) + 1, w)
    if y0 >= y1 or x0 >= x1:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1]
    inside = ((xx - cx) / max(rx, 0.5)) ** 2 + ((yy - cy) / max(ry, 0.5)) ** 2 <= 1.0
    region = labels[y0:y1, x0:x1]
    region[inside & allowed[y0:y1, x0:x1]] = cls


def _tree(labels: np.ndarray, rng: np.random.Generator, x: float, y: float, size: float) -> None:
    everywhere = np.ones_like(labels, bool)
    trunk_w, trunk_h = max(size * 0.08, 1), size * 0.35
    cv2.rectangle(
        labels, (int(x - trunk_w), int(y - trunk_h)), (int(x + trunk_w), int(y)), TREE, -1
    )
    if rng.random() < 0.5:  # conifer: stacked triangles
        for k in range(3):
            base = y - trunk_h * 0.6 - k * size * 0.35
            half = size * (0.45 - 0.1 * k)
            pts = np.array([[x - half, base], [x + half, base], [x, base - size * 0.6]], np.int32)
            cv2.fillPoly(labels, [pts], TREE)
    else:  # broadleaf: a few overlapping crowns
        for _ in range(4):
            ox, oy = rng.normal(0, size * 0.15), rng.normal(0, size * 0.1)
            _blob(
                labels,
                x + ox,
                y - trunk_h - size * 0.3 + oy,
                size * 0.35,
                size * 0.3,
                TREE,
                everywhere,
            )


def _ground_objects(labels: np.ndarray, rng: np.random.Generator, horizon: int) -> None:
    h, w = labels.shape
    depth = lambda y: (y - horizon) / max(h - horizon, 1)  # noqa: E731 - 0 at horizon, 1 at bottom
    grass = labels == GRASS
    for _ in range(int(rng.integers(0, 4))):
        y = rng.uniform(horizon, h)
        r = (0.01 + 0.04 * depth(y)) * w
        _blob(labels, rng.uniform(0, w), y, r * 1.4, r, ROCK, grass | (labels == SAND))
    for _ in range(int(rng.integers(0, 6))):
        y = rng.uniform(horizon, h)
        r = (0.015 + 0.05 * depth(y)) * w
        _blob(labels, rng.uniform(0, w), y, r * 1.5, r, BUSH, labels == GRASS)
    if rng.random() < 0.6:
        meadow = (fbm2d(rng, h, w, base=4, octaves=3) > 0.6) & (labels == GRASS)
        dots = rng.random((h, w)) < 0.08
        labels[cv2.dilate((meadow & dots).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = FLOWER
        labels[(labels == FLOWER) & ~meadow] = GRASS
    trees = sorted(rng.uniform(horizon - 2, h, size=int(rng.integers(0, 9))))
    for y in trees:  # far to near, so near trees overlap far ones
        x = rng.uniform(0, w)
        if labels[min(int(y), h - 1), min(int(x), w - 1)] in (GRASS, FLOWER, BUSH):
            _tree(labels, rng, x, y, (0.05 + 0.3 * depth(y)) * h)


def landscape_labels(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """One random landscape label map (uint8 ids into CLASS_NAMES)."""
    labels = np.full((h, w), SKY, np.uint8)
    horizon = int(h * rng.uniform(0.4, 0.65))
    labels[horizon:] = GRASS
    _mountains(labels, rng, horizon)
    _clouds(labels, rng, horizon)
    water = _water(labels, rng, horizon)
    if rng.random() < 0.7 and water.any():
        beach = cv2.dilate(
            water.astype(np.uint8), np.ones((9, 9), np.uint8), iterations=int(rng.integers(1, 3))
        )
        labels[(beach > 0) & (labels == GRASS)] = SAND
    elif rng.random() < 0.15:
        labels[(fbm2d(rng, h, w, base=2, octaves=3) > 0.55) & (labels == GRASS)] = SAND
    labels[water] = WATER
    _ground_objects(labels, rng, horizon)
    return labels
