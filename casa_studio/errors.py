"""The user-facing error types of every layer, for the CLI and GUI to report in one place."""

from __future__ import annotations

from casa_studio.data.errors import DataError
from casa_studio.engine.errors import EngineError
from casa_studio.model.errors import CheckpointError
from casa_studio.persistence.errors import PersistenceError

USER_ERRORS: tuple[type[Exception], ...] = (
    EngineError,
    CheckpointError,
    PersistenceError,
    DataError,
)
