"""User settings ↔ settings.json in the user data folder, checked field by field: a corrupt
setting falls back to its default and is reported, it never stops the app from starting. The
resource budgets every reader obeys live here too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casa_studio import paths
from casa_studio.validation import MAX_DEPTH, problem, read_json

MAX_RECENT = 10
MIN_SIDE, MAX_SIDE = 16, 4096  # a new document's width and height
Side = Annotated[int, Field(ge=MIN_SIDE, le=MAX_SIDE)]


class Budgets(BaseModel):
    """Limits checked before any large allocation: image pixels from the header, a project's
    inflated size (layers included), layer count and a model's parameter memory."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    image_megapixels: int = Field(64, ge=1, le=1024)
    project_megabytes: int = Field(2048, ge=16, le=65536)
    layers: int = Field(256, ge=1, le=4096)
    model_megabytes: int = Field(2048, ge=16, le=65536)  # the official model takes 295

    @property
    def image_pixels(self) -> int:
        return self.image_megapixels * 1_000_000

    @property
    def project_bytes(self) -> int:
        return self.project_megabytes << 20

    @property
    def model_bytes(self) -> int:
        return self.model_megabytes << 20


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    recent_files: Annotated[list[Annotated[str, Field(max_length=4096)]], Field(max_length=100)] = (
        Field(default_factory=list)
    )
    autosave_seconds: int = Field(60, ge=0, le=86400)
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"  # unless --device says otherwise
    live_mode: Literal["continuous", "on_release", "manual"] = "continuous"
    new_document_size: tuple[Side, Side] | None = None  # (H, W); None: the model's size
    guidance: float | None = Field(None, ge=0, le=16)  # for new documents; None: the model's
    reference_opacity: int = Field(50, ge=0, le=100)  # labels over the photo, reference dialog
    window_geometry: Annotated[str, Field(max_length=1 << 16)] = ""  # Qt's, base64
    window_state: Annotated[str, Field(max_length=1 << 16)] = ""  # docks and toolbars, base64
    budgets: Budgets = Field(default_factory=Budgets)

    @staticmethod
    def path() -> Path:
        return paths.user_data_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        return cls.load_checked()[0]

    @classmethod
    def load_checked(cls) -> tuple[Settings, list[str]]:
        """The settings and one sentence per setting that was unreadable and reset to its
        default; a missing file is simply the defaults."""
        path = cls.path()
        if not path.exists():
            return cls(), []
        try:
            raw = read_json(path, ValueError, 1 << 20)
        except ValueError as exc:
            return cls(), [f"{exc} All settings were reset to their defaults."]
        if not isinstance(raw, dict):
            return cls(), [f"{path}: not a settings object; all settings were reset."]
        return _repair(cls, raw, str(path))

    def save(self) -> None:
        target = self.path()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.model_dump(), indent=2) + "\n", encoding="utf-8")
        tmp.replace(target)

    def add_recent(self, path: Path) -> None:
        name = str(Path(path).resolve())
        self.recent_files = [name, *(p for p in self.recent_files if p != name)][:MAX_RECENT]


def _repair(cls: type[Settings], raw: dict[str, Any], source: str) -> tuple[Settings, list[str]]:
    """Validate, dropping each bad field (its default is used) until the rest is valid."""
    notes: list[str] = []
    for _ in range(MAX_DEPTH):
        try:
            return cls.model_validate(raw), notes
        except ValidationError as exc:
            loc = exc.errors(include_url=False)[0]["loc"]
            notes.append(f"{problem(exc, source)}; reset to its default.")
            _drop(raw, loc)
    return cls(), [*notes, f"{source}: too many bad settings; all were reset."]


def _drop(raw: dict[str, Any], loc: tuple[int | str, ...]) -> None:
    """Remove the setting at `loc` (a key of the file, or of one of its sections)."""
    parent, key = raw, loc[0]
    if not isinstance(key, str):  # pydantic names a field of the file first; never an index
        return
    if len(loc) > 1 and isinstance(raw.get(key), dict) and isinstance(loc[1], str):
        parent, key = raw[key], loc[1]
    parent.pop(key, None)


def budgets() -> Budgets:
    """The budgets now in force (settings file, else defaults)."""
    return Settings.load().budgets
