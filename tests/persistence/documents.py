"""A small two-layer document the export tests share: the label map below, and a layer named
with characters XML must escape holding a 4x4 patch of class 2."""

from __future__ import annotations

import numpy as np

from casa_studio.core.commands import AddLayer, PaintPixels
from casa_studio.core.document import Document
from casa_studio.core.layers import Layer
from casa_studio.core.palette import Palette


def painted_document(palette: Palette, ids: np.ndarray) -> Document:
    doc = Document.from_labels(palette, ids)
    doc.execute(AddLayer(Layer.empty('Trees & "more"', doc.size), 2))
    mask = np.zeros(doc.size, bool)
    mask[:4, :4] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 2))
    return doc
