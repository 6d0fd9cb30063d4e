"""Batch rendering: many label maps or projects, times seeds, style references or the model's
looks, into a folder, one bad item never stopping the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import SourceKind, StyleSource
from casa_studio.engine.batch_plan import BatchOptions, BatchSummary, look_slug
from casa_studio.engine.batch_queue import Pending, RenderQueue
from casa_studio.engine.device import default_batch_size
from casa_studio.engine.errors import EngineError
from casa_studio.engine.resample import labels_at
from casa_studio.engine.service import InferenceService
from casa_studio.engine.styles import StyleResolver, reference_source
from casa_studio.errors import USER_ERRORS
from casa_studio.persistence.compatibility import ModelFit, check_fits
from casa_studio.persistence.images import read_labels, read_rgb
from casa_studio.persistence.outputs import InputFiles
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
    doc, made_with, _render = load_project(source)
    config = service.config
    model = ModelFit(config.name, tuple(c.name for c in config.classes), config.token_dim)
    check_fits(source, doc, made_with, model)  # the editor's own check, in its words
    sources = tuple(doc.styles.sources)
    locked = tuple(sorted(doc.styles.locked))
    size = config.output_hw  # a project of another size renders at the model's (as the editor)
    shapes = tuple(replace(e, reference=labels_at(e.reference, size)) for e in doc.shapes)
    return Item(labels_at(doc.labels(), size).astype(np.int64), sources, shapes, locked)


@dataclass(frozen=True, slots=True)
class _Batch:
    """One batch export under way: what it renders, with what, and where."""

    service: InferenceService
    options: BatchOptions
    references: list[ReferencePair] | None
    resolver: StyleResolver
    inputs: InputFiles
    out: Path

    def variants(self, item: Item) -> list[tuple[str, np.ndarray, dict[str, object]]]:
        """(file suffix, tokens, recipe) of each image `item` makes."""
        options, service = self.options, self.service
        made = (
            _look_variants(service, item, options.looks)
            if options.looks is not None
            else _variants(service, item, 0 if options.own else options.seeds, self.references)
        )
        return [(suffix, self.resolver.tokens(sources), recipe) for suffix, sources, recipe in made]

    def target(self, source: Path, suffix: str, number: int) -> Path:
        name = self.options.pattern.format(source=source.stem, variant=suffix, n=number)
        return self.inputs.check(self.out / f"{name}.png")


def render_many(
    service: InferenceService,
    sources: list[Path],
    out: Path,
    options: BatchOptions | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    resolver: StyleResolver | None = None,
) -> BatchSummary:
    """Each source's images as `options` chooses them (see `BatchOptions`), into `out`: a
    project's shape edits apply to all its images, its locked classes keep their style in
    every look; files are `options.pattern` + `.png`, by default `<source>_seed<N>`,
    `<source>_own`, `<source>_<ref>` or `<source>_<look>`, and never one of the inputs.
    `cancelled()` is asked before each image. Style sources become tokens through `resolver`
    (the live preview's, when given). One bad source never stops the rest."""
    options = options or BatchOptions()
    references = None if options.styles is None else reference_pairs(options.styles)
    inputs = InputFiles([*sources, *(p for r in references or () for p in (r.image, r.labels))])
    batch = _Batch(
        service, options, references, resolver or StyleResolver(service.styles), inputs, out
    )
    out.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary()
    size = options.batch_size or default_batch_size(service.placement)
    queue = RenderQueue(service, summary, size, progress, options.locality)
    for source in sources:
        if cancelled() or not _queue_source(batch, source, queue, cancelled):
            summary.cancelled = True
            queue.discard()
            return summary
    queue.flush()
    return summary


def _queue_source(
    batch: _Batch, source: Path, queue: RenderQueue, cancelled: Callable[[], bool]
) -> bool:
    """Queue `source`'s images (a failure is noted and counted as done, never raised); False
    when cancelled."""
    summary = queue.summary
    try:
        item = _item(source, batch.service)
        batch.service.inputs.check_labels(item.labels)
        pending = [
            Pending(
                batch.target(source, suffix, len(summary.written) + len(queue) + 1 + i),
                item.labels,
                tokens,
                item.shapes,
                recipe | {"source": source.name},
                f"{source.name} ({suffix})",
            )
            for i, (suffix, tokens, recipe) in enumerate(batch.variants(item))
        ]
    except Exception as exc:  # one bad item never stops the rest, whatever it raised
        if not isinstance(exc, USER_ERRORS):
            log.exception("unexpected failure reading %s", source)
        summary.failures.append(f"{source.name}: {exc}")
        if queue.progress:
            queue.progress(batch.options.per_source(len(batch.references or ())))
        return True
    for image in pending:
        if cancelled():
            return False
        queue.add(image)
    return True


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
            encoded = service.reference_styles(
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
