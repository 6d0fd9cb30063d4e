"""Model folder file names and reading `config.json` (no torch: the catalog uses it)."""

from __future__ import annotations

import json
from pathlib import Path

from casa_studio.model.config import ClassSpec, GeneratorConfig, numbered_classes
from casa_studio.model.errors import CheckpointError

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "generator.safetensors"
PALETTE_FILE = "palette.json"
CARD_FILE = "MODEL_CARD.md"
MEAN_STYLES_FILE = "styles_mean.safetensors"


def read_config(folder: Path) -> GeneratorConfig:
    """Parse `config.json` of a model folder."""
    path = Path(folder) / CONFIG_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"{folder}: not a model folder (no {CONFIG_FILE})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: unreadable config ({exc})") from exc
    if not isinstance(raw, dict):
        raise CheckpointError(f"{path}: config must be a JSON object")
    try:
        return GeneratorConfig.from_dict(raw)
    except CheckpointError as exc:
        raise CheckpointError(f"{path}: {exc}") from exc


def read_classes(path: Path) -> tuple[ClassSpec, ...]:
    """A JSON class list: `["sky", ...]` or `[{"name": "sky", "color": [r, g, b]}, ...]`,
    optionally under a "classes" key (as in palette.json); ids are list positions."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: unreadable class list ({exc})") from exc
    entries = raw.get("classes") if isinstance(raw, dict) else raw
    if not isinstance(entries, list) or not entries:
        raise CheckpointError(f"{path}: expected a non-empty JSON list of classes")
    generic = numbered_classes(len(entries))
    classes = []
    for i, entry in enumerate(entries):
        if isinstance(entry, str):
            classes.append(ClassSpec(i, entry, generic[i].color))
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            color = entry.get("color", generic[i].color)
            try:
                r, g, b = (int(v) for v in color)
            except (TypeError, ValueError):
                raise CheckpointError(f"{path}: class {i} has a bad colour {color!r}") from None
            classes.append(ClassSpec(i, entry["name"], (r, g, b)))
        else:
            raise CheckpointError(f"{path}: class {i} is neither a name nor {{name, color}}")
    return tuple(classes)
