"""New documents: a starter landscape for palettes with the landscape classes, the background
class as before for other palettes."""

from __future__ import annotations

import numpy as np

from casa_studio.core.palette import Palette
from casa_studio.core.starter import NEEDED, starter_document

LANDSCAPE = Palette.from_entries(
    [(i, n, (i, i, i)) for i, n in enumerate(("sky", "cloud", "mountain", "snow", "tree"))]
    + [(5, "grass", (5, 5, 5)), (6, "water", (6, 6, 6))]
)


def test_a_new_landscape_document_is_a_small_scene() -> None:
    doc = starter_document(LANDSCAPE, (128, 160))
    labels = doc.labels()
    names = {LANDSCAPE.classes[c].name for c in doc.present()}
    assert set(NEEDED) | {"cloud", "snow"} <= names
    share = np.bincount(labels.ravel(), minlength=7) / labels.size
    assert 0.25 < share[0] < 0.6  # sky is the upper part, not the whole canvas
    assert share[5] > 0.1 and share[6] > 0.02 and share[4] > 0.01  # grass, water, trees
    assert (labels[:10] == 0).mean() > 0.7 and (labels[-5:] != 0).all()  # sky above, land below
    assert [layer.name for layer in doc.layers] == ["Landscape", "Layer 1"]
    assert not doc.modified and not doc.undo()  # nothing to undo: it is where one starts


def test_other_palettes_start_from_their_background() -> None:
    palette = Palette.from_entries([(i, f"class_{i}", (i, i, i)) for i in range(4)])
    doc = starter_document(palette, (32, 32))
    assert doc.present() == [0]
