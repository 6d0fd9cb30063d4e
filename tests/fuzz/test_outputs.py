"""No output ever lands on an input: `render` and `batch` asked to write over a label map, a
style image or a source (by its own path, a symlink or a hard link) refuse in one line and
leave every input as it was."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.cli import main
from casa_studio.engine.batch import render_many
from casa_studio.engine.service import InferenceService
from tests.fuzz.harness import Reported, attempt, check
from tests.fuzz.hostile import SIZE


@pytest.fixture
def labels(tmp_path: Path) -> Path:
    ids = np.zeros(SIZE, np.uint8)
    ids[16:] = 2
    Image.fromarray(ids, "L").save(tmp_path / "L.png")
    return tmp_path / "L.png"


def _cli(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    if code == 2:
        raise Reported(err.removeprefix("casa-studio: error: "))
    assert code == 0, err


def test_render_never_writes_onto_an_input(
    fuzz_model: Path, labels: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    photo = tmp_path / "S.png"
    Image.fromarray(np.full((*SIZE, 3), 90, np.uint8), "RGB").save(photo)
    os.link(labels, tmp_path / "hard.png")
    (tmp_path / "soft.png").symlink_to(labels)
    base = ["render", "--model", str(fuzz_model), "--labels", str(labels), "--device", "cpu"]
    style = ["--style-image", str(photo), "--style-labels", str(labels)]
    attempts = {
        "labels as output": [*base, "-o", str(labels)],
        "style image as output": [*base, *style, "-o", str(photo)],
        "hard link of the labels": [*base, "-o", str(tmp_path / "hard.png")],
        "symlink to the labels": [*base, "-o", str(tmp_path / "soft.png")],
        "a variant onto the labels": [
            *base,
            "--seed",
            "1",
            "--count",
            "2",
            "-o",
            str(tmp_path / "L"),
        ],
    }
    os.link(labels, tmp_path / "L_seed1.png")  # what the first variant of `-o L` would be named
    for name, argv in attempts.items():
        outcome = attempt("render onto an input", lambda a=argv: _cli(a, capsys), [labels, photo])
        check(outcome, False)
        assert "never overwritten" in outcome.message, (name, outcome.message)
    check(
        attempt("render", lambda: _cli([*base, "-o", str(tmp_path / "out.png")], capsys), [labels]),
        True,
    )


def test_batch_never_writes_onto_a_source(fuzz_model: Path, labels: Path, tmp_path: Path) -> None:
    """Rendered into its own folder, `L.png`'s first image would be `L_seed1.png`: a source."""
    clash = tmp_path / "L_seed1.png"
    clash.write_bytes(labels.read_bytes())
    service = InferenceService.load(fuzz_model, "cpu")
    summary = render_many(service, [labels, clash], tmp_path)
    assert [p.name for p in summary.written] == ["L_seed1_seed1.png"]
    assert len(summary.failures) == 1 and "never overwritten" in summary.failures[0]
    assert clash.read_bytes() == labels.read_bytes()
