"""Where things live: the repository's bundled models and resources, the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "casa-studio"
ROOT = Path(__file__).resolve().parents[1]


def bundled_models_dir() -> Path:
    return ROOT / "models"


def resources_dir() -> Path:
    return ROOT / "resources"


def user_data_dir() -> Path:
    """User data root; `CASA_STUDIO_DATA` overrides it (tests, portable installs)."""
    override = os.environ.get("CASA_STUDIO_DATA")
    return Path(override) if override else platformdirs.user_data_path(APP_NAME)


def user_models_dir() -> Path:
    return user_data_dir() / "models"


def model_search_dirs() -> list[Path]:
    """Folders whose sub-folders are model folders, user models first."""
    return [user_models_dir(), bundled_models_dir()]
