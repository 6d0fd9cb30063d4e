"""The models a training run starts from: the model config (a preset or a file, with the
dataset's classes) and the initial generator and discriminator (fresh, or from weights)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from casa_studio.data.errors import DataError
from casa_studio.model.checkpoint import load_model
from casa_studio.model.config import PRESETS, ClassSpec, GeneratorConfig, preset
from casa_studio.model.discriminator import MultiscaleDiscriminator, load_discriminator
from casa_studio.model.errors import CheckpointError
from casa_studio.model.folder import read_classes
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.training.config import TrainConfig
from casa_studio.training.run_dir import CHECKPOINT, MODEL_FILE, TRAIN_FILE, load_state


def model_config(cfg: TrainConfig) -> GeneratorConfig:
    """A preset or a config JSON file, with the classes of the dataset when it names them."""
    if cfg.model in PRESETS:
        base = preset(cfg.model)
    else:
        try:
            base = GeneratorConfig.from_dict(
                json.loads(Path(cfg.model).read_text(encoding="utf-8"))
            )
        except (OSError, ValueError) as exc:
            raise DataError(
                f"{cfg.model}: neither a preset ({', '.join(PRESETS)}) nor a readable config"
            ) from exc
    classes_file = Path(cfg.data) / "classes.json"
    if classes_file.is_file():
        try:
            classes: tuple[ClassSpec, ...] = read_classes(classes_file)
        except CheckpointError as exc:
            raise DataError(str(exc)) from exc
        base = dataclasses.replace(base, classes=classes)
    return _with_recipe(base, cfg)


def _with_recipe(config: GeneratorConfig, cfg: TrainConfig) -> GeneratorConfig:
    """The recipe's noise-injection stages (never fewer than the config already has) and its
    guidance strength as the model's default guidance (paper 0: the paper's forward)."""
    stages = max(config.noise_stages, min(cfg.noise_stages, len(config.stages)))
    return dataclasses.replace(config, noise_stages=stages, default_locality=cfg.guide_strength)


def initial_generator(cfg: TrainConfig, config: GeneratorConfig) -> CA2SISGenerator:
    """Fresh weights, or `--init`: a model folder or a run folder's latest checkpoint; a
    generator without the recipe's noise stages gets them (zero-initialised: same output)."""
    if not cfg.init:
        return CA2SISGenerator(config)
    init = Path(cfg.init)
    if (init / CHECKPOINT).is_file():
        state = load_state(init / CHECKPOINT)
        g = CA2SISGenerator(GeneratorConfig.from_dict(json.loads((init / MODEL_FILE).read_text())))
        g.load_state_dict(state["G"])
    else:
        try:
            g, _ = load_model(init)
        except CheckpointError as exc:
            raise DataError(f"--init: {exc}") from exc
    wanted = _with_recipe(g.config, cfg)
    if wanted == g.config:
        return g
    grown = CA2SISGenerator(wanted)
    missing, unexpected = grown.load_state_dict(g.state_dict(), strict=False)
    if unexpected or not all(k.startswith("noise") for k in missing):
        raise DataError(
            f"--init: cannot add noise stages to {init} ({missing[:3]}, {unexpected[:3]})"
        )
    return grown


def initial_discriminator(cfg: TrainConfig, num_classes: int) -> MultiscaleDiscriminator:
    """A fresh discriminator of the recipe's kind, or `--init`'s own when it has one of that
    kind (a model folder's discriminator file, or a run's D): a fine-tune then starts with a
    D that already tells real from fake instead of a blind one."""
    fresh = MultiscaleDiscriminator(num_classes, norm=cfg.d_norm)
    if not cfg.init:
        return fresh
    init = Path(cfg.init)
    if (init / CHECKPOINT).is_file():
        if TrainConfig.load(init / TRAIN_FILE).d_norm == cfg.d_norm:
            fresh.load_state_dict(load_state(init / CHECKPOINT)["D"])
        return fresh
    try:
        found = load_discriminator(init, num_classes)
    except ValueError as exc:
        raise DataError(f"--init: {exc}") from exc
    return found if found is not None and found.norm == cfg.d_norm else fresh
