"""Looks from the command line: `render --look`, `batch --looks all|a,b` (a project's locked
classes keep their style), and clear errors for unknown looks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.cli import main
from casa_studio.core.commands import SetLocked, SetStyles
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.core.styles import SourceKind, StyleSource
from casa_studio.engine.service import InferenceService
from casa_studio.persistence.project import ModelRef, save_project


def _labels(path: Path) -> Path:
    labels = np.zeros((32, 32), np.uint8)
    labels[16:] = 2
    labels[:, 20:] = 3
    Image.fromarray(labels, "L").save(path)
    return path


def test_render_look_uses_the_looks_tokens(
    looks_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    labels = _labels(tmp_path / "l.png")
    out = tmp_path / "night.png"
    args = ["render", "--model", str(looks_folder), "--labels", str(labels), "--device", "cpu"]
    assert main([*args, "--precision", "fp32", "--look", "night", "-o", str(out)]) == 0
    assert "look night" in capsys.readouterr().out
    assert main([*args, "-o", str(tmp_path / "default.png")]) == 0
    assert "default look (clear day)" in capsys.readouterr().out
    service = InferenceService.load(looks_folder, "cpu", "fp32")
    ids = np.asarray(Image.open(labels)).astype(np.int64)
    expected = service.render(
        ids, service.styles.look_styles("night").tokens
    )  # the model's default
    assert np.array_equal(np.asarray(Image.open(out)), expected)
    assert main([*args, "--look", "noon", "-o", str(tmp_path / "x.png")]) == 2
    assert "no look 'noon'" in capsys.readouterr().err
    assert main([*args, "--look", "night", "--seed", "3", "-o", str(tmp_path / "y.png")]) == 2
    assert "--seed-classes" in capsys.readouterr().err


def test_batch_over_all_looks_and_chosen_ones(
    looks_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    _labels(src / "a.png")
    palette = Palette.from_entries([(i, f"class_{i}", (i, i, i)) for i in range(4)])
    doc = Document.from_labels(palette, np.asarray(Image.open(src / "a.png")))
    own = np.full((1, 8 * 2), 0.5, np.float32)  # tiny token_dim: style_dim 8 x 2 levels
    doc.execute(SetStyles((3,), (StyleSource.stored(SourceKind.MIXED, "", own),)))
    doc.execute(SetLocked((3,), True))
    save_project(src / "p.casa", doc, ModelRef("tiny"))
    out = tmp_path / "out"
    base = ["batch", str(src), "-o", str(out), "--model", str(looks_folder), "--device", "cpu"]
    assert main([*base, "--looks", "all"]) == 0
    assert "6 images written" in capsys.readouterr().out
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        f"{s}_{v}.png" for s in ("a", "p") for v in ("clear-day", "golden-hour", "night")
    )
    meta = json.loads(Image.open(out / "a_golden-hour.png").info["casa:recipe"])
    assert meta["styles"] == "look golden hour"
    # the locked class keeps the project's own style: its pixels differ from the plain map's
    plain, locked = (np.asarray(Image.open(out / f"{s}_night.png")) for s in ("a", "p"))
    assert not np.array_equal(plain, locked)
    assert main([*base, "--looks", "night,golden-hour", "-o", str(tmp_path / "two")]) == 0
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == [
        "a_golden-hour.png",
        "a_night.png",
        "p_golden-hour.png",
        "p_night.png",
    ]
    assert main([*base, "--looks", "dawn"]) == 2
    assert "unknown look(s) dawn (known: clear day, golden hour, night)" in capsys.readouterr().err


def test_models_info_lists_the_looks(looks_folder: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["models", "info", str(looks_folder)]) == 0
    assert "looks: clear day, golden hour, night" in capsys.readouterr().out
