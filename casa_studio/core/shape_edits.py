"""Shape edits (spec §5 recipes 4 and 6): a class takes its shape from a reference label map,
blended with the document's own; the mask itself is left as painted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class ShapeEdit:
    """Class `class_id`'s shape latents from `reference` labels: `alpha` 1 keeps the
    document's shape, 0 is the reference's (recipe 6 interpolates between them)."""

    class_id: int
    reference: np.ndarray
    alpha: float = 0.0
    name: str = ""  # where the reference came from, for the user

    def with_alpha(self, alpha: float) -> ShapeEdit:
        return ShapeEdit(self.class_id, self.reference, float(alpha), self.name)
