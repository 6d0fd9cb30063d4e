"""Dataset layouts, joint transforms and the dataset check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.data.check import check_dataset
from casa_studio.data.dataset import PairedDataset, list_pairs, read_class_names
from casa_studio.data.errors import DataError
from casa_studio.data.transforms import JointTransform


def _pair(folder: Path, name: str, labels: np.ndarray, ext: str = ".png") -> None:
    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "labels").mkdir(parents=True, exist_ok=True)
    # The image encodes the label id in its red channel, so alignment is checkable.
    rgb = np.stack([labels * 40, np.zeros_like(labels), np.zeros_like(labels)], -1).astype(np.uint8)
    Image.fromarray(rgb).save(folder / "images" / f"{name}{ext}")
    Image.fromarray(labels.astype(np.uint8), "L").save(folder / "labels" / f"{name}.png")


def _labels(seed: int, size: int = 64) -> np.ndarray:
    coarse = np.random.default_rng(seed).integers(0, 4, (8, 8))
    return np.kron(coarse, np.ones((size // 8, size // 8), np.int64))


def test_paired_folder_natural_order_and_unpaired(tmp_path: Path) -> None:
    for name in ("img10", "img2", "img1"):
        _pair(tmp_path, name, _labels(0))
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / "labels" / "orphan.png")
    listing = list_pairs(tmp_path)
    assert [p.name for p in listing.pairs] == ["img1", "img2", "img10"]
    assert [p.name for p in listing.unpaired] == ["orphan.png"]


def test_celebamask_and_ade20k_layouts(tmp_path: Path) -> None:
    _pair(tmp_path / "celeba" / "train", "0", _labels(0), ".jpg")
    _pair(tmp_path / "celeba" / "test", "1", _labels(1), ".jpg")
    assert [p.name for p in list_pairs(tmp_path / "celeba", split="test").pairs] == ["1"]
    ade = tmp_path / "ade" / "images" / "training"
    ade.mkdir(parents=True)
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(ade / "ADE_train_00000001.jpg")
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(ade / "ADE_train_00000001.png")
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(ade / "ADE_val_00000001.png")
    listing = list_pairs(tmp_path / "ade", layout="ade20k")
    assert [p.name for p in listing.pairs] == ["ADE_train_00000001"]


def test_missing_folders_are_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="dataset folder not found"):
        list_pairs(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no images/ and labels/"):
        list_pairs(tmp_path / "empty")
    with pytest.raises(DataError, match="no image/label pairs"):
        PairedDataset([], 4, JointTransform())


def test_train_transform_crops_and_flips_image_and_labels_together(tmp_path: Path) -> None:
    for i in range(4):
        _pair(tmp_path, f"{i}", _labels(i, 64))
    ds = PairedDataset(
        list_pairs(tmp_path).pairs, 4, JointTransform(crop_size=32, load_size=40, seed=1)
    )
    for epoch in (0, 1):
        ds.epoch = epoch
        for i in range(4):
            item = ds[i]
            assert item["image"].shape == (3, 32, 32) and item["labels"].shape == (32, 32)
            red = ((item["image"][0] + 1) * 127.5).round().long()
            # Interior pixels: bicubic can blur colour edges, labels are nearest; compare where
            # the 3x3 label neighbourhood is uniform.
            lab = item["labels"]
            uniform = (
                (lab[1:-1, 1:-1] == lab[:-2, 1:-1])
                & (lab[1:-1, 1:-1] == lab[2:, 1:-1])
                & (lab[1:-1, 1:-1] == lab[1:-1, :-2])
                & (lab[1:-1, 1:-1] == lab[1:-1, 2:])
            )
            diff = (red[1:-1, 1:-1] - lab[1:-1, 1:-1] * 40).abs()
            assert diff[uniform].max() <= 2
            assert set(lab.unique().tolist()) <= {0, 1, 2, 3}


def test_crops_are_reproducible_and_change_with_the_epoch(tmp_path: Path) -> None:
    _pair(tmp_path, "a", _labels(5, 64))
    ds = PairedDataset(
        list_pairs(tmp_path).pairs, 4, JointTransform(crop_size=32, load_size=64, seed=3)
    )
    first = ds[0]["labels"]
    assert (ds[0]["labels"] == first).all()
    crops = []
    for epoch in range(6):
        ds.epoch = epoch
        crops.append(ds[0]["labels"])
    assert any(not (c == first).all() for c in crops[1:])


def test_test_transform_resizes_labels_nearest(tmp_path: Path) -> None:
    _pair(tmp_path, "a", _labels(6, 64))
    ds = PairedDataset(list_pairs(tmp_path).pairs, 4, JointTransform(crop_size=48, train=False))
    labels = ds[0]["labels"]
    assert labels.shape == (48, 48)
    assert set(labels.unique().tolist()) == set(np.unique(_labels(6, 64)).tolist())


def test_unknown_ids_and_unreadable_files_raise_with_the_file(tmp_path: Path) -> None:
    bad = _labels(0)
    bad[0, 0] = 9
    _pair(tmp_path, "bad", bad)
    ds = PairedDataset(list_pairs(tmp_path).pairs, 4, JointTransform(train=False, crop_size=64))
    with pytest.raises(DataError, match=r"bad.png: class ids \[9\]"):
        ds[0]
    (tmp_path / "images" / "bad.png").write_bytes(b"junk")
    with pytest.raises(DataError, match="bad: unreadable"):
        ds[0]


def test_check_reports_every_problem(tmp_path: Path) -> None:
    _pair(tmp_path, "good", _labels(0))
    bad = _labels(1)
    bad[:2, :5] = 7
    _pair(tmp_path, "unknown", bad)
    _pair(tmp_path, "small", _labels(2))
    Image.fromarray(np.zeros((32, 32), np.uint8)).save(tmp_path / "labels" / "small.png")
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "labels" / "lonely.png")
    (tmp_path / "images" / "broken.png").write_bytes(b"junk")
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "labels" / "broken.png")
    report = check_dataset(tmp_path, 4)
    assert report.pairs == 4 and not report.ok
    assert [p.name for p in report.unpaired] == ["lonely.png"]
    assert report.unknown_ids == {7: 10} and report.unknown_files == ["unknown"]
    assert any("small" in s for s in report.size_mismatches)
    assert any("broken" in s for s in report.unreadable)
    assert "id 7: 10 px" in "\n".join(report.lines())


def test_class_names_file(tmp_path: Path) -> None:
    assert read_class_names(tmp_path) is None
    (tmp_path / "classes.json").write_text(
        '{"classes": [{"id": 0, "name": "sky"}, {"id": 1, "name": "sea"}]}'
    )
    assert read_class_names(tmp_path) == ["sky", "sea"]
    (tmp_path / "classes.json").write_text("{")
    with pytest.raises(DataError, match="classes.json"):
        read_class_names(tmp_path)
