"""`casa-studio export`: a project rendered with the model, written as an image (optionally
upscaled, and said so) or as layers, with no display."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from psd_tools import PSDImage

from casa_studio.cli import main
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.persistence.project import ModelRef, save_project

ROOT = Path(__file__).resolve().parents[2]


def _project(path: Path) -> Path:
    palette = Palette.from_entries(
        [(i, f"class_{i}", (i * 60, 40, 200 - i * 50)) for i in range(4)]
    )
    doc = Document.new(palette, (32, 32), fill=1)
    doc.layers[1].pixels[16:, :] = 2
    doc.layers[1].name = "river"
    save_project(path, doc, ModelRef("tiny"))
    return path


def test_export_writes_images_with_the_recipe_and_says_when_it_upscales(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    project = _project(tmp_path / "p.casa")
    base = ["export", str(project), "--model", str(tiny_folder), "--device", "cpu"]
    assert main([*base, "-o", str(tmp_path / "a.png")]) == 0
    image = Image.open(tmp_path / "a.png")
    assert image.size == (32, 32)
    made = json.loads(image.info["casa:recipe"])
    assert made["model"] == "tiny" and set(made["styles"]) == {"class_1", "class_2"}
    assert main([*base, "-o", str(tmp_path / "big.webp"), "--size", "80"]) == 0
    assert Image.open(tmp_path / "big.webp").size == (80, 80)
    out = capsys.readouterr().out
    assert "upscaled 2.5x to 80x80 with Lanczos (not generated)" in out
    assert main([*base, "-o", str(tmp_path / "big.ora"), "--size", "64"]) == 2
    assert main([*base, "-o", str(tmp_path / "small.png"), "--size", "16"]) == 2
    assert main([*base, "-o", str(tmp_path / "x.tiff")]) == 2
    err = capsys.readouterr().err
    assert "enlarges images only" in err and "must be from 32" in err and "choose .png" in err
    assert not (tmp_path / "big.ora").exists()


def test_export_writes_layers(tiny_folder: Path, tmp_path: Path) -> None:
    project = _project(tmp_path / "p.casa")
    base = ["export", str(project), "--model", str(tiny_folder), "--device", "cpu"]
    assert main([*base, "-o", str(tmp_path / "p.ora")]) == 0
    with zipfile.ZipFile(tmp_path / "p.ora") as ora:
        root = ET.fromstring(ora.read("stack.xml")).find("stack")
        assert root is not None
        assert [child.get("name") for child in root] == ["render", "labels"]
        assert [layer.get("name") for layer in root[1]] == ["river", "Background", "colour mask"]


@pytest.mark.slow
def test_export_runs_without_a_display(tiny_folder: Path, tmp_path: Path) -> None:
    project = _project(tmp_path / "p.casa")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PYTHONPATH"] = str(ROOT)
    code = (
        "import sys\nfrom casa_studio.cli import main\n"
        f"code = main(['export', {str(project)!r}, '-o', {str(tmp_path / 'p.psd')!r}, "
        f"'--model', {str(tiny_folder)!r}, '--device', 'cpu'])\n"
        "print('QT', 'PySide6' in sys.modules)\nraise SystemExit(code)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert "QT False" in out.stdout
    psd = PSDImage.open(tmp_path / "p.psd")
    group, render = list(psd)
    assert render.name == "render" and render.visible and not group.visible
    assert [layer.name for layer in group] == ["colour mask", "Background", "river"]
    assert np.asarray(render.topil()).shape[:2] == (32, 32)
