"""Paired image/label datasets: plain folders, the CelebAMask-HQ (SEAN) layout and ADE20K.

Images and labels are paired by basename (`x.jpg` ↔ `x.png`) in natural order (spec §6).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from torch.utils.data import Dataset

from casa_studio.data.errors import DataError
from casa_studio.data.transforms import JointTransform

IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
LAYOUTS = ("auto", "paired", "celebamask-hq", "ade20k")


@dataclass(frozen=True, slots=True)
class Pair:
    name: str
    image: Path
    labels: Path


@dataclass(frozen=True, slots=True)
class Listing:
    """Pairs found plus the files that had no partner."""

    pairs: list[Pair]
    unpaired: list[Path]


def natural_key(name: str) -> list[object]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]


def _by_stem(files: list[Path]) -> dict[str, Path]:
    return {f.stem: f for f in files if f.suffix.lower() in IMAGE_EXTS}


def _pair(images: list[Path], labels: list[Path]) -> Listing:
    img, lab = _by_stem(images), {f.stem: f for f in labels if f.suffix.lower() == ".png"}
    common = sorted(img.keys() & lab.keys(), key=natural_key)
    unpaired = sorted(
        [img[k] for k in img.keys() - lab.keys()] + [lab[k] for k in lab.keys() - img.keys()]
    )
    return Listing([Pair(k, img[k], lab[k]) for k in common], unpaired)


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise DataError(f"{folder}: folder not found")
    return [p for p in folder.iterdir() if p.is_file()]


def detect_layout(root: Path) -> str:
    if (root / "images").is_dir():
        return "paired"
    if (root / "train" / "images").is_dir():
        return "celebamask-hq"
    if any("_train_" in p.name or "_val_" in p.name for p in root.rglob("*.png")):
        return "ade20k"
    raise DataError(f"{root}: no images/ and labels/ folders, no train/ split, no ADE20K files")


def list_pairs(root: Path | str, layout: str = "auto", split: str = "train") -> Listing:
    """Pair a dataset's images and labels; `split` applies to the split layouts."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"{root}: dataset folder not found")
    layout = detect_layout(root) if layout == "auto" else layout
    if layout == "paired":
        return _pair(_files(root / "images"), _files(root / "labels"))
    if layout == "celebamask-hq":
        return _pair(_files(root / split / "images"), _files(root / split / "labels"))
    if layout == "ade20k":
        tag = "_train_" if split == "train" else "_val_"
        files = [p for p in root.rglob("*") if p.is_file() and tag in p.name]
        return _pair(
            [p for p in files if p.suffix.lower() == ".jpg"],
            [p for p in files if p.suffix == ".png"],
        )
    raise DataError(f"unknown dataset layout '{layout}' (choose from {', '.join(LAYOUTS)})")


def read_class_names(root: Path | str) -> list[str] | None:
    """Class names from `classes.json` in the dataset root, if there is one."""
    path = Path(root) / "classes.json"
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = raw["classes"] if isinstance(raw, dict) else raw
        return [e if isinstance(e, str) else str(e["name"]) for e in entries]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path}: unreadable class list ({exc!r})") from exc


def load_pair(pair: Pair) -> tuple[Image.Image, Image.Image]:
    try:
        image = Image.open(pair.image)
        image.load()
        labels = Image.open(pair.labels)
        labels.load()
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as exc:
        raise DataError(f"{pair.name}: unreadable image or label file ({exc})") from exc
    if labels.mode not in ("L", "P"):
        raise DataError(
            f"{pair.labels}: labels must be 8-bit grey or palette PNG, not {labels.mode}"
        )
    return image.convert("RGB"), labels


class PairedDataset(Dataset):
    """Tensors for training: image (3, S, S) in [-1, 1] and labels (S, S) int64."""

    def __init__(self, pairs: list[Pair], num_classes: int, transform: JointTransform) -> None:
        if not pairs:
            raise DataError("the dataset has no image/label pairs")
        self.pairs = pairs
        self.num_classes = num_classes
        self.transform = transform
        self.epoch = 0  # set by the trainer so crops and flips differ per epoch, reproducibly

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        pair = self.pairs[index]
        image, labels = self.transform(*load_pair(pair), index, self.epoch)
        ids = np.asarray(labels, dtype=np.int64)
        if ids.max(initial=0) >= self.num_classes:
            bad = np.unique(ids[ids >= self.num_classes]).tolist()
            raise DataError(f"{pair.labels}: class ids {bad} outside 0..{self.num_classes - 1}")
        pixels = torch.from_numpy(np.asarray(image, dtype=np.float32)).permute(2, 0, 1)
        return {"image": pixels / 127.5 - 1.0, "labels": torch.from_numpy(ids)}
