"""`casa-studio batch --batch-size`: several images per forward pass, same files as one by one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.cli import main


def _batch(tiny_folder: Path, src: Path, out: Path, *extra: str) -> int:
    args = ["batch", str(src), "-o", str(out), "--model", str(tiny_folder), "--seeds", "3"]
    return main([*args, "--device", "cpu", *extra])


def test_batch_size_gives_the_same_images(tiny_folder: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for value in (1, 2):
        labels = np.zeros((32, 32), np.uint8)
        labels[:, 12:] = value
        Image.fromarray(labels, "L").save(src / f"l{value}.png")
    assert _batch(tiny_folder, src, tmp_path / "one", "--batch-size", "1") == 0
    assert _batch(tiny_folder, src, tmp_path / "four", "--batch-size", "4") == 0
    one = sorted((tmp_path / "one").iterdir())
    four = sorted((tmp_path / "four").iterdir())
    assert [p.name for p in one] == [p.name for p in four] and len(one) == 6
    for a, b in zip(one, four, strict=True):
        diff = np.abs(np.asarray(Image.open(a), int) - np.asarray(Image.open(b), int))
        assert diff.max() <= 1


def test_batch_size_must_be_positive(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert _batch(tiny_folder, tmp_path, tmp_path / "out", "--batch-size", "0") == 2
    assert "--batch-size must be at least 1, got 0" in capsys.readouterr().err
