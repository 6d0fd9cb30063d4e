"""Schemas of a model folder's JSON files besides config.json (segmenter.json, palette.json)
and of the class lists `models import-official --classes` reads: types, ranges and the limits
the architecture allows, checked before any network is built (no torch here). config.json is
checked against `GeneratorConfig`'s own declarations (model/config.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from casa_studio.model.config import MAX_CLASSES, ClassSpec
from casa_studio.model.errors import CheckpointError
from casa_studio.validation import Byte, Name, Record, parse, read_json


class SegmenterFile(Record):
    """segmenter.json of the reference segmenter (a U-Net)."""

    num_classes: Annotated[int, Field(ge=2, le=MAX_CLASSES)]
    width: Annotated[int, Field(ge=1, le=256)] = 24
    depth: Annotated[int, Field(ge=1, le=6)] = 4
    input_size: Annotated[int, Field(ge=16, le=1024)] = 128

    @model_validator(mode="after")
    def _fits(self) -> SegmenterFile:
        if self.width * 2 ** (self.depth - 1) > 2048:
            raise ValueError("fields 'width' and 'depth' give more than 2048 channels")
        if self.input_size % 2 ** (self.depth - 1):
            raise ValueError("field 'input_size' must be divisible by 2**(depth-1)")
        return self


class PaletteFile(Record):
    """palette.json: the model's classes, as in config.json."""

    classes: Annotated[list[ClassSpec], Field(min_length=2, max_length=MAX_CLASSES)]


class NamedColor(Record):
    name: Name
    color: tuple[Byte, Byte, Byte] | None = None


class ClassList(Record):
    """A class list for import: names, or {name, color}, ids being positions."""

    classes: Annotated[list[NamedColor], Field(min_length=2, max_length=MAX_CLASSES)]

    @field_validator("classes", mode="before")
    @classmethod
    def _names_alone(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [{"name": v} if isinstance(v, str) else v for v in value]


def read_class_list(path: Path) -> ClassList:
    """`["sky", …]`, `[{"name": "sky", "color": [r, g, b]}, …]`, or either under "classes"."""
    raw = read_json(Path(path), CheckpointError)
    wrapped = raw if isinstance(raw, dict) else {"classes": raw}
    return parse(ClassList, wrapped, str(path), CheckpointError)
