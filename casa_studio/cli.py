"""Command line: `casa-studio` and its subcommands. Heavy imports happen inside the commands,
so `--help` loads neither torch nor Qt."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from casa_studio import __version__

if TYPE_CHECKING:
    import numpy as np

    from casa_studio.engine.service import InferenceService

DEVICES = ("auto", "cpu", "cuda", "mps")


def _add_render(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="render a label map to an image")
    p.add_argument(
        "--model",
        default=None,
        help="model folder or installed model name (default: first installed)",
    )
    p.add_argument(
        "--labels", required=True, type=Path, help="8-bit grey or palette PNG of class ids"
    )
    p.add_argument("--style-image", type=Path, help="take per-class styles from this image")
    p.add_argument("--style-labels", type=Path, help="class-id PNG of --style-image")
    p.add_argument("--seed", type=int, help="random styles from the mapping network")
    p.add_argument("--device", choices=DEVICES, default="auto")
    p.add_argument(
        "--precision",
        choices=("auto", "fp32"),
        default="auto",
        help="auto: fp16 on GPUs, bf16 on CPUs with native bf16; fp32: exact",
    )
    p.add_argument("-o", "--output", required=True, type=Path, help="PNG to write")
    p.set_defaults(func=cmd_render)


def _add_models(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="list, inspect and import models")
    msub = p.add_subparsers(dest="models_command", required=True)
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
    imp.set_defaults(func=cmd_import_official)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casa-studio",
        description="CASA Studio: paint semantic label maps, render them with CA2-SIS.",
    )
    parser.add_argument("--version", action="version", version=f"casa-studio {__version__}")
    sub = parser.add_subparsers(dest="command")
    _add_render(sub)
    _add_models(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from casa_studio.errors import USER_ERRORS

    try:
        return int(args.func(args) or 0)
    except USER_ERRORS as exc:
        print(f"casa-studio: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("casa-studio: interrupted", file=sys.stderr)
        return 130


def cmd_render(args: argparse.Namespace) -> int:
    from casa_studio.engine.catalog import default_model, resolve_model
    from casa_studio.engine.service import InferenceService
    from casa_studio.persistence.images import read_labels, write_png

    folder = resolve_model(args.model) if args.model else default_model()
    service = InferenceService.load(folder, args.device, args.precision)
    size = service.config.output_hw
    labels = _checked_labels(service, read_labels(args.labels, size), args.labels)
    tokens, source = _styles(service, labels, args)
    write_png(args.output, service.render(labels, tokens))
    print(
        f"{args.output}: {size[1]}x{size[0]}, model {folder.name} "
        f"on {service.placement.label}, {source}"
    )
    return 0


def _checked_labels(service: InferenceService, labels: np.ndarray, path: Path) -> np.ndarray:
    from casa_studio.engine.errors import EngineError
    from casa_studio.persistence.images import describe_unknown

    cfg = service.config
    unknown = describe_unknown(labels, cfg.num_classes)
    if unknown:
        raise EngineError(
            f"{path}: class ids unknown to model '{cfg.name}' (0..{cfg.num_classes - 1}): {unknown}"
        )
    return labels


def _styles(
    service: InferenceService, labels: np.ndarray, args: argparse.Namespace
) -> tuple[np.ndarray, str]:
    from casa_studio.engine.errors import EngineError
    from casa_studio.persistence.images import read_labels, read_rgb

    if args.style_image is not None:
        if args.style_labels is None:
            raise EngineError("--style-image needs --style-labels (the reference's class ids)")
        size = service.config.output_hw
        image = read_rgb(args.style_image, size)
        ref_labels = _checked_labels(
            service, read_labels(args.style_labels, size), args.style_labels
        )
        return service.encode_styles(
            image, ref_labels
        ).tokens, f"styles from {args.style_image.name}"
    if args.style_labels is not None:
        raise EngineError("--style-labels needs --style-image")
    if args.seed is not None or service.has_mapping:
        seed = 0 if args.seed is None else args.seed
        return service.noise_styles(seed, labels).tokens, f"random styles, seed {seed}"
    return service.default_styles().tokens, "default styles (model has no mapping network)"


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
    from casa_studio.engine.catalog import resolve_model
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
        f"mapping network: {'yes' if cfg.has_mapping else 'no'}"
    )
    print(
        "stages: "
        + ", ".join(
            f"{s.channels}ch {s.heads}x{s.head_dim}{' +self' if s.self_attention else ''}"
            for s in cfg.stages
        )
    )
    return 0


def cmd_import_official(args: argparse.Namespace) -> int:
    from casa_studio.model.config import celebamask_hq_classes
    from casa_studio.model.convert import import_official
    from casa_studio.model.folder import read_classes

    classes = read_classes(args.classes) if args.classes else celebamask_hq_classes()
    info = import_official(
        args.checkpoint,
        args.output,
        classes,
        output_tanh=not args.linear_output,
        half=args.half,
        name=args.name,
    )
    print(f"{info.path}: {info.config.num_classes} classes, sha256 {info.sha256[:16]}…")
    return 0
