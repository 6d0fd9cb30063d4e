"""Reference segmenter: a small U-Net that labels any photo with a model's classes, so a
reference image can give styles without a hand-made label map. Stored in the model folder
as segmenter.safetensors + segmenter.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from casa_studio.model.errors import CheckpointError
from casa_studio.model.schemas import SegmenterFile
from casa_studio.validation import load

SEGMENTER_WEIGHTS = "segmenter.safetensors"
SEGMENTER_CONFIG = "segmenter.json"


@dataclass(frozen=True, slots=True)
class SegmenterConfig:
    num_classes: int
    width: int = 24
    depth: int = 4
    input_size: int = 128  # photos are resized to this; logits are upsampled back


def _double_conv(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


class Segmenter(nn.Module):
    """U-Net: image (B,3,H,W) in [-1,1] → class logits (B, classes, H, W)."""

    def __init__(self, config: SegmenterConfig) -> None:
        super().__init__()
        self.config = config
        widths = [config.width * 2**i for i in range(config.depth)]
        self.down = nn.ModuleList(
            [_double_conv(3, widths[0])]
            + [_double_conv(widths[i - 1], widths[i]) for i in range(1, config.depth)]
        )
        self.up = nn.ModuleList(
            [
                nn.ConvTranspose2d(widths[i], widths[i - 1], 2, stride=2)
                for i in range(config.depth - 1, 0, -1)
            ]
        )
        self.merge = nn.ModuleList(
            [_double_conv(2 * widths[i - 1], widths[i - 1]) for i in range(config.depth - 1, 0, -1)]
        )
        self.head = nn.Conv2d(widths[0], config.num_classes, 1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        size = image.shape[-2:]
        x = F.interpolate(
            image, size=(self.config.input_size,) * 2, mode="bilinear", align_corners=False
        )
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for up, merge, skip in zip(self.up, self.merge, reversed(skips[:-1]), strict=True):
            x = merge(torch.cat([up(x), skip], dim=1))
        return F.interpolate(self.head(x), size=size, mode="bilinear", align_corners=False)


def save_segmenter(model: Segmenter, folder: Path) -> None:
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(folder / SEGMENTER_WEIGHTS))
    (folder / SEGMENTER_CONFIG).write_text(json.dumps(asdict(model.config), indent=2) + "\n")


def load_segmenter(folder: Path, num_classes: int) -> Segmenter | None:
    """The folder's segmenter in eval mode, or None when it has none."""
    if not (folder / SEGMENTER_CONFIG).is_file():
        return None
    checked = load(SegmenterFile, folder / SEGMENTER_CONFIG, CheckpointError)
    config = SegmenterConfig(**checked.model_dump())
    try:
        model = Segmenter(config)
        model.load_state_dict(load_file(str(folder / SEGMENTER_WEIGHTS)))
    except (OSError, ValueError, TypeError, RuntimeError, SafetensorError) as exc:
        raise CheckpointError(f"{folder}: unusable segmenter ({exc})") from exc
    if config.num_classes != num_classes:
        raise CheckpointError(
            f"{folder}: segmenter has {config.num_classes} classes, model {num_classes}"
        )
    return model.eval()
