"""A model folder's look bank (numpy, no torch; on disk `style_bank.json` and
`style_bank.safetensors`): the per-class style tokens of a few hundred real training scenes
with each scene's style name, and the named looks picked among them.
A random style is one real scene picked by its seed, a look is one real scene; a class the
scene lacks is filled from the most similar scene of the same style that has it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import Field
from safetensors import SafetensorError, safe_open
from safetensors.numpy import load_file, save_file

from casa_studio.model.errors import CheckpointError
from casa_studio.settings import budgets
from casa_studio.validation import Name, Record, check_file, load

BANK_FILE = "style_bank.safetensors"
BANK_META = "style_bank.json"
BANK_FORMAT = 1
MAX_SCENES = 8192  # the bundled bank holds 300
MAX_META_BYTES = 1 << 20  # its style_bank.json takes 6 kB; 8192 scenes' names fit
_TOKEN_TYPES = ("F16", "F32")
CHUNK = 256  # scenes compared at once


@dataclass(frozen=True)
class LookBank:
    """`tokens`: (scenes, classes, token_dim) float32, NaN tokens where a scene lacks the class;
    `styles`: each scene's style name; `looks`: look name -> the scene that is the look;
    `generator_sha256`: the weights whose style encoder made the tokens."""

    tokens: np.ndarray
    styles: tuple[str, ...]
    looks: dict[str, int]
    default_look: str = ""
    note: str = ""
    generator_sha256: str = ""
    _filled: dict[int, np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.tokens.ndim != 3 or self.tokens.shape[0] != len(self.styles):
            raise CheckpointError(
                f"look bank: tokens {self.tokens.shape} for {len(self.styles)} scenes"
            )
        bad = [n for n, i in self.looks.items() if not 0 <= i < len(self.styles)]
        if bad or (self.default_look and self.default_look not in self.looks):
            raise CheckpointError(f"look bank: looks {bad or [self.default_look]} name no scene")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.looks)

    def present(self) -> np.ndarray:
        """(scenes, classes) bool: which scene has which class."""
        return ~np.isnan(self.tokens).any(axis=2)

    def scene(self, index: int) -> np.ndarray:
        """Scene `index`'s tokens (classes x token_dim) with its absent classes filled from the
        nearest scene of the same style (any style if none has the class; NaN if no scene has
        it at all)."""
        if index not in self._filled:
            self._filled[index] = self._fill(index)
        return self._filled[index].copy()

    def _fill(self, index: int) -> np.ndarray:
        out = self.tokens[index].copy()
        present = self.present()
        distance = scene_distances(self.tokens, index, np.arange(len(self.styles)))
        same = np.array([s == self.styles[index] for s in self.styles])
        for c in np.flatnonzero(~present[index]):
            for pool in (present[:, c] & same, present[:, c]):
                if pool.any():
                    out[c] = self.tokens[np.flatnonzero(pool)[np.argmin(distance[pool])], c]
                    break
        return out

    def pick(self, seed: int) -> int:
        """The scene a random-style seed stands for."""
        return int(np.random.default_rng(int(seed)).integers(len(self.styles)))

    def random_tokens(self, classes: Sequence[int], seeds: Sequence[int]) -> np.ndarray:
        """Token i: class `classes[i]`'s token in the scene seed `seeds[i]` picks."""
        picked = [self.scene(self.pick(s))[c] for c, s in zip(classes, seeds, strict=True)]
        return np.stack(picked).astype(np.float32)

    def look(self, name: str) -> np.ndarray:
        if name not in self.looks:
            known = ", ".join(self.looks) or "none"
            raise CheckpointError(f"no look '{name}' in this model's look bank (known: {known})")
        return self.scene(self.looks[name])

    def save(self, folder: Path) -> None:
        """The present tokens as float16 and which they are in `style_bank.safetensors` (key
        "rows"), the rest in `style_bank.json`."""
        folder = Path(folder)
        present = self.present()
        stored = self.tokens[present].astype(np.float16)  # absent tokens are not stored
        save_file({"rows": stored, "present": present.astype(np.uint8)}, str(folder / BANK_FILE))
        meta = {
            "format": BANK_FORMAT,
            "note": self.note,
            "generator_sha256": self.generator_sha256,
            "default_look": self.default_look,
            "looks": [
                {"name": n, "scene": i, "style": self.styles[i]} for n, i in self.looks.items()
            ],
            "styles": list(self.styles),
        }
        (folder / BANK_META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path, num_classes: int, token_dim: int) -> LookBank | None:
        """The folder's bank, None when it has none; a bank that does not fit the model, or
        whose declared size is over the budget (checked before any token is read), is a
        CheckpointError naming the file."""
        folder = Path(folder)
        path = folder / BANK_FILE
        if not _present(path):
            return None
        meta = read_meta(folder)
        _check_size(path, len(meta.styles), num_classes, token_dim)
        try:
            tokens = _unpack(load_file(str(path)))
            bank = cls(
                tokens,
                tuple(meta.styles),
                {e.name: e.scene for e in meta.looks},
                meta.default_look,
                meta.note,
                meta.generator_sha256,
            )
        except (SafetensorError, OSError, KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"{path}: unreadable look bank ({exc})") from exc
        return bank


class LookEntry(Record):
    name: Name
    scene: Annotated[int, Field(ge=0, lt=MAX_SCENES)]
    style: Name = ""


class LookBankFile(Record):
    """`style_bank.json`: the format, each scene's style name (so the scene count) and the
    looks; the tokens are in `style_bank.safetensors`."""

    format: Annotated[int, Field(ge=1)]
    note: Annotated[str, Field(max_length=4096)] = ""
    generator_sha256: Annotated[str, Field(max_length=64)] = ""
    default_look: Name = ""
    looks: Annotated[list[LookEntry], Field(max_length=MAX_SCENES)] = Field(default_factory=list)
    styles: Annotated[list[Name], Field(min_length=1, max_length=MAX_SCENES)]


def read_meta(folder: Path) -> LookBankFile:
    """`style_bank.json` read through the door every JSON file passes (size, depth, schema)."""
    path = Path(folder) / BANK_META
    meta = load(LookBankFile, path, CheckpointError, MAX_META_BYTES)
    if meta.format > BANK_FORMAT:
        raise CheckpointError(
            f"{path}: look bank format {meta.format}, made by a newer CASA Studio (this version "
            f"reads up to {BANK_FORMAT})."
        )
    return meta


def _check_size(path: Path, scenes: int, num_classes: int, token_dim: int) -> None:
    """The tokens' file a regular one, holding exactly the tables `scenes` scenes of this model
    need, and those within the model memory budget: checked on the header, before reading."""
    limit = budgets().model_bytes
    need = scenes * num_classes * token_dim * 4  # float32 once unpacked
    if need > limit:
        raise CheckpointError(
            f"{path}: {scenes} scenes of {num_classes} classes x {token_dim} would take "
            f"{need >> 20} MB, over the {limit >> 20} MB model budget"
        )
    check_file(path, limit, CheckpointError)
    try:
        with safe_open(str(path), "numpy") as f:
            found = {k: f.get_slice(k) for k in f.keys()}  # noqa: SIM118 (not a dict)
            shapes = {k: (tuple(v.get_shape()), v.get_dtype()) for k, v in found.items()}
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: unreadable look bank ({exc})") from exc
    rows, rows_type = shapes.get("rows", ((), ""))
    fits = (
        set(shapes) == {"present", "rows"}
        and shapes["present"] == ((scenes, num_classes), "U8")
        and len(rows) == 2
        and rows[0] <= scenes * num_classes
        and rows[1] == token_dim
        and rows_type in _TOKEN_TYPES
    )
    if not fits:
        raise CheckpointError(
            f"{path}: tokens {shapes.get('present', ((), ''))[0]} x {rows[1:]} do not fit the "
            f"model and {BANK_META} ({scenes} scenes x {num_classes} classes x {token_dim})"
        )


def _present(path: Path) -> bool:
    """There is something by that name (a link to a device too: `check_file` refuses it)."""
    return path.exists() or path.is_symlink()


def _unpack(stored: dict[str, np.ndarray]) -> np.ndarray:
    present = stored["present"].astype(bool)
    tokens = np.full((*present.shape, stored["rows"].shape[1]), np.nan, np.float32)
    tokens[present] = stored["rows"]
    return tokens


def look_names(folder: Path) -> tuple[str, ...]:
    """The looks a model folder offers (from the metadata alone; empty without a bank)."""
    if not _present(Path(folder) / BANK_META):
        return ()
    return tuple(e.name for e in read_meta(Path(folder)).looks)


def scene_distances(tokens: np.ndarray, index: int, others: np.ndarray) -> np.ndarray:
    """Mean per-class token distance of scene `index` to each of `others`, over the classes
    both have (inf when they share none)."""
    out = np.empty(len(others), np.float64)
    for start in range(0, len(others), CHUNK):  # a bounded temporary, whatever the bank size
        part = others[start : start + CHUNK]
        diff = np.linalg.norm(tokens[part] - tokens[index][None], axis=2)  # NaN where one lacks
        shared = ~np.isnan(diff)
        total = np.where(shared, diff, 0.0).sum(axis=1)
        count = shared.sum(axis=1)
        out[start : start + CHUNK] = np.where(count > 0, total / np.maximum(count, 1), np.inf)
    return out


def medoid(tokens: np.ndarray, members: Sequence[int]) -> int:
    """The member scene closest on average to the other members: a real scene that is
    typical of them (a mean of scenes would be no scene at all)."""
    ids = np.asarray(members)
    cost = [np.where(np.isinf(d := scene_distances(tokens, i, ids)), 1e9, d).sum() for i in ids]
    return int(ids[int(np.argmin(cost))])
