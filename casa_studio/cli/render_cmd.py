"""`casa-studio render`: one label map to one image, with the style and shape recipes of the
editor: reference styles (all or chosen classes), seeds per class, swaps, shape transfer."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from casa_studio.cli.batch_cmd import batch_size
from casa_studio.cli.options import add_device_option
from casa_studio.wording import counted

if TYPE_CHECKING:
    import numpy as np

    from casa_studio.engine.compose import StylePlan
    from casa_studio.engine.service import InferenceService
    from casa_studio.persistence.outputs import InputFiles


def add_parser(sub: argparse._SubParsersAction) -> None:
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
    p.add_argument(
        "--style-labels",
        type=Path,
        help="class-id PNG of --style-image (default: the model's segmenter labels it)",
    )
    p.add_argument(
        "--style-classes",
        metavar="NAMES",
        help="comma-separated class names or ids: take the reference style only for those",
    )
    p.add_argument("--look", metavar="NAME", help="a named look of the model (clear day, night, …)")
    p.add_argument(
        "--seed", type=int, help="random styles (a real scene's from the model's look bank)"
    )
    p.add_argument(
        "--seed-classes", metavar="NAMES", help="random style of --seed only for these classes"
    )
    p.add_argument(
        "--swap-styles", metavar="A,B", action="append", default=[], help="swap two classes' styles"
    )
    p.add_argument("--shape-labels", type=Path, help="reference label map to take shapes from")
    p.add_argument("--shape-classes", metavar="NAMES", help="classes that take that shape")
    p.add_argument(
        "--shape-alpha",
        type=float,
        default=0.0,
        help="0: the reference's shape, 1: the labels' own, between: interpolated",
    )
    p.add_argument(
        "--locality",
        type=float,
        metavar="G",
        help="keep each class's style in its own painted region: 0 = the paper's free "
        "attention (the whole scene's light), higher = this class only (default: the model's, "
        "see `models info`)",
    )
    add_device_option(p)
    p.add_argument(
        "--precision",
        choices=("auto", "fp32"),
        default="auto",
        help="auto: fp16 on GPUs, bf16 on CPUs with native bf16; fp32: exact",
    )
    p.add_argument(
        "--count",
        type=int,
        default=1,
        metavar="N",
        help="N variants with seeds --seed, --seed+1, ... into OUTPUT_seedS.png",
    )
    p.add_argument(
        "--batch-size",
        type=batch_size,
        metavar="N",
        help="variants per forward pass (default: 8 on a GPU, 1 on a CPU)",
    )
    p.add_argument("-o", "--output", required=True, type=Path, help="PNG to write")
    p.set_defaults(func=cmd_render)


def cmd_render(args: argparse.Namespace) -> int:
    from casa_studio.engine.catalog import default_model, resolve_model
    from casa_studio.engine.compose import compose
    from casa_studio.engine.service import InferenceService
    from casa_studio.persistence.images import read_labels, write_png

    inputs = _inputs(args)
    if args.count == 1:
        inputs.check(args.output)
    folder = resolve_model(args.model) if args.model else default_model()
    service = InferenceService.load(folder, args.device, args.precision)
    size = service.config.output_hw
    labels = _checked_labels(service, read_labels(args.labels, size), args.labels)
    plan = _plan(service, args)
    locality = service.config.default_locality if args.locality is None else args.locality
    if args.count != 1:
        return _render_variants(service, labels, plan, args, locality)
    tokens, edits, notes = compose(service, plan)
    write_png(args.output, service.render(labels, tokens, edits, locality=locality))
    print(
        f"{args.output}: {size[1]}x{size[0]}, model {folder.name} "
        f"on {service.placement.label}, locality {locality:g}; " + "; ".join(notes)
    )
    return 0


def _render_variants(
    service: InferenceService,
    labels: np.ndarray,
    plan: StylePlan,
    args: argparse.Namespace,
    locality: float,
) -> int:
    """`--count N`: one picture per seed, rendered `--batch-size` at a time."""
    from dataclasses import replace

    from casa_studio.engine.compose import compose
    from casa_studio.engine.device import default_batch_size
    from casa_studio.engine.errors import EngineError
    from casa_studio.persistence.images import write_png

    if args.seed is None or args.count < 1:
        raise EngineError("--count N needs --seed (the first seed) and N >= 1")
    out = args.output
    seeds = range(args.seed, args.seed + args.count)
    paths = [out.with_name(f"{out.stem}_seed{s}{out.suffix or '.png'}") for s in seeds]
    inputs = _inputs(args)
    for path in paths:
        inputs.check(path)
    frames = [(labels, *compose(service, replace(plan, seed=s))[:2]) for s in seeds]
    size = args.batch_size or default_batch_size(service.placement)
    for i in range(0, len(frames), size):
        images = service.render_batch(frames[i : i + size], locality=locality)
        for path, image in zip(paths[i : i + size], images, strict=True):
            write_png(path, image)
    span = f"{paths[0].name} … {paths[-1].name}" if len(paths) > 1 else paths[0].name
    print(f"{counted(len(paths), 'image')} {span} on {service.placement.label}")
    return 0


def _inputs(args: argparse.Namespace) -> InputFiles:
    """Every file `render` reads: no output may overwrite one of them."""
    from casa_studio.persistence.outputs import InputFiles

    return InputFiles((args.labels, args.style_image, args.style_labels, args.shape_labels))


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


def _plan(service: InferenceService, args: argparse.Namespace) -> StylePlan:
    from casa_studio.engine.compose import StylePlan, class_ids
    from casa_studio.engine.errors import EngineError
    from casa_studio.persistence.images import read_labels, read_rgb

    size = service.config.output_hw

    def ids(text: str | None) -> tuple[int, ...] | None:
        return None if text is None else class_ids(service, text)

    def labels_of(path: Path | None) -> np.ndarray | None:
        return None if path is None else _checked_labels(service, read_labels(path, size), path)

    if args.style_labels is not None and args.style_image is None:
        raise EngineError("--style-labels needs --style-image")
    if (args.style_classes is not None) and args.style_image is None:
        raise EngineError("--style-classes needs --style-image")
    if args.seed_classes is not None and args.seed is None:
        raise EngineError("--seed-classes needs --seed")
    if args.look is not None and args.seed is not None and args.seed_classes is None:
        raise EngineError("--look and --seed both style every class: add --seed-classes")
    if (args.shape_labels is None) != (args.shape_classes is None):
        raise EngineError("--shape-labels and --shape-classes go together")
    swaps = []
    for pair in args.swap_styles:
        found = class_ids(service, pair)
        if len(found) != 2:
            raise EngineError(f"--swap-styles takes two classes, got '{pair}'")
        swaps.append((found[0], found[1]))
    return StylePlan(
        look=args.look,
        seed=args.seed,
        seed_classes=ids(args.seed_classes),
        style_image=None if args.style_image is None else read_rgb(args.style_image, size),
        style_labels=labels_of(args.style_labels),
        style_classes=ids(args.style_classes),
        swaps=tuple(swaps),
        shape_labels=labels_of(args.shape_labels),
        shape_classes=ids(args.shape_classes) or (),
        shape_alpha=args.shape_alpha,
    )
