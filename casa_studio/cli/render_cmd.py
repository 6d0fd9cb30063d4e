"""`casa-studio render`: one label map to one image, with styles from a reference or a seed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from casa_studio.engine.service import InferenceService


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
    p.add_argument("--style-labels", type=Path, help="class-id PNG of --style-image")
    p.add_argument("--seed", type=int, help="random styles from the mapping network")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    p.add_argument(
        "--precision",
        choices=("auto", "fp32"),
        default="auto",
        help="auto: fp16 on GPUs, bf16 on CPUs with native bf16; fp32: exact",
    )
    p.add_argument("-o", "--output", required=True, type=Path, help="PNG to write")
    p.set_defaults(func=cmd_render)


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
