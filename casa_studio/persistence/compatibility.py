"""Whether a project suits the open model: its classes (by name, in order) and the width of
its stored style tokens (any size does: the render is resized, engine/resample.py). One check,
in the same words, for the editor (open, restore) and for batch export, so neither takes a
project the other refuses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casa_studio.core.document import Document
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.project import ModelRef


@dataclass(frozen=True, slots=True)
class ModelFit:
    """What a project must match: the model's name, class names and style token width
    (None: not known yet, as before the editor's model has loaded)."""

    name: str
    classes: tuple[str, ...]
    token_dim: int | None


def check_fits(path: Path, doc: Document, made_with: ModelRef, model: ModelFit) -> None:
    """PersistenceError naming `path` when the project `doc` (made with `made_with`) does not
    suit `model`."""
    if tuple(c.name for c in doc.palette.classes) != model.classes:
        digest = made_with.sha256[:12] or "unknown"
        raise PersistenceError(
            f"{path}: made with model '{made_with.name}' (sha256 {digest}…), "
            f"whose classes differ from the open model '{model.name}'"
        )
    other = doc.styles.widths() - {model.token_dim}
    if model.token_dim is not None and other:
        raise PersistenceError(
            f"{path}: its stored style tokens have {other.pop()} values, the model uses "
            f"{model.token_dim}"
        )
