"""Shared fixtures: an isolated user data folder, seeded tiny models and model folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test sees an empty user data folder instead of the real one."""
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("CASA_STUDIO_DATA", str(folder))
    return folder


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """Tiny tensors gain nothing from threads; on a busy machine they lose a lot."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def tiny_model():
    import torch

    from casa_studio.model.config import tiny
    from casa_studio.model.generator import CA2SISGenerator

    torch.manual_seed(0)
    model = CA2SISGenerator(tiny()).eval()
    with torch.no_grad():  # non-zero everywhere, so every path shows in the output
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    return model


@pytest.fixture
def tiny_folder(tiny_model, tmp_path: Path) -> Path:
    from casa_studio.model.checkpoint import save_model

    return save_model(tiny_model, tmp_path / "tiny-test", card="# tiny test model\n").path


@pytest.fixture
def guided_folder(tiny_model, tmp_path: Path) -> Path:
    """The tiny model as a guided one: its config.json gives default attention guidance 2.5."""
    import dataclasses
    import json

    from casa_studio.model.checkpoint import save_model

    folder = save_model(tiny_model, tmp_path / "tiny-guided", card="# guided tiny\n").path
    config = dataclasses.replace(tiny_model.config, default_locality=2.5)
    (folder / "config.json").write_text(json.dumps(config.to_dict(), indent=2))
    return folder


@pytest.fixture
def looks_folder(tiny_folder: Path) -> Path:
    """The tiny model folder with a look bank of 6 scenes (class 3 absent from scene 0 and
    from every night scene) and three looks."""
    import numpy as np

    from casa_studio.model.folder import read_config
    from casa_studio.model.look_bank import LookBank

    config = read_config(tiny_folder)
    rng = np.random.default_rng(3)
    tokens = rng.uniform(-1, 1, (6, config.num_classes, config.token_dim)).astype(np.float32)
    tokens[[0, 2, 5], 3] = np.nan
    styles = ("day summer", "day summer", "night summer", "golden summer", "day summer", "night")
    looks = {"clear day": 1, "golden hour": 3, "night": 2}
    LookBank(tokens, styles, looks, "clear day", "test bank").save(tiny_folder)
    return tiny_folder
