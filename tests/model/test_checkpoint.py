"""Model folders: round trip, sha256, and refusal of hostile or broken files."""

from __future__ import annotations

import hashlib
import json
import pickle  # noqa: TID251 - writes a hostile file for the loader to refuse
import shutil
from pathlib import Path

import pytest
import torch

from casa_studio.model.checkpoint import load_model, save_model
from casa_studio.model.errors import CheckpointError
from casa_studio.model.folder import read_classes
from casa_studio.model.generator import CA2SISGenerator


def test_round_trip_keeps_every_tensor_and_records_sha256(
    tiny_model: CA2SISGenerator, tiny_folder: Path
) -> None:
    loaded, info = load_model(tiny_folder)
    for key, value in tiny_model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
    digest = hashlib.sha256((tiny_folder / "generator.safetensors").read_bytes()).hexdigest()
    assert info.sha256 == digest
    assert info.config == tiny_model.config
    assert json.loads((tiny_folder / "palette.json").read_text())["classes"][1]["name"] == "class_1"
    assert (tiny_folder / "MODEL_CARD.md").read_text().startswith("# tiny")


def test_half_precision_folder_loads_close_to_the_original(
    tiny_model: CA2SISGenerator, tmp_path: Path
) -> None:
    save_model(tiny_model, tmp_path / "half", card="x", half=True)
    loaded, _ = load_model(tmp_path / "half")
    for key, value in tiny_model.state_dict().items():
        assert loaded.state_dict()[key].dtype == torch.float32
        assert torch.allclose(loaded.state_dict()[key], value, atol=1e-3, rtol=1e-3), key


def test_pickle_posing_as_safetensors_is_refused_without_running_it(
    tiny_folder: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (marker.write_text, ("ran",))

    (tiny_folder / "generator.safetensors").write_bytes(pickle.dumps(Payload()))
    with pytest.raises(CheckpointError, match="generator.safetensors: not a valid safetensors"):
        load_model(tiny_folder)
    assert not marker.exists()


def test_truncated_weights_are_reported(tiny_folder: Path) -> None:
    weights = tiny_folder / "generator.safetensors"
    weights.write_bytes(weights.read_bytes()[:-500])
    with pytest.raises(CheckpointError, match="generator.safetensors"):
        load_model(tiny_folder)


def test_weights_that_do_not_fit_the_config_name_the_keys(tiny_folder: Path) -> None:
    config = json.loads((tiny_folder / "config.json").read_text())
    config["stages"][0]["channels"] = 32
    (tiny_folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match=r"wrong shape: res2\.in_layers\.2\.weight"):
        load_model(tiny_folder)


def test_broken_config_is_reported(tiny_folder: Path) -> None:
    (tiny_folder / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="config.json: not valid JSON"):
        load_model(tiny_folder)
    (tiny_folder / "config.json").unlink()
    with pytest.raises(CheckpointError, match="not a model folder"):
        load_model(tiny_folder)


def test_missing_weights_and_palette_mismatch(tiny_folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "copy"
    shutil.copytree(tiny_folder, other)
    palette = json.loads((other / "palette.json").read_text())
    palette["classes"][2]["name"] = "sky"
    (other / "palette.json").write_text(json.dumps(palette))
    with pytest.raises(CheckpointError, match="palette.json: classes differ"):
        load_model(other)
    (tiny_folder / "generator.safetensors").unlink()
    with pytest.raises(CheckpointError, match="weights file is missing"):
        load_model(tiny_folder)


def test_class_lists_from_json(tmp_path: Path) -> None:
    names = tmp_path / "names.json"
    names.write_text(json.dumps(["sky", "sea"]))
    assert [c.name for c in read_classes(names)] == ["sky", "sea"]
    full = tmp_path / "full.json"
    full.write_text(json.dumps({"classes": [{"name": "sky", "color": [1, 2, 3]}, {"name": "sea"}]}))
    assert read_classes(full)[0].color == (1, 2, 3)
    full.write_text(json.dumps([{"name": "sky", "color": "blue"}]))
    with pytest.raises(CheckpointError, match=r"classes\[0\]\.color"):
        read_classes(full)
    full.write_text("[]")
    with pytest.raises(CheckpointError, match="at least 2 items"):
        read_classes(full)
