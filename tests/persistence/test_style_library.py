"""Style library files: round trip, per-model listing, unreadable and hostile files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.style_library import LibraryStyle, StyleLibrary


def test_styles_round_trip_and_list_by_model(tmp_path: Path) -> None:
    library = StyleLibrary(tmp_path / "styles")
    tokens = np.arange(8, dtype=np.float32).reshape(2, 4)
    path = library.save(LibraryStyle("Golden hour / sky", "landscape", ("sky", "water"), tokens))
    assert path.name == "Golden_hour_sky.safetensors"
    library.save(LibraryStyle("other", "faces", ("hair",), tokens[:1]))
    (style,) = library.entries("landscape")
    assert (style.name, style.model, style.classes) == (
        "Golden hour / sky",
        "landscape",
        ("sky", "water"),
    )
    assert np.array_equal(style.tokens, tokens)
    assert [s.name for s in library.entries("faces")] == ["other"]


def test_bad_styles_are_refused_or_skipped(tmp_path: Path) -> None:
    library = StyleLibrary(tmp_path)
    with pytest.raises(PersistenceError, match="one token per class"):
        library.save(LibraryStyle("x", "m", ("a", "b"), np.zeros((1, 4), np.float32)))
    with pytest.raises(PersistenceError, match="resolve typical"):
        library.save(LibraryStyle("x", "m", ("a",), np.full((1, 4), np.nan, np.float32)))
    with pytest.raises(PersistenceError, match="cannot name"):
        library.save(LibraryStyle("///", "m", ("a",), np.zeros((1, 4), np.float32)))
    (tmp_path / "junk.safetensors").write_bytes(b"\x80\x04pickle?")
    with pytest.raises(PersistenceError, match="not a readable style"):
        library.load(tmp_path / "junk.safetensors")
    assert library.entries("m") == []  # skipped, listing still works
