"""Style bank commands: rows, sources, locks and shape edits, each undoable."""

from __future__ import annotations

import numpy as np
import pytest

from casa_studio.core.commands import SetLocked, SetShapes, SetStyles
from casa_studio.core.document import Change, Document
from casa_studio.core.palette import Palette
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource, unresolved_random


@pytest.fixture
def doc() -> Document:
    palette = Palette.from_entries([(i, f"c{i}", (i * 40, 0, 0)) for i in range(5)])
    return Document.new(palette, (16, 16))


def test_new_documents_are_all_typical(doc: Document) -> None:
    assert doc.styles.tokens is None and doc.styles.snapshot() is None
    assert doc.styles.sources == [TYPICAL] * 5


def test_set_styles_changes_only_its_rows_and_undoes(doc: Document) -> None:
    changes: list[Change] = []
    doc.changed.connect(changes.append)
    rows = np.arange(8, dtype=np.float32).reshape(2, 4)
    seed3 = StyleSource(SourceKind.RANDOM, 3)
    doc.execute(SetStyles((1, 3), rows, (seed3, seed3)))
    tokens = doc.styles.snapshot()
    assert tokens is not None and not tokens.flags.writeable
    assert np.array_equal(tokens[[1, 3]], rows)
    assert np.isnan(tokens[[0, 2, 4]]).all()  # the others stay typical
    assert doc.styles.sources[1].describe() == "random #3"
    assert changes[-1].kind == "styles" and changes[-1].render

    other = np.ones((1, 4), np.float32)
    doc.execute(SetStyles((3,), other, (StyleSource(SourceKind.REFERENCE, name="a.png"),)))
    doc.undo()
    assert np.array_equal(doc.styles.tokens[3], rows[1])
    assert doc.styles.sources[3] == seed3
    doc.undo()
    assert np.isnan(doc.styles.tokens).all() and doc.styles.sources == [TYPICAL] * 5
    doc.redo()
    assert np.array_equal(doc.styles.tokens[[1, 3]], rows)


def test_typical_rows_become_nan_again(doc: Document) -> None:
    doc.execute(SetStyles((2,), np.ones((1, 4), np.float32), (StyleSource(SourceKind.MIXED),)))
    doc.execute(SetStyles((2,), None, (TYPICAL,)))
    assert np.isnan(doc.styles.tokens[2]).all() and doc.styles.sources[2].describe() == "typical"


def test_locks_do_not_render_and_undo(doc: Document) -> None:
    changes: list[Change] = []
    doc.changed.connect(changes.append)
    doc.execute(SetLocked((1, 2), True))
    assert doc.styles.locked == {1, 2} and not changes[-1].render
    assert doc.styles.unlocked([0, 1, 2, 3]) == [0, 3]
    doc.execute(SetLocked((1,), False))
    assert doc.styles.locked == {2}
    doc.undo()
    doc.undo()
    assert doc.styles.locked == set()


def test_shape_edits_undo(doc: Document) -> None:
    ref = np.zeros((16, 16), np.uint8)
    edit = ShapeEdit(1, ref, 0.0, "ref.png")
    doc.execute(SetShapes((edit,)))
    doc.execute(SetShapes((edit.with_alpha(0.5),)))
    assert doc.shapes[0].alpha == 0.5 and doc.shapes[0].name == "ref.png"
    doc.undo()
    assert doc.shapes == (edit,)
    doc.undo()
    assert doc.shapes == ()


def test_fill_rows_is_not_an_edit(doc: Document) -> None:
    doc.execute(SetStyles((1,), None, (StyleSource(SourceKind.RANDOM, 7),)))
    doc.history.mark_clean()
    assert unresolved_random(doc.styles.tokens, doc.styles.sources) == ([1], [7])
    doc.fill_rows([1], np.ones((1, 4), np.float32))
    assert not doc.modified and unresolved_random(doc.styles.tokens, doc.styles.sources) == (
        [],
        [],
    )


def test_sources_round_trip_as_dicts() -> None:
    for source in (
        TYPICAL,
        StyleSource(SourceKind.RANDOM, 5),
        StyleSource(SourceKind.LIBRARY, name="x"),
    ):
        assert StyleSource.from_dict(source.to_dict()) == source


def test_present_lists_painted_classes(doc: Document) -> None:
    doc.layers[1].pixels[:2, :2] = 3
    doc.revision += 1  # the composite cache follows revisions; commands bump them
    assert doc.present() == [0, 3]
