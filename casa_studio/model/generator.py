"""CA2SISGenerator: mask embedder + style encoder + mapping network + cross-attention decoder.

Attribute names follow the official state_dict layout (spec §9.2), so official weights load
key for key; the decoder stages are `res2..resN` / `cross2..crossN`.
"""

from __future__ import annotations

import torch
from torch import nn

from casa_studio.model.attention import Attention, SpatialTransformer
from casa_studio.model.blocks import ResBlock
from casa_studio.model.config import GeneratorConfig
from casa_studio.model.embedder import MaskEmbedder
from casa_studio.model.mapping import MappingNetwork
from casa_studio.model.noise_injection import NoiseInjection
from casa_studio.model.style_encoder import StyleEncoder


class CA2SISGenerator(nn.Module):
    """Labels' shapes and per-class style tokens → RGB in [-1, 1]."""

    def __init__(self, config: GeneratorConfig) -> None:
        super().__init__()
        self.config = config
        nc = config.num_classes
        self.encs = MaskEmbedder(
            config.embed_size, config.latent_hw, legacy_nearest=config.legacy_nearest
        )
        self.style_encoder = StyleEncoder(
            nc, config.style_feat, config.style_depth, config.style_dim
        )
        self.noise_encoder = (
            MappingNetwork(config.mapping_dim, config.mapping_hidden, config.token_dim, nc)
            if config.has_mapping
            else None
        )
        self.reshape_conv = nn.Conv2d(config.shape_channels, config.head_channels, 1)
        c_in = config.head_channels
        for i, stage in enumerate(config.stages):
            res = ResBlock(c_in, stage.channels, up=i > 0, groups=config.norm_groups)
            cross = SpatialTransformer(
                stage.channels,
                stage.heads,
                stage.head_dim,
                config.token_dim,
                self_attention=stage.self_attention,
                ff_mult=config.ff_mult,
                groups=config.norm_groups,
            )
            self.add_module(f"res{i + 2}", res)
            self.add_module(f"cross{i + 2}", cross)
            if i >= len(config.stages) - config.noise_stages:
                self.add_module(f"noise{i + 2}", NoiseInjection(stage.channels))
            c_in = stage.channels
        self.out_conv = nn.Conv2d(c_in, 3, 1)

    # --- the three encoders -----------------------------------------------------------------

    def shape_input(self, onehot: torch.Tensor) -> torch.Tensor:
        """Channels of the full one-hot mask that the embedder sees (background dropped)."""
        return onehot[:, 1:] if self.config.exclude_bg else onehot

    def embed_shapes(self, onehot: torch.Tensor) -> torch.Tensor:
        """Full one-hot (B, nc, H, W) → shape latents z (B, shape_channels, lh, lw)."""
        return self.encs(self.shape_input(onehot))

    def encode_styles(self, image: torch.Tensor, onehot: torch.Tensor) -> torch.Tensor:
        return self.style_encoder(image, onehot)

    def map_noise(self, w: torch.Tensor, present: torch.Tensor | None = None) -> torch.Tensor:
        if self.noise_encoder is None:
            raise RuntimeError("this model has no mapping network")
        return self.noise_encoder(w, present)

    # --- decoder ------------------------------------------------------------------------------

    def stages(self) -> list[tuple[ResBlock, SpatialTransformer]]:
        return [
            (getattr(self, f"res{i + 2}"), getattr(self, f"cross{i + 2}"))
            for i in range(len(self.config.stages))
        ]

    def decode(
        self,
        z: torch.Tensor,
        tokens: torch.Tensor,
        *,
        logits: bool = False,
        guide: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """z (B, n, lh, lw), tokens (B, nc, token_dim) → (image, per-stage attention logits).

        Logits (B, nc, H_l, W_l), head-averaged and pre-softmax, are computed only when asked.
        `guide` (B, nc, H, W): inference-time bias added to every stage's cross-attention
        logits (locality guidance); None is the paper's forward.
        """
        x = self.reshape_conv(z)
        maps: list[torch.Tensor] = []
        for i, (res, cross) in enumerate(self.stages()):
            h = res(x)
            noise = getattr(self, f"noise{i + 2}", None)  # only where `noise_stages` asks
            h = h if noise is None else noise(h)
            x, stage_logits = cross(h, tokens, logits=logits, guide=guide)
            if stage_logits is not None:
                maps.append(stage_logits)
        y = self.out_conv(x)
        return (torch.tanh(y) if self.config.output_tanh else y), maps

    def forward(self, image: torch.Tensor, onehot: torch.Tensor) -> torch.Tensor:
        """Reconstruction: Y = Dec(E(M), S(I, M)) (spec §5 recipe 1)."""
        return self.decode(self.embed_shapes(onehot), self.encode_styles(image, onehot))[0]

    def set_fused_attention(self, fused: bool) -> None:
        """Switch every attention between fused SDPA and the plain manual computation."""
        for module in self.modules():
            if isinstance(module, Attention):
                module.fused = fused
