"""GPU tests: marked `gpu`; without a CUDA device they are collected and skip with the reason.
Run them on a GPU machine with `bench/device_check.sh` (or `pytest -m gpu`)."""

from __future__ import annotations

import pytest
import torch

from tests.training.conftest import world_dir  # noqa: F401  (its fixture, shared)

NO_CUDA = "needs a CUDA GPU, none here: run bench/device_check.sh on a GPU machine"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason=NO_CUDA)
    for item in items:
        if item.get_closest_marker("gpu"):  # not `keywords`: this folder's name is "gpu" too
            item.add_marker(skip)
