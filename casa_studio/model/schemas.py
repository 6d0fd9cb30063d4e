"""Schemas of a model folder's JSON files (config.json, segmenter.json, palette.json) and of
the class lists `models import-official --classes` reads: types, ranges and the limits the
architecture allows, checked before any network is built (no torch here)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from casa_studio.model.errors import CheckpointError
from casa_studio.validation import Byte, Name, Record, parse, read_json

MAX_CLASSES = 255  # label maps are uint8 and 255 means unset
MAX_OUTPUT_SIDE = 4096
MAX_STAGES = 8

Width = Annotated[int, Field(ge=1, le=4096)]
Small = Annotated[int, Field(ge=1, le=64)]


class ClassRow(Record):
    id: Annotated[int, Field(ge=0, lt=MAX_CLASSES)]
    name: Name
    color: tuple[Byte, Byte, Byte]


class StageRow(Record):
    channels: Width
    heads: Small
    head_dim: Annotated[int, Field(ge=1, le=1024)]
    self_attention: bool


class ConfigFile(Record):
    """config.json; optional fields left out keep `GeneratorConfig`'s defaults."""

    config_version: Annotated[int, Field(ge=0)] = 0
    name: Name
    classes: Annotated[list[ClassRow], Field(min_length=2, max_length=MAX_CLASSES)]
    stages: Annotated[list[StageRow], Field(min_length=2, max_length=MAX_STAGES)]
    latent_hw: tuple[Annotated[int, Field(ge=1, le=256)], Annotated[int, Field(ge=1, le=256)]]
    exclude_bg: bool | None = None
    embed_size: Annotated[int, Field(ge=1, le=1024)] | None = None
    head_channels: Width | None = None
    style_dim: Width | None = None
    style_feat: Small | None = None
    style_depth: Annotated[int, Field(ge=2, le=10)] | None = None
    mapping_dim: Width | None = None
    mapping_hidden: Width | None = None
    has_mapping: bool | None = None
    ff_mult: Annotated[int, Field(ge=1, le=16)] | None = None
    norm_groups: Annotated[int, Field(ge=1, le=256)] | None = None
    output_tanh: bool | None = None
    legacy_nearest: bool | None = None
    noise_stages: Annotated[int, Field(ge=0, le=MAX_STAGES)] | None = None
    extra: Annotated[dict[Name, Any], Field(max_length=64)] | None = None

    @model_validator(mode="after")
    def _output_fits(self) -> ConfigFile:
        side = max(self.latent_hw) * 2 ** (len(self.stages) - 1)
        if side > MAX_OUTPUT_SIDE:
            raise ValueError(
                f"fields 'latent_hw' and 'stages' give a {side}-pixel output side, over the "
                f"{MAX_OUTPUT_SIDE} this application renders"
            )
        return self


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

    classes: Annotated[list[ClassRow], Field(min_length=2, max_length=MAX_CLASSES)]


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
