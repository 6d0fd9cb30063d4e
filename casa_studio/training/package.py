"""`models package RUN -o DIR`: a run's generator (EMA weights when kept) → a model folder."""

from __future__ import annotations

import json
import platform
from pathlib import Path

import torch

from casa_studio.data.errors import DataError
from casa_studio.model.checkpoint import ModelInfo, save_mean_styles, save_model
from casa_studio.model.config import GeneratorConfig
from casa_studio.model.discriminator import MultiscaleDiscriminator, save_discriminator
from casa_studio.model.errors import CheckpointError
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.training.config import TrainConfig
from casa_studio.training.looks import add_looks
from casa_studio.training.run_dir import (
    CHECKPOINT,
    METRICS_FILE,
    MODEL_FILE,
    TRAIN_FILE,
    MetricsLog,
    load_state,
)


def run_summary(run: Path) -> dict[str, object]:
    """Iterations, wall time and last losses from a run's metrics log."""
    records = MetricsLog(run / METRICS_FILE).read()
    wall = 0.0
    previous = 0
    for r in records:
        wall += float(r.get("sec_per_step", 0.0)) * (int(r["step"]) - previous)
        previous = int(r["step"])
    last = records[-1] if records else {}
    return {"iterations": previous, "wall_seconds": round(wall), "last": last}


def _card(run: Path, cfg: TrainConfig, config: GeneratorConfig, used_ema: bool, extra: str) -> str:
    summary = run_summary(run)
    h, w = config.output_hw
    return (
        f"# {config.name}\n\n"
        f"Trained with CASA Studio's own training code (run `{run.name}`).\n\n"
        f"- data: `{cfg.data}` ({config.num_classes} classes: "
        f"{', '.join(c.name for c in config.classes)})\n"
        f"- output {w}x{h}; stage `{cfg.stage}`; batch {cfg.batch}; lr {cfg.lr} (TTUR {cfg.ttur})\n"
        f"- iterations: {summary['iterations']}; wall time {summary['wall_seconds']} s on "
        f"{platform.machine()} / torch {torch.__version__}\n"
        f"- recipe `{cfg.recipe}`: hinge GAN (D norm {cfg.d_norm}, R1 {cfg.r1_weight}), "
        f"feature matching x{cfg.lambda_fm}, attention x{cfg.lambda_att}, "
        + (
            f"VGG x{cfg.lambda_vgg}"
            if cfg.vgg_weights
            else f"pixel L1 x{cfg.l1_weight} (no VGG weights given)"
        )
        + f"\n- weights: {'EMA' if used_ema else 'raw generator'}\n"
        + f"- default attention guidance: {config.default_locality:g} (the training's)\n"
        + extra
    )


def package_run(
    run: Path,
    out: Path,
    *,
    half: bool = False,
    use_ema: bool = True,
    name: str | None = None,
    card_extra: str = "",
) -> ModelInfo:
    run = Path(run)
    if not (run / CHECKPOINT).is_file():
        raise DataError(f"{run}: not a run folder with a checkpoint")
    cfg = TrainConfig.load(run / TRAIN_FILE)
    config = GeneratorConfig.from_dict(json.loads((run / MODEL_FILE).read_text()))
    if name:
        config = GeneratorConfig.from_dict(config.to_dict() | {"name": name})
    state = load_state(run / CHECKPOINT)
    g = CA2SISGenerator(config)
    used_ema = use_ema and "ema" in state
    if used_ema:
        prefix = "module."
        g.load_state_dict(
            {k[len(prefix) :]: v for k, v in state["ema"].items() if k.startswith(prefix)}
        )
    else:
        g.load_state_dict(state["G"])
    info = save_model(g, out, card=_card(run, cfg, config, used_ema, card_extra), half=half)
    save_mean_styles(info.path, mean_styles(g, cfg))
    if "D" in state:  # so `train --init` continues with a D that can already see
        d = MultiscaleDiscriminator(config.num_classes, norm=cfg.d_norm)
        d.load_state_dict(state["D"])
        save_discriminator(d, info.path)
    add_looks(g, info.path, Path(cfg.data))
    return info


@torch.no_grad()
def mean_styles(g: CA2SISGenerator, cfg: TrainConfig, limit: int = 256) -> torch.Tensor:
    """Per-class mean of the style tokens over training images where the class is present;
    a class never present keeps its learned default token."""
    from casa_studio.data.dataset import PairedDataset, list_pairs
    from casa_studio.data.transforms import JointTransform
    from casa_studio.model.ops import one_hot

    g.eval()
    config = g.config
    pairs = list_pairs(cfg.data, cfg.layout, "train").pairs[:limit]
    dataset = PairedDataset(
        pairs, config.num_classes, JointTransform(config.output_hw[0], train=False)
    )
    total = torch.zeros(config.num_classes, config.token_dim)
    count = torch.zeros(config.num_classes, 1)
    for index in range(len(dataset)):
        item = dataset[index]
        onehot = one_hot(item["labels"][None], config.num_classes)
        tokens = g.encode_styles(item["image"][None], onehot)[0]
        present = (onehot.sum((2, 3)) > 0)[0].float()[:, None]
        total += tokens * present
        count += present
    default = g.style_encoder.default_tokens()
    return torch.where(count > 0, total / count.clamp_min(1), default)


def package_segmenter(run: Path, folder: Path) -> Path:
    """Add a segmenter run's network to an existing model folder with the same classes."""
    from casa_studio.model.folder import read_config
    from casa_studio.model.segmenter import Segmenter, SegmenterConfig, save_segmenter

    run, folder = Path(run), Path(folder)
    if not (run / CHECKPOINT).is_file():
        raise DataError(f"{run}: not a run folder with a checkpoint")
    run_config = GeneratorConfig.from_dict(json.loads((run / MODEL_FILE).read_text()))
    try:
        target = read_config(folder)
    except CheckpointError as exc:
        raise DataError(f"a segmenter goes into an existing model folder: {exc}") from exc
    if [c.name for c in target.classes] != [c.name for c in run_config.classes]:
        raise DataError(f"{folder}: its classes differ from the segmenter run's")
    model = Segmenter(SegmenterConfig(run_config.num_classes))
    model.load_state_dict(load_state(run / CHECKPOINT)["S"])
    save_segmenter(model, folder)
    return folder


def carry_segmenter(source: Path, folder: Path) -> bool:
    """Copy a model folder's reference segmenter into a freshly packaged folder of the same
    classes (a fine-tune of the generator leaves the segmenter as it was)."""
    import shutil

    from casa_studio.model.folder import read_config
    from casa_studio.model.segmenter import SEGMENTER_CONFIG, SEGMENTER_WEIGHTS

    source, folder = Path(source), Path(folder)
    files = [source / SEGMENTER_WEIGHTS, source / SEGMENTER_CONFIG]
    if not all(f.is_file() for f in files):
        return False
    if [c.name for c in read_config(source).classes] != [
        c.name for c in read_config(folder).classes
    ]:
        return False
    for f in files:
        shutil.copyfile(f, folder / f.name)
    return True
