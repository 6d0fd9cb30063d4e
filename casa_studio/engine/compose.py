"""One render's style and shape recipe, for scripts: a base (typical styles, a look or random
styles), styles from a reference for all or chosen classes, random styles for chosen classes,
swaps, and shape transfer from reference labels (spec §5 recipes 3, 4, 6 and global
transfer). The recipe sets each class's style source; `engine.styles` derives the tokens, as
for the editor's live preview."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource
from casa_studio.engine.errors import EngineError
from casa_studio.engine.service import InferenceService
from casa_studio.engine.styles import StyleResolver, reference_source


@dataclass(frozen=True, slots=True)
class StylePlan:
    look: str | None = None  # a named look as the base instead of the typical style
    seed: int | None = None  # random styles: for `seed_classes`, or every class if None
    seed_classes: tuple[int, ...] | None = None
    style_image: np.ndarray | None = None
    style_labels: np.ndarray | None = None  # None: the model's segmenter labels the image
    style_classes: tuple[int, ...] | None = None  # None: every class the reference has
    swaps: tuple[tuple[int, int], ...] = ()
    shape_labels: np.ndarray | None = None
    shape_classes: tuple[int, ...] = ()
    shape_alpha: float = 0.0


def class_ids(service: InferenceService, text: str) -> tuple[int, ...]:
    """'sky,water' or '0,7' → ids; unknown names are an error listing the known ones."""
    names = [c.name for c in service.config.classes]
    ids = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        if part.isdigit() and int(part) < len(names):
            ids.append(int(part))
        elif part in names:
            ids.append(names.index(part))
        else:
            raise EngineError(
                f"no class '{part}' in model '{service.config.name}': {', '.join(names)}"
            )
    if not ids:
        raise EngineError("no classes given")
    return tuple(ids)


def compose(
    service: InferenceService, plan: StylePlan, resolver: StyleResolver | None = None
) -> tuple[np.ndarray, list[ShapeEdit], list[str]]:
    """Tokens and shape edits for the plan, and what was done, in words."""
    names = [c.name for c in service.config.classes]
    sources, notes = _base(service, plan)
    if plan.style_image is not None:
        _reference_styles(service, sources, plan, notes, names)
    if plan.seed is not None and plan.seed_classes is not None:
        for c in plan.seed_classes:
            sources[c] = StyleSource(SourceKind.RANDOM, plan.seed)
        notes.append(f"seed {plan.seed} for {_names(names, plan.seed_classes)}")
    for a, b in plan.swaps:
        # exchange the sources, not the tokens: a moved token would keep styling its class
        sources[a], sources[b] = sources[b], sources[a]
        notes.append(f"swapped {names[a]} and {names[b]}")
    tokens = (resolver or StyleResolver(service.styles)).tokens(sources)
    shape = plan.shape_labels
    edits = (
        [] if shape is None else [ShapeEdit(c, shape, plan.shape_alpha) for c in plan.shape_classes]
    )
    if edits:
        notes.append(f"shape of {_names(names, plan.shape_classes)} (alpha {plan.shape_alpha:g})")
    return tokens, edits, notes


def _base(service: InferenceService, plan: StylePlan) -> tuple[list[StyleSource], list[str]]:
    """Every class's source before the per-class steps: random, a look, or typical."""
    count = service.config.num_classes
    if plan.seed is not None and not service.styles.has_random:
        raise EngineError(f"model '{service.config.name}' has no mapping network: no random styles")
    if plan.seed is not None and plan.seed_classes is None:
        return [StyleSource(SourceKind.RANDOM, plan.seed)] * count, [
            f"random styles, seed {plan.seed}"
        ]
    if plan.look is not None:
        service.styles.look_styles(plan.look)  # an unknown look is an error naming the known ones
        return [StyleSource(SourceKind.LOOK, name=plan.look)] * count, [f"look {plan.look}"]
    default = service.styles.bank.default_look if service.styles.bank is not None else ""
    return [TYPICAL] * count, [f"default look ({default})" if default else "typical styles"]


def _names(names: Sequence[str], ids: Sequence[int]) -> str:
    return ", ".join(names[i] for i in ids)


def _reference_styles(
    service: InferenceService,
    sources: list[StyleSource],
    plan: StylePlan,
    notes: list[str],
    names: Sequence[str],
) -> None:
    assert plan.style_image is not None
    labels = plan.style_labels
    if labels is None:
        labels = service.references.segment(plan.style_image).astype(np.int64)
        notes.append("reference labelled by the segmenter")
    encoded = service.reference_styles(plan.style_image, labels)
    chosen = plan.style_classes if plan.style_classes is not None else sorted(encoded.present)
    copied = [c for c in chosen if c in encoded.present]
    missing = [c for c in chosen if c not in encoded.present]
    source = reference_source("reference", encoded)
    for c in copied:
        sources[c] = source
    notes.append(f"reference styles for {_names(names, copied) or 'no class'}")
    if missing:
        notes.append(f"not in the reference (kept): {_names(names, missing)}")
