"""`.casa` projects: round trips, atomic saves, refusals of broken and foreign files."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from casa_studio.core.commands import AddLayer, PaintPixels, SetLayerProps, SetSeed
from casa_studio.core.document import Document
from casa_studio.core.layers import Layer
from casa_studio.core.palette import Palette
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.project import MIMETYPE, ModelRef, load_project, save_project

PALETTE = Palette.from_entries(
    [(0, "sky", (0, 0, 255)), (1, "grass", (0, 255, 0)), (2, "tree", (9, 99, 9))]
)
MODEL = ModelRef("landscape", "ab" * 32)


def _doc() -> Document:
    doc = Document.new(PALETTE, (24, 40))
    mask = np.zeros(doc.size, bool)
    mask[5:15, 3:30] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 2))
    doc.execute(AddLayer(Layer.empty("Top", doc.size), 2))
    doc.execute(
        SetLayerProps(doc.layers[2].uid, {"visible": False, "locked": True, "opacity": 0.4})
    )
    doc.execute(SetSeed(77))
    doc.active = 1
    return doc


def test_round_trip_restores_the_document_exactly(tmp_path: Path) -> None:
    doc = _doc()
    render = np.random.default_rng(0).integers(0, 256, (24, 40, 3), dtype=np.uint8)
    save_project(tmp_path / "scene.casa", doc, MODEL, render)
    loaded, model, image = load_project(tmp_path / "scene.casa")
    assert model == MODEL and np.array_equal(image, render)
    assert loaded.palette == doc.palette and loaded.seed == 77 and loaded.active == 1
    for a, b in zip(loaded.layers, doc.layers, strict=True):
        assert (a.uid, a.name, a.visible, a.locked, a.opacity) == (
            b.uid,
            b.name,
            b.visible,
            b.locked,
            b.opacity,
        )
        assert a.pixels.dtype == np.uint8 and np.array_equal(a.pixels, b.pixels)
    assert np.array_equal(loaded.labels(), doc.labels())
    with zipfile.ZipFile(tmp_path / "scene.casa") as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype").decode() == MIMETYPE


def test_saving_again_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "scene.casa"
    save_project(path, _doc(), MODEL)
    first = path.read_bytes()
    doc = _doc()
    doc.execute(SetSeed(5))
    save_project(path, doc, MODEL)
    assert (tmp_path / "scene.casa~").read_bytes() == first
    assert load_project(path)[0].seed == 5


def test_an_interrupted_save_leaves_the_old_project_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scene.casa"
    save_project(path, _doc(), MODEL)
    before = path.read_bytes()
    real_replace = os.replace

    def failing_replace(src: str, dst: str) -> None:
        if str(dst) == str(path):
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    doc = _doc()
    doc.execute(SetSeed(1))
    with pytest.raises(PersistenceError, match="could not save"):
        save_project(path, doc, MODEL)
    monkeypatch.undo()
    assert (tmp_path / "scene.casa~").read_bytes() == before or path.read_bytes() == before
    assert load_project(tmp_path / "scene.casa~")[0].seed == 77
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _rewrite(path: Path, manifest_change=None, drop: str | None = None) -> None:
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    manifest = json.loads(entries["manifest.json"])
    if manifest_change:
        manifest_change(manifest)
    entries["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            if name != drop:
                archive.writestr(name, data)


def test_broken_projects_are_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "p.casa"
    save_project(path, _doc(), MODEL)
    data = path.read_bytes()
    (tmp_path / "cut.casa").write_bytes(data[: len(data) // 2])
    with pytest.raises(PersistenceError, match="cut.casa: damaged or truncated"):
        load_project(tmp_path / "cut.casa")
    (tmp_path / "junk.casa").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(PersistenceError, match="junk.casa"):
        load_project(tmp_path / "junk.casa")
    with zipfile.ZipFile(tmp_path / "other.casa", "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(PersistenceError, match="not a CASA Studio project"):
        load_project(tmp_path / "other.casa")
    with pytest.raises(PersistenceError, match="file not found"):
        load_project(tmp_path / "none.casa")


def test_newer_versions_missing_layers_and_wrong_sizes(tmp_path: Path) -> None:
    path = tmp_path / "p.casa"
    save_project(path, _doc(), MODEL)
    _rewrite(path, lambda m: m.update(format_version=99))
    with pytest.raises(PersistenceError, match="newer CASA Studio"):
        load_project(path)
    save_project(path, _doc(), MODEL)
    _rewrite(path, lambda m: m.update(size=[10, 10]))
    with pytest.raises(PersistenceError, match="expected L"):
        load_project(path)
    doc = _doc()
    save_project(path, doc, MODEL)
    _rewrite(path, drop=f"layers/{doc.layers[0].uid}.png")
    with pytest.raises(PersistenceError, match="missing"):
        load_project(path)
