"""Command line: `casa-studio` and its subcommands. Heavy imports happen inside the commands,
so `--help` loads neither torch nor Qt."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from casa_studio import __version__
from casa_studio.cli import (
    batch_cmd,
    dataset_cmd,
    export_cmd,
    gui_cmd,
    models_cmd,
    render_cmd,
    train_cmd,
)

SUBCOMMANDS = ("gui", "render", "batch", "export", "models", "dataset", "train")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casa-studio",
        description="CASA Studio: paint semantic label maps, render them with CA2-SIS.",
    )
    parser.add_argument("--version", action="version", version=f"casa-studio {__version__}")
    sub = parser.add_subparsers(dest="command")
    for module in (gui_cmd, render_cmd, batch_cmd, export_cmd, models_cmd, dataset_cmd, train_cmd):
        module.add_parser(sub)
    return parser


def opens_editor(argv: Sequence[str]) -> bool:
    """Whether a command line without a subcommand means the editor: nothing, an option
    (`--model M`) or a file to open (a name with a suffix or a folder part, or one that
    exists). A bare word such as `frobnicate` is a mistyped subcommand, not a file."""
    if not argv:
        return True
    first = argv[0]
    if first in SUBCOMMANDS or first in ("-h", "--help", "--version"):
        return False
    path = Path(first)
    return first.startswith("-") or bool(path.suffix) or len(path.parts) > 1 or path.exists()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    entry = argv is None  # run as the `casa-studio` process
    argv = list(sys.argv[1:] if argv is None else argv)
    if opens_editor(argv):
        argv = ["gui", *argv]  # `casa-studio [LABELS.png] [--model M]` opens the editor
    args = parser.parse_args(argv)  # anything else that is no subcommand: a usage error
    if (
        args.func is gui_cmd.cmd_gui
        and entry
        and not gui_cmd.missing_display(os.environ, sys.platform)
    ):
        gui_cmd.restart_with_few_arenas(argv)  # the process itself, not a caller's (tests)
    from casa_studio.errors import USER_ERRORS

    try:
        return int(args.func(args) or 0)
    except USER_ERRORS as exc:
        print(f"casa-studio: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("casa-studio: interrupted", file=sys.stderr)
        return 130
