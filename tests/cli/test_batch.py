"""`casa-studio batch`: seeds, style references, projects, and a failing item."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.cli import main
from casa_studio.core.commands import SetStyles
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.core.styles import SourceKind, StyleSource
from casa_studio.persistence.project import ModelRef, save_project


def _labels(path: Path, value: int) -> Path:
    labels = np.zeros((32, 32), np.uint8)
    labels[:, 16:] = value
    Image.fromarray(labels, "L").save(path)
    return path


def test_batch_renders_seeds_and_reports_a_bad_item(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    _labels(src / "a.png", 1)
    _labels(src / "b.png", 2)
    (src / "broken.png").write_bytes(b"junk")
    palette = Palette.from_entries([(i, f"class_{i}", (i, i, i)) for i in range(4)])
    doc = Document.new(palette, (32, 32), fill=3)
    # a random style is kept as its seed: the engine derives its token
    doc.execute(SetStyles((3,), (StyleSource(SourceKind.RANDOM, 42),)))
    save_project(src / "p.casa", doc, ModelRef("tiny"))
    out = tmp_path / "out"
    code = main(
        [
            "batch",
            str(src),
            "-o",
            str(out),
            "--model",
            str(tiny_folder),
            "--seeds",
            "3",
            "--device",
            "cpu",
        ]
    )
    assert code == 1  # one failure
    printed = capsys.readouterr().out
    assert "9 images written" in printed and "failed: broken.png" in printed
    names = sorted(p.name for p in out.iterdir())
    assert "a_seed1.png" in names and "b_seed3.png" in names
    assert {"p_seed1.png", "p_seed2.png", "p_seed3.png"} <= set(names)  # three random looks
    assert (
        main(["batch", str(src / "p.casa"), "-o", str(out), "--model", str(tiny_folder), "--own"])
        == 0
    )
    own = json.loads(Image.open(out / "p_own.png").text["casa:recipe"])
    assert own["styles"] == "project"
    recipe = json.loads(Image.open(out / "a_seed2.png").text["casa:recipe"])
    assert recipe["styles"] == "random seed 2" and recipe["source"] == "a.png"
    assert not np.array_equal(
        np.asarray(Image.open(out / "a_seed1.png")), np.asarray(Image.open(out / "a_seed2.png"))
    )


def test_batch_with_style_references(tiny_folder: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs"
    (refs / "images").mkdir(parents=True)
    (refs / "labels").mkdir()
    for name in ("r1", "r2"):
        Image.fromarray(
            np.random.default_rng(len(name)).integers(0, 256, (32, 32, 3), dtype=np.uint8)
        ).save(refs / "images" / f"{name}.png")
        _labels(refs / "labels" / f"{name}.png", 1)
    out = tmp_path / "out"
    args = [
        "batch",
        str(_labels(tmp_path / "x.png", 1)),
        "-o",
        str(out),
        "--model",
        str(tiny_folder),
        "--styles",
        str(refs),
    ]
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == ["x_r1.png", "x_r2.png"]


def test_batch_naming_pattern(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    src = _labels(tmp_path / "x.png", 1)
    base = ["batch", str(src), "--model", str(tiny_folder), "--seeds", "2", "--device", "cpu"]
    assert main([*base, "-o", str(tmp_path / "o"), "--name", "shot-{n:03d}"]) == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["shot-001.png", "shot-002.png"]
    assert main([*base, "-o", str(tmp_path / "bad"), "--name", "{source}"]) == 2
    assert "must give each file its own name" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()
