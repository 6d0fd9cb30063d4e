"""Never write onto an input: an output path that names an input file (the same path, a
symlink to it or a hard link of it) is refused before anything is rendered or written."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from casa_studio.persistence.errors import PersistenceError


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:  # not there (yet): no input can be it
        return None
    return info.st_dev, info.st_ino


class InputFiles:
    """The files a command reads (label maps, projects, style images and their labels)."""

    def __init__(self, paths: Iterable[Path | None]) -> None:
        self._files: dict[tuple[int, int], Path] = {}
        for path in paths:
            key = None if path is None else _identity(path)
            if key is not None and path is not None:
                self._files.setdefault(key, path)

    def check(self, output: Path) -> Path:
        """`output`, unless writing it would overwrite one of the inputs."""
        key = _identity(output)
        if key is not None and key in self._files:
            raise PersistenceError(
                f"{output}: is the input {self._files[key]}; it is never overwritten, so "
                "choose another output"
            )
        return output
