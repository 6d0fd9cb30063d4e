"""User settings ↔ settings.json in the user data folder (stdlib only)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from casa_studio import paths

MAX_RECENT = 10


@dataclass
class Settings:
    recent_files: list[str] = field(default_factory=list)
    autosave_seconds: int = 60

    @staticmethod
    def path() -> Path:
        return paths.user_data_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        """Defaults when the file is missing or unreadable (settings never block startup)."""
        try:
            raw = json.loads(cls.path().read_text(encoding="utf-8"))
            known = {f.name for f in fields(cls)}
            return cls(**{k: v for k, v in raw.items() if k in known})
        except (OSError, ValueError, TypeError):
            return cls()

    def save(self) -> None:
        target = self.path()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        tmp.replace(target)

    def add_recent(self, path: Path) -> None:
        name = str(Path(path).resolve())
        self.recent_files = [name, *(p for p in self.recent_files if p != name)][:MAX_RECENT]
