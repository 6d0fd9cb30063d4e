"""Painting procedural label maps: one global scene style (time of day, season) colours every
class coherently, and per-class textures (noise, gradients, shading) give detail."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from casa_studio.data.noise import fbm2d, streaks
from casa_studio.data.world_layout import (
    BUSH,
    CLOUD,
    FLOWER,
    GRASS,
    MOUNTAIN,
    ROCK,
    SAND,
    SKY,
    SNOW,
    TREE,
    WATER,
)

TIMES = {  # sky top, sky at the horizon, light colour
    "day": ((60, 120, 215), (175, 210, 240), (1.0, 1.0, 1.0)),
    "golden": ((70, 90, 165), (250, 170, 95), (1.15, 0.88, 0.68)),
    "dusk": ((30, 30, 85), (205, 95, 110), (0.78, 0.58, 0.7)),
    "night": ((6, 10, 32), (32, 42, 85), (0.32, 0.36, 0.58)),
    "overcast": ((148, 152, 162), (192, 192, 198), (0.86, 0.88, 0.92)),
}
SEASONS = {  # grass, tree, bush
    "spring": ((115, 195, 75), (70, 150, 65), (90, 165, 80)),
    "summer": ((85, 155, 50), (30, 100, 35), (45, 120, 45)),
    "autumn": ((160, 145, 65), (195, 95, 30), (170, 120, 40)),
    "winter": ((210, 214, 222), (40, 62, 48), (120, 125, 120)),
}
FLOWER_COLOURS = ((235, 80, 160), (250, 215, 60), (150, 90, 210), (245, 245, 245), (230, 60, 50))


@dataclass(frozen=True, slots=True)
class SceneStyle:
    """The global look of one image."""

    time: str
    season: str
    flower: tuple[int, int, int]

    @classmethod
    def sample(cls, rng: np.random.Generator) -> SceneStyle:
        time = rng.choice(list(TIMES), p=[0.4, 0.2, 0.12, 0.1, 0.18])
        season = rng.choice(list(SEASONS))
        return cls(str(time), str(season), FLOWER_COLOURS[int(rng.integers(len(FLOWER_COLOURS)))])


def _rgb(c: tuple[int, ...]) -> np.ndarray:
    return np.asarray(c, np.float32) / 255.0


def _textured(
    rng: np.random.Generator, shape: tuple[int, int], colour: np.ndarray, base: int, amp: float
) -> np.ndarray:
    n = fbm2d(rng, *shape, base=base, octaves=4)
    return colour[None, None] * (1.0 + amp * (n[..., None] - 0.5))


def _volume(mask: np.ndarray, depth_px: float) -> np.ndarray:
    """0 at a region's edge rising to 1 inside: rounded shading for trees, rocks, clouds."""
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 3)
    return np.clip(dist / depth_px, 0.0, 1.0)


def _sky(style: SceneStyle, h: int, w: int, horizon: int) -> np.ndarray:
    top, bottom, _ = TIMES[style.time]
    t = np.clip(np.arange(h, dtype=np.float32) / max(horizon, 1), 0, 1)[:, None, None] ** 1.3
    return (1 - t) * _rgb(top)[None, None] + t * _rgb(bottom)[None, None] * np.ones((1, w, 1))


def _class_layers(
    labels: np.ndarray, style: SceneStyle, rng: np.random.Generator, sky: np.ndarray, horizon: int
) -> dict[int, np.ndarray]:
    h, w = labels.shape
    grass_c, tree_c, bush_c = (_rgb(c) for c in SEASONS[style.season])
    yy = np.arange(h, dtype=np.float32)[:, None, None]
    blades = streaks(rng, w, h, 12).T[..., None]  # vertical blade streaks
    grass = _textured(rng, (h, w), grass_c, 24, 0.45) * (0.85 + 0.3 * blades)
    grass *= 0.8 + 0.35 * np.clip((yy - horizon) / max(h - horizon, 1), 0, 1)
    ripples = streaks(rng, h, w, 24)[..., None]
    mirror = sky[np.clip(2 * horizon - np.arange(h), 0, h - 1)]
    water = 0.55 * mirror + 0.45 * _rgb((30, 70, 115)) * (0.7 + 0.6 * ripples)
    light_side = fbm2d(rng, h, w, base=8, octaves=3)[..., None]
    return {
        SKY: sky,
        CLOUD: _rgb((238, 238, 244))
        * (0.75 + 0.25 * sky / sky.max())
        * (0.85 + 0.3 * fbm2d(rng, h, w, 8, 4)[..., None]),
        MOUNTAIN: _textured(rng, (h, w), _rgb((108, 102, 118)), 16, 0.35)
        * (0.75 + 0.5 * light_side),
        SNOW: _textured(rng, (h, w), _rgb((246, 248, 255)), 16, 0.12) * (0.85 + 0.2 * light_side),
        ROCK: _textured(rng, (h, w), _rgb((104, 98, 92)), 20, 0.7),
        TREE: _textured(rng, (h, w), tree_c, 32, 0.7),
        GRASS: grass,
        WATER: water,
        SAND: _textured(rng, (h, w), _rgb((222, 200, 150)), 48, 0.18),
        BUSH: _textured(rng, (h, w), bush_c, 32, 0.6),
        FLOWER: _textured(rng, (h, w), _rgb(style.flower), 64, 0.3),
    }


def find_horizon(labels: np.ndarray) -> int:
    """First row that is mostly ground (grass, water, sand, flowers, bushes)."""
    ground = np.isin(labels, (GRASS, WATER, SAND, FLOWER, BUSH)).mean(axis=1)
    rows = np.nonzero(ground > 0.3)[0]
    return int(rows[0]) if rows.size else labels.shape[0]


def paint(labels: np.ndarray, style: SceneStyle, rng: np.random.Generator) -> np.ndarray:
    """Render a label map to an RGB uint8 image in `style`."""
    h, w = labels.shape
    horizon = find_horizon(labels)
    sky = _sky(style, h, w, horizon)
    layers = _class_layers(labels, style, rng, sky, horizon)
    image = np.zeros((h, w, 3), np.float32)
    for cls, layer in layers.items():
        mask = labels == cls
        if not mask.any():
            continue
        if cls in (TREE, BUSH, ROCK, CLOUD):
            layer = layer * (0.6 + 0.5 * _volume(mask, 6.0 if cls != CLOUD else 14.0))[..., None]
        image[mask] = layer[mask]
    # Aerial perspective: distant land fades toward the horizon colour.
    yy = np.arange(h, dtype=np.float32)[:, None, None]
    haze = np.clip(1.0 - np.abs(yy - horizon) / (0.35 * h), 0, 1) ** 2 * 0.45
    land = (labels != SKY) & (labels != CLOUD)
    image = np.where(
        land[..., None], (1 - haze) * image + haze * sky[horizon - 1 if horizon else 0], image
    )
    image *= np.asarray(TIMES[style.time][2], np.float32)[None, None]
    image += rng.normal(0, 0.012, image.shape).astype(np.float32)  # fine grain
    return (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)
