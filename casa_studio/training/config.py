"""TrainConfig: every knob of a training run, stored as train.json in the run folder."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from casa_studio.data.errors import DataError

STAGES = ("main", "noise")
TASKS = ("generator", "segmenter")
# `paper`: the losses and discriminator of spec §3-4. `sharp` (our default, chosen by measurement,
# see models/landscape-slim/MODEL_CARD.md): D without instance norm plus lazy R1, per-pixel noise
# in the last three decoder stages, pixel L1 x1 instead of x10, and every other step rendered with
# the attention guidance at the app's default strength, so the decoder learns to use the painted
# mask at every stage's resolution (the guidance is the app's only per-stage view of the mask).
RECIPES = ("paper", "sharp")
SHARP_NOISE_STAGES = 3
SHARP_LOCALITY = 4.0


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Defaults follow spec §3.4 (TTUR Adam, betas (0, 0.9), batch 2, linear decay in the
    second half); `l1` None means the recipe's weight (0 with VGG weights); `r1_gamma` None
    means the recipe's (paper 0, sharp 1); `d_warmup`: first iterations train D only;
    `locality` None means the recipe's guidance strength on every other step (paper 0, sharp 4)."""

    data: str
    out: str
    task: str = "generator"
    model: str = "slim"
    layout: str = "auto"
    stage: str = "main"
    init: str | None = None
    iters: int = 1000
    batch: int = 2
    lr: float = 2e-4
    ttur: bool = True
    lambda_fm: float = 10.0
    lambda_vgg: float = 10.0
    lambda_att: float = 1.0
    lambda_ds: float = 1.0
    l1: float | None = None
    vgg_weights: str | None = None
    ema: float | None = None
    seed: int = 0
    precision: str = "fp32"
    workers: int = 0
    log_every: int = 10
    sample_every: int = 250
    checkpoint_every: int = 250
    recipe: str = "sharp"
    r1_gamma: float | None = None
    r1_every: int = 16
    d_warmup: int = 0
    locality: float | None = None

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise DataError(f"unknown task '{self.task}' (generator or segmenter)")
        if self.stage not in STAGES:
            raise DataError(f"unknown stage '{self.stage}' (main or noise)")
        if self.stage == "noise" and not self.init:
            raise DataError("--stage noise needs --init MODEL (a trained model folder or run)")
        if self.iters < 1 or self.batch < 1:
            raise DataError("--iters and --batch must be at least 1")
        if self.precision not in ("fp32", "bf16"):
            raise DataError("--precision must be fp32 or bf16")
        if self.recipe not in RECIPES:
            raise DataError(f"unknown recipe '{self.recipe}' ({', '.join(RECIPES)})")
        if self.r1_every < 1 or self.d_warmup < 0:
            raise DataError("--r1-every must be at least 1 and --d-warmup not negative")
        if self.locality is not None and self.locality < 0:
            raise DataError("--locality must be 0 or more")

    @property
    def sharp(self) -> bool:
        return self.recipe == "sharp"

    @property
    def l1_weight(self) -> float:
        if self.l1 is not None:
            return self.l1
        if self.vgg_weights:
            return 0.0
        return 1.0 if self.sharp else 10.0

    @property
    def r1_weight(self) -> float:
        if self.r1_gamma is not None:
            return self.r1_gamma
        return 1.0 if self.sharp else 0.0

    @property
    def guide_strength(self) -> float:
        """Attention guidance on guided (odd) steps: sharp 4, paper 0 (the paper's forward)."""
        if self.locality is not None:
            return self.locality
        return SHARP_LOCALITY if self.sharp else 0.0

    @property
    def d_norm(self) -> str:
        return "none" if self.sharp else "instance"

    @property
    def noise_stages(self) -> int:
        return SHARP_NOISE_STAGES if self.sharp else 0

    def lrs(self) -> tuple[float, float]:
        """(generator lr, discriminator lr): TTUR halves G's and doubles D's."""
        return (self.lr / 2, self.lr * 2) if self.ttur else (self.lr, self.lr)

    def betas(self) -> tuple[float, float]:
        return (0.0, 0.9) if self.ttur else (0.5, 0.999)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        kept = {k: v for k, v in raw.items() if k in known}
        return cls(**({"recipe": "paper"} | kept))  # runs from before recipes used the paper's

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TrainConfig:
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            raise DataError(f"{path}: unreadable training config ({exc})") from exc

    def updated(self, **changes: Any) -> TrainConfig:
        return replace(self, **changes)
