"""`casa-studio train`: the GAN training loop (single process, or torchrun for DDP)."""

from __future__ import annotations

import argparse
from pathlib import Path

from casa_studio.wording import counted

PRESET_HELP = "slim, official-celebamask-hq, tiny, or a model config JSON file"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train", help="train a model (torchrun --nproc_per_node K -m casa_studio train ...)"
    )
    p.add_argument("--data", type=Path, help="dataset folder")
    p.add_argument("--out", type=Path, default=Path("runs"), help="folder of numbered runs")
    p.add_argument("--task", default="generator", choices=("generator", "segmenter"))
    p.add_argument("--config", default="slim", help=PRESET_HELP)
    p.add_argument(
        "--layout", default="auto", choices=("auto", "paired", "celebamask-hq", "ade20k")
    )
    p.add_argument("--stage", default="main", choices=("main", "noise"))
    p.add_argument(
        "--init", help="start from this model folder or run (required for --stage noise)"
    )
    p.add_argument(
        "--iters", type=int, help="total iterations (default 1000; extends a resumed run)"
    )
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--vgg-weights", help="torchvision VGG19 state dict for the perceptual loss")
    p.add_argument(
        "--recipe",
        default="sharp",
        choices=("sharp", "paper"),
        help="sharp (default): D without instance norm + R1, noise injection, L1 x1; "
        "paper: the paper's losses and discriminator",
    )
    p.add_argument(
        "--l1", type=float, help="pixel L1 weight (default: sharp 1, paper 10; 0 with VGG)"
    )
    p.add_argument("--r1", type=float, help="R1 penalty weight gamma (default: sharp 1, paper 0)")
    p.add_argument("--d-warmup", type=int, default=0, help="first N iterations train D only")
    p.add_argument(
        "--locality",
        type=float,
        help="attention guidance on every other step (default: sharp 4, paper 0 = never)",
    )
    p.add_argument(
        "--minutes", type=float, help="stop after this much wall time (checkpoint and samples)"
    )
    p.add_argument("--ema", type=float, help="keep an EMA of the generator with this decay")
    p.add_argument("--precision", default="fp32", choices=("fp32", "bf16"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=0, help="data loader processes")
    p.add_argument("--sample-every", type=int, default=250)
    p.add_argument("--checkpoint-every", type=int, default=250)
    p.add_argument(
        "--package-to",
        type=Path,
        help="when training stops, package the run into this model folder (EMA weights, "
        "fp16, discriminator; the --init folder's segmenter is carried over)",
    )
    p.add_argument("--name", help="model name for --package-to (default: the folder's name)")
    p.add_argument(
        "--overwrite", action="store_true", help="--package-to may replace a model folder whole"
    )
    p.add_argument(
        "--resume", nargs="?", const="latest", help="continue a run (default: latest in --out)"
    )
    p.add_argument("--dry-run", action="store_true", help="check data and config, train nothing")
    p.set_defaults(func=cmd_train)


def _config(args: argparse.Namespace):
    from casa_studio.data.errors import DataError
    from casa_studio.training.config import TrainConfig

    if args.data is None:
        raise DataError("--data is required for a new run")
    return TrainConfig(
        data=str(args.data),
        out=str(args.out),
        task=args.task,
        model=args.config,
        layout=args.layout,
        stage=args.stage,
        init=args.init,
        iters=args.iters or 1000,
        batch=args.batch,
        lr=args.lr,
        l1=args.l1,
        recipe=args.recipe,
        r1_gamma=args.r1,
        d_warmup=args.d_warmup,
        locality=args.locality,
        vgg_weights=args.vgg_weights,
        ema=args.ema,
        seed=args.seed,
        precision=args.precision,
        workers=args.workers,
        sample_every=args.sample_every,
        checkpoint_every=args.checkpoint_every,
    )


def cmd_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from casa_studio.training.config import TrainConfig
    from casa_studio.training.distributed import close_world, init_world
    from casa_studio.training.run_dir import TRAIN_FILE, latest_run, new_run_dir

    if args.package_to and args.package_to.exists() and not args.overwrite:
        from casa_studio.data.errors import DataError  # said before training, not after

        raise DataError(f"{args.package_to} already exists: pass --overwrite to replace it whole")
    _interrupt_on_signals()
    world = init_world()
    try:
        if args.resume:
            run = latest_run(args.out) if args.resume == "latest" else Path(args.resume)
            cfg = TrainConfig.load(run / TRAIN_FILE)
            cfg = cfg.updated(iters=args.iters) if args.iters else cfg
            trainer = _trainer_class(cfg, world)(cfg, run, world, resume=True)
        else:
            cfg = _config(args)
            if args.dry_run:
                from casa_studio.training.batches import datasets
                from casa_studio.training.initial_models import model_config

                train, _ = datasets(cfg, model_config(cfg))
                pairs, iters = counted(len(train), "pair"), counted(cfg.iters, "iteration")
                print(f"dry run: {pairs}, model {cfg.model}, {iters} OK")
                return 0
            trainer_class = _trainer_class(cfg, world)
            run = _new_run(args.out, cfg, world, new_run_dir)
            trainer = trainer_class(cfg, run, world)
        with tqdm(
            total=cfg.iters, initial=trainer.step, unit="it", disable=not world.is_main
        ) as bar:

            def progress(step: int, record: dict[str, float]) -> None:
                bar.update(step - bar.n)
                keys = ("g_total", "d_hinge", "d_gap", "ce")
                shown = {k: f"{record[k]:.3f}" for k in keys if k in record}
                bar.set_postfix(shown)

            trainer.fit(progress, args.minutes)
        if world.is_main:
            print(f"{run}: {trainer.step} iterations done")
            if args.package_to:
                _package(run, cfg, args.package_to, args.name, args.overwrite)
    finally:
        close_world(world)
    return 0


def _package(run: Path, cfg, folder: Path, name: str | None, overwrite: bool) -> None:
    """Into a staging folder swapped in whole, as `models package` does."""
    from casa_studio.cli.models_cmd import into_model_folder
    from casa_studio.training.package import carry_segmenter, package_run

    carried: list[bool] = []

    def write(staging: Path):
        info = package_run(run, staging, half=True, name=name or folder.name)
        carried.append(bool(cfg.init) and carry_segmenter(Path(cfg.init), staging))
        return info

    into_model_folder(folder, overwrite, write)
    print(f"packaged {folder}" + (" (segmenter carried over)" if any(carried) else ""))


def _new_run(root: Path, cfg, world, new_run_dir) -> Path:
    """Rank 0 creates the folder; the others learn its name through the process group."""
    if not world.distributed:
        return new_run_dir(root, _run_name(cfg))
    import torch.distributed as dist

    name = [str(new_run_dir(root, _run_name(cfg))) if world.is_main else ""]
    dist.broadcast_object_list(name, src=0)
    return Path(name[0])


def _trainer_class(cfg, world):
    from casa_studio.data.errors import DataError

    if cfg.task == "segmenter":
        if world.distributed:
            raise DataError("the segmenter trains in one process; run it without torchrun")
        from casa_studio.training.segmenter_loop import SegmenterTrainer

        return SegmenterTrainer
    from casa_studio.training.loop import Trainer

    return Trainer


def _run_name(cfg) -> str:
    return "segmenter" if cfg.task == "segmenter" else f"{Path(cfg.model).stem}-{cfg.stage}"


def _interrupt_on_signals() -> None:
    """SIGTERM (and SIGINT, even when a background shell set it to be ignored) stop training
    like Ctrl+C: the loop saves a checkpoint at the last full step, so resume is exact."""
    import signal

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
