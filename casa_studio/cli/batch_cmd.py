"""`casa-studio batch SRC... -o OUTDIR`: render many projects or label maps."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from casa_studio.cli.options import add_device_option
from casa_studio.wording import counted


def batch_size(text: str) -> int:
    """argparse type of --batch-size: a whole number from 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1, got '{text}'")
    return int(text)


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
        "--looks",
        metavar="all|A,B",
        help="one render per named look of the model (clear day, night, …): all, or a list",
    )
    p.add_argument(
        "--locality",
        type=float,
        metavar="G",
        help="attention guidance, as the editor's light control: 0 = the whole scene's light "
        "(the paper's forward), higher = this class only (default: the model's, see "
        "`models info`)",
    )
    p.add_argument(
        "--name",
        default="{source}_{variant}",
        help="file name pattern: {source}, {variant} (own, seed3, a reference, a look) and {n}",
    )
    add_device_option(p)
    p.add_argument(
        "--batch-size",
        type=batch_size,
        metavar="N",
        help="images per forward pass (default: 8 on a GPU, 1 on a CPU)",
    )
    p.add_argument(
        "--compile",
        action="store_true",
        help="torch.compile the decoder (experimental; off by default until it is measured)",
    )
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from casa_studio.engine.batch import reference_pairs, render_many
    from casa_studio.engine.batch_plan import BatchOptions, choose_looks, expand_sources
    from casa_studio.engine.catalog import default_model, resolve_model
    from casa_studio.engine.service import InferenceService

    options = BatchOptions(  # checked before the model loads
        seeds=args.seeds,
        own=args.own,
        styles=args.styles,
        looks=() if args.looks else None,
        pattern=args.name,
        batch_size=args.batch_size,
        locality=args.locality,  # None: the model's default
    )
    references = len(reference_pairs(args.styles)) if args.styles else 0
    service = InferenceService.load(
        resolve_model(args.model) if args.model else default_model(), args.device
    )
    if args.compile:
        service.compile_decoder()
    if args.looks:
        options = replace(options, looks=choose_looks(args.looks, service.styles.looks))
    sources = expand_sources(args.sources)
    total = len(sources) * options.per_source(references)
    with tqdm(total=total, unit="image", desc="batch") as bar:
        summary = render_many(service, sources, args.output, options, progress=bar.update)
    print(f"{counted(len(summary.written), 'image')} written to {args.output}")
    for failure in summary.failures:
        print(f"failed: {failure}")
    return 1 if summary.failures else 0
