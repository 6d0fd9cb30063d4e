"""The results history in a `.casa` file: bounded in count and bytes, its recipes (with stored
reference tokens) read back exactly, and a tampered history refused in one sentence."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.core.results import MAX_RESULTS, Result, ResultsHistory
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource
from casa_studio.persistence import results_history
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.project import ModelRef, load_project, save_project

PALETTE = Palette.from_entries([(i, f"class_{i}", (50 * i, 90, 200 - 40 * i)) for i in range(3)])
RNG = np.random.default_rng(0)
REFERENCE = StyleSource.stored(SourceKind.REFERENCE, "photo.jpg", RNG.normal(size=(3, 8)))


def _result(seed: int, locality: float = 4.0, side: int = 64) -> Result:
    sources = (TYPICAL, StyleSource(SourceKind.RANDOM, seed), REFERENCE)
    image = RNG.integers(0, 256, (side, side, 3), dtype=np.uint8)
    return Result(image, sources, locality, 0.25)


def _doc(results: list[Result]) -> Document:
    doc = Document.new(PALETTE, (64, 64), fill=1)
    for result in results:
        doc.results.record(result)
    return doc


def test_the_history_is_bounded_and_one_entry_per_recipe() -> None:
    history = ResultsHistory()
    for seed in range(MAX_RESULTS + 5):
        assert history.record(_result(seed))
    assert len(history.entries) == MAX_RESULTS
    assert history.entries[0].sources[1].seed == 5  # the oldest went first
    same = _result(MAX_RESULTS + 4)
    assert not history.record(same) and history.entries[-1] is same


def test_saved_and_read_back(tmp_path: Path) -> None:
    doc = _doc([_result(1), _result(2, locality=1.5)])
    save_project(tmp_path / "p.casa", doc, ModelRef("m"))
    back, _model, _render = load_project(tmp_path / "p.casa")
    assert len(back.results.entries) == 2
    for a, b in zip(back.results.entries, doc.results.entries, strict=True):
        assert a.sources == b.sources and a.locality == b.locality and a.seconds == b.seconds
        assert np.array_equal(a.image, b.image)
    save_project(tmp_path / "empty.casa", _doc([]), ModelRef("m"))
    with zipfile.ZipFile(tmp_path / "empty.casa") as archive:
        assert not [n for n in archive.namelist() if n.startswith("results/")]
    assert load_project(tmp_path / "empty.casa")[0].results.entries == []


def test_the_byte_budget_keeps_the_newest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results_history, "MAX_BYTES", 30_000)  # noise PNGs take ~12 kB each
    doc = _doc([_result(seed) for seed in range(6)])
    save_project(tmp_path / "p.casa", doc, ModelRef("m"))
    back = load_project(tmp_path / "p.casa")[0].results.entries
    assert 0 < len(back) < 6
    assert [r.sources[1].seed for r in back] == [5 - i for i in reversed(range(len(back)))]


def _tamper(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[name] = data
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), members.pop("mimetype"))
        for n, d in members.items():
            archive.writestr(n, d)


def test_a_tampered_history_is_refused_in_one_sentence(tmp_path: Path) -> None:
    import io

    from PIL import Image

    doc = _doc([_result(1)])
    path = tmp_path / "p.casa"
    save_project(path, doc, ModelRef("m"))
    with zipfile.ZipFile(path) as archive:
        index = json.loads(archive.read(results_history.INDEX))
    cases = {
        "3 style sources for 3": {**index, "entries": [{**index["entries"][0], "sources": []}]},
        "result 0 has 2 style sources": {
            **index,
            "entries": [{**index["entries"][0], "sources": index["entries"][0]["sources"][:2]}],
        },
        "version": {**index, "version": 9},
        "entries": {**index, "entries": index["entries"] * 40},
    }
    for expected, raw in cases.items():
        save_project(path, doc, ModelRef("m"))
        _tamper(path, results_history.INDEX, json.dumps(raw).encode())
        with pytest.raises(PersistenceError) as err:
            load_project(path)
        message = str(err.value)
        assert "\n" not in message and "history.json" in message, message
        if expected.startswith("result"):
            assert expected in message, message
    big = io.BytesIO()
    Image.fromarray(np.zeros((300, 300, 3), np.uint8)).save(big, format="PNG")
    save_project(path, doc, ModelRef("m"))
    _tamper(path, "results/0.png", big.getvalue())
    with pytest.raises(PersistenceError, match="300x300, over 256 px"):
        load_project(path)
