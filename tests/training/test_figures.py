"""Each quality figure behaves: sharpness of a blurred copy < 1, duplicates found, an edit
inside one class is fully local, the colour threshold is calibrated, the SWD separates."""

from __future__ import annotations

import cv2
import numpy as np

from casa_studio.data.synthetic import make_scene
from casa_studio.training import figures as fig


def _scene(index: int = 0) -> tuple[np.ndarray, np.ndarray]:
    image, labels, _ = make_scene(2, index, 64)
    return image, labels


def _blur(image: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), 1.5)


def test_high_frequency_power_falls_with_blur() -> None:
    image, _ = _scene()
    real = fig.high_frequency_power(image)
    assert real > 0
    assert fig.high_frequency_power(image.copy()) / real == 1.0
    assert fig.high_frequency_power(_blur(image)) / real < 0.5


def test_texture_energy_is_measured_inside_the_region_only() -> None:
    image, labels = _scene()
    grass = labels == 6
    energy, count = fig.texture_energy(image, grass)
    assert count > 0 and energy > 0
    assert fig.texture_energy(_blur(image), grass)[0] < 0.5 * energy
    outside_changed = image.copy()
    outside_changed[~grass] = 0
    assert np.isclose(fig.texture_energy(outside_changed, grass)[0], energy, rtol=0.05)
    flat = np.full_like(image, 120)
    assert fig.texture_energy(flat, grass)[0] < 1e-9


def test_colour_threshold_is_calibrated_and_far_colours_are_outside() -> None:
    rng = np.random.default_rng(0)
    means = {c: list(rng.normal(20 * c, 2.0, (200, 3))) for c in range(3)}
    reference = fig.ColourReference(means)
    fresh = {c: list(rng.normal(20 * c, 2.0, (400, 3))) for c in range(3)}
    outside = (reference.distances(fresh) > reference.threshold).mean()
    assert 0.01 < outside < 0.1  # about 1 - OUTSIDE_QUANTILE
    far = {1: [np.array([20.0, 60.0, 20.0])]}
    assert reference.distances(far)[0] > reference.threshold
    assert reference.distances({7: [np.zeros(3)]}).size == 0  # a class the reference lacks


def test_class_mean_colours_are_cielab_means_of_each_class() -> None:
    image = np.zeros((8, 8, 3), np.uint8)
    image[:, 4:] = 255
    labels = np.zeros((8, 8), np.int64)
    labels[:, 4:] = 1
    means = fig.class_mean_colours(image, labels)
    assert np.allclose(means[0], [0, 0, 0], atol=0.01)
    assert np.allclose(means[1], [100, 0, 0], atol=0.01)


def test_sliced_wasserstein_is_zero_for_one_set_and_grows_with_blur() -> None:
    rng = np.random.default_rng(0)
    real, other, blurred = [], [], []
    for i in range(16):
        image, _ = _scene(i)
        second, _ = _scene(100 + i)
        real.append(fig.sample_patches(fig.laplacian_levels(image)[0], 128, rng))
        other.append(fig.sample_patches(fig.laplacian_levels(second)[0], 128, rng))
        blurred.append(fig.sample_patches(fig.laplacian_levels(_blur(image))[0], 128, rng))
    real_set = np.concatenate(real)
    assert fig.sliced_wasserstein(real_set, real_set) < 0.01  # rounding only
    real_vs_real = fig.sliced_wasserstein(real_set, np.concatenate(other))
    assert fig.sliced_wasserstein(real_set, np.concatenate(blurred)) > 1.5 * real_vs_real


def test_laplacian_levels_are_full_and_half_size() -> None:
    image, _ = _scene()
    bands = fig.laplacian_levels(image)
    assert [b.shape for b in bands] == [(64, 64, 3), (32, 32, 3)]
    flat = fig.laplacian_levels(np.full((64, 64, 3), 90, np.uint8))
    assert all(np.abs(b).max() < 1e-3 for b in flat)


def test_identical_pictures_are_near_duplicates_and_other_scenes_are_not() -> None:
    image, _ = _scene(0)
    assert fig.picture_distance(image, image.copy()) == 0
    assert fig.picture_distance(image, _scene(1)[0]) > fig.DUPLICATE_DE


def test_locality_is_one_for_an_edit_inside_the_class_and_zero_outside() -> None:
    image, labels = _scene()
    region = labels == 6
    inside = image.copy()
    inside[region] = 255 - inside[region]
    assert fig.locality(image, inside, region, grow=2) == 1.0
    outside = image.copy()
    far = cv2.erode((~region).astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    outside[far] = 0
    assert fig.locality(image, outside, region, grow=2) == 0.0
    assert fig.locality(image, image.copy(), region, grow=2) is None


def test_confusion_miou() -> None:
    target = np.array([[0, 0, 1, 1]])
    iou = fig.ConfusionIoU(3)
    iou.add(target, target)
    assert iou.mean() == 1.0
    iou = fig.ConfusionIoU(3)
    iou.add(np.array([[0, 1, 1, 1]]), target)
    assert np.isclose(iou.mean(), (1 / 2 + 2 / 3) / 2)  # class 2 never seen: not counted
