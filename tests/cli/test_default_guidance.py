"""Each model's default attention guidance (config.json `default_locality`) is what `render`
and `batch` use without `--locality`: a guided model's trained value, and 0 for an imported
official checkpoint, whose renders are then the authors' forward within 1 grey level."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from casa_studio.cli import main
from casa_studio.engine.device import cpu_runs_bf16_natively
from casa_studio.engine.service import InferenceService
from tests.model.official_layout import official_layout, papers_forward, synthesize_vivid


def _labels(path: Path, size: int, classes: int) -> np.ndarray:
    rng = np.random.default_rng(4)
    labels = np.zeros((size, size), np.uint8)
    for c in range(classes):
        y, x = rng.integers(0, size - size // 4, 2)
        labels[y : y + size // 4, x : x + size // 4] = c
    Image.fromarray(labels, "L").save(path)
    return labels


def _png(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(np.int64)


def test_render_and_batch_use_the_models_default_guidance(
    guided_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    labels = _labels(tmp_path / "l.png", 32, 4)
    model = ["--model", str(guided_folder), "--device", "cpu"]
    rendered = ["render", *model, "--precision", "fp32", "--labels", str(tmp_path / "l.png")]
    assert main([*rendered, "-o", str(tmp_path / "r.png")]) == 0
    assert "locality 2.5" in capsys.readouterr().out
    assert main(["batch", str(tmp_path / "l.png"), "--own", "-o", str(tmp_path / "b"), *model]) == 0
    service = InferenceService.load(guided_folder, "cpu", "fp32")
    tokens = service.styles.typical_styles().tokens
    guided = service.render(labels.astype(np.int64), tokens, locality=2.5)
    assert not np.array_equal(guided, service.render(labels.astype(np.int64), tokens, locality=0))
    assert np.array_equal(_png(tmp_path / "r.png"), guided)
    assert np.array_equal(_png(tmp_path / "b" / "l_typical.png"), guided)
    assert main(["models", "info", str(guided_folder)]) == 0
    assert "default attention guidance: 2.5\n" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.skipif(cpu_runs_bf16_natively(), reason="auto precision is bf16 on this CPU")
def test_an_imported_official_checkpoint_renders_the_papers_forward_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    torch.set_num_threads(1)
    state = synthesize_vivid(official_layout())
    torch.save(state, tmp_path / "latest_net_G.pth")
    folder = tmp_path / "official"
    imported = ["models", "import-official", str(tmp_path / "latest_net_G.pth")]
    assert main([*imported, "--dataset", "celebamask-hq", "-o", str(folder)]) == 0
    assert main(["models", "info", str(folder)]) == 0
    assert "default attention guidance: 0 (the paper's forward)" in capsys.readouterr().out
    assert "default attention guidance: 0" in (folder / "MODEL_CARD.md").read_text()
    labels = _labels(tmp_path / "face.png", 256, 19)
    model = ["--model", str(folder), "--device", "cpu"]
    out = tmp_path / "face_out.png"
    rendered = ["render", *model, "--labels", str(tmp_path / "face.png")]
    assert main([*rendered, "-o", str(out)]) == 0
    batch = ["batch", str(tmp_path / "face.png"), "--own", "-o", str(tmp_path / "b"), *model]
    assert main(batch) == 0
    service = InferenceService.load(folder, "cpu", "fp32")
    tokens = service.styles.typical_styles().tokens
    paper = papers_forward(state, labels, tokens, service.config).astype(np.int64)
    assert np.abs(_png(out) - paper).max() <= 1
    assert np.abs(_png(tmp_path / "b" / "face_typical.png") - paper).max() <= 1
    # what the old global default (4) made of it: far from the authors' forward
    guided = service.render(labels.astype(np.int64), tokens, locality=4.0).astype(np.int64)
    assert np.abs(guided - paper).mean() > 20
