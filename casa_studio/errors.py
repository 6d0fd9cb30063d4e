"""The user-facing exception of every layer, for the CLI and GUI to report in one place.

A leaf module: it imports nothing from casa_studio, so any layer may raise from here; each
layer's own `errors` module re-exports its one type."""

from __future__ import annotations


class CheckpointError(Exception):
    """A model folder, weight file or config is unusable; the message says which and why."""


class DataError(Exception):
    """A dataset is missing, unpaired or holds unreadable files or unknown class ids."""


class EngineError(Exception):
    """Inference could not run as asked (bad labels, unknown device, missing network...)."""


class PersistenceError(Exception):
    """A file could not be read or written as asked; the message says which and why."""


USER_ERRORS: tuple[type[Exception], ...] = (
    EngineError,
    CheckpointError,
    PersistenceError,
    DataError,
)
