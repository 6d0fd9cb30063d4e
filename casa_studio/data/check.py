"""`dataset check`: what is wrong with a dataset before training starts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from casa_studio.data.dataset import list_pairs, load_pair
from casa_studio.data.errors import DataError


@dataclass
class CheckReport:
    pairs: int = 0
    unpaired: list[Path] = field(default_factory=list)
    size_mismatches: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    unknown_ids: Counter[int] = field(default_factory=Counter)
    unknown_files: list[str] = field(default_factory=list)
    class_pixels: Counter[int] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not (self.unpaired or self.size_mismatches or self.unreadable or self.unknown_ids)

    def lines(self) -> list[str]:
        out = [f"{self.pairs} image/label pairs"]
        if self.unpaired:
            out.append(
                f"{len(self.unpaired)} unpaired files: "
                + ", ".join(p.name for p in self.unpaired[:10])
            )
        if self.size_mismatches:
            out.append(
                f"{len(self.size_mismatches)} size mismatches: "
                + ", ".join(self.size_mismatches[:10])
            )
        if self.unreadable:
            out.append(f"{len(self.unreadable)} unreadable: " + "; ".join(self.unreadable[:5]))
        if self.unknown_ids:
            ids = ", ".join(f"id {k}: {v} px" for k, v in sorted(self.unknown_ids.items()))
            out.append(
                f"unknown class ids in {len(self.unknown_files)} files ({ids}): "
                + ", ".join(self.unknown_files[:10])
            )
        out.append("OK" if self.ok else "PROBLEMS FOUND")
        return out


def check_dataset(
    root: Path,
    num_classes: int,
    layout: str = "auto",
    split: str = "train",
    progress: Callable[[int], None] | None = None,
) -> CheckReport:
    """Read every pair once; collect every problem instead of stopping at the first."""
    listing = list_pairs(root, layout, split)
    report = CheckReport(pairs=len(listing.pairs), unpaired=listing.unpaired)
    for pair in listing.pairs:
        try:
            image, labels = load_pair(pair)
        except DataError as exc:
            report.unreadable.append(str(exc))
            continue
        if image.size != labels.size:
            report.size_mismatches.append(f"{pair.name} ({image.size} vs {labels.size})")
        ids, counts = np.unique(np.asarray(labels), return_counts=True)
        for i, n in zip(ids.tolist(), counts.tolist(), strict=True):
            (report.unknown_ids if i >= num_classes else report.class_pixels)[i] += n
        if ids.max(initial=0) >= num_classes:
            report.unknown_files.append(pair.name)
        if progress:
            progress(1)
    return report
