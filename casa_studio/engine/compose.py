"""One render's style and shape recipe, for scripts: a base (typical styles, a look or random
styles), styles from a reference for all or chosen classes, random styles for chosen classes,
swaps, and shape transfer from reference labels (spec §5 recipes 3, 4, 6 and global
transfer)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.engine.errors import EngineError
from casa_studio.engine.recipes import StyleCodes, swap_class_styles, transfer_styles
from casa_studio.engine.service import InferenceService


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
    service: InferenceService, labels: np.ndarray, plan: StylePlan
) -> tuple[np.ndarray, list[ShapeEdit], list[str]]:
    """Tokens and shape edits for `labels`, and what was done, in words."""
    names = [c.name for c in service.config.classes]
    notes: list[str] = []
    origin: list[tuple[str, int]] = [("typical", 0)] * len(names)  # where each row came from
    codes = None
    if plan.seed is not None and plan.seed_classes is None:
        tokens = service.noise_styles(plan.seed, labels).tokens.copy()
        origin = [("seed", plan.seed)] * len(names)
        notes.append(f"random styles, seed {plan.seed}")
    elif plan.look is not None:
        tokens = service.look_styles(plan.look).tokens.copy()
        origin = [("look", 0)] * len(names)
        notes.append(f"look {plan.look}")
    else:
        tokens = service.typical_styles().tokens.copy()
        default = service.bank.default_look if service.bank is not None else ""
        notes.append(f"default look ({default})" if default else "typical styles")
    if plan.style_image is not None:
        tokens, codes, copied = _reference_styles(service, tokens, plan, notes, names)
        for c in copied:
            origin[c] = ("reference", 0)
    if plan.seed is not None and plan.seed_classes is not None:
        chosen = list(plan.seed_classes)
        tokens[chosen] = service.noise_rows(chosen, [plan.seed] * len(chosen))
        for c in chosen:
            origin[c] = ("seed", plan.seed)
        notes.append(f"seed {plan.seed} for {_names(names, chosen)}")
    for a, b in plan.swaps:
        # exchange the sources and derive each row again: a plain token swap would not show
        # (the attention picks tokens by content, so a moved token keeps styling its class)
        moved = swap_class_styles(tokens, a, b)
        for c, (kind, seed) in ((a, origin[b]), (b, origin[a])):
            if kind == "seed":
                moved[c] = service.noise_rows([c], [seed])[0]
            elif kind == "typical":
                moved[c] = service.typical_styles().tokens[c]
            elif kind == "look" and plan.look is not None:
                moved[c] = service.look_styles(plan.look).tokens[c]
            elif codes is not None and c in codes.present:
                moved[c] = codes.tokens[c]
        tokens, origin[a], origin[b] = moved, origin[b], origin[a]
        notes.append(f"swapped {names[a]} and {names[b]}")
    edits = [ShapeEdit(c, plan.shape_labels, plan.shape_alpha) for c in plan.shape_classes]
    if edits:
        notes.append(f"shape of {_names(names, plan.shape_classes)} (alpha {plan.shape_alpha:g})")
    return tokens, edits, notes


def _names(names: Sequence[str], ids: Sequence[int]) -> str:
    return ", ".join(names[i] for i in ids)


def _reference_styles(
    service: InferenceService,
    tokens: np.ndarray,
    plan: StylePlan,
    notes: list[str],
    names: Sequence[str],
) -> tuple[np.ndarray, StyleCodes, list[int]]:
    assert plan.style_image is not None
    labels = plan.style_labels
    if labels is None:
        labels = service.segment(plan.style_image).astype(np.int64)
        notes.append("reference labelled by the segmenter")
    codes = service.encode_styles(plan.style_image, labels)
    chosen = plan.style_classes if plan.style_classes is not None else sorted(codes.present)
    tokens, missing = transfer_styles(tokens, codes, chosen)
    copied = [c for c in chosen if c not in missing]
    notes.append(f"reference styles for {_names(names, copied) or 'no class'}")
    if missing:
        notes.append(f"not in the reference (kept): {_names(names, missing)}")
    return tokens, codes, copied
