"""Replacing a file so that a kill -9 at any instant loses nothing: the new version is written
whole to `.name.<pid>.tmp` and fsynced; the current file gets a second name `.name.<pid>.bak`
(a hard link, else a copy finished under `.part` first); one rename puts the new version in
place, a second makes the old one `name~`; the folder is fsynced. `name` exists at every
instant. What a killed save leaves is tidied at the next save and at start-up
(`clean_leftovers`): temporary files go, and a `.bak` the kill kept from becoming `name~`
becomes it, so `name~` is always the version before `name`'s."""

from __future__ import annotations

import filecmp
import glob
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from casa_studio.persistence.errors import PersistenceError

LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d{1,18})\.(?P<kind>tmp|bak|part)")


def backup_of(path: Path) -> Path:
    return path.with_name(path.name + "~")


def _staging(path: Path, kind: str, pid: int | None = None) -> Path:
    return path.with_name(f".{path.name}.{pid or os.getpid()}.{kind}")


def alive(pid: int) -> bool:
    """Whether process `pid` still runs (one of another user counts as running)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _second_name(path: Path, staged: Path) -> None:
    """`staged` becomes another name of `path`'s current content (a copy where the file system
    has no hard links, complete before it takes the name)."""
    try:
        os.link(path, staged)
    except OSError:
        part = _staging(path, "part")
        shutil.copy2(path, part)
        os.replace(part, staged)


def replace_file(
    path: Path, write: Callable[[Path], None], same: Callable[[Path, Path], bool]
) -> None:
    """`write(tmp)` writes (and fsyncs) the new version, which then replaces `path`; the old
    `path` becomes `path~` unless `same(path, tmp)` says it holds the same content (so saving
    twice never turns the backup into a second copy of the new version)."""
    clean_leftovers(path)
    tmp, staged = _staging(path, "tmp"), _staging(path, "bak")
    try:
        write(tmp)
        keep = path.exists() and not same(path, tmp)
        if keep:
            _second_name(path, staged)
        os.replace(tmp, path)
        if keep:
            os.replace(staged, backup_of(path))
        _fsync_folder(path.parent)
    except OSError as exc:
        raise PersistenceError(f"{path}: could not save ({exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)
        staged.unlink(missing_ok=True)


def clean_leftovers(path: Path) -> None:
    """Tidy what killed saves of `path` left (their processes are gone; a save running in
    another process is left alone)."""
    for leftover in sorted(path.parent.glob(f".{glob.escape(path.name)}.*.*")):
        match = LEFTOVER.fullmatch(leftover.name)
        if match is None or match["name"] != path.name or alive(int(match["pid"])):
            continue
        try:
            _settle(path, leftover, match["kind"])
        except OSError:
            continue  # tried again at the next save


def _settle(path: Path, leftover: Path, kind: str) -> None:
    if kind == "bak" and path.is_file() and not filecmp.cmp(leftover, path, shallow=False):
        os.replace(leftover, backup_of(path))  # killed after `path` was replaced: the old one
    else:
        leftover.unlink(missing_ok=True)


def clean_folder(folder: Path) -> None:
    """`clean_leftovers` for every file of `folder` that has some (at start-up)."""
    names = set()
    for leftover in folder.glob(".*.*.*"):
        match = LEFTOVER.fullmatch(leftover.name)
        if match is not None:
            names.add(match["name"])
    for name in sorted(names):
        clean_leftovers(folder / name)
