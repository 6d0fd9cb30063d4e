"""The command line as a user runs it: help, render, models list/info/import-official."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from casa_studio.cli import main
from tests.model.official_layout import official_layout, synthesize


def _write_labels(path: Path, size: int, classes: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, classes, (4, 4)).astype(np.uint8)
    Image.fromarray(np.kron(coarse, np.ones((size // 4, size // 4), np.uint8)), "L").save(path)
    return path


def test_help_loads_neither_torch_nor_qt() -> None:
    code = (
        "import sys\nfrom casa_studio.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "for sub in (['render', '--help'], ['models', '--help']):\n"
        "    try:\n        main(sub)\n    except SystemExit:\n        pass\n"
        "print('LOADED', sorted(m for m in ('torch', 'PySide6') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "usage: casa-studio" in out.stdout
    assert "LOADED []" in out.stdout


def test_module_entry_point_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "casa_studio", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("casa-studio ")


def test_render_with_seed_writes_a_png(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    labels = _write_labels(tmp_path / "labels.png", 32, 4)

    def render(out: Path) -> np.ndarray:
        args = ["render", "--model", str(tiny_folder), "--labels", str(labels), "--seed", "4"]
        assert main([*args, "-o", str(out)]) == 0
        return np.asarray(Image.open(out))

    image = render(tmp_path / "out.png")
    assert image.shape == (32, 32, 3)
    assert "random styles, seed 4" in capsys.readouterr().out
    assert np.array_equal(render(tmp_path / "again.png"), image)


def test_render_with_style_reference_and_resized_inputs(tiny_folder: Path, tmp_path: Path) -> None:
    labels = _write_labels(tmp_path / "labels.png", 64, 4)  # resized (nearest) to 32
    ref_labels = _write_labels(tmp_path / "ref_labels.png", 48, 4, seed=1)
    photo = np.random.default_rng(2).integers(0, 256, (50, 70, 3), dtype=np.uint8)
    Image.fromarray(photo).save(tmp_path / "ref.jpg")
    out = tmp_path / "styled.png"
    args = [
        "render",
        "--model",
        str(tiny_folder),
        "--labels",
        str(labels),
        "--style-image",
        str(tmp_path / "ref.jpg"),
        "--style-labels",
        str(ref_labels),
        "-o",
        str(out),
    ]
    assert main(args) == 0
    assert np.asarray(Image.open(out)).shape == (32, 32, 3)


def test_render_errors_are_one_clear_line(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    labels = _write_labels(tmp_path / "labels.png", 32, 9)
    out = tmp_path / "o.png"
    base = ["render", "--model", str(tiny_folder), "-o", str(out)]
    assert main([*base, "--labels", str(labels)]) == 2
    err = capsys.readouterr().err
    assert "labels.png: class ids unknown to model 'tiny' (0..3): id " in err
    assert "Traceback" not in err and not out.exists()
    assert main([*base, "--labels", str(tmp_path / "none.png")]) == 2
    assert "none.png: file not found" in capsys.readouterr().err
    ok = _write_labels(tmp_path / "ok.png", 32, 4)
    assert main([*base, "--labels", str(ok), "--style-image", str(ok)]) == 2
    assert "no reference segmenter: give the reference's label map" in capsys.readouterr().err
    assert main([*base, "--labels", str(ok), "--seed-classes", "class_1"]) == 2
    assert "--seed-classes needs --seed" in capsys.readouterr().err
    assert main([*base, "--labels", str(ok), "--swap-styles", "class_1,sky"]) == 2
    assert "no class 'sky' in model 'tiny': class_0, class_1" in capsys.readouterr().err
    assert main(["render", "--model", "nonexistent", "--labels", str(ok), "-o", str(out)]) == 2
    assert "no model folder or installed model named 'nonexistent'" in capsys.readouterr().err
    assert main([*base, "--labels", str(ok), "--device", "cuda"]) == (
        0 if torch.cuda.is_available() else 2
    )


def test_models_list_and_info(
    tiny_folder: Path, isolated_user_data: Path, capsys: pytest.CaptureFixture
) -> None:
    shutil.copytree(tiny_folder, isolated_user_data / "models" / "my-tiny")
    assert main(["models", "list"]) == 0
    assert "my-tiny" in capsys.readouterr().out
    assert main(["models", "info", "my-tiny"]) == 0
    info = capsys.readouterr().out
    assert "classes (4): 0 class_0" in info and "mapping network: yes" in info
    assert main(["models", "info", "missing-model"]) == 2


@pytest.mark.slow
def test_import_official_then_render(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    checkpoint = tmp_path / "latest_net_G.pth"
    torch.save(synthesize(official_layout()), checkpoint)
    folder = tmp_path / "celeba"
    assert (
        main(
            [
                "models",
                "import-official",
                str(checkpoint),
                "--dataset",
                "celebamask-hq",
                "-o",
                str(folder),
            ]
        )
        == 0
    )
    assert "19 classes" in capsys.readouterr().out
    labels = _write_labels(tmp_path / "face.png", 256, 19)
    out = tmp_path / "face_out.png"
    assert (
        main(
            [
                "render",
                "--model",
                str(folder),
                "--labels",
                str(labels),
                "--seed",
                "1",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert np.asarray(Image.open(out)).shape == (256, 256, 3)


def test_import_official_refuses_a_foreign_file(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "resnet.pth"
    torch.save({"fc.weight": torch.zeros(2, 2)}, bad)
    assert main(["models", "import-official", str(bad), "-o", str(tmp_path / "x")]) == 2
    assert "resnet.pth: not a CA2-SIS generator" in capsys.readouterr().err


def test_render_recipes_change_exactly_the_chosen_classes(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from casa_studio.engine.service import InferenceService

    labels = np.zeros((32, 32), np.uint8)
    labels[8:16] = 1
    labels[16:24] = 2
    labels[24:] = 3
    Image.fromarray(labels, "L").save(tmp_path / "labels.png")
    ref_labels = np.zeros((32, 32), np.uint8)
    ref_labels[:20] = 2  # class 2 only (and 0)
    Image.fromarray(ref_labels, "L").save(tmp_path / "ref_labels.png")
    photo = np.random.default_rng(3).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    Image.fromarray(photo).save(tmp_path / "ref.png")
    service = InferenceService.load(tiny_folder, "auto")
    base = ["render", "--model", str(tiny_folder), "--labels", str(tmp_path / "labels.png")]
    recipe = [
        "--style-image",
        str(tmp_path / "ref.png"),
        "--style-labels",
        str(tmp_path / "ref_labels.png"),
        "--style-classes",
        "class_2,3",
        "--seed",
        "9",
        "--seed-classes",
        "1",
        "--swap-styles",
        "class_1,class_3",
        "--shape-labels",
        str(tmp_path / "ref_labels.png"),
        "--shape-classes",
        "class_2",
        "--shape-alpha",
        "0.5",
    ]
    assert main([*base, *recipe, "-o", str(tmp_path / "out.png")]) == 0
    printed = capsys.readouterr().out
    assert "reference styles for class_2; not in the reference (kept): class_3" in printed
    assert (
        "seed 9 for class_1; swapped class_1 and class_3; shape of class_2 (alpha 0.5)" in printed
    )
    tokens = service.styles.typical_styles().tokens.copy()
    encoded = service.reference_styles(photo, ref_labels.astype(np.int64))  # fitted, as the CLI
    tokens[2] = encoded.tokens[2]
    # the swap exchanges sources: class_3 takes seed 9 (its own head), class_1 the typical style
    tokens[3] = service.styles.noise_tokens([3], [9])[0]
    from casa_studio.core.shape_edits import ShapeEdit

    expected = service.render(
        labels.astype(np.int64),
        tokens,
        [ShapeEdit(2, ref_labels, 0.5)],
        locality=service.config.default_locality,  # the model's default
    )
    assert np.array_equal(np.asarray(Image.open(tmp_path / "out.png")), expected)
    assert main([*base, "-o", str(tmp_path / "plain.png")]) == 0
    assert not np.array_equal(np.asarray(Image.open(tmp_path / "plain.png")), expected)


def test_render_locality_option_sets_the_attention_guidance(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from casa_studio.engine.service import InferenceService

    labels = _write_labels(tmp_path / "labels.png", 32, 4, seed=2)
    service = InferenceService.load(tiny_folder, "auto")
    ids = np.asarray(Image.open(labels)).astype(np.int64)
    tokens = service.styles.typical_styles().tokens
    base = ["render", "--model", str(tiny_folder), "--labels", str(labels)]
    for g in (0.0, 6.0):
        out = tmp_path / f"g{g}.png"
        assert main([*base, "--locality", str(g), "-o", str(out)]) == 0
        assert f"locality {g:g}" in capsys.readouterr().out
        assert np.array_equal(np.asarray(Image.open(out)), service.render(ids, tokens, locality=g))
    assert not np.array_equal(
        np.asarray(Image.open(tmp_path / "g0.0.png")), np.asarray(Image.open(tmp_path / "g6.0.png"))
    )
    assert main([*base, "--locality", "-1", "-o", str(tmp_path / "bad.png")]) == 2
    assert "locality must be 0 or more" in capsys.readouterr().err


def test_every_subcommand_offers_the_devices_the_engine_resolves() -> None:
    from casa_studio.cli import build_parser
    from casa_studio.cli.options import DEVICE_CHOICES
    from casa_studio.engine.device import DEVICE_CHOICES as ENGINE_DEVICES

    assert DEVICE_CHOICES == ENGINE_DEVICES
    parser = build_parser()
    for argv in (
        ["gui"],
        ["render", "--labels", "x.png", "-o", "y.png"],
        ["batch", "a", "-o", "b"],
    ):
        assert parser.parse_args([*argv, "--device", "cpu"]).device == "cpu"
