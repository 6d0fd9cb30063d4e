"""`.casa` projects: round trips, atomic saves, refusals of broken and foreign files."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from casa_studio.core.commands import (
    AddLayer,
    PaintPixels,
    SetLayerProps,
    SetLocked,
    SetShapes,
    SetStyles,
)
from casa_studio.core.document import Document
from casa_studio.core.layers import Layer
from casa_studio.core.palette import Palette
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource
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
    doc.execute(_seed_styles(77))
    warm = np.full((1, 6), 0.5, np.float32)
    doc.execute(SetStyles((1,), (StyleSource.stored(SourceKind.LIBRARY, "warm", warm),)))
    doc.execute(SetLocked((2,), True))
    ref = np.zeros(doc.size, np.uint8)
    ref[2:9, 10:20] = 2
    doc.execute(SetShapes((ShapeEdit(2, ref, 0.25, "ref.png"),)))
    doc.active = 1
    return doc


def _seed_styles(seed: int) -> SetStyles:
    """Class 2 gets the random style of this seed."""
    return SetStyles((2,), (StyleSource(SourceKind.RANDOM, seed),))


def _seed_of(doc: Document) -> int | None:
    return doc.styles.sources[2].seed


def test_round_trip_restores_the_document_exactly(tmp_path: Path) -> None:
    doc = _doc()
    render = np.random.default_rng(0).integers(0, 256, (24, 40, 3), dtype=np.uint8)
    save_project(tmp_path / "scene.casa", doc, MODEL, render)
    loaded, model, image = load_project(tmp_path / "scene.casa")
    assert model == MODEL and np.array_equal(image, render)
    assert loaded.palette == doc.palette and _seed_of(loaded) == 77 and loaded.active == 1
    assert loaded.styles.sources == doc.styles.sources and loaded.styles.locked == {2}
    assert np.array_equal(loaded.styles.sources[1].token_for(1), np.full(6, 0.5))
    (edit,) = loaded.shapes
    assert (edit.class_id, edit.alpha, edit.name) == (2, 0.25, "ref.png")
    assert np.array_equal(edit.reference, doc.shapes[0].reference)
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
        assert {"styles.safetensors", "thumbnail.png", "shapes/0.png"} <= set(archive.namelist())


def test_saving_again_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "scene.casa"
    save_project(path, _doc(), MODEL)
    first = path.read_bytes()
    doc = _doc()
    doc.execute(_seed_styles(5))
    save_project(path, doc, MODEL)
    assert (tmp_path / "scene.casa~").read_bytes() == first
    assert _seed_of(load_project(path)[0]) == 5


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
    doc.execute(_seed_styles(1))
    with pytest.raises(PersistenceError, match="could not save"):
        save_project(path, doc, MODEL)
    monkeypatch.undo()
    assert path.read_bytes() == before and _seed_of(load_project(path)[0]) == 77
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".bak"))] == []


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


def _as_format_1(manifest: dict) -> None:
    """What CASA Studio 0.1 wrote: one image seed, no style tokens, no shapes."""
    manifest.update(format_version=1, styles={"seed": 31})
    del manifest["shapes"]


def test_format_1_projects_are_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.casa"
    doc = _doc()
    save_project(path, doc, MODEL)
    _rewrite(path, _as_format_1, drop="styles.safetensors")
    loaded = load_project(path)[0]
    assert loaded.styles.sources == [StyleSource(SourceKind.RANDOM, 31)] * len(PALETTE)
    assert loaded.styles.widths() == set() and loaded.shapes == ()
    assert np.array_equal(loaded.labels(), doc.labels())
    _rewrite(path, lambda m: m["styles"].update(seed=None))  # typical styles stay typical
    assert load_project(path)[0].styles.sources == [TYPICAL] * len(PALETTE)


def test_broken_style_data_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.casa"
    save_project(path, _doc(), MODEL)
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    entries["styles.safetensors"] = b"\x08\x00\x00\x00\x00\x00\x00\x00garbage!"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    with pytest.raises(PersistenceError, match="unreadable style tokens"):
        load_project(path)
    save_project(path, _doc(), MODEL)
    _rewrite(path, lambda m: m["styles"].update(sources=[]))
    with pytest.raises(PersistenceError, match="style sources for"):
        load_project(path)
    save_project(path, _doc(), MODEL)
    _rewrite(path, lambda m: m["shapes"][0].update(class_id=99))
    with pytest.raises(PersistenceError, match="class 99, which is not in the palette"):
        load_project(path)
    save_project(path, _doc(), MODEL)
    _rewrite(path, drop="shapes/0.png")
    with pytest.raises(PersistenceError, match="shape reference file"):
        load_project(path)


def test_the_manifest_is_written_by_the_schema_that_reads_it(tmp_path: Path) -> None:
    """Every field the reader knows is written, as the reader's schema dumps it: a field added
    to the schema is a field the writer writes (one declaration)."""
    from casa_studio.persistence.manifest import parse_manifest

    doc = _doc()
    doc.execute(_seed_styles(5))
    path = tmp_path / "scene.casa"
    save_project(path, doc, MODEL)
    with zipfile.ZipFile(path) as archive:
        written = json.loads(archive.read("manifest.json"))
    assert parse_manifest(written, "manifest.json").model_dump(mode="json") == written
