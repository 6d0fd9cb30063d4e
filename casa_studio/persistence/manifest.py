"""The `.casa` manifest schema, for writing and reading alike: every field's type and range,
and the limits between fields (ids within the palette, one style source per class), checked
before anything is built. Older formats are checked by their own schema, then migrated."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from casa_studio.core.labels import UNSET
from casa_studio.core.styles import MAX_BLEND_DEPTH, STORED, SourceKind
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.migrations import migrate
from casa_studio.validation import Byte, Name, Record, parse

FORMAT_VERSION = 3
MAX_CLASSES = UNSET  # ids are uint8 and 255 means unset
MAX_SIDE = 16384
MAX_ITEMS = 4096

Side = Annotated[int, Field(ge=1, le=MAX_SIDE)]
ClassId = Annotated[int, Field(ge=0, lt=MAX_CLASSES)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Member = Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]{1,128}$")]


class ClassEntry(Record):
    id: ClassId
    name: Name
    color: tuple[Byte, Byte, Byte]


class LayerEntry(Record):
    uid: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    name: Name
    file: Member
    visible: bool = True
    locked: bool = False
    opacity: Fraction = 1.0


class SourceEntry(Record):
    """A class's style source: a blend names its two parts and the amount; a stored kind
    (reference, library, mixed) its tokens, rows `[first, count]` of the styles file."""

    kind: SourceKind
    seed: Annotated[int, Field(ge=0, lt=2**63)] | None = None
    name: Name = ""
    amount: Fraction = 0.0
    parts: Annotated[list[SourceEntry], Field(max_length=2)] = Field(default_factory=list)
    rows: (
        tuple[Annotated[int, Field(ge=0, lt=2**31)], Annotated[int, Field(ge=1, le=MAX_CLASSES)]]
        | None
    ) = None

    @model_validator(mode="after")
    def _complete(self) -> SourceEntry:
        blend = self.kind is SourceKind.BLEND
        if len(self.parts) != (2 if blend else 0) or (self.amount and not blend):
            raise ValueError(f"a {self.kind.value} style source has {len(self.parts)} parts")
        if (self.kind in STORED) != (self.rows is not None):
            need = "needs" if self.kind in STORED else "has no"
            raise ValueError(f"a {self.kind.value} style source {need} stored rows")
        if self.kind is SourceKind.RANDOM and self.seed is None:
            raise ValueError("a random style source needs its seed")
        if _depth(self) > MAX_BLEND_DEPTH:
            raise ValueError(f"style blends nest deeper than {MAX_BLEND_DEPTH}")
        return self


def _depth(entry: SourceEntry) -> int:
    return 1 + max(_depth(p) for p in entry.parts) if entry.parts else 0


class StylesEntry(Record):
    sources: Annotated[list[SourceEntry], Field(max_length=MAX_CLASSES)]
    locked: Annotated[list[ClassId], Field(max_length=MAX_CLASSES)] = Field(default_factory=list)
    file: Member | None = None


class ShapeEntry(Record):
    class_id: ClassId
    alpha: Fraction = 0.0
    name: Name = ""
    file: Member


class ModelEntry(Record):
    name: Name = ""
    sha256: Annotated[str, Field(max_length=64)] = ""


class ReferenceEntry(Record):
    name: Name = "reference"


class Manifest(Record):
    """Format 3, the one schema `project` writes (from a document) and reads (checked)."""

    format_version: int
    app_version: Name = ""
    saved_at: Annotated[str, Field(max_length=64)] = ""
    size: tuple[Side, Side]
    palette: Annotated[list[ClassEntry], Field(min_length=1, max_length=MAX_CLASSES)]
    layers: Annotated[list[LayerEntry], Field(min_length=1, max_length=MAX_ITEMS)]
    active_layer: Annotated[int, Field(ge=0)] = 0
    background: ClassId = 0
    styles: StylesEntry
    shapes: Annotated[list[ShapeEntry], Field(max_length=MAX_CLASSES)] = Field(default_factory=list)
    model: ModelEntry = ModelEntry()
    view: Annotated[dict[Name, Any], Field(max_length=64)] = Field(default_factory=dict)
    reference: ReferenceEntry | None = None

    @model_validator(mode="after")
    def _fits_together(self) -> Manifest:
        count = len(self.palette)
        if [c.id for c in self.palette] != list(range(count)):
            raise ValueError("field 'palette': ids must be 0, 1, 2, … in order")
        if len(self.styles.sources) != count:
            raise ValueError(
                f"field 'styles.sources': {len(self.styles.sources)} style sources for {count} "
                "classes"
            )
        named = {
            "background": [self.background],
            "styles.locked": self.styles.locked,
            "shapes.class_id": [s.class_id for s in self.shapes],
        }
        for field, ids in named.items():
            if any(c >= count for c in ids):
                raise ValueError(
                    f"field '{field}': class {max(ids)}, which is not in the palette "
                    f"({count} classes)"
                )
        if len({layer.uid for layer in self.layers}) != len(self.layers):
            raise ValueError("field 'layers': two layers share one uid")
        return self


class StylesV1(Record):
    seed: Annotated[int, Field(ge=0, lt=2**63)] | None = None


class ManifestV1(Record):
    """Format 1 kept one image seed for all classes."""

    palette: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_CLASSES)]
    styles: StylesV1 = StylesV1()


class Envelope(Record):
    format_version: Annotated[int, Field(ge=1)] = 1


def parse_manifest(raw: Any, source: str) -> Manifest:
    """Check the version, then the fields; older formats are checked and migrated first."""
    version = parse(Envelope, raw, source, PersistenceError).format_version
    if version > FORMAT_VERSION:
        raise PersistenceError(
            f"{source}: made by a newer CASA Studio (format {version}; this version reads up "
            f"to {FORMAT_VERSION}), so update the application."
        )
    if version == 1:
        parse(ManifestV1, raw, source, PersistenceError)
    return parse(Manifest, migrate(raw, FORMAT_VERSION), source, PersistenceError)
