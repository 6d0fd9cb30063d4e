"""Zip archives read within a budget: the entry count is read from the end record before the
directory is parsed, declared sizes are summed before anything is inflated, and a member is
never read past its declared size (so a lying header cannot inflate more)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.images import decode
from casa_studio.validation import check_file

MAX_ENTRIES = 8192


def _entry_count(path: Path) -> int:
    with open(path, "rb") as f:
        # zipfile's own end-record reader: the count the directory declares, before parsing it
        end = zipfile._EndRecData(f)  # type: ignore[attr-defined]
    if end is None:
        raise zipfile.BadZipFile("no end-of-archive record")
    return int(end[zipfile._ECD_ENTRIES_TOTAL])  # type: ignore[attr-defined]


def open_archive(path: Path, max_bytes: int) -> zipfile.ZipFile:
    """A zip in a regular file of at most `max_bytes` (see `check_file`), whose entries number
    at most MAX_ENTRIES and inflate to at most `max_bytes`; every refusal names `path`."""
    check_file(path, max_bytes, PersistenceError)
    try:
        count = _entry_count(path)
        if count > MAX_ENTRIES:
            raise PersistenceError(f"{path}: {count} entries, over a project's {MAX_ENTRIES}")
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise PersistenceError(f"{path}: damaged or truncated project ({exc})") from exc
    total = sum(info.file_size for info in archive.infolist())
    if total > max_bytes:
        archive.close()
        raise PersistenceError(
            f"{path}: its entries would inflate to {total >> 20} MB, over the "
            f"{max_bytes >> 20} MB project budget"
        )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int, what: str = "entry") -> bytes:
    """One entry, refused when its declared size exceeds `limit`."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise PersistenceError(f"{what} file {name!r} is missing") from None
    if info.file_size > limit:
        raise PersistenceError(f"entry {name!r} is {info.file_size >> 20} MB, too large")
    with archive.open(info) as f:
        return f.read(info.file_size)


def read_grey(
    archive: zipfile.ZipFile, name: str, what: str, size: tuple[int, int], limit: int
) -> np.ndarray:
    """An 8-bit PNG entry of exactly `size` (H, W), its header checked before decoding."""
    data = read_member(archive, name, limit, what)

    def opener() -> Image.Image:
        image = Image.open(io.BytesIO(data))
        if image.mode != "L" or (image.height, image.width) != size:
            raise PersistenceError(
                f"{what} is {image.mode} {image.height}x{image.width}, expected L "
                f"{size[0]}x{size[1]}"
            )
        return image

    return np.asarray(decode(opener, what)).copy()


def read_rgb(archive: zipfile.ZipFile, name: str, limit: int) -> np.ndarray:
    """An image entry as (H, W, 3) uint8 within the pixel budget."""
    data = read_member(archive, name, limit)
    return np.asarray(decode(lambda: Image.open(io.BytesIO(data)), name).convert("RGB"))
