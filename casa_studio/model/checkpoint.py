"""Model folders: config.json + generator.safetensors + palette.json + MODEL_CARD.md.

Loading validates every tensor name and shape against the config before any weight is
used, records the sha256 of the weights, and never unpickles anything.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from casa_studio.model.config import GeneratorConfig
from casa_studio.model.errors import CheckpointError
from casa_studio.model.folder import (
    CARD_FILE,
    CONFIG_FILE,
    MEAN_STYLES_FILE,
    PALETTE_FILE,
    WEIGHTS_FILE,
    read_config,
)
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.schemas import PaletteFile
from casa_studio.settings import budgets
from casa_studio.validation import check_file, load


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What was loaded: folder, config and the weights' sha256."""

    path: Path
    config: GeneratorConfig
    sha256: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expected_shapes(config: GeneratorConfig) -> dict[str, tuple[int, ...]]:
    """Every tensor name and shape a generator with `config` has (built on the meta device,
    so no memory is used); shapes that cannot form a network raise CheckpointError."""
    try:
        with torch.device("meta"):
            model = CA2SISGenerator(config)
    except (ValueError, RuntimeError, TypeError) as exc:
        raise CheckpointError(f"model config '{config.name}' cannot be built ({exc})") from None
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def check_memory(shapes: dict[str, tuple[int, ...]], source: object) -> None:
    """Refuse a model whose float32 parameters would exceed the model memory budget."""
    limit = budgets().model_bytes
    need = 4 * sum(math.prod(shape) for shape in shapes.values())
    if need > limit:
        raise CheckpointError(
            f"{source}: the model would need {need >> 20} MB of parameters, over the "
            f"{limit >> 20} MB model budget"
        )


def compare_shapes(
    found: dict[str, tuple[int, ...]], expected: dict[str, tuple[int, ...]]
) -> list[str]:
    """Human-readable differences between two name → shape tables (empty when they agree)."""
    problems = []
    missing = [k for k in expected if k not in found]
    unexpected = [k for k in found if k not in expected]
    wrong = [
        f"{k} {found[k]} (expected {expected[k]})"
        for k in expected
        if k in found and found[k] != expected[k]
    ]
    for label, keys in (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong)):
        if keys:
            shown = ", ".join(keys[:8]) + (f" … and {len(keys) - 8} more" if len(keys) > 8 else "")
            problems.append(f"{len(keys)} {label}: {shown}")
    return problems


def _safetensors_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    try:
        with safe_open(str(path), framework="pt") as f:
            return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}  # noqa: SIM118
    except FileNotFoundError:
        raise CheckpointError(f"{path}: weights file is missing") from None
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: not a valid safetensors file ({exc})") from exc


def _check_palette(folder: Path, config: GeneratorConfig) -> None:
    path = folder / PALETTE_FILE
    if not path.exists():
        return
    palette = load(PaletteFile, path, CheckpointError)
    if [(c.id, c.name) for c in palette.classes] != [(c.id, c.name) for c in config.classes]:
        raise CheckpointError(f"{path}: classes differ from {CONFIG_FILE}")


def load_model(
    folder: Path | str, device: str | torch.device = "cpu"
) -> tuple[CA2SISGenerator, ModelInfo]:
    """Validate and load a model folder; the generator is returned in eval mode on `device`."""
    folder = Path(folder)
    config = read_config(folder)
    _check_palette(folder, config)
    weights = folder / WEIGHTS_FILE
    expected = expected_shapes(config)
    check_memory(expected, folder / CONFIG_FILE)
    if weights.exists() or weights.is_symlink():  # a missing file is named below
        check_file(weights, budgets().model_bytes + (1 << 20), CheckpointError)
    problems = compare_shapes(_safetensors_shapes(weights), expected)
    if problems:
        raise CheckpointError(
            f"{weights}: weights do not fit {CONFIG_FILE}: " + "; ".join(problems)
        )
    try:
        state = load_file(str(weights))
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{weights}: cannot read tensors ({exc})") from exc
    with torch.device("meta"):
        model = CA2SISGenerator(config)
    model.load_state_dict({k: v.float() for k, v in state.items()}, strict=True, assign=True)
    model.eval().to(device)
    return model, ModelInfo(folder, config, file_sha256(weights))


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def save_model(
    model: CA2SISGenerator, folder: Path | str, *, card: str, half: bool = False
) -> ModelInfo:
    """Write a model folder; weights go through a temporary file and an atomic rename."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dtype = torch.float16 if half else torch.float32
    state = {k: v.detach().to("cpu", dtype).contiguous() for k, v in model.state_dict().items()}
    tmp = folder / (WEIGHTS_FILE + ".tmp")
    save_file(state, str(tmp), metadata={"format": "casa-studio-generator"})
    os.replace(tmp, folder / WEIGHTS_FILE)
    config = model.config
    _write_json(folder / CONFIG_FILE, config.to_dict())
    _write_json(folder / PALETTE_FILE, {"classes": [c.to_dict() for c in config.classes]})
    (folder / CARD_FILE).write_text(card, encoding="utf-8")
    return ModelInfo(folder, config, file_sha256(folder / WEIGHTS_FILE))


def save_mean_styles(folder: Path, tokens: torch.Tensor) -> None:
    """The dataset's typical style per class (classes x token_dim): the editor's default."""
    save_file(
        {"mean": tokens.detach().float().cpu().contiguous()}, str(Path(folder) / MEAN_STYLES_FILE)
    )


def load_mean_styles(folder: Path, config: GeneratorConfig) -> torch.Tensor | None:
    path = Path(folder) / MEAN_STYLES_FILE
    if not path.is_file():
        return None
    expected = {"mean": (config.num_classes, config.token_dim)}
    if _safetensors_shapes(path) != expected:  # checked before a byte of it is loaded
        raise CheckpointError(f"{path}: its tensors do not fit the model ({expected['mean']})")
    try:
        return load_file(str(path))["mean"]
    except (SafetensorError, OSError, KeyError, ValueError) as exc:
        raise CheckpointError(f"{path}: unreadable mean styles ({exc})") from exc
