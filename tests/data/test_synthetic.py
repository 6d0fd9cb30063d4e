"""The procedural world: deterministic, varied, and styled coherently across classes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from casa_studio.data.synthetic import make_scene, synthesize_world
from casa_studio.data.world_layout import CLASS_NAMES, GRASS, SKY, landscape_labels
from casa_studio.data.world_paint import SceneStyle, paint

REQUIRED = {"sky", "cloud", "mountain", "snow", "rock", "tree", "grass", "water", "sand"}


def test_classes_are_named_in_lower_case_and_cover_the_landscape() -> None:
    assert len(CLASS_NAMES) >= 10
    assert set(CLASS_NAMES) >= REQUIRED
    assert all(n == n.lower() for n in CLASS_NAMES)


def test_scenes_are_deterministic_per_seed_and_index() -> None:
    a, la, sa = make_scene(3, 7, 64)
    b, lb, sb = make_scene(3, 7, 64)
    assert np.array_equal(a, b) and np.array_equal(la, lb) and sa == sb
    c, lc, _ = make_scene(3, 8, 64)
    assert not np.array_equal(la, lc) and not np.array_equal(a, c)


def test_scenes_vary_in_layout_and_use_every_class() -> None:
    seen = set()
    for i in range(40):
        labels = landscape_labels(np.random.default_rng(i), 128, 128)
        seen |= set(np.unique(labels).tolist())
        assert labels[0, 64] in (SKY, 1)  # sky or cloud at the top
    assert seen == set(range(len(CLASS_NAMES)))


def test_images_are_textured_not_flat() -> None:
    image, labels, _ = make_scene(0, 1, 128)
    grass = image[labels == GRASS].astype(float)
    assert grass.std(axis=0).mean() > 4.0


def test_one_scene_style_colours_every_class_coherently() -> None:
    labels = landscape_labels(np.random.default_rng(11), 128, 128)
    day = paint(labels, SceneStyle("day", "summer", (250, 215, 60)), np.random.default_rng(0))
    night = paint(labels, SceneStyle("night", "summer", (250, 215, 60)), np.random.default_rng(0))
    golden = paint(labels, SceneStyle("golden", "summer", (250, 215, 60)), np.random.default_rng(0))
    for cls in np.unique(labels):
        mask = labels == cls
        assert night[mask].mean() < day[mask].mean(), CLASS_NAMES[cls]
        warm = golden[mask].astype(float)
        cool = day[mask].astype(float)
        assert (warm[:, 0] - warm[:, 2]).mean() > (cool[:, 0] - cool[:, 2]).mean(), CLASS_NAMES[cls]


def test_world_on_disk_is_the_same_with_one_or_two_workers(tmp_path: Path) -> None:
    calls = []
    synthesize_world(tmp_path / "one", 6, 64, seed=2, workers=1, progress=calls.append)
    synthesize_world(tmp_path / "two", 6, 64, seed=2, workers=2)
    assert len(calls) == 6
    classes = json.loads((tmp_path / "one" / "classes.json").read_text())["classes"]
    assert [c["name"] for c in classes] == list(CLASS_NAMES)
    for name in ("images/000005.png", "labels/000005.png"):
        one = np.asarray(Image.open(tmp_path / "one" / name))
        two = np.asarray(Image.open(tmp_path / "two" / name))
        assert np.array_equal(one, two)
    assert Image.open(tmp_path / "one" / "labels" / "000000.png").mode == "L"
