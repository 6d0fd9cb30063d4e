"""The document's class styles (ClassStyles) commands: sources, locks and shape edits, each undoable; stored tokens and\nblends."""

from __future__ import annotations

import numpy as np
import pytest

from casa_studio.core.commands import SetLocked, SetShapes, SetStyles
from casa_studio.core.document import Change, ChangeKind, Document
from casa_studio.core.palette import Palette
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource


@pytest.fixture
def doc() -> Document:
    palette = Palette.from_entries([(i, f"c{i}", (i * 40, 0, 0)) for i in range(5)])
    return Document.new(palette, (16, 16))


def test_new_documents_are_all_typical(doc: Document) -> None:
    assert doc.styles.sources == [TYPICAL] * 5 and doc.styles.widths() == set()


def test_set_styles_changes_only_its_sources_and_undoes(doc: Document) -> None:
    changes: list[Change] = []
    doc.changed.connect(changes.append)
    seed3 = StyleSource(SourceKind.RANDOM, 3)
    doc.execute(SetStyles((1, 3), (seed3, seed3)))
    assert doc.styles.sources == [TYPICAL, seed3, TYPICAL, seed3, TYPICAL]
    assert doc.styles.sources[1].describe() == "random #3"
    assert changes[-1].kind is ChangeKind.STYLES and changes[-1].render

    tokens = np.ones((1, 4), np.float32)
    ref = StyleSource.stored(SourceKind.REFERENCE, "a.png", tokens)
    doc.execute(SetStyles((3,), (ref,)))
    assert doc.styles.widths() == {4}
    doc.undo()
    assert doc.styles.sources[3] == seed3
    doc.undo()
    assert doc.styles.sources == [TYPICAL] * 5
    doc.redo()
    assert doc.styles.sources[3] == seed3


def test_stored_tokens_one_for_any_class_or_one_per_class() -> None:
    one = StyleSource.stored(SourceKind.LIBRARY, "warm", np.full((1, 4), 2, np.float32))
    assert np.array_equal(one.token_for(0), [2] * 4) and np.array_equal(one.token_for(9), [2] * 4)
    per_class = np.arange(12, dtype=np.float32).reshape(3, 4)
    per_class[1] = np.nan  # a class the reference photo does not show
    ref = StyleSource.stored(SourceKind.REFERENCE, "a.png", per_class)
    assert np.array_equal(ref.token_for(2), per_class[2]) and ref.token_for(1) is None
    assert ref == StyleSource.stored(SourceKind.REFERENCE, "a.png", per_class.copy())
    assert hash(ref) == hash(StyleSource.stored(SourceKind.REFERENCE, "a.png", per_class.copy()))
    with pytest.raises(ValueError):
        StyleSource.stored(SourceKind.RANDOM, "", per_class)


def test_blends_name_their_parts_and_nest() -> None:
    blend = StyleSource.blend(StyleSource(SourceKind.RANDOM, 3), TYPICAL, 0.6)
    assert blend.describe() == "random #3 + 60 % typical" and blend.depth == 1
    twice = StyleSource.blend(blend, StyleSource(SourceKind.LOOK, name="night"), 0.25)
    assert twice.depth == 2 and [leaf.kind for leaf in twice.leaves()] == [
        SourceKind.RANDOM,
        SourceKind.TYPICAL,
        SourceKind.LOOK,
    ]


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


def test_present_lists_painted_classes(doc: Document) -> None:
    doc.layers[1].pixels[:2, :2] = 3
    doc.revision += 1  # the composite cache follows revisions; commands bump them
    assert doc.present() == [0, 3]
