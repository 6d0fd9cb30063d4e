"""The procedural landscape world as a dataset on disk: images/, labels/, classes.json.

Image i of a world with seed S depends only on (S, i), so any subset can be regenerated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from casa_studio.data.world_layout import CLASS_COLORS, CLASS_NAMES, landscape_labels
from casa_studio.data.world_paint import SceneStyle, paint

CLASSES_FILE = "classes.json"


def world_classes() -> list[dict[str, object]]:
    return [
        {"id": i, "name": n, "color": list(c)}
        for i, (n, c) in enumerate(zip(CLASS_NAMES, CLASS_COLORS, strict=True))
    ]


def make_scene(seed: int, index: int, size: int) -> tuple[np.ndarray, np.ndarray, SceneStyle]:
    """(image uint8 HxWx3, labels uint8 HxW, style) for scene `index` of world `seed`."""
    rng = np.random.default_rng([seed, index])
    labels = landscape_labels(rng, size, size)
    style = SceneStyle.sample(rng)
    return paint(labels, style, rng), labels, style


def _write_scene(args: tuple[Path, int, int, int]) -> str:
    out, seed, index, size = args
    image, labels, style = make_scene(seed, index, size)
    name = f"{index:06d}"
    Image.fromarray(image).save(out / "images" / f"{name}.png")
    Image.fromarray(labels, "L").save(out / "labels" / f"{name}.png")
    return f"{name} {style.time} {style.season}"


def synthesize_world(
    out: Path,
    count: int,
    size: int = 256,
    seed: int = 0,
    workers: int = 2,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write `count` scenes to `out` using `workers` processes; `progress(n)` after each."""
    out = Path(out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "labels").mkdir(parents=True, exist_ok=True)
    (out / CLASSES_FILE).write_text(json.dumps({"classes": world_classes()}, indent=2) + "\n")
    jobs = [(out, seed, i, size) for i in range(count)]
    styles = []
    if workers <= 1:
        results = map(_write_scene, jobs)
        for line in results:
            styles.append(line)
            if progress:
                progress(1)
    else:
        with ProcessPoolExecutor(workers) as pool:
            for line in pool.map(_write_scene, jobs, chunksize=8):
                styles.append(line)
                if progress:
                    progress(1)
    (out / "styles.txt").write_text("\n".join(styles) + "\n")
