"""`casa-studio models`: list, inspect, import official checkpoints, package training runs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from casa_studio.cli import looks_cmd
from casa_studio.cli.options import add_device_option

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
    ev = msub.add_parser(
        "evaluate", help="quality figures on held-out scenes (table, --json, --markdown)"
    )
    ev.add_argument("model", help="model folder or name")
    ev.add_argument(
        "--data", type=Path, help="held-out dataset folder (default: the procedural world)"
    )
    ev.add_argument("--world-seed", type=int, default=2, help="procedural world (default 2)")
    ev.add_argument("--scenes", type=int, default=100, help="held-out scenes (default 100)")
    ev.add_argument(
        "--reference",
        type=int,
        default=200,
        help="second real set for calibration: world scenes from 100000, or the pairs after "
        "--scenes (default 200)",
    )
    ev.add_argument(
        "--locality",
        metavar="G[,G…]",
        help="attention guidance of every render (default: the model's); several: a sweep table",
    )
    add_device_option(ev)
    ev.add_argument("--json", type=Path, help="write all figures here")
    ev.add_argument("--markdown", type=Path, help="write the model card's table here")
    ev.add_argument(
        "--card",
        action="store_true",
        help="also put the figures into the model folder: figures.json (a sweep: "
        "locality_sweep.json) and the MODEL_CARD.md section 'Quality figures' ('Locality "
        "guidance')",
    )
    ev.add_argument(
        "--layout", default="auto", choices=("auto", "paired", "celebamask-hq", "ade20k")
    )
    ev.add_argument("--split", default="test", help="split of split layouts (default test)")
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
    """The folder's details, then every file checked: an unusable folder is an error."""
    from casa_studio.engine.catalog import model_looks, resolve_model
    from casa_studio.engine.errors import EngineError
    from casa_studio.model.errors import CheckpointError
    from casa_studio.model.folder import read_config
    from casa_studio.model.folder_check import folder_problems

    folder = resolve_model(args.model)
    cfg = read_config(folder)
    try:
        looks = ", ".join(model_looks(folder)) or "none (no look bank)"
    except EngineError:
        looks = "unreadable look bank"
    h, w = cfg.output_hw
    print(
        f"name: {cfg.name}\nfolder: {folder}\noutput: {w}x{h}\n"
        f"classes ({cfg.num_classes}): " + ", ".join(f"{c.id} {c.name}" for c in cfg.classes)
    )
    print(
        f"background excluded from shapes: {cfg.exclude_bg}\nstyle token: {cfg.token_dim}\n"
        f"mapping network: {'yes' if cfg.has_mapping else 'no'}\n"
        f"default attention guidance: {cfg.default_locality:g}"
        + (" (the paper's forward)" if cfg.default_locality == 0 else "")
        + "\n"
        f"looks: {looks}"
    )
    print(
        "stages: "
        + ", ".join(
            f"{s.channels}ch {s.heads}x{s.head_dim}{' +self' if s.self_attention else ''}"
            for s in cfg.stages
        )
    )
    problems = folder_problems(folder)
    if problems:
        raise CheckpointError(f"{folder}: not usable: {'; '.join(problems)}.")
    print("usable: yes (every file checked)")
    return 0


def into_model_folder(output: Path, overwrite: bool, write: Callable[[Path], Any]) -> Any:
    """Write a model folder through a staging folder swapped in whole (`--overwrite`)."""
    from casa_studio.atomic_folder import replace_folder
    from casa_studio.model.errors import CheckpointError
    from casa_studio.model.folder import CONFIG_FILE

    info = replace_folder(
        output,
        write,
        overwrite=overwrite,
        replaceable=lambda p: (p / CONFIG_FILE).is_file() or not any(p.iterdir()),
        error=CheckpointError,
    )
    return replace(info, path=output)


def cmd_import_official(args: argparse.Namespace) -> int:
    from casa_studio.model.config import celebamask_hq_classes
    from casa_studio.model.convert import import_official
    from casa_studio.model.folder import read_classes

    classes = read_classes(args.classes) if args.classes else celebamask_hq_classes()
    info = into_model_folder(
        args.output,
        args.overwrite,
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
    info = into_model_folder(
        args.output,
        args.overwrite,
        lambda folder: package_run(
            args.run, folder, half=args.half, use_ema=not args.no_ema, name=args.name
        ),
    )
    size = (info.path / "generator.safetensors").stat().st_size / 1e6
    print(f"{info.path}: model '{info.config.name}', {size:.1f} MB, sha256 {info.sha256[:16]}…")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from tqdm import tqdm

    from casa_studio.engine.catalog import resolve_model
    from casa_studio.engine.errors import EngineError
    from casa_studio.engine.service import InferenceService
    from casa_studio.training.evaluate import EvalOptions, HeldOut, evaluate
    from casa_studio.training.figures_table import caption, figures_table, sweep_table

    if args.grid and not args.data:
        raise EngineError("--grid needs --data (the grid shows a dataset's first scenes)")
    folder = resolve_model(args.model)
    service = InferenceService.load(folder, args.device, "fp32")
    held_out = HeldOut(args.data, args.world_seed, args.scenes, args.reference)
    strengths = _strengths(args.locality, service.config.default_locality)
    names = [c.name for c in service.config.classes]
    runs = []
    total = len(strengths) * (args.reference + args.scenes)
    with tqdm(total=total, unit="scene", desc="evaluate") as bar:
        for g in strengths:
            scenes, reference = held_out.scenes(service.config, args.layout, args.split)
            figures = evaluate(service, names, scenes, reference, EvalOptions(g), bar.update)
            runs.append(figures | {"held_out": held_out.describe()})
    table = sweep_table(runs) if len(runs) > 1 else figures_table(runs[0])
    table += f"\n{caption(runs[-1], held_out.describe(), sweep=len(runs) > 1)}\n"
    print(table)
    if args.json:
        out = runs[0] if len(runs) == 1 else {"sweep": runs}
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(table)
    if args.card:
        _write_card(folder, runs, table, _command(args, strengths))
    if args.grid:
        from casa_studio.persistence.images import write_png
        from casa_studio.training.showcase import showcase_grid

        write_png(args.grid, showcase_grid(folder, args.data, layout=args.layout, split=args.split))
        print(f"{args.grid}: sample grid")
    return 0


def _strengths(text: str | None, default: float) -> list[float]:
    from casa_studio.engine.errors import EngineError

    if text is None:
        return [default]
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise EngineError(f"--locality takes numbers separated by commas, got '{text}'") from None
    if any(v < 0 for v in values):
        raise EngineError(f"--locality must be 0 or more, got '{text}'")
    return values


def _write_card(folder: Path, runs: list[dict], table: str, command: str) -> None:
    import json

    from casa_studio.model.folder import CARD_FILE
    from casa_studio.training.figures_table import with_section

    sweep = len(runs) > 1
    data = folder / ("locality_sweep.json" if sweep else "figures.json")
    data.write_text(json.dumps({"sweep": runs} if sweep else runs[0], indent=2) + "\n")
    card = folder / CARD_FILE
    text = card.read_text(encoding="utf-8") if card.is_file() else f"# {folder.name}\n"
    body = f"`{command}` (all figures: `{data.name}`)\n\n{table}"
    title = "Locality guidance" if sweep else "Quality figures"
    card.write_text(with_section(text, title, body), encoding="utf-8")
    print(f"{card}: section '{title}' and {data.name} written")


def _command(args: argparse.Namespace, strengths: list[float]) -> str:
    """The evaluate command that reproduces these figures."""
    source = f"--data {args.data}" if args.data else f"--world-seed {args.world_seed}"
    return (
        f"casa-studio models evaluate {args.model} {source} --scenes {args.scenes} "
        f"--reference {args.reference} --locality {','.join(f'{g:g}' for g in strengths)}"
    )
