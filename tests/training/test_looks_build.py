"""Building a look bank: real scenes through the model's style encoder, absent classes
marked, looks as medoid scenes of their style, from the world or a synth dataset, by command."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from casa_studio.cli import main
from casa_studio.data.errors import DataError
from casa_studio.data.synthetic import make_scene, synthesize_world, world_classes
from casa_studio.model.checkpoint import file_sha256, save_model
from casa_studio.model.config import ClassSpec, tiny
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.look_bank import BANK_FILE, LookBank
from casa_studio.model.ops import one_hot
from casa_studio.training.looks import LOOKS, build_bank


@pytest.fixture
def world_model() -> CA2SISGenerator:
    classes = tuple(ClassSpec(c["id"], c["name"], tuple(c["color"])) for c in world_classes())
    torch.manual_seed(0)
    return CA2SISGenerator(tiny(classes)).eval()


def test_bank_tokens_are_the_encoders_tokens_of_real_scenes(world_model: CA2SISGenerator) -> None:
    bank = build_bank(world_model, 8, seed=1)
    assert bank.tokens.shape == (8, 11, world_model.config.token_dim)
    image, labels, style = make_scene(1, 5, 32)
    assert bank.styles[5] == f"{style.time} {style.season}"
    onehot = one_hot(torch.from_numpy(labels.astype(np.int64))[None], 11)
    picture = torch.from_numpy(image).permute(2, 0, 1)[None].float() / 127.5 - 1
    with torch.no_grad():
        expected = world_model.encode_styles(picture, onehot)[0].numpy()
    present = np.unique(labels)
    np.testing.assert_allclose(bank.tokens[5, present], expected[present], atol=1e-6)
    absent = np.setdiff1d(np.arange(11), present)
    assert np.isnan(bank.tokens[5, absent]).all()
    table = {name: (times, seasons) for name, times, seasons in LOOKS}
    for name, scene in bank.looks.items():
        time, season = bank.styles[scene].split()
        assert time in table[name][0] and season in table[name][1]
    assert bank.default_look in ("clear day", *bank.looks)


def test_bank_from_a_synth_dataset_uses_its_scene_styles(
    world_model: CA2SISGenerator, tmp_path: Path
) -> None:
    synthesize_world(tmp_path, 5, 40, seed=4, workers=1)
    bank = build_bank(world_model, 5, data=tmp_path)
    lines = (tmp_path / "styles.txt").read_text().split("\n")
    assert list(bank.styles) == [line.partition(" ")[2] for line in lines[:5]]
    with pytest.raises(DataError, match="no scene styles"):
        build_bank(world_model, 5, data=tmp_path / "missing")


def test_build_looks_command_writes_a_small_bank_the_service_reads(
    world_model: CA2SISGenerator, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = save_model(world_model, tmp_path / "m", card="# m\n").path
    assert main(["models", "build-looks", str(folder), "--scenes", "6"]) == 0
    out = capsys.readouterr().out
    assert "6 scenes" in out and "look '" in out
    bank = LookBank.read(folder, 11, world_model.config.token_dim)
    assert bank is not None and len(bank.styles) == 6
    assert bank.generator_sha256 == file_sha256(folder / "generator.safetensors")
    assert (folder / BANK_FILE).stat().st_size < 6 * 11 * world_model.config.token_dim * 2 + 2000


def test_build_looks_refuses_models_of_other_classes(
    tiny_folder: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["models", "build-looks", str(tiny_folder), "--scenes", "2"]) == 2
    assert "procedural landscape world" in capsys.readouterr().err
