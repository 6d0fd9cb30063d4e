"""Multiscale PatchGAN discriminator on (one-hot mask, image), training only (spec §4)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm


def _sn_block(c_in: int, c_out: int) -> nn.Sequential:
    conv = spectral_norm(nn.Conv2d(c_in, c_out, 4, stride=2, padding=2, bias=False))
    return nn.Sequential(
        nn.Sequential(conv, nn.InstanceNorm2d(c_out, affine=False)), nn.LeakyReLU(0.2)
    )


class PatchDiscriminator(nn.Module):
    """Conv(s2) → 2x [SN conv(s2) · InstanceNorm] → conv(s1) to one logit per patch."""

    def __init__(self, in_channels: int, width: int = 64) -> None:
        super().__init__()
        self.model0 = nn.Sequential(
            nn.Conv2d(in_channels, width, 4, stride=2, padding=2), nn.LeakyReLU(0.2)
        )
        self.model1 = _sn_block(width, 2 * width)
        self.model2 = _sn_block(2 * width, 4 * width)
        self.model3 = nn.Sequential(nn.Conv2d(4 * width, 1, 4, stride=1, padding=2))

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        feats = []
        for layer in (self.model0, self.model1, self.model2, self.model3):
            x = layer(x)
            feats.append(x)
        return feats


class MultiscaleDiscriminator(nn.Module):
    """Scale k sees the input average-pooled k times; returns every layer's output per scale."""

    def __init__(self, num_classes: int, scales: int = 2, width: int = 64) -> None:
        super().__init__()
        self.scales = scales
        for k in range(scales):
            self.add_module(f"discriminator_{k}", PatchDiscriminator(num_classes + 3, width))
        self._init_weights()

    def _init_weights(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                weight = getattr(module, "weight_orig", module.weight)
                nn.init.xavier_normal_(weight, gain=0.02)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, onehot: torch.Tensor, image: torch.Tensor) -> list[list[torch.Tensor]]:
        x = torch.cat([onehot, image], dim=1)
        outputs = []
        for k in range(self.scales):
            outputs.append(getattr(self, f"discriminator_{k}")(x))
            x = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)
        return outputs
