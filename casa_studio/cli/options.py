"""Options that several subcommands share, declared once (no torch: `--help` stays light)."""

from __future__ import annotations

import argparse

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")  # engine.device.resolve_device accepts these


def add_device_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
