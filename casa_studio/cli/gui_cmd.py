"""`casa-studio` / `casa-studio gui`: the editor window."""

from __future__ import annotations

import argparse
from pathlib import Path

from casa_studio.cli.options import add_device_option


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the editor (the default with no subcommand)")
    add_arguments(p)
    p.set_defaults(func=cmd_gui)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "labels", nargs="?", type=Path, help="a .casa project or a label map PNG to open"
    )
    p.add_argument("--model", help="model folder or name (default: the first installed)")
    add_device_option(p)
    p.add_argument(
        "--fake-engine", action="store_true", help="a numpy stand-in instead of the model"
    )


def cmd_gui(args: argparse.Namespace) -> int:
    from casa_studio.ui.app import run

    return run(args.model, args.device, args.fake_engine, args.labels)
