from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from casa_studio.engine.catalog import default_model, list_models, resolve_model
from casa_studio.engine.device import placement, resolve_device
from casa_studio.engine.errors import EngineError


def test_device_resolution() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    with pytest.raises(EngineError, match="unknown device 'tpu'"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(EngineError, match="no CUDA GPU"):
            resolve_device("cuda")
    assert placement("cpu", "fp32").dtype == torch.float32
    assert placement("cpu", "fp32").label == "cpu (fp32)"
    with pytest.raises(EngineError, match="unknown precision"):
        placement("cpu", "int4")


def test_catalog_lists_resolves_and_flags_broken_folders(tiny_folder: Path, tmp_path: Path) -> None:
    root = tmp_path / "models"
    shutil.copytree(tiny_folder, root / "good")
    (root / "broken").mkdir()
    (root / "broken" / "config.json").write_text(json.dumps({"name": "x"}))
    (root / "not-a-model").mkdir()
    entries = {e.name: e for e in list_models([root])}
    assert set(entries) == {"good", "broken"}
    assert entries["good"].config is not None and entries["good"].weights_bytes > 0
    assert entries["broken"].config is None and "stages" in entries["broken"].problem
    assert resolve_model("good", [root]) == root / "good"
    assert resolve_model(str(tiny_folder), [root]) == tiny_folder
    assert default_model([root]) == root / "good"  # the broken one is skipped
    with pytest.raises(
        EngineError,
        match=r"no model folder or installed model named 'nope' \(known: broken, good\)",
    ):
        resolve_model("nope", [root])
    with pytest.raises(EngineError, match="no model installed"):
        default_model([tmp_path / "empty"])
