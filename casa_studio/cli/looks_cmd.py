"""`casa-studio models build-looks MODEL`: a model folder's look bank (random styles drawn
from real scenes, and the named looks) from the procedural world's training scenes."""

from __future__ import annotations

import argparse
from pathlib import Path

from casa_studio.wording import counted


def add_parser(msub: argparse._SubParsersAction) -> None:
    p = msub.add_parser(
        "build-looks", help="build a model folder's look bank and named looks (clear day, …)"
    )
    p.add_argument("model", help="model folder or name")
    p.add_argument("--scenes", type=int, default=300, help="training scenes to encode")
    p.add_argument("--world-seed", type=int, default=1, help="the procedural world it trained on")
    p.add_argument(
        "--data", type=Path, help="a `dataset synth` folder to take the scenes from instead"
    )
    p.set_defaults(func=cmd_build_looks)


def cmd_build_looks(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from casa_studio.engine.catalog import resolve_model
    from casa_studio.model.look_bank import BANK_FILE
    from casa_studio.training.looks import build_looks

    folder = resolve_model(args.model)
    with tqdm(total=args.scenes, unit="scene", desc="look bank") as bar:
        bank = build_looks(folder, args.scenes, args.world_seed, bar.update, args.data)
    size = (folder / BANK_FILE).stat().st_size / 1e6
    print(f"{folder / BANK_FILE}: {counted(len(bank.styles), 'scene')}, {size:.1f} MB")
    for name, scene in bank.looks.items():
        default = " (default)" if name == bank.default_look else ""
        print(f"  look '{name}': scene {scene} ({bank.styles[scene]}){default}")
    return 0
