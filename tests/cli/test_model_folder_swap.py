"""`models import-official` into an existing model folder: refused without --overwrite, and with
it the folder is replaced whole (nothing stale from the old model survives)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from casa_studio.atomic_folder import replace_folder
from casa_studio.cli import main
from casa_studio.model.checkpoint import load_model
from casa_studio.model.errors import CheckpointError
from tests.model.official_layout import official_layout, synthesize


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_import_official_over_an_existing_model_folder(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    checkpoint = tmp_path / "latest_net_G.pth"
    torch.save(synthesize(official_layout()), checkpoint)
    target = tmp_path / "models" / "mine"
    shutil.copytree(tiny_folder, target)
    (target / "segmenter.json").write_text('{"num_classes": 4}')
    (target / "grid.png").write_bytes(b"old grid")
    before = _snapshot(target)
    command = ["models", "import-official", str(checkpoint), "-o", str(target)]
    assert main(command) == 2
    assert "already exists: pass --overwrite" in capsys.readouterr().err
    assert _snapshot(target) == before
    assert main([*command, "--overwrite"]) == 0
    assert sorted(p.name for p in target.iterdir()) == [
        "MODEL_CARD.md",
        "config.json",
        "generator.safetensors",
        "palette.json",
    ]
    _, info = load_model(target)
    assert info.config.num_classes == 19
    assert [p.name for p in target.parent.iterdir()] == ["mine"]  # no staging left behind


def test_a_failed_write_leaves_the_old_folder_whole(tmp_path: Path) -> None:
    target = tmp_path / "m"
    target.mkdir()
    (target / "config.json").write_text("old")

    def fail(folder: Path) -> None:
        (folder / "config.json").write_text("new")
        raise CheckpointError("conversion failed")

    with pytest.raises(CheckpointError, match="conversion failed"):
        replace_folder(
            target, fail, overwrite=True, replaceable=lambda p: True, error=CheckpointError
        )
    assert _snapshot(target) == {"config.json": b"old"}
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def test_a_folder_this_command_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "letter.txt").write_text("keep me")
    with pytest.raises(CheckpointError, match="not a folder this command wrote"):
        replace_folder(
            documents,
            lambda folder: None,
            overwrite=True,
            replaceable=lambda p: (p / "config.json").is_file(),
            error=CheckpointError,
        )
    assert (documents / "letter.txt").read_text() == "keep me"
