"""Model catalog: the model folders on disk, their configs and looks, without loading torch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casa_studio import paths
from casa_studio.engine.errors import EngineError
from casa_studio.model.config import GeneratorConfig
from casa_studio.model.errors import CheckpointError
from casa_studio.model.folder import CONFIG_FILE, WEIGHTS_FILE, read_config
from casa_studio.model.look_bank import look_names


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """A model folder found on disk; `problem` is set when its config cannot be read."""

    name: str
    path: Path
    config: GeneratorConfig | None
    problem: str = ""

    @property
    def weights_bytes(self) -> int:
        weights = self.path / WEIGHTS_FILE
        return weights.stat().st_size if weights.exists() else 0


def _entry(folder: Path) -> ModelEntry:
    try:
        return ModelEntry(folder.name, folder, read_config(folder))
    except CheckpointError as exc:
        return ModelEntry(folder.name, folder, None, str(exc))


def list_models(search_dirs: list[Path] | None = None) -> list[ModelEntry]:
    """Every sub-folder with a config.json, first occurrence of a name wins."""
    seen: dict[str, ModelEntry] = {}
    for root in search_dirs or paths.model_search_dirs():
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if (p / CONFIG_FILE).is_file()):
            seen.setdefault(folder.name, _entry(folder))
    return list(seen.values())


def resolve_model(name_or_dir: str, search_dirs: list[Path] | None = None) -> Path:
    """A model folder path, or the name of a folder in the catalog."""
    candidate = Path(name_or_dir).expanduser()
    if (candidate / CONFIG_FILE).is_file():
        return candidate
    for entry in list_models(search_dirs):
        if entry.name == name_or_dir:
            return entry.path
    known = ", ".join(e.name for e in list_models(search_dirs)) or "none installed"
    raise EngineError(f"no model folder or installed model named '{name_or_dir}' (known: {known})")


def default_model(search_dirs: list[Path] | None = None) -> Path:
    """The first usable model: user models, then the bundled ones."""
    for entry in list_models(search_dirs):
        if entry.config is not None:
            return entry.path
    raise EngineError("no model installed: import or train one (see `casa-studio models --help`)")


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """What the editor needs before the model itself is loaded."""

    name: str
    path: Path
    output_hw: tuple[int, int]
    classes: tuple[tuple[int, str, tuple[int, int, int]], ...]


def summarize(folder: Path) -> ModelSummary:
    try:
        config = read_config(folder)
    except CheckpointError as exc:
        raise EngineError(str(exc)) from exc
    classes = tuple((c.id, c.name, c.color) for c in config.classes)
    return ModelSummary(config.name, folder, config.output_hw, classes)


def model_looks(folder: Path) -> tuple[str, ...]:
    """The named looks of a model folder's look bank (empty without one)."""
    try:
        return look_names(folder)
    except CheckpointError as exc:
        raise EngineError(str(exc)) from exc
