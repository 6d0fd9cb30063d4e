"""Per-class colour distances in CIELAB (engine.colour_match) and the real-photo set's own
label maps (bench/real_photos)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from casa_studio.engine.colour_match import class_distances, directions, lab, sliced_wasserstein
from casa_studio.persistence.images import read_labels

SET = Path(__file__).parents[2] / "bench" / "real_photos"
PALETTE = Path(__file__).parents[2] / "models" / "landscape-slim" / "palette.json"


def test_lab_of_white_and_black() -> None:
    rgb = torch.tensor([[[[1.0]], [[1.0]], [[1.0]]], [[[0.0]], [[0.0]], [[0.0]]]])
    out = lab(rgb)[:, :, 0, 0]
    assert torch.allclose(out[0], torch.tensor([100.0, 0.0, 0.0]), atol=0.1)
    assert torch.allclose(out[1], torch.zeros(3), atol=0.1)


def test_sliced_wasserstein_is_zero_for_the_same_colours_and_grows_with_a_shift() -> None:
    a = torch.rand(500, 3) * 50
    dirs = directions()
    assert float(sliced_wasserstein(a, a[torch.randperm(500)], dirs)) < 1e-4
    shift = torch.tensor([10.0, 0.0, 0.0])
    near = float(sliced_wasserstein(a, a + shift, dirs))
    far = float(sliced_wasserstein(a, a + 2 * shift, dirs))
    assert 3.0 < near < 10.0 and abs(far - 2 * near) < 0.1


def test_class_distances_per_class_skip_unlabelled_pixels() -> None:
    photo = np.zeros((8, 8, 3), np.uint8)
    photo[:, 4:] = (200, 60, 20)
    render = photo.copy()
    render[:4, :4] = 255  # wrong only where nothing is labelled
    render[:, 4:] = (20, 60, 200)  # class 1 is blue instead of orange
    labels = np.zeros((8, 8), np.uint8)
    labels[:, 4:] = 1
    labels[:4, :4] = 255
    out = class_distances(photo, render, labels)
    assert set(out) == {0, 1}
    assert out[0] < 1e-4 and out[1] > 20


def test_real_photo_set_lists_a_label_map_of_model_ids_for_each_photo() -> None:
    manifest = json.loads((SET / "manifest.json").read_text())
    classes = len(json.loads(PALETTE.read_text())["classes"])
    assert len(manifest["photos"]) >= 6
    for photo in manifest["photos"]:
        assert photo["package"] and photo["licence"] and photo["path"].startswith("/usr/share/")
        labels = read_labels(SET / f"{photo['name']}.png")
        assert labels.shape == (manifest["size"],) * 2
        ids = set(np.unique(labels).tolist()) - {255}
        assert ids and max(ids) < classes
