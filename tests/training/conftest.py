"""Training fixtures: a tiny procedural world and quick runs of the tiny model on it."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from casa_studio.data.synthetic import synthesize_world
from casa_studio.training.config import TrainConfig
from casa_studio.training.distributed import World
from casa_studio.training.loop import Trainer
from casa_studio.training.run_dir import new_run_dir

CPU = World(0, 1, torch.device("cpu"))


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world")
    synthesize_world(folder, 10, 40, seed=4, workers=1)
    return folder


def tiny_trainer(world_dir: Path, out: Path, **changes: object) -> Trainer:
    cfg = TrainConfig(
        data=str(world_dir),
        out=str(out),
        model="tiny",
        iters=6,
        log_every=1,
        sample_every=3,
        checkpoint_every=3,
    ).updated(**changes)
    return Trainer(cfg, new_run_dir(out, "t"), CPU)
