"""`casa-studio dataset synth|check`: make the procedural world, inspect any dataset."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from casa_studio.wording import counted


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dataset", help="make the procedural world, check a dataset")
    dsub = p.add_subparsers(dest="dataset_command", required=True)
    synth = dsub.add_parser("synth", help="generate procedural landscape scenes")
    synth.add_argument("--count", type=int, required=True)
    synth.add_argument("--size", type=int, default=256)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    synth.add_argument("-o", "--output", type=Path, required=True)
    synth.set_defaults(func=cmd_synth)
    check = dsub.add_parser("check", help="report unpaired files, size mismatches, unknown ids")
    check.add_argument("folder", type=Path)
    check.add_argument(
        "--layout", choices=("auto", "paired", "celebamask-hq", "ade20k"), default="auto"
    )
    check.add_argument("--split", default="train")
    check.add_argument(
        "--classes", type=int, help="class count (default: classes.json, or the layout's)"
    )
    check.set_defaults(func=cmd_check)


def cmd_synth(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from casa_studio.data.synthetic import synthesize_world

    with tqdm(total=args.count, unit="scene", desc="synth") as bar:
        synthesize_world(args.output, args.count, args.size, args.seed, args.workers, bar.update)
    print(f"{args.output}: {counted(args.count, 'scene')} of {args.size}x{args.size}")
    return 0


def _class_count(args: argparse.Namespace) -> int:
    from casa_studio.data.dataset import detect_layout, read_class_names
    from casa_studio.data.errors import DataError

    if args.classes:
        return int(args.classes)
    names = read_class_names(args.folder)
    if names:
        return len(names)
    layout = detect_layout(args.folder) if args.layout == "auto" else args.layout
    counts = {"celebamask-hq": 19, "ade20k": 151}
    if layout in counts:
        return counts[layout]
    raise DataError(f"{args.folder}: no classes.json; pass --classes N")


def cmd_check(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from casa_studio.data.check import check_dataset

    count = _class_count(args)
    with tqdm(unit="pair", desc="check") as bar:
        report = check_dataset(args.folder, count, args.layout, args.split, bar.update)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1
