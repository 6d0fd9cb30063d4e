"""Every file of a model folder read and checked the way the app uses it (config, palette,
weights, typical styles, look bank, segmenter, discriminator): one sentence per unusable file,
so `models info` never calls a folder usable that the editor or a render would refuse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from casa_studio.model.checkpoint import load_mean_styles, load_model
from casa_studio.model.discriminator import load_discriminator
from casa_studio.model.errors import CheckpointError
from casa_studio.model.look_bank import LookBank
from casa_studio.model.segmenter import load_segmenter


def folder_problems(folder: Path) -> list[str]:
    """What is wrong with `folder`, one message per file (empty: every file is usable)."""
    try:
        _, info = load_model(folder)
    except CheckpointError as exc:
        return [str(exc)]
    config = info.config
    checks: tuple[Callable[[], object], ...] = (
        lambda: load_mean_styles(folder, config),
        lambda: LookBank.read(folder, config.num_classes, config.token_dim),
        lambda: load_segmenter(folder, config.num_classes),
        lambda: load_discriminator(folder, config.num_classes),
    )
    problems = []
    for check in checks:
        try:
            check()
        except (CheckpointError, ValueError) as exc:  # the discriminator's are ValueErrors
            problems.append(str(exc).rstrip("."))
    return problems
