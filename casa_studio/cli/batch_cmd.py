"""`casa-studio batch SRC... -o OUTDIR`: render many projects or label maps."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="render many .casa projects or label PNGs into a folder")
    p.add_argument(
        "sources", nargs="+", type=Path, help=".casa projects, label PNGs, or folders of them"
    )
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--model", help="model folder or name (default: the first installed)")
    p.add_argument("--seeds", type=int, default=1, help="random-style variants per source")
    p.add_argument(
        "--own", action="store_true", help="one image per source in its own (project) styles"
    )
    p.add_argument(
        "--styles", type=Path, help="folder with images/ and labels/: one render per reference"
    )
    p.add_argument(
        "--name",
        default="{source}_{variant}",
        help="file name pattern: {source}, {variant} (own, seed3, a reference) and {n}",
    )
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from casa_studio.engine.batch import render_many, style_sources
    from casa_studio.engine.batch_plan import check_pattern, expand_sources, variant_count
    from casa_studio.engine.catalog import default_model, resolve_model
    from casa_studio.engine.service import InferenceService

    check_pattern(args.name)
    service = InferenceService.load(
        resolve_model(args.model) if args.model else default_model(), args.device
    )
    styles = style_sources(args.styles) if args.styles else None
    sources = expand_sources(args.sources)
    total = len(sources) * variant_count(args.seeds, args.own, styles)
    with tqdm(total=total, unit="image", desc="batch") as bar:
        summary = render_many(
            service,
            sources,
            args.output,
            seeds=args.seeds,
            own=args.own,
            styles=styles,
            progress=bar.update,
            pattern=args.name,
        )
    print(f"{len(summary.written)} images written to {args.output}")
    for failure in summary.failures:
        print(f"failed: {failure}")
    return 1 if summary.failures else 0
