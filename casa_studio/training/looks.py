"""Building a model folder's look bank from real training scenes — of a dataset written by
`dataset synth` (its styles.txt names each scene's style) or of the procedural world itself:
each scene's image + labels through the model's style encoder, with the scene's style name,
and the named looks (the world's times of day and seasons) as their medoid scenes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from PIL.Image import Resampling

from casa_studio.data.dataset import list_pairs
from casa_studio.data.errors import DataError
from casa_studio.data.synthetic import make_scene
from casa_studio.data.world_layout import CLASS_NAMES
from casa_studio.model.checkpoint import file_sha256, load_model
from casa_studio.model.folder import WEIGHTS_FILE
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.look_bank import LookBank, medoid
from casa_studio.model.ops import one_hot

# name, times of day, seasons (data.world_paint.TIMES, SEASONS); the menu shows this order
LOOKS = (
    ("clear day", ("day",), ("summer",)),
    ("spring", ("day",), ("spring",)),
    ("golden hour", ("golden",), ("summer", "spring")),
    ("overcast", ("overcast",), ("summer", "spring")),
    ("dusk", ("dusk",), ("summer", "spring")),
    ("night", ("night",), ("summer", "spring")),
    ("autumn", ("day", "golden"), ("autumn",)),
    ("winter", ("day", "overcast"), ("winter",)),
)
DEFAULT_LOOK = "clear day"
WORLD_SEED = 1  # the bundled model's training world (see its card)
STYLES_FILE = "styles.txt"  # "<name> <time> <season>" per scene (data.synthetic writes it)
Scene = tuple[np.ndarray, np.ndarray, str]  # image uint8 HxWx3, labels HxW, style name


def world_scenes(count: int, size: int, seed: int = WORLD_SEED) -> Iterator[Scene]:
    """Scenes 0..count-1 of the procedural world `seed` (as `dataset synth` writes them)."""
    for index in range(count):
        image, labels, style = make_scene(seed, index, size)
        yield image, labels, f"{style.time} {style.season}"


def dataset_scenes(data: Path, count: int, size: int) -> Iterator[Scene]:
    """The first `count` scenes of a dataset folder with a styles.txt, at `size` px."""
    styles = {}
    for line in read_styles(data).splitlines():
        name, _, style = line.partition(" ")
        styles[name] = style
    pairs = [p for p in list_pairs(data, "paired", "train").pairs if p.name in styles][:count]
    for pair in pairs:
        image = Image.open(pair.image).convert("RGB").resize((size, size), Resampling.BILINEAR)
        labels = Image.open(pair.labels).resize((size, size), Resampling.NEAREST)
        yield np.array(image), np.array(labels), styles[pair.name]


def read_styles(data: Path) -> str:
    try:
        return (Path(data) / STYLES_FILE).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"{data}: no scene styles to build looks from ({exc})") from exc


def check_world_model(g: CA2SISGenerator) -> int:
    """The square output size, if the model was made for the world's classes."""
    config = g.config
    h, w = config.output_hw
    if tuple(c.name for c in config.classes) != CLASS_NAMES or h != w:
        raise DataError(
            f"model '{config.name}': looks are built from the procedural landscape world, "
            f"which needs its {len(CLASS_NAMES)} classes ({', '.join(CLASS_NAMES)}) and a "
            "square output"
        )
    return h


@torch.no_grad()
def encode_scenes(
    g: CA2SISGenerator, scenes: Iterator[Scene], progress: Callable[[int], None] | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """(scenes, classes, token_dim) tokens, NaN for absent classes, and the styles."""
    g.eval()
    per_scene, styles = [], []
    for image, labels, style in scenes:
        onehot = one_hot(torch.from_numpy(labels.astype(np.int64))[None], g.config.num_classes)
        picture = torch.from_numpy(image).permute(2, 0, 1)[None].float() / 127.5 - 1.0
        tokens = g.encode_styles(picture, onehot)[0].float().numpy()
        tokens[onehot.sum((0, 2, 3)).numpy() == 0] = np.nan
        per_scene.append(tokens)
        styles.append(style)
        if progress:
            progress(1)
    return np.stack(per_scene).astype(np.float32), tuple(styles)


def pick_looks(styles: tuple[str, ...], tokens: np.ndarray) -> dict[str, int]:
    """Each look with members among the scenes -> its medoid scene."""
    looks = {}
    for name, times, seasons in LOOKS:
        members = [
            i for i, s in enumerate(styles) if s.split()[0] in times and s.split()[-1] in seasons
        ]
        if members:
            looks[name] = medoid(tokens, members)
    return looks


def build_bank(
    g: CA2SISGenerator,
    count: int,
    seed: int = WORLD_SEED,
    progress: Callable[[int], None] | None = None,
    data: Path | None = None,
) -> LookBank:
    """From the first `count` scenes of the dataset `data`, or of the world `seed`."""
    size = check_world_model(g)
    scenes = world_scenes(count, size, seed) if data is None else dataset_scenes(data, count, size)
    tokens, styles = encode_scenes(g, scenes, progress)
    if not styles:
        raise DataError(f"{data}: no scenes with a style to build looks from")
    looks = pick_looks(styles, tokens)
    default = DEFAULT_LOOK if DEFAULT_LOOK in looks else next(iter(looks), "")
    where = f"the procedural world, seed {seed}" if data is None else f"dataset {Path(data).name}"
    note = f"{len(styles)} training scenes of {where}, {size} px"
    return LookBank(tokens, styles, looks, default, note)


def build_looks(
    folder: Path,
    count: int = 300,
    seed: int = WORLD_SEED,
    progress: Callable[[int], None] | None = None,
    data: Path | None = None,
) -> LookBank:
    """Build and save the look bank of a model folder."""
    g, info = load_model(folder)
    bank = replace(build_bank(g, count, seed, progress, data), generator_sha256=info.sha256)
    bank.save(Path(folder))
    return bank


def add_looks(g: CA2SISGenerator, folder: Path, data: Path, count: int = 300) -> LookBank | None:
    """When a run is packaged: the bank from the run's own training scenes, if its dataset
    names their styles (a `dataset synth` world); None otherwise."""
    names = tuple(c.name for c in g.config.classes)
    if not (Path(data) / STYLES_FILE).is_file() or names != CLASS_NAMES:
        return None
    sha256 = file_sha256(Path(folder) / WEIGHTS_FILE)
    bank = replace(build_bank(g, count, data=data), generator_sha256=sha256)
    bank.save(Path(folder))
    return bank
