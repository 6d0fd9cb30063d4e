"""VGG19 feature extractor for the perceptual loss (spec §3.2). Weights come from a
torchvision-format state dict the user supplies; nothing is downloaded."""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from casa_studio.model.errors import CheckpointError

# torchvision's vgg19 `features`: conv widths, "M" = max-pool.
VGG19_PLAN = (
    64,
    64,
    "M",
    128,
    128,
    "M",
    256,
    256,
    256,
    256,
    "M",
    512,
    512,
    512,
    512,
    "M",
    512,
    512,
    512,
    512,
    "M",
)
# Slices ending at relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 and their loss weights.
SLICE_ENDS = (2, 7, 12, 21, 30)
SLICE_WEIGHTS = (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1.0)


def _features() -> nn.Sequential:
    layers: list[nn.Module] = []
    c_in = 3
    for item in VGG19_PLAN:
        if item == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c_in, int(item), 3, padding=1), nn.ReLU(inplace=False)]
            c_in = int(item)
    return nn.Sequential(*layers)


class VGG19Features(nn.Module):
    """Frozen VGG19 returning the five relu*_1 activations."""

    def __init__(self) -> None:
        super().__init__()
        self.features = _features()
        self.requires_grad_(False)

    @classmethod
    def from_file(cls, path: Path) -> VGG19Features:
        """Load `features.*` from a torchvision VGG19 state dict (classifier keys ignored)."""
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # torch raises many types for foreign or damaged files
            raise CheckpointError(f"{path}: not a readable VGG19 state dict ({exc})") from exc
        if not isinstance(state, dict):
            raise CheckpointError(f"{path}: expected a state dict")
        model = cls()
        wanted = model.state_dict().keys()
        found = {k: v for k, v in state.items() if k in wanted}
        missing = sorted(set(wanted) - found.keys())
        if missing:
            raise CheckpointError(f"{path}: not torchvision VGG19 weights; missing {missing[:4]}")
        try:
            model.load_state_dict(found)
        except RuntimeError as exc:
            raise CheckpointError(f"{path}: VGG19 tensor shapes differ ({exc})") from exc
        return model.eval()

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        outs, start = [], 0
        for end in SLICE_ENDS:
            for layer in list(self.features)[start:end]:
                x = layer(x)
            outs.append(x)
            start = end
        return outs


def vgg_loss(vgg: VGG19Features, fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """Weighted L1 between VGG features; inputs in [-1, 1] without ImageNet normalisation."""
    total = fake.new_zeros(())
    for w, f, r in zip(SLICE_WEIGHTS, vgg(fake), vgg(real), strict=True):
        total = total + w * F.l1_loss(f, r.detach())
    return total
