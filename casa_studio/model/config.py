"""GeneratorConfig: every shape of a CA2-SIS generator, its presets and its config.json form."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from casa_studio.model.errors import CheckpointError
from casa_studio.model.schemas import ConfigFile
from casa_studio.validation import parse

CONFIG_VERSION = 1


@dataclass(frozen=True, slots=True)
class ClassSpec:
    """One semantic class: its id is its position in the config's class list."""

    id: int
    name: str
    color: tuple[int, int, int]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "color": list(self.color)}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ClassSpec:
        r, g, b = (int(v) for v in raw["color"])
        return cls(int(raw["id"]), str(raw["name"]), (r, g, b))


@dataclass(frozen=True, slots=True)
class StageSpec:
    """One generator stage: a ResBlock to `channels`, then a spatial transformer (spec §2.4)."""

    channels: int
    heads: int
    head_dim: int
    self_attention: bool

    @property
    def inner(self) -> int:
        return self.heads * self.head_dim


@dataclass(frozen=True, slots=True)
class GeneratorConfig:
    """Shapes of the mask embedder, style encoder, mapping network and decoder (spec §2).

    The first stage keeps the latent resolution; every later stage upsamples by 2, so the output
    size is `latent_hw * 2 ** (len(stages) - 1)`.
    """

    name: str
    classes: tuple[ClassSpec, ...]
    stages: tuple[StageSpec, ...]
    exclude_bg: bool = True
    latent_hw: tuple[int, int] = (16, 16)
    embed_size: int = 128
    head_channels: int = 512
    style_dim: int = 256
    style_feat: int = 4
    style_depth: int = 6
    mapping_dim: int = 16
    mapping_hidden: int = 512
    has_mapping: bool = True
    ff_mult: int = 4
    norm_groups: int = 32
    output_tanh: bool = True
    legacy_nearest: bool = True
    noise_stages: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        self.validate()

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def shape_channels(self) -> int:
        """Channels of the mask embedder input: background dropped when `exclude_bg`."""
        return self.num_classes - 1 if self.exclude_bg else self.num_classes

    @property
    def style_levels(self) -> int:
        return self.style_depth - 1

    @property
    def token_dim(self) -> int:
        """Size of one class token: one `style_dim` chunk per style-encoder decoder stage."""
        return self.style_dim * self.style_levels

    @property
    def output_hw(self) -> tuple[int, int]:
        scale = 2 ** (len(self.stages) - 1)
        return self.latent_hw[0] * scale, self.latent_hw[1] * scale

    def validate(self) -> None:
        """Raise CheckpointError when the shapes cannot form a working generator."""
        problems: list[str] = []
        if self.num_classes < 2:
            problems.append("at least 2 classes are needed")
        if [c.id for c in self.classes] != list(range(self.num_classes)):
            problems.append("class ids must be 0..N-1 in order")
        if len(self.stages) < 2:
            problems.append("at least 2 generator stages are needed")
        out_h, out_w = self.output_hw
        step = 2**self.style_depth
        if out_h % step or out_w % step:
            problems.append(f"output {out_h}x{out_w} is not divisible by 2**style_depth = {step}")
        for i, s in enumerate(self.stages):
            if min(s.channels, s.heads, s.head_dim) <= 0:
                problems.append(f"stage {i}: widths must be positive")
        if not 0 <= self.noise_stages <= len(self.stages):
            problems.append(f"noise_stages must be between 0 and {len(self.stages)}")
        if problems:
            raise CheckpointError(f"invalid model config '{self.name}': " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        return {
            "config_version": CONFIG_VERSION,
            "name": self.name,
            "classes": [c.to_dict() for c in self.classes],
            "stages": [
                {
                    "channels": s.channels,
                    "heads": s.heads,
                    "head_dim": s.head_dim,
                    "self_attention": s.self_attention,
                }
                for s in self.stages
            ],
            "exclude_bg": self.exclude_bg,
            "latent_hw": list(self.latent_hw),
            "embed_size": self.embed_size,
            "head_channels": self.head_channels,
            "style_dim": self.style_dim,
            "style_feat": self.style_feat,
            "style_depth": self.style_depth,
            "mapping_dim": self.mapping_dim,
            "mapping_hidden": self.mapping_hidden,
            "has_mapping": self.has_mapping,
            "ff_mult": self.ff_mult,
            "norm_groups": self.norm_groups,
            "output_tanh": self.output_tanh,
            "legacy_nearest": self.legacy_nearest,
            "noise_stages": self.noise_stages,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, raw: Any, source: str = "config") -> GeneratorConfig:
        """Build from `to_dict` output checked against `ConfigFile`; raises CheckpointError
        naming `source` and the bad field."""
        checked = parse(ConfigFile, raw, source, CheckpointError)
        if checked.config_version > CONFIG_VERSION:
            raise CheckpointError(
                f"{source}: config version {checked.config_version} is newer than this CASA "
                f"Studio understands ({CONFIG_VERSION}); update the application"
            )
        plain = checked.model_dump(
            exclude_none=True, exclude={"config_version", "name", "classes", "stages", "latent_hw"}
        )
        try:
            return cls(
                name=checked.name,
                classes=tuple(ClassSpec(c.id, c.name, c.color) for c in checked.classes),
                stages=tuple(StageSpec(**s.model_dump()) for s in checked.stages),
                latent_hw=checked.latent_hw,
                **plain,
            )
        except CheckpointError as exc:
            raise CheckpointError(f"{source}: {exc}") from None


# --- presets ---------------------------------------------------------------------------------

CELEBAMASK_HQ_NAMES = (
    "background",
    "skin",
    "nose",
    "eye_g",
    "l_eye",
    "r_eye",
    "l_brow",
    "r_brow",
    "l_ear",
    "r_ear",
    "mouth",
    "u_lip",
    "l_lip",
    "hair",
    "hat",
    "ear_r",
    "neck_l",
    "neck",
    "cloth",
)
# The authors' demo palette for CelebAMask-HQ ids 0..18 (spec §6.2).
CELEBAMASK_HQ_COLORS = (
    (0, 0, 0),
    (204, 0, 0),
    (76, 153, 0),
    (204, 204, 0),
    (51, 51, 255),
    (204, 0, 204),
    (0, 255, 255),
    (51, 255, 255),
    (102, 51, 0),
    (255, 0, 0),
    (102, 204, 0),
    (255, 255, 0),
    (0, 0, 153),
    (0, 0, 204),
    (255, 51, 153),
    (0, 204, 204),
    (0, 51, 0),
    (255, 153, 51),
    (0, 204, 0),
)


def celebamask_hq_classes() -> tuple[ClassSpec, ...]:
    return tuple(
        ClassSpec(i, n, c)
        for i, (n, c) in enumerate(zip(CELEBAMASK_HQ_NAMES, CELEBAMASK_HQ_COLORS, strict=True))
    )


def numbered_classes(count: int) -> tuple[ClassSpec, ...]:
    """Generic class list `class_0..class_{n-1}` with well-separated colours."""
    colors = []
    for i in range(count):
        hue = (i * 0.618033988749895) % 1.0
        r, g, b = (int(255 * (0.5 + 0.5 * math.cos(2 * math.pi * (hue + k / 3)))) for k in range(3))
        colors.append((r, g, b))
    return tuple(ClassSpec(i, f"class_{i}", colors[i]) for i in range(count))


def official_stages() -> tuple[StageSpec, ...]:
    """res2..res6 / cross2..cross6 of the released CelebAMask-HQ generator (spec §2.4)."""
    return (
        StageSpec(256, 8, 64, True),
        StageSpec(128, 8, 64, True),
        StageSpec(64, 8, 64, True),
        StageSpec(32, 8, 64, False),
        StageSpec(32, 4, 32, False),
    )


def official_celebamask_hq() -> GeneratorConfig:
    """The released configuration: same shapes as the official weights."""
    return GeneratorConfig(
        name="official-celebamask-hq",
        classes=celebamask_hq_classes(),
        stages=official_stages(),
    )


def slim(classes: tuple[ClassSpec, ...] | None = None) -> GeneratorConfig:
    """Interactive preview model (256² output): generator width 16 (half the official 32);
    transformer width follows the stage width (4x channels, at most 256) instead of the
    official fixed 512, which costs 16x the stage width at 128²; self-attention only at
    16² and 32²."""
    return GeneratorConfig(
        name="slim",
        classes=classes or celebamask_hq_classes(),
        stages=(
            StageSpec(128, 4, 64, True),
            StageSpec(64, 4, 64, True),
            StageSpec(32, 4, 32, False),
            StageSpec(16, 2, 32, False),
            StageSpec(16, 2, 16, False),
        ),
        head_channels=256,
        style_dim=128,
        style_feat=2,
        mapping_hidden=256,
        norm_groups=16,
    )


def tiny(classes: tuple[ClassSpec, ...] | None = None) -> GeneratorConfig:
    """Test-sized model: 4 classes, 32x32 output, a few thousand parameters per block."""
    return GeneratorConfig(
        name="tiny",
        classes=classes or numbered_classes(4),
        stages=(
            StageSpec(16, 2, 8, True),
            StageSpec(8, 2, 8, True),
            StageSpec(8, 2, 4, False),
        ),
        latent_hw=(8, 8),
        embed_size=16,
        head_channels=16,
        style_dim=8,
        style_feat=1,
        style_depth=3,
        mapping_dim=4,
        mapping_hidden=16,
        ff_mult=2,
        norm_groups=4,
    )


PRESETS = {"official-celebamask-hq": official_celebamask_hq, "slim": slim, "tiny": tiny}


def preset(name: str) -> GeneratorConfig:
    try:
        return PRESETS[name]()
    except KeyError:
        raise CheckpointError(f"unknown preset '{name}' (known: {', '.join(PRESETS)})") from None
