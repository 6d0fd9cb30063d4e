"""Projects saved before style sources were kept alone (format 2: a token per class beside
each source) open as format 3: derivable sources lose their tokens, stored ones keep theirs;
and the format-3 schema refuses incomplete or contradictory sources."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from casa_studio.core.commands import SetStyles
from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.project import ModelRef, load_project, save_project

# Saved by CASA Studio at commit c1c4c71 (format 2): class 0 random #5, class 1 a reference
# "photo.png" (locked), class 2 look "night", class 3 a mix, each with a stored token; tokens from
# np.random.default_rng(11).normal(size=(4, 16)); a reference photo.
FORMAT_2 = Path(__file__).parent / "fixtures" / "format2-stored-rows.casa"
TOKENS = np.random.default_rng(11).normal(size=(4, 16)).astype(np.float32)


def test_format_2_project_with_stored_tokens_opens() -> None:
    doc, model, _render = load_project(FORMAT_2)
    sources = doc.styles.sources
    assert model.name == "tiny-test" and doc.styles.locked == {1}
    assert sources[0] == StyleSource(SourceKind.RANDOM, 5)  # derived again from its seed
    assert sources[2] == StyleSource(SourceKind.LOOK, name="night")  # derived by name
    assert (sources[1].kind, sources[1].name) == (SourceKind.REFERENCE, "photo.png")
    assert np.array_equal(sources[1].token_for(1), TOKENS[1])  # the reference's tokens stay
    assert sources[3].describe() == "random #5 + 40 % typical"
    assert np.array_equal(sources[3].token_for(3), TOKENS[3])
    assert doc.reference is not None and doc.reference.name == "photo.png"
    assert doc.present() == [0, 1, 2, 3]


def test_migrated_project_saves_as_format_3(tmp_path: Path) -> None:
    doc, _model, _render = load_project(FORMAT_2)
    save_project(tmp_path / "new.casa", doc, ModelRef("tiny-test"))
    with zipfile.ZipFile(tmp_path / "new.casa") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    entries = manifest["styles"]["sources"]
    assert manifest["format_version"] == 3
    assert [e.get("rows") for e in entries] == [None, [0, 1], None, [1, 1]]
    again = load_project(tmp_path / "new.casa")[0]
    assert again.styles.sources == doc.styles.sources


def _saved(tmp_path: Path, *sources: StyleSource) -> Path:
    palette = Palette.from_entries([(i, f"c{i}", (i, i, i)) for i in range(3)])
    doc = Document.new(palette, (8, 8))
    doc.execute(SetStyles((0, 1, 2), sources))
    save_project(tmp_path / "p.casa", doc, ModelRef("m"))
    return tmp_path / "p.casa"


def _rewrite(path: Path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    manifest = json.loads(entries["manifest.json"])
    change(manifest["styles"]["sources"])
    entries["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def test_blends_and_shared_stored_tokens_round_trip(tmp_path: Path) -> None:
    tokens = np.arange(48, dtype=np.float32).reshape(3, 16)
    tokens[2] = np.nan
    ref = StyleSource.stored(SourceKind.REFERENCE, "a.png", tokens)
    blend = StyleSource.blend(StyleSource(SourceKind.RANDOM, 9), ref, 0.3)
    path = _saved(tmp_path, ref, blend, StyleSource.blend(blend, TYPICAL, 1.0))
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["styles"]["sources"][0]["rows"] == [0, 3]  # written once, shared
    assert manifest["styles"]["sources"][1]["parts"][1]["rows"] == [0, 3]
    back = load_project(path)[0].styles.sources
    assert back[1] == blend and back[2].parts[0] == blend and back[0] == ref


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s[0].update(kind="blend"), "has 0 parts"),
        (lambda s: s[0].update(kind="random", seed=None), "needs its seed"),
        (lambda s: s[0].update(kind="library"), "needs stored rows"),
        (lambda s: s[1].update(rows=[0, 1]), "has no stored rows"),
        (lambda s: s[2].update(rows=[2, 2]), "not one token or one per class"),
        (lambda s: s[1].update(amount=1.5), "amount"),
        (lambda s: s[1].update(parts=[s[1]["parts"][0]]), "has 1 parts"),
    ],
)
def test_broken_sources_are_refused(tmp_path: Path, change, message: str) -> None:
    one = StyleSource.stored(SourceKind.LIBRARY, "warm", np.ones((1, 16), np.float32))
    path = _saved(
        tmp_path,
        TYPICAL,
        StyleSource.blend(StyleSource(SourceKind.RANDOM, 2), TYPICAL, 0.5),
        one,
    )
    _rewrite(path, change)
    with pytest.raises(PersistenceError, match=message):
        load_project(path)


def test_blends_nest_at_most_eight_deep(tmp_path: Path) -> None:
    source = TYPICAL
    for _ in range(9):
        source = StyleSource.blend(source, StyleSource(SourceKind.RANDOM, 1), 0.5)
    with pytest.raises(PersistenceError, match=r"p\.casa: not saved, .*nest deeper than 8"):
        _saved(tmp_path, source, TYPICAL, TYPICAL)  # the writer's schema is the reader's
    assert not (tmp_path / "p.casa").exists()
