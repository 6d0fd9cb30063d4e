"""Batch rendering: many label maps or projects, times seeds or style references, into a folder,
one bad item never stopping the rest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.engine.batch_plan import BatchSummary, check_pattern, variant_count
from casa_studio.engine.errors import EngineError
from casa_studio.engine.resolve import resolve_tokens
from casa_studio.engine.service import InferenceService
from casa_studio.errors import USER_ERRORS
from casa_studio.persistence.export import export_image
from casa_studio.persistence.images import read_labels, read_rgb
from casa_studio.persistence.project import load_project


@dataclass(frozen=True, slots=True)
class StyleSource:
    name: str
    image: Path
    labels: Path


def style_sources(folder: Path) -> list[StyleSource]:
    """Reference pairs `images/x.*` + `labels/x.png` in a folder."""
    labels = {p.stem: p for p in (folder / "labels").glob("*.png")}
    pairs = [
        StyleSource(p.stem, p, labels[p.stem])
        for p in sorted((folder / "images").glob("*"))
        if p.stem in labels
    ]
    if not pairs:
        raise EngineError(f"{folder}: no images/ + labels/ pairs to take styles from")
    return pairs


@dataclass(frozen=True, slots=True)
class Item:
    """What one source renders: its labels, and a project's own styles and shape edits."""

    labels: np.ndarray
    tokens: np.ndarray | None = None
    shapes: tuple[ShapeEdit, ...] = ()


def _item(source: Path, service: InferenceService) -> Item:
    if source.suffix.lower() != ".casa":
        return Item(read_labels(source, service.config.output_hw))
    doc, _model, _render = load_project(source)
    if doc.size != service.config.output_hw:
        raise EngineError(
            f"{source}: project is {doc.size}, the model renders {service.config.output_hw}"
        )
    tokens = resolve_tokens(service, doc.styles.tokens, doc.styles.sources)
    return Item(doc.labels().astype(np.int64), tokens, doc.shapes)


def render_many(
    service: InferenceService,
    sources: list[Path],
    out: Path,
    *,
    seeds: int = 1,
    own: bool = False,
    styles: list[StyleSource] | None = None,
    progress: Callable[[int], None] | None = None,
    pattern: str = "{source}_{variant}",
    cancelled: Callable[[], bool] = lambda: False,
) -> BatchSummary:
    """For each source: `seeds` random-style variants (seeds 1, 2, …), or with `own` one
    image in the source's own styles (a project's, or the typical ones for a label map), or
    one image per style reference; a project's shape edits apply to all. Files: `pattern` +
    `.png`, by default `<source>_seed<N>`, `<source>_own` or `<source>_<ref>`. `cancelled()`
    is asked before each image."""
    check_pattern(pattern)
    out.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary()
    for source in sources:
        if cancelled():
            summary.cancelled = True
            break
        try:
            item = _item(source, service)
            service.check_labels(item.labels)
            variants = _variants(service, item, 0 if own else seeds, styles)
        except USER_ERRORS as exc:
            summary.failures.append(f"{source.name}: {exc}")
            if progress:
                progress(variant_count(seeds, own, styles))
            continue
        for suffix, tokens, recipe in variants:
            if cancelled():
                summary.cancelled = True
                return summary
            try:
                name = pattern.format(
                    source=source.stem, variant=suffix, n=len(summary.written) + 1
                )
                path = out / f"{name}.png"
                image = service.render(item.labels, tokens, item.shapes)
                export_image(path, image, recipe | {"source": source.name})
                summary.written.append(path)
            except USER_ERRORS as exc:
                summary.failures.append(f"{source.name} ({suffix}): {exc}")
            if progress:
                progress(1)
    return summary


def _variants(
    service: InferenceService,
    item: Item,
    seeds: int,
    styles: list[StyleSource] | None,
) -> list[tuple[str, np.ndarray, dict[str, object]]]:
    base = {"model": service.config.name, "model_sha256": service.info.sha256}
    if styles is not None:
        size = service.config.output_hw
        out = []
        for ref in styles:
            codes = service.encode_styles(read_rgb(ref.image, size), read_labels(ref.labels, size))
            out.append((ref.name, codes.tokens, base | {"styles": f"reference {ref.image.name}"}))
        return out
    typical = [("typical", service.typical_styles().tokens, base | {"styles": "typical"})]
    if seeds == 0:  # the source's own styles
        own = [("own", item.tokens, base | {"styles": "project"})]
        return typical if item.tokens is None else own
    if not service.has_mapping:
        return typical
    return [
        (
            f"seed{s}",
            service.noise_styles(s, item.labels).tokens,
            base | {"styles": f"random seed {s}"},
        )
        for s in range(1, seeds + 1)
    ]
