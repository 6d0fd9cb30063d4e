"""`--batch-size` of `batch` and `render --count`: several images per forward pass, the same
pictures as one by one."""

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


@pytest.mark.parametrize("command", ["batch", "render"])
def test_batch_size_must_be_positive(command: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main([command, "x.png", "-o", "out", "--labels", "x.png", "--batch-size", "0"])
    assert "--batch-size: must be a whole number from 1, got '0'" in capsys.readouterr().err


def _render(tiny_folder: Path, labels: Path, out: Path, *extra: str) -> int:
    args = ["render", "--model", str(tiny_folder), "--labels", str(labels), "-o", str(out)]
    return main([*args, "--device", "cpu", "--precision", "fp32", *extra])


def test_render_count_writes_one_picture_per_seed_in_batches(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    labels = tmp_path / "labels.png"
    Image.fromarray(np.kron([[0, 1], [2, 3]], np.ones((16, 16))).astype(np.uint8), "L").save(labels)
    out = tmp_path / "v.png"
    assert (
        _render(tiny_folder, labels, out, "--seed", "5", "--count", "3", "--batch-size", "2") == 0
    )
    assert "3 images v_seed5.png … v_seed7.png on cpu (fp32)" in capsys.readouterr().out
    for seed in (5, 6, 7):
        single = tmp_path / f"single{seed}.png"
        assert _render(tiny_folder, labels, single, "--seed", str(seed)) == 0
        batched = np.asarray(Image.open(tmp_path / f"v_seed{seed}.png"), int)
        assert np.abs(batched - np.asarray(Image.open(single), int)).max() <= 1
    assert not np.array_equal(
        np.asarray(Image.open(tmp_path / "v_seed5.png")),
        np.asarray(Image.open(tmp_path / "v_seed6.png")),
    )
    assert _render(tiny_folder, labels, out, "--count", "2") == 2
    assert "--count N needs --seed" in capsys.readouterr().err
