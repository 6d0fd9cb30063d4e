"""`models evaluate` end to end on a tiny model of the procedural world's classes:
reproducible figures, the real column as ceiling, duplicates, JSON and markdown out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from casa_studio.cli import main
from casa_studio.data.synthetic import world_classes
from casa_studio.engine.service import InferenceService
from casa_studio.model.checkpoint import load_model, save_model
from casa_studio.model.config import ClassSpec, tiny
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.segmenter import Segmenter, SegmenterConfig, save_segmenter
from casa_studio.training.evaluate import EvalOptions, HeldOut, evaluate
from casa_studio.training.figures_table import figures_table

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def world_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    classes = tuple(ClassSpec(c["id"], c["name"], tuple(c["color"])) for c in world_classes())
    torch.manual_seed(0)
    model = CA2SISGenerator(tiny(classes)).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.3)  # strong enough that seeds differ
    folder = save_model(model, tmp_path_factory.mktemp("m") / "tiny-world", card="# t\n").path
    save_segmenter(
        Segmenter(SegmenterConfig(len(classes), width=4, depth=2, input_size=32)), folder
    )
    return folder


def _run(folder: Path, service: object | None = None, **options: object) -> dict:
    service = service or InferenceService.load(folder, "cpu", "fp32")
    scenes, reference = HeldOut(None, 2, 3, 5).scenes(service.config)
    names = [c.name for c in service.config.classes]
    return evaluate(service, names, scenes, reference, EvalOptions(diversity_scenes=2, **options))


@pytest.fixture(scope="module")
def plain(world_model: Path, one_torch_thread: None) -> dict:
    return _run(world_model)


class SameSeedStyles:
    """A model's styles, but every random-style seed gives seed 0's styles."""

    def __init__(self, styles: object) -> None:
        self.inner = styles

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def noise_styles(self, seed: int, labels: np.ndarray | None = None):
        return self.inner.noise_styles(0, labels)


class SameSeed:
    """The service with `SameSeedStyles`."""

    def __init__(self, service: InferenceService) -> None:
        self.service = service
        self.styles = SameSeedStyles(service.styles)

    def __getattr__(self, name: str) -> object:
        return getattr(self.service, name)


def test_figures_are_reproducible_and_real_is_the_reference(world_model: Path, plain: dict) -> None:
    first, again = dict(plain), _run(world_model)
    first.pop("seconds"), again.pop("seconds")
    assert first == again
    real = first["sources"]["real"]
    assert real["high_frequency"] == 1.0
    assert all(v == 1.0 for v in real["texture"].values())
    recon = first["sources"]["reconstruction"]
    for key in ("high_frequency", "semantic_miou", "colours_outside", "swd_32", "swd_16"):
        assert set(first["sources"]) == {"real", "reconstruction", "typical", "random"}
        assert np.isfinite(recon[key])
    assert 0 <= recon["attention_miou"] <= 1
    assert first["scenes"] == 3 and first["reference_scenes"] == 5
    assert first["seed_pairs"] == 2 * 3  # 2 scenes x 3 pairs of seeds
    assert 0 <= first["near_duplicate_pairs"] < 1
    assert first["locality_edits"] > 0 and 0 < first["locality"] <= 1


def test_identical_seeds_are_all_near_duplicates(world_model: Path) -> None:
    service = InferenceService.load(world_model, "cpu", "fp32")
    assert _run(world_model, SameSeed(service))["near_duplicate_pairs"] == 1.0


def test_guidance_makes_the_locality_figure_rise(world_model: Path, plain: dict) -> None:
    guided = _run(world_model, locality=8.0)
    assert guided["locality_guidance"] == 8.0
    assert guided["locality"] > plain["locality"] + 0.1


def test_cli_writes_json_and_the_card_table(
    world_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out, md = tmp_path / "f.json", tmp_path / "f.md"
    args = ["models", "evaluate", str(world_model), "--scenes", "2", "--reference", "3"]
    assert (
        main(
            [*args, "--locality", "0", "--device", "cpu", "--json", str(out), "--markdown", str(md)]
        )
        == 0
    )
    figures = json.loads(out.read_text())
    assert figures["held_out"] == "procedural world seed 2"
    assert figures["locality_guidance"] == 0
    table = md.read_text()
    assert table.startswith(figures_table(figures))
    assert "| high-frequency power" in table and "(ceiling)" in table
    assert "| high-frequency power" in capsys.readouterr().out


def test_a_guidance_sweep_gives_one_row_per_strength(
    world_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out, md = tmp_path / "s.json", tmp_path / "s.md"
    args = ["models", "evaluate", str(world_model), "--scenes", "1", "--reference", "2"]
    assert main([*args, "--locality", "0,8", "--json", str(out), "--markdown", str(md)]) == 0
    runs = json.loads(out.read_text())["sweep"]
    assert [r["locality_guidance"] for r in runs] == [0, 8]
    rows = [
        line
        for line in md.read_text().splitlines()
        if line.startswith("| 0 |") or line.startswith("| 8 |")
    ]
    assert len(rows) == 2 and "each guidance" in md.read_text()
    assert main([*args, "--locality", "1,x"]) == 2
    assert "numbers separated by commas" in capsys.readouterr().err


def test_card_option_writes_the_figures_into_the_model_folder(
    world_model: Path, tmp_path: Path
) -> None:
    import shutil

    folder = Path(shutil.copytree(world_model, tmp_path / "m"))
    (folder / "MODEL_CARD.md").write_text("# m\n\n## Quality figures\n\nold\n\n## Later\n\nkept\n")
    args = ["models", "evaluate", str(folder), "--scenes", "1", "--reference", "2", "--card"]
    assert main([*args, "--locality", "0"]) == 0
    assert main([*args, "--locality", "0,4"]) == 0
    card = (folder / "MODEL_CARD.md").read_text()
    assert "old" not in card and card.count("## Quality figures") == 1
    assert card.index("## Quality figures") < card.index("## Later") < card.index("## Locality")
    assert "--scenes 1 --reference 2 --locality 0`" in card and "kept" in card
    assert json.loads((folder / "figures.json").read_text())["locality_guidance"] == 0
    assert len(json.loads((folder / "locality_sweep.json").read_text())["sweep"]) == 2


def test_without_mapping_network_or_segmenter_those_figures_are_absent(
    world_model: Path, tmp_path: Path
) -> None:
    import dataclasses

    g, info = load_model(world_model)
    plain = CA2SISGenerator(dataclasses.replace(info.config, has_mapping=False)).eval()
    plain.load_state_dict(g.state_dict(), strict=False)
    folder = save_model(plain, tmp_path / "plain", card="# p\n").path
    figures = _run(folder)
    assert set(figures["sources"]) == {"real", "reconstruction", "typical"}
    assert "semantic_miou" not in figures["sources"]["real"]
    assert figures["near_duplicate_pairs"] is None
    table = figures_table(figures)
    assert "segmenter mIoU" not in table and "near-duplicate" not in table
    assert table.count("| — |") >= 1  # the random styles column


def test_too_few_reference_scenes_or_none_held_out_are_refused(
    world_model: Path, capsys: pytest.CaptureFixture
) -> None:
    args = ["models", "evaluate", str(world_model), "--locality", "0"]
    assert main([*args, "--scenes", "1", "--reference", "1"]) == 2
    assert "the figures need at least 2" in capsys.readouterr().err
    assert main([*args, "--scenes", "0", "--reference", "2"]) == 2
    assert "no held-out scenes" in capsys.readouterr().err


def test_a_model_of_other_classes_needs_data(tiny_folder: Path, capsys) -> None:
    assert main(["models", "evaluate", str(tiny_folder), "--scenes", "1"]) == 2
    assert "procedural world's classes: give --data" in capsys.readouterr().err
