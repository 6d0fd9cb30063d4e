"""Model folder file names and reading `config.json` (no torch: the catalog uses it)."""

from __future__ import annotations

from pathlib import Path

from casa_studio.model.config import ClassSpec, GeneratorConfig, numbered_classes
from casa_studio.model.errors import CheckpointError
from casa_studio.model.schemas import read_class_list
from casa_studio.validation import read_json

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "generator.safetensors"
PALETTE_FILE = "palette.json"
CARD_FILE = "MODEL_CARD.md"
MEAN_STYLES_FILE = "styles_mean.safetensors"


def read_config(folder: Path) -> GeneratorConfig:
    """Parse and check `config.json` of a model folder."""
    path = Path(folder) / CONFIG_FILE
    if not path.exists():
        raise CheckpointError(f"{folder}: not a model folder (no {CONFIG_FILE})")
    return GeneratorConfig.from_dict(read_json(path, CheckpointError), str(path))


def read_classes(path: Path) -> tuple[ClassSpec, ...]:
    """A JSON class list: `["sky", ...]` or `[{"name": "sky", "color": [r, g, b]}, ...]`,
    optionally under a "classes" key (as in palette.json); ids are list positions."""
    entries = read_class_list(path).classes
    generic = numbered_classes(len(entries))
    return tuple(ClassSpec(i, e.name, e.color or generic[i].color) for i, e in enumerate(entries))
