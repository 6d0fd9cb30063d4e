"""GeneratorConfig: every shape of a CA2-SIS generator, its presets and its config.json form.

Each field is declared once, here, with the range config.json may give it: `from_dict`
validates a file against these declarations (pydantic reads the dataclasses' annotations)
and `to_dict` writes the same fields back, so a new field is one line."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from casa_studio.model.errors import CheckpointError
from casa_studio.validation import Byte, Name, Record, describe, parse

CONFIG_VERSION = 1
MAX_CLASSES = 255  # label maps are uint8 and 255 means unset
MAX_OUTPUT_SIDE = 4096
MAX_STAGES = 8
MAX_LOCALITY = 64.0  # attention guidance saturates long before this (spec: about 16)

Width = Annotated[int, Field(ge=1, le=4096)]
Small = Annotated[int, Field(ge=1, le=64)]
# Old config.json files keep every optional field they lack at its default below.
_FILE = ConfigDict(extra="ignore", allow_inf_nan=False)


@dataclass(frozen=True, slots=True)
class ClassSpec:
    """One semantic class: its id is its position in the config's class list."""

    __pydantic_config__ = _FILE

    id: Annotated[int, Field(ge=0, lt=MAX_CLASSES)]
    name: Name
    color: tuple[Byte, Byte, Byte]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "color": list(self.color)}


@dataclass(frozen=True, slots=True)
class StageSpec:
    """One generator stage: a ResBlock to `channels`, then a spatial transformer (spec §2.4)."""

    __pydantic_config__ = _FILE

    channels: Width
    heads: Small
    head_dim: Annotated[int, Field(ge=1, le=1024)]
    self_attention: bool

    @property
    def inner(self) -> int:
        return self.heads * self.head_dim


@dataclass(frozen=True, slots=True)
class GeneratorConfig:
    """Shapes of the mask embedder, style encoder, mapping network and decoder (spec §2),
    and the attention guidance the model renders with unless told otherwise.

    The first stage keeps the latent resolution; every later stage upsamples by 2, so the output
    size is `latent_hw * 2 ** (len(stages) - 1)`.
    """

    __pydantic_config__ = _FILE

    name: Name
    classes: Annotated[tuple[ClassSpec, ...], Field(min_length=2, max_length=MAX_CLASSES)]
    stages: Annotated[tuple[StageSpec, ...], Field(min_length=2, max_length=MAX_STAGES)]
    exclude_bg: bool = True
    latent_hw: tuple[Annotated[int, Field(ge=1, le=256)], Annotated[int, Field(ge=1, le=256)]] = (
        16,
        16,
    )
    embed_size: Annotated[int, Field(ge=1, le=1024)] = 128
    head_channels: Width = 512
    style_dim: Width = 256
    style_feat: Small = 4
    style_depth: Annotated[int, Field(ge=2, le=10)] = 6
    mapping_dim: Width = 16
    mapping_hidden: Width = 512
    has_mapping: bool = True
    ff_mult: Annotated[int, Field(ge=1, le=16)] = 4
    norm_groups: Annotated[int, Field(ge=1, le=256)] = 32
    output_tanh: bool = True
    legacy_nearest: bool = True
    noise_stages: Annotated[int, Field(ge=0, le=MAX_STAGES)] = 0
    # Attention guidance towards the painted mask the model renders with by default (the
    # editor's light control, `render` and `batch`): 0 is the paper's forward (official
    # checkpoints, paper-recipe models), a guided model's is the strength it was trained with.
    default_locality: Annotated[float, Field(ge=0, le=MAX_LOCALITY)] = 0.0
    extra: Annotated[dict[Name, Any], Field(max_length=64)] = field(
        default_factory=dict, compare=False, hash=False
    )

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
        if max(out_h, out_w) > MAX_OUTPUT_SIDE:
            problems.append(
                f"fields 'latent_hw' and 'stages' give a {max(out_h, out_w)}-pixel output "
                f"side, over the {MAX_OUTPUT_SIDE} this application renders"
            )
        step = 2**self.style_depth
        if out_h % step or out_w % step:
            problems.append(f"output {out_h}x{out_w} is not divisible by 2**style_depth = {step}")
        for i, s in enumerate(self.stages):
            if min(s.channels, s.heads, s.head_dim) <= 0:
                problems.append(f"stage {i}: widths must be positive")
        if not 0 <= self.noise_stages <= len(self.stages):
            problems.append(f"noise_stages must be between 0 and {len(self.stages)}")
        if self.default_locality < 0:
            problems.append("default_locality must be 0 or more")
        if problems:
            raise CheckpointError(f"invalid model config '{self.name}': " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        """config.json: the version, then every field as JSON values."""
        fields = _SCHEMA.dump_python(self, mode="json")
        return {"config_version": CONFIG_VERSION, **fields}

    @classmethod
    def from_dict(cls, raw: Any, source: str = "config") -> GeneratorConfig:
        """Build from `to_dict` output (an older file lacking optional fields keeps their
        defaults); raises CheckpointError naming `source` and the bad field."""
        version = parse(ConfigVersion, raw, source, CheckpointError).config_version
        if version > CONFIG_VERSION:
            raise CheckpointError(
                f"{source}: config version {version} is newer than this CASA "
                f"Studio understands ({CONFIG_VERSION}); update the application"
            )
        try:
            return _SCHEMA.validate_python(raw)
        except ValidationError as exc:
            raise CheckpointError(describe(exc, source)) from None
        except CheckpointError as exc:
            raise CheckpointError(f"{source}: {exc}") from None
        except (RecursionError, OverflowError) as exc:
            problem = f"{type(exc).__name__} while checking the fields"
            raise CheckpointError(f"{source}: {problem}.") from None


class ConfigVersion(Record):
    """The one key of config.json that is not a field of `GeneratorConfig`."""

    config_version: Annotated[int, Field(ge=0)] = 0


_SCHEMA = TypeAdapter(GeneratorConfig)


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
