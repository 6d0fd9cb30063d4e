"""Look sources in projects: saved as kind "look" with the look's name, with their rows, and
read back; a look row saved without its row is derived again by name (engine.resolve)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from casa_studio.core.commands import SetStyles
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource
from casa_studio.persistence.project import ModelRef, load_project, save_project

NIGHT = StyleSource(SourceKind.LOOK, name="night")


def test_look_sources_round_trip(tmp_path: Path) -> None:
    palette = Palette.from_entries([(i, f"c{i}", (i, i, i)) for i in range(3)])
    doc = Document.new(palette, (8, 8))
    rows = np.arange(12, dtype=np.float32).reshape(2, 6)
    doc.execute(SetStyles((0, 2), rows, (NIGHT, NIGHT), "Look night"))
    save_project(tmp_path / "p.casa", doc, ModelRef("m"))
    with zipfile.ZipFile(tmp_path / "p.casa") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["styles"]["sources"][0] == {"kind": "look", "seed": None, "name": "night"}
    back, _model, _render = load_project(tmp_path / "p.casa")
    assert back.styles.sources == [NIGHT, TYPICAL, NIGHT]
    assert np.array_equal(back.styles.rows([0, 2]), rows)
    assert np.isnan(back.styles.rows([1])).all()
    assert NIGHT.describe() == "look night"
