"""Style library: named class styles or whole style sets, one safetensors file each with the
model name and class names in its metadata (no pickles)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import save_file

from casa_studio.persistence.errors import PersistenceError
from casa_studio.validation import check_file, decode_json

MAX_STYLE_BYTES = 64 << 20  # 255 classes of the widest token read (16384 floats) take 16 MB


@dataclass(frozen=True, slots=True)
class LibraryStyle:
    """`tokens[i]` is the style token of class `classes[i]` (names) for model `model`; the file
    keeps them under the key "rows"."""

    name: str
    model: str
    classes: tuple[str, ...]
    tokens: np.ndarray


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name.strip()).strip("_")
    if not slug:
        raise PersistenceError(f"'{name}' cannot name a style: use letters or digits")
    return slug


class StyleLibrary:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save(self, style: LibraryStyle) -> Path:
        """Write (or overwrite) the entry named `style.name`."""
        if style.tokens.ndim != 2 or style.tokens.shape[0] != len(style.classes):
            raise PersistenceError("a style needs one token per class")
        if np.isnan(style.tokens).any():
            raise PersistenceError("resolve typical styles before saving them")
        path = self.folder / f"{_slug(style.name)}.safetensors"
        meta = {"name": style.name, "model": style.model, "classes": json.dumps(style.classes)}
        tmp = path.with_name(f".{path.name}.tmp")
        try:  # a complete file renamed over the old entry: an entry is old or new, never half
            self.folder.mkdir(parents=True, exist_ok=True)
            save_file({"rows": style.tokens.astype(np.float32)}, str(tmp), metadata=meta)
            os.replace(tmp, path)
        except OSError as exc:
            raise PersistenceError(f"{path}: could not save the style ({exc})") from exc
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def load(self, path: Path) -> LibraryStyle:
        check_file(path, MAX_STYLE_BYTES, PersistenceError)
        try:
            with safe_open(str(path), "numpy") as f:
                tokens, meta = f.get_tensor("rows"), f.metadata()
            classes = tuple(
                str(c) for c in decode_json(meta["classes"], str(path), PersistenceError)
            )
            style = LibraryStyle(str(meta["name"]), str(meta["model"]), classes, tokens)
        except (OSError, KeyError, ValueError, TypeError, SafetensorError) as exc:
            raise PersistenceError(f"{path}: not a readable style ({exc})") from exc
        if tokens.ndim != 2 or tokens.shape[0] != len(classes):
            raise PersistenceError(f"{path}: {tokens.shape[0]} tokens for {len(classes)} classes")
        return style

    def entries(self, model: str) -> list[LibraryStyle]:
        """Readable entries made with `model`, by name; unreadable files are skipped."""
        found = []
        for path in sorted(self.folder.glob("*.safetensors")):
            try:
                style = self.load(path)
            except PersistenceError:
                continue
            if style.model == model:
                found.append(style)
        return sorted(found, key=lambda s: s.name.lower())
