"""Official CA2-SIS checkpoint (`latest_net_G.pth`, spec §9) → one of our model folders.

The official generator's attribute names are ours, so the key map is the identity after
stripping wrapper prefixes; the work is reading the file safely, inferring the config from
tensor shapes (class count, background handling, aspect, mapping input size) and refusing
anything that does not fill every parameter exactly.
"""

from __future__ import annotations

import math
import pickle  # noqa: TID251 - only to name the error torch.load raises for refused pickles
import zipfile
from dataclasses import replace
from pathlib import Path

import torch

from casa_studio.model.checkpoint import ModelInfo, compare_shapes, expected_shapes, save_model
from casa_studio.model.config import ClassSpec, GeneratorConfig, official_celebamask_hq
from casa_studio.model.errors import CheckpointError
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.settings import budgets

FIRST_LAYER = "style_encoder.Encoder.first_layer.0.weight"
RESHAPE = "reshape_conv.weight"
EMBED = "encs.encs.0.weight"
MAPPING_IN = "noise_encoder.shared.0.weight"
OFFICIAL_STYLE_FEAT = 4
# Latent grid by mask-embedder output size: CelebA/ADE20K (16x16), Cityscapes mode (16x32).
LATENT_BY_SIZE = {256: (16, 16), 512: (16, 32)}


def storage_limit(classes: tuple[ClassSpec, ...]) -> int:
    """Bytes the widest official variant with these classes holds, stored as float64 (the
    widest dtype a checkpoint may use), plus room for the archive's bookkeeping."""
    widest = replace(
        official_celebamask_hq(),
        classes=classes,
        exclude_bg=False,
        latent_hw=LATENT_BY_SIZE[512],
        mapping_dim=256,
    )
    return 8 * sum(math.prod(s) for s in expected_shapes(widest).values()) + (1 << 20)


def _check_storage(path: Path, limit: int) -> None:
    """Refuse before loading when the stored tensors would inflate past `limit` bytes."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                total = sum(info.file_size for info in archive.infolist())
        else:
            total = path.stat().st_size
    except FileNotFoundError:
        raise CheckpointError(f"{path}: file not found") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise CheckpointError(f"{path}: not a readable PyTorch weights file ({exc})") from None
    if total > limit:
        raise CheckpointError(
            f"{path}: its tensors would inflate to {total >> 20} MB, more than the "
            f"{limit >> 20} MB this model can hold"
        )


def _check_views(path: Path, raw: dict[object, object]) -> None:
    """Every tensor must own its storage: a small shape over a larger storage hides data."""
    for key, value in raw.items():
        if isinstance(value, torch.Tensor):
            used = value.numel() * value.element_size()
            if value.untyped_storage().nbytes() > used:
                raise CheckpointError(
                    f"{path}: tensor {key!r} sits on a storage larger than its shape "
                    f"{tuple(value.shape)}"
                )


def read_official(path: Path, limit: int | None = None) -> dict[str, torch.Tensor]:
    """Load an official state dict with `weights_only=True` after checking its stored size
    against `limit` bytes (default: the model memory budget); strip `module.`/EMA prefixes."""
    _check_storage(path, budgets().model_bytes if limit is None else limit)
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(f"{path}: file not found") from None
    except (
        pickle.UnpicklingError,
        RuntimeError,
        EOFError,
        zipfile.BadZipFile,
        OSError,
        ValueError,
        AttributeError,
        ImportError,
        IndexError,
        KeyError,
    ) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"{path}: not a readable PyTorch weights file (truncated, or it holds objects "
            f"other than tensors, which are refused): {first}"
        ) from exc
    if not isinstance(raw, dict) or not raw:
        raise CheckpointError(
            f"{path}: expected a state dict (name → tensor), got {type(raw).__name__}"
        )
    _check_views(path, raw)
    state: dict[str, torch.Tensor] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise CheckpointError(f"{path}: entry {key!r} is not a named tensor")
        name = key.split("netG.", 1)[1] if "netG." in key else key
        state[name.removeprefix("module.")] = value
    return state


def infer_config(
    state: dict[str, torch.Tensor], classes: tuple[ClassSpec, ...], *, output_tanh: bool
) -> GeneratorConfig:
    """Official architecture with the class count, background mode, aspect and mapping input
    read off the tensor shapes (spec §9.4)."""
    for key in (FIRST_LAYER, RESHAPE, EMBED):
        if key not in state:
            raise CheckpointError(f"not a CA2-SIS generator: tensor '{key}' is missing")
    nc, rem = divmod(state[FIRST_LAYER].shape[0], OFFICIAL_STYLE_FEAT)
    if rem or nc != len(classes):
        raise CheckpointError(
            f"the checkpoint has {state[FIRST_LAYER].shape[0] / OFFICIAL_STYLE_FEAT:g} classes "
            f"but {len(classes)} class names were given"
        )
    shape_in = state[RESHAPE].shape[1]
    if shape_in not in (nc - 1, nc):
        raise CheckpointError(f"{RESHAPE} takes {shape_in} channels; expected {nc - 1} or {nc}")
    latent = LATENT_BY_SIZE.get(state[EMBED].shape[0])
    if latent is None:
        raise CheckpointError(f"{EMBED} has {state[EMBED].shape[0]} outputs; expected 256 or 512")
    has_mapping = any(k.startswith("noise_encoder.") for k in state)
    mapping_dim = state[MAPPING_IN].shape[1] if MAPPING_IN in state else 16
    return replace(
        official_celebamask_hq(),
        name="official-import",
        classes=classes,
        exclude_bg=shape_in == nc - 1,
        latent_hw=latent,
        has_mapping=has_mapping,
        mapping_dim=mapping_dim,
        output_tanh=output_tanh,
        default_locality=0.0,  # the authors' forward: they trained and rendered unguided
    )


def import_official(
    source: Path,
    out_dir: Path,
    classes: tuple[ClassSpec, ...],
    *,
    output_tanh: bool = True,
    half: bool = False,
    name: str | None = None,
) -> ModelInfo:
    """Convert; every official tensor must be used and every parameter of ours filled."""
    source, out_dir = Path(source), Path(out_dir)
    state = read_official(source, min(storage_limit(classes), budgets().model_bytes))
    try:
        config = infer_config(state, classes, output_tanh=output_tanh)
    except CheckpointError as exc:
        raise CheckpointError(f"{source}: {exc}") from exc
    if name:
        config = replace(config, name=name)
    found = {k: tuple(v.shape) for k, v in state.items()}
    problems = compare_shapes(found, expected_shapes(config))
    if problems:
        raise CheckpointError(
            f"{source}: does not match the CA2-SIS layout: " + "; ".join(problems)
        )
    with torch.device("meta"):
        model = CA2SISGenerator(config)
    model.load_state_dict({k: v.float() for k, v in state.items()}, strict=True, assign=True)
    return save_model(model, out_dir, card=_card(source, config), half=half)


def _card(source: Path, config: GeneratorConfig) -> str:
    mapping = (
        f"present ({config.mapping_dim}-d input)"
        if config.has_mapping
        else "absent: random styles unavailable"
    )
    return (
        f"# {config.name}\n\n"
        f"Imported from the official CA2-SIS checkpoint `{source.name}` by "
        "`casa-studio models import-official`.\n\n"
        f"- classes: {config.num_classes} ({', '.join(c.name for c in config.classes)})\n"
        f"- background excluded from the mask embedder: {config.exclude_bg}\n"
        f"- output: {config.output_hw[1]}x{config.output_hw[0]}, "
        f"{'tanh' if config.output_tanh else 'linear'} output\n"
        f"- mapping network: {mapping}\n"
        f"- default attention guidance: {config.default_locality:g} (the paper's forward)\n\n"
        "The official weights are licensed CC BY-NC-SA 4.0 by their authors: non-commercial use.\n"
    )
