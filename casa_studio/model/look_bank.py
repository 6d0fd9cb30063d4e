"""A model folder's style bank (numpy, no torch): the per-class style tokens of a few hundred
real training scenes with each scene's style name, and the named looks picked among them.
A random style is one real scene picked by its seed, a look is one real scene; a class the
scene lacks is filled from the most similar scene of the same style that has it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from casa_studio.model.errors import CheckpointError

BANK_FILE = "style_bank.safetensors"
BANK_META = "style_bank.json"
BANK_FORMAT = 1


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
                f"style bank: tokens {self.tokens.shape} for {len(self.styles)} scenes"
            )
        bad = [n for n, i in self.looks.items() if not 0 <= i < len(self.styles)]
        if bad or (self.default_look and self.default_look not in self.looks):
            raise CheckpointError(f"style bank: looks {bad or [self.default_look]} name no scene")

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
            raise CheckpointError(f"no look '{name}' in this model's style bank (known: {known})")
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
        """The folder's bank, None when it has none; a bank that does not fit the model is a
        CheckpointError."""
        folder = Path(folder)
        if not (folder / BANK_FILE).is_file():
            return None
        meta = _read_meta(folder)
        try:
            tokens = _unpack(load_file(str(folder / BANK_FILE)))
            bank = cls(
                tokens,
                tuple(str(s) for s in meta["styles"]),
                {str(e["name"]): int(e["scene"]) for e in meta["looks"]},
                str(meta.get("default_look", "")),
                str(meta.get("note", "")),
                str(meta.get("generator_sha256", "")),
            )
        except (SafetensorError, OSError, KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"{folder / BANK_FILE}: unreadable style bank ({exc})") from exc
        if tokens.shape[1:] != (num_classes, token_dim):
            raise CheckpointError(
                f"{folder / BANK_FILE}: tokens {tokens.shape[1:]} do not fit the model "
                f"({num_classes} classes x {token_dim})"
            )
        return bank


def _unpack(stored: dict[str, np.ndarray]) -> np.ndarray:
    present = stored["present"].astype(bool)
    tokens = np.full((*present.shape, stored["rows"].shape[1]), np.nan, np.float32)
    tokens[present] = stored["rows"]
    return tokens


def _read_meta(folder: Path) -> dict[str, Any]:
    path = folder / BANK_META
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: unreadable style bank metadata ({exc})") from exc
    if not isinstance(meta, dict) or int(meta.get("format", 0)) > BANK_FORMAT:
        raise CheckpointError(f"{path}: not a style bank this version reads")
    return meta


def look_names(folder: Path) -> tuple[str, ...]:
    """The looks a model folder offers (from the metadata alone; empty without a bank)."""
    if not (Path(folder) / BANK_META).is_file():
        return ()
    try:
        return tuple(str(e["name"]) for e in _read_meta(Path(folder))["looks"])
    except (KeyError, TypeError) as exc:
        raise CheckpointError(f"{folder}: style bank metadata without looks ({exc})") from exc


def scene_distances(tokens: np.ndarray, index: int, others: np.ndarray) -> np.ndarray:
    """Mean per-class token distance of scene `index` to each of `others`, over the classes
    both have (inf when they share none)."""
    diff = np.linalg.norm(tokens[others] - tokens[index][None], axis=2)  # NaN where either lacks
    shared = ~np.isnan(diff)
    total = np.where(shared, diff, 0.0).sum(axis=1)
    count = shared.sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.inf)


def medoid(tokens: np.ndarray, members: Sequence[int]) -> int:
    """The member scene closest on average to the other members: a real scene that is
    typical of them (a mean of scenes would be no scene at all)."""
    ids = np.asarray(members)
    cost = [np.where(np.isinf(d := scene_distances(tokens, i, ids)), 1e9, d).sum() for i in ids]
    return int(ids[int(np.argmin(cost))])
