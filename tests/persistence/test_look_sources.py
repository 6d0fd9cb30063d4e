"""Look sources in projects: saved as kind "look" with the look's name only (the engine
derives their tokens by name), and read back."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from casa_studio.core.commands import SetStyles
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource
from casa_studio.persistence.project import ModelRef, load_project, save_project

NIGHT = StyleSource(SourceKind.LOOK, name="night")


def test_look_sources_round_trip(tmp_path: Path) -> None:
    palette = Palette.from_entries([(i, f"c{i}", (i, i, i)) for i in range(3)])
    doc = Document.new(palette, (8, 8))
    doc.execute(SetStyles((0, 2), (NIGHT, NIGHT), "Look night"))
    save_project(tmp_path / "p.casa", doc, ModelRef("m"))
    with zipfile.ZipFile(tmp_path / "p.casa") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    entry = manifest["styles"]["sources"][0]  # written by the schema that reads it
    assert entry | {"kind": "look", "seed": None, "name": "night", "rows": None} == entry
    back, _model, _render = load_project(tmp_path / "p.casa")
    assert back.styles.sources == [NIGHT, TYPICAL, NIGHT]
    assert "styles.safetensors" not in zipfile.ZipFile(tmp_path / "p.casa").namelist()
    assert NIGHT.describe() == "look night"
