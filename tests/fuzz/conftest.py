"""Fuzz suite fixtures: the hostile files (built once per session), a tiny model folder, and
the per-entry-point tally printed at the end of the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.harness import TALLY
from tests.fuzz.hostile import Case, image_cases, project_cases


@pytest.fixture(scope="session")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="session")
def fuzz_model(fuzz_dir: Path) -> Path:
    """A tiny 4-class, 32x32 model folder with random weights."""
    import torch

    from casa_studio.model.checkpoint import save_model
    from casa_studio.model.config import tiny
    from casa_studio.model.generator import CA2SISGenerator

    torch.manual_seed(0)
    return save_model(CA2SISGenerator(tiny()), fuzz_dir / "tiny-fuzz", card="# fuzz\n").path


@pytest.fixture(scope="session")
def projects(fuzz_dir: Path) -> list[Case]:
    return project_cases(fuzz_dir / "projects")


@pytest.fixture(scope="session")
def images(fuzz_dir: Path) -> list[Case]:
    return image_cases(fuzz_dir / "images")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    write = terminalreporter.write_line
    write("hostile files per entry point: tried / clear error / accepted / other")
    for entry, counts in sorted(TALLY.items()):
        tried = sum(counts.values())
        write(
            f"  {entry:34} {tried:4d} {counts['clear']:6d} {counts['accepted']:9d} "
            f"{counts['other']:6d}"
        )
