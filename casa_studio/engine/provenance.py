"""What made an image — model, styles per class present, shape edits, guidance — as the JSON
recipe written into exported PNGs, by the editor and `casa-studio export` alike."""

from __future__ import annotations

from casa_studio.core.document import Document
from casa_studio.engine.request import document_locality


def recipe(
    doc: Document,
    model: str,
    sha256: str = "",
    revision: int | None = None,
    locality: float | None = None,
) -> dict[str, object]:
    """`locality`: the guidance the image was rendered with (default: the document's own)."""
    present = doc.present()
    return {
        "app": "CASA Studio",
        "model": model,
        "model_sha256": sha256,
        "styles": {
            c.name: doc.styles.sources[c.id].describe()
            for c in doc.palette.classes
            if c.id in present
        },
        "shapes": [
            f"{doc.palette.classes[e.class_id].name} from {e.name or 'a reference'}"
            f" (alpha {e.alpha:g})"
            for e in doc.shapes
        ],
        "locality": document_locality(doc) if locality is None else locality,
        "revision": revision,
    }
