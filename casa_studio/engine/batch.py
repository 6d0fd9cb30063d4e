"""Batch rendering: many label maps or projects, times seeds, style references or the model's
looks, into a folder, one bad item never stopping the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import SourceKind, StyleSource
from casa_studio.engine.batch_plan import (
    BatchSummary,
    check_pattern,
    images_per_source,
    look_slug,
)
from casa_studio.engine.batch_queue import Pending, RenderQueue
from casa_studio.engine.device import default_batch_size
from casa_studio.engine.errors import EngineError
from casa_studio.engine.service import InferenceService
from casa_studio.engine.styles import StyleResolver, reference_source
from casa_studio.errors import USER_ERRORS
from casa_studio.persistence.images import read_labels, read_rgb
from casa_studio.persistence.project import load_project

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReferencePair:
    """A style reference on disk: a photo and its label map."""

    name: str
    image: Path
    labels: Path


def reference_pairs(folder: Path) -> list[ReferencePair]:
    """Reference pairs `images/x.*` + `labels/x.png` in a folder."""
    labels = {p.stem: p for p in (folder / "labels").glob("*.png")}
    pairs = [
        ReferencePair(p.stem, p, labels[p.stem])
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
    sources: tuple[StyleSource, ...] | None = None  # a project's style sources
    shapes: tuple[ShapeEdit, ...] = ()
    locked: tuple[int, ...] = ()  # a project's classes that keep their style in every look


def _item(source: Path, service: InferenceService) -> Item:
    if source.suffix.lower() != ".casa":
        return Item(read_labels(source, service.config.output_hw))
    doc, _model, _render = load_project(source)
    if doc.size != service.config.output_hw:
        raise EngineError(
            f"{source}: project is {doc.size}, the model renders {service.config.output_hw}"
        )
    sources = tuple(doc.styles.sources)
    locked = tuple(sorted(doc.styles.locked))
    return Item(doc.labels().astype(np.int64), sources, doc.shapes, locked)


def render_many(
    service: InferenceService,
    sources: list[Path],
    out: Path,
    *,
    seeds: int = 1,
    own: bool = False,
    styles: list[ReferencePair] | None = None,
    progress: Callable[[int], None] | None = None,
    pattern: str = "{source}_{variant}",
    cancelled: Callable[[], bool] = lambda: False,
    looks: Sequence[str] | None = None,
    batch_size: int | None = None,
    locality: float | None = None,
    resolver: StyleResolver | None = None,
) -> BatchSummary:
    """For each source: `seeds` random-style variants (seeds 1, 2, …), or with `own` one
    image in the source's own styles (a project's, or the typical ones for a label map), or
    one image per style reference, or one per look (a project's locked classes keep their
    style); a project's shape edits apply to all. Files: `pattern` + `.png`, by default
    `<source>_seed<N>`, `<source>_own`, `<source>_<ref>` or `<source>_<look>`. `cancelled()`
    is asked before each image. Images go through the model `batch_size` at a time (default:
    8 on a GPU, 1 on a CPU), with the attention guidance `locality` (the editor's slider).
    Style sources become tokens through `resolver` (the live preview's, when given)."""
    check_pattern(pattern)
    resolver = resolver or StyleResolver(service.styles)
    out.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary()
    queue = RenderQueue(
        service, summary, batch_size or default_batch_size(service.placement), progress, locality
    )
    for source in sources:
        if cancelled():
            summary.cancelled = True
            queue.discard()
            break
        try:
            item = _item(source, service)
            service.inputs.check_labels(item.labels)
            variants = [
                (suffix, resolver.tokens(sources), recipe)
                for suffix, sources, recipe in (
                    _look_variants(service, item, looks)
                    if looks is not None
                    else _variants(service, item, 0 if own else seeds, styles)
                )
            ]
        except Exception as exc:  # one bad item never stops the rest, whatever it raised
            if not isinstance(exc, USER_ERRORS):
                log.exception("unexpected failure reading %s", source)
            summary.failures.append(f"{source.name}: {exc}")
            if progress:
                progress(images_per_source(seeds, own, styles, looks))
            continue
        for suffix, tokens, recipe in variants:
            if cancelled():
                summary.cancelled = True
                queue.discard()
                return summary
            n = len(summary.written) + len(queue) + 1
            name = pattern.format(source=source.stem, variant=suffix, n=n)
            queue.add(
                Pending(
                    out / f"{name}.png",
                    item.labels,
                    tokens,
                    item.shapes,
                    recipe | {"source": source.name},
                    f"{source.name} ({suffix})",
                )
            )
    queue.flush()
    return summary


Variant = tuple[str, list[StyleSource], dict[str, object]]  # file suffix, sources, recipe


def _variants(
    service: InferenceService,
    item: Item,
    seeds: int,
    styles: list[ReferencePair] | None,
) -> list[Variant]:
    base: dict[str, object] = {"model": service.config.name, "model_sha256": service.info.sha256}
    count = service.config.num_classes
    if styles is not None:
        size = service.config.output_hw
        out: list[Variant] = []
        for ref in styles:
            encoded = service.references.encode_styles(
                read_rgb(ref.image, size), read_labels(ref.labels, size)
            )
            source = reference_source(ref.name, encoded)
            out.append(
                (ref.name, [source] * count, base | {"styles": f"reference {ref.image.name}"})
            )
        return out
    typical: list[Variant] = [("typical", [StyleSource()] * count, base | {"styles": "typical"})]
    if seeds == 0:  # the source's own styles
        if item.sources is None:
            return typical
        return [("own", list(item.sources), base | {"styles": "project"})]
    if not service.styles.has_random:
        return typical
    return [
        (
            f"seed{s}",
            [StyleSource(SourceKind.RANDOM, s)] * count,
            base | {"styles": f"random seed {s}"},
        )
        for s in range(1, seeds + 1)
    ]


def _look_variants(service: InferenceService, item: Item, looks: Sequence[str]) -> list[Variant]:
    """One per look; a project's locked classes keep their own sources."""
    base: dict[str, object] = {"model": service.config.name, "model_sha256": service.info.sha256}
    own = item.sources or ()
    out: list[Variant] = []
    for name in looks:
        service.styles.look_styles(name)  # an unknown look is an error naming the known ones
        sources = [StyleSource(SourceKind.LOOK, name=name)] * service.config.num_classes
        for c in item.locked if own else ():
            sources[c] = own[c]
        out.append((look_slug(name), sources, base | {"styles": f"look {name}"}))
    return out
