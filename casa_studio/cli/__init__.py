"""Command line: `casa-studio` and its subcommands. Heavy imports happen inside the commands,
so `--help` loads neither torch nor Qt."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from casa_studio import __version__
from casa_studio.cli import dataset_cmd, models_cmd, render_cmd, train_cmd


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casa-studio",
        description="CASA Studio: paint semantic label maps, render them with CA2-SIS.",
    )
    parser.add_argument("--version", action="version", version=f"casa-studio {__version__}")
    sub = parser.add_subparsers(dest="command")
    for module in (render_cmd, models_cmd, dataset_cmd, train_cmd):
        module.add_parser(sub)
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
