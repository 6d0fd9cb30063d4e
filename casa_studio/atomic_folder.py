"""Replacing a whole folder: everything is written into a hidden sibling, which is then swapped
in, so the target is the complete old folder or the complete new one and nothing stale from
the old one survives. Leaf module (stdlib only)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def replace_folder(
    target: Path,
    write: Callable[[Path], T],
    *,
    overwrite: bool,
    replaceable: Callable[[Path], bool],
    error: type[Exception],
) -> T:
    """`write(staging)` fills a new folder that then takes `target`'s place. An existing
    `target` is replaced only with `overwrite`, and only when `replaceable(target)`."""
    target = Path(target)
    if target.exists():
        if not overwrite:
            raise error(f"{target} already exists: pass --overwrite to replace it whole")
        if not target.is_dir() or not replaceable(target):
            raise error(f"{target} is not a folder this command wrote: refusing to replace it")
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    retired = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        result = write(staging)
        if target.exists():
            os.replace(target, retired)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return result
