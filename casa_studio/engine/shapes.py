"""Shape latents with incremental update: after a mask edit only the rows of the classes
whose pixels changed (at the embedder's resolution) are recomputed."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from casa_studio.model.generator import CA2SISGenerator


class ShapeLatents:
    """Caches the last label map (at embedder size) and its latents z (shape_channels, lh, lw)."""

    def __init__(self, model: CA2SISGenerator) -> None:
        self.model = model
        self._small: torch.Tensor | None = None
        self._z: torch.Tensor | None = None
        self.rows_computed = 0

    def downsample(self, labels: torch.Tensor) -> torch.Tensor:
        """(H, W) long → (S, S) long, picking the same pixels as the embedder's resize of the
        one-hot mask (nearest interpolation only selects pixels)."""
        embedder = self.model.encs
        size = (embedder.embed_size, embedder.embed_size)
        if tuple(labels.shape) == size:
            return labels
        picked = F.interpolate(labels[None, None].float(), size=size, mode=embedder.mode)
        return picked[0, 0].long()

    def _dtype(self) -> torch.dtype:
        """The precision the shape embedder runs in."""
        return next(self.model.encs.parameters()).dtype

    def _rows(
        self, small: torch.Tensor, classes: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        offset = 1 if self.model.config.exclude_bg else 0
        classes = classes[classes >= offset]
        masks = (small[None] == classes[:, None, None]).to(self._dtype()).flatten(1)
        return classes - offset, self.model.encs.encs(masks)

    def latents(self, labels: torch.Tensor) -> torch.Tensor:
        """Latents for a (H, W) label map; a copy, safe to edit."""
        small = self.downsample(labels)
        cfg = self.model.config
        if self._z is None or self._small is None:
            classes = torch.arange(cfg.num_classes, device=small.device)
            z = torch.empty(
                cfg.shape_channels,
                cfg.latent_hw[0] * cfg.latent_hw[1],
                device=small.device,
                dtype=self._dtype(),
            )
        else:
            diff = small != self._small
            classes = torch.unique(torch.cat([small[diff], self._small[diff]]))
            z = self._z.clone()
        rows, values = self._rows(small, classes)
        z[rows] = values.to(z.dtype)
        self.rows_computed += len(rows)
        self._small, self._z = small, z
        return z.view(cfg.shape_channels, *cfg.latent_hw).clone()
