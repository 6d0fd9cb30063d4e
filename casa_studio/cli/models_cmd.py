"""`casa-studio models`: list, inspect, import official checkpoints, package training runs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from casa_studio.cli import looks_cmd

OVERWRITE_HELP = "replace an existing model folder whole (nothing of the old one is kept)"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="list, inspect and import models")
    msub = p.add_subparsers(dest="models_command", required=True)
    looks_cmd.add_parser(msub)
    msub.add_parser("list", help="installed and bundled models").set_defaults(func=cmd_models_list)
    info = msub.add_parser("info", help="details of one model")
    info.add_argument("model", help="model folder or name")
    info.set_defaults(func=cmd_models_info)
    imp = msub.add_parser("import-official", help="convert an official CA2-SIS latest_net_G.pth")
    imp.add_argument("checkpoint", type=Path)
    source = imp.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=("celebamask-hq",), default="celebamask-hq")
    source.add_argument("--classes", type=Path, help="JSON list of class names (or {name, color})")
    imp.add_argument(
        "--linear-output",
        action="store_true",
        help="checkpoint predates the output tanh (before 2023-12-19)",
    )
    imp.add_argument("--half", action="store_true", help="store fp16 weights (half the size)")
    imp.add_argument("--name", help="model name written into config.json")
    imp.add_argument("-o", "--output", required=True, type=Path, help="model folder to create")
    imp.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    imp.set_defaults(func=cmd_import_official)
    pkg = msub.add_parser("package", help="turn a training run into a model folder")
    pkg.add_argument("run", type=Path, help="run folder (RUNS/NNNN-name)")
    pkg.add_argument("-o", "--output", required=True, type=Path, help="model folder to create")
    pkg.add_argument("--half", action="store_true", help="store fp16 weights (half the size)")
    pkg.add_argument("--no-ema", action="store_true", help="use the raw generator, not its EMA")
    pkg.add_argument("--name", help="model name written into config.json")
    pkg.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    pkg.set_defaults(func=cmd_package)
    ev = msub.add_parser("evaluate", help="held-out PSNR, SSIM, attention and segmenter mIoU")
    ev.add_argument("model", help="model folder or name")
    ev.add_argument("--data", type=Path, required=True, help="held-out dataset folder")
    ev.add_argument(
        "--layout", default="auto", choices=("auto", "paired", "celebamask-hq", "ade20k")
    )
    ev.add_argument("--split", default="test", help="split of split layouts (default test)")
    ev.add_argument("--limit", type=int, default=200, help="at most this many pairs")
    ev.add_argument("--grid", type=Path, help="also write the model card's sample grid PNG here")
    ev.set_defaults(func=cmd_evaluate)


def cmd_models_list(args: argparse.Namespace) -> int:
    from casa_studio.engine.catalog import list_models

    entries = list_models()
    if not entries:
        print("no models installed")
    for e in entries:
        if e.config is None:
            print(f"{e.name:28} UNUSABLE: {e.problem}")
            continue
        h, w = e.config.output_hw
        print(
            f"{e.name:28} {e.config.num_classes:3d} classes  {w}x{h}  "
            f"{e.weights_bytes / 1e6:7.1f} MB  {e.path}"
        )
    return 0


def cmd_models_info(args: argparse.Namespace) -> int:
    from casa_studio.engine.catalog import model_looks, resolve_model
    from casa_studio.model.folder import read_config

    folder = resolve_model(args.model)
    cfg = read_config(folder)
    h, w = cfg.output_hw
    print(
        f"name: {cfg.name}\nfolder: {folder}\noutput: {w}x{h}\n"
        f"classes ({cfg.num_classes}): " + ", ".join(f"{c.id} {c.name}" for c in cfg.classes)
    )
    print(
        f"background excluded from shapes: {cfg.exclude_bg}\nstyle token: {cfg.token_dim}\n"
        f"mapping network: {'yes' if cfg.has_mapping else 'no'}\n"
        f"looks: {', '.join(model_looks(folder)) or 'none (no style bank)'}"
    )
    print(
        "stages: "
        + ", ".join(
            f"{s.channels}ch {s.heads}x{s.head_dim}{' +self' if s.self_attention else ''}"
            for s in cfg.stages
        )
    )
    return 0


def _into_model_folder(args: argparse.Namespace, write: Callable[[Path], Any]) -> Any:
    """Write a model folder through a staging folder swapped in whole (`--overwrite`)."""
    from casa_studio.model.errors import CheckpointError
    from casa_studio.model.folder import CONFIG_FILE
    from casa_studio.swap import replace_folder

    info = replace_folder(
        args.output,
        write,
        overwrite=args.overwrite,
        replaceable=lambda p: (p / CONFIG_FILE).is_file() or not any(p.iterdir()),
        error=CheckpointError,
    )
    return replace(info, path=args.output)


def cmd_import_official(args: argparse.Namespace) -> int:
    from casa_studio.model.config import celebamask_hq_classes
    from casa_studio.model.convert import import_official
    from casa_studio.model.folder import read_classes

    classes = read_classes(args.classes) if args.classes else celebamask_hq_classes()
    info = _into_model_folder(
        args,
        lambda folder: import_official(
            args.checkpoint,
            folder,
            classes,
            output_tanh=not args.linear_output,
            half=args.half,
            name=args.name,
        ),
    )
    print(f"{info.path}: {info.config.num_classes} classes, sha256 {info.sha256[:16]}…")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    from casa_studio.training.config import TrainConfig
    from casa_studio.training.package import package_run, package_segmenter
    from casa_studio.training.run_dir import TRAIN_FILE

    if TrainConfig.load(args.run / TRAIN_FILE).task == "segmenter":
        folder = package_segmenter(args.run, args.output)  # adds to an existing model folder
        print(f"{folder}: segmenter added")
        return 0
    info = _into_model_folder(
        args,
        lambda folder: package_run(
            args.run, folder, half=args.half, use_ema=not args.no_ema, name=args.name
        ),
    )
    size = (info.path / "generator.safetensors").stat().st_size / 1e6
    print(f"{info.path}: model '{info.config.name}', {size:.1f} MB, sha256 {info.sha256[:16]}…")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from casa_studio.engine.catalog import resolve_model
    from casa_studio.training.evaluate import evaluate_model

    folder = resolve_model(args.model)
    with tqdm(unit="image", desc="evaluate") as bar:
        figures = evaluate_model(
            folder,
            args.data,
            layout=args.layout,
            split=args.split,
            limit=args.limit,
            progress=bar.update,
        )
    for key, value in figures.items():
        print(f"{key}: {value:.4f}" if key != "images" else f"{key}: {int(value)}")
    if args.grid:
        from casa_studio.persistence.images import write_png
        from casa_studio.training.showcase import showcase_grid

        write_png(args.grid, showcase_grid(folder, args.data, layout=args.layout, split=args.split))
        print(f"{args.grid}: sample grid")
    return 0
