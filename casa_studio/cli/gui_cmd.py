"""`casa-studio` / `casa-studio gui`: the editor window (refused in one line without a display,
before Qt is loaded: Qt itself aborts the process)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from casa_studio.cli.options import add_device_option

NEEDS = {"xcb": "DISPLAY", "wayland": "WAYLAND_DISPLAY", "wayland-egl": "WAYLAND_DISPLAY"}
# glibc gives every thread that allocates its own malloc arena; with the render worker's torch
# threads, freed memory stays in them and the editor grew by +156 MB per 1,000 edits in the
# soak (bench/memory_soak.py), +4 MB with two arenas. glibc reads this only at process start.
ARENAS = {"MALLOC_ARENA_MAX": "2"}


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


def missing_display(environ: Mapping[str, str], platform: str) -> str | None:
    """Why the editor cannot open a window here (None: it can). On Linux, Qt's platforms
    (QT_QPA_PLATFORM, a `;`-separated list; xcb or wayland when unset) each need their display
    variable; offscreen, vnc, eglfs and the like need none."""
    if not platform.startswith("linux"):
        return None
    wanted = environ.get("QT_QPA_PLATFORM", "").strip()
    names = [n.split(":")[0].strip() for n in wanted.split(";") if n.strip()] or ["xcb", "wayland"]
    if any(n not in NEEDS or environ.get(NEEDS[n], "") for n in names):
        return None
    return (
        "no display to open the editor on (DISPLAY and WAYLAND_DISPLAY are not set): run it "
        "in a desktop session, or work without one with `casa-studio render`, `batch` or "
        "`export`"
    )


def restart_with_few_arenas(argv: Sequence[str]) -> None:
    """On Linux, run the editor again in a process that starts with two malloc arenas (this
    one returns only if it already did, or elsewhere)."""
    if sys.platform.startswith("linux") and not ARENAS.keys() & os.environ.keys():
        command = [sys.executable, "-m", "casa_studio", *argv]
        os.execve(sys.executable, command, os.environ | ARENAS)


def cmd_gui(args: argparse.Namespace) -> int:
    problem = missing_display(os.environ, sys.platform)
    if problem:
        print(f"casa-studio: error: {problem}", file=sys.stderr)
        return 2
    from casa_studio.ui.app import run

    return run(args.model, args.device, args.fake_engine, args.labels)
