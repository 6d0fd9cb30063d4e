"""Incremental decoding of small label edits (in the spirit of SIGE, Li et al., NeurIPS 2022).

A full decode keeps every local stage's output and the statistics of its GroupNorms. After an
edit inside `box`, the stages up to the last one with self-attention (small, low resolution,
where attention spreads any change over the whole map) run in full; each later stage — per
pixel after its GroupNorm, plus two 3x3 convolutions — runs only on a crop around the box,
normalised with the kept statistics, and is pasted into its kept output. Crops are planned
from the last stage backwards so every crop's input is fresh, with halos that cover the
convolutions' reach; what is left approximate is the rest of the picture, kept from the last
render, and the kept GroupNorm statistics. Callers end a gesture with an exact `full` decode.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from casa_studio.model.attention import SpatialTransformer, guide_tokens
from casa_studio.model.blocks import Norm, ResBlock
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.noise_injection import NoiseInjection, fixed_noise

Box = tuple[int, int, int, int]  # y0, x0, y1, x1 (end exclusive), as core.labels.Box
HALO = 2  # input pixels around a crop: the two 3x3 convolutions reach 2 output pixels


@dataclass
class _Stats:
    """One GroupNorm's per-(batch, group) mean and 1/std over the whole map."""

    mean: torch.Tensor
    rstd: torch.Tensor


def _stats(norm: nn.GroupNorm, x: torch.Tensor) -> _Stats:
    grouped = x.float().reshape(x.shape[0], norm.num_groups, -1)
    var, mean = torch.var_mean(grouped, dim=-1, unbiased=False)
    return _Stats(mean, torch.rsqrt(var + norm.eps))


def _frozen(norm: nn.GroupNorm, stats: _Stats) -> Norm:
    """`norm` applied with kept statistics (computed in float32, like GroupNorm32)."""

    def apply(x: torch.Tensor) -> torch.Tensor:
        b, c = x.shape[:2]
        grouped = x.float().reshape(b, norm.num_groups, -1)
        y = ((grouped - stats.mean[..., None]) * stats.rstd[..., None]).reshape(x.shape)
        if norm.weight is not None and norm.bias is not None:
            y = y * norm.weight.float().view(1, c, 1, 1) + norm.bias.float().view(1, c, 1, 1)
        return y.to(x.dtype)

    return apply


def _capturing(norm: nn.GroupNorm, into: list[_Stats]) -> Norm:
    """`norm` itself (the exact forward), recording its statistics on the way."""

    def apply(x: torch.Tensor) -> torch.Tensor:
        into.append(_stats(norm, x))
        return norm(x)

    return apply


def _crop(t: torch.Tensor, box: Box) -> torch.Tensor:
    y0, x0, y1, x1 = box
    return t[..., y0:y1, x0:x1]


def _clip(box: Box, h: int, w: int) -> Box:
    y0, x0, y1, x1 = box
    return max(0, y0), max(0, x0), min(h, y1), min(w, x1)


def _input_box(out: Box, scale: int, h: int, w: int) -> Box:
    """The input pixels (at 1/scale) that an output crop needs, with the convolutions' halo."""
    y0, x0, y1, x1 = out
    box = (y0 // scale - HALO, x0 // scale - HALO, -(-y1 // scale) + HALO, -(-x1 // scale) + HALO)
    return _clip(box, h, w)


@dataclass
class _Stage:
    res: ResBlock
    cross: SpatialTransformer
    noise: NoiseInjection | None

    @property
    def scale(self) -> int:
        return 2 if self.res.up else 1


class IncrementalDecoder:
    """A generator's decoder that remembers its last full decode and can redo only a box."""

    def __init__(self, model: CA2SISGenerator, margin: int = 40) -> None:
        self.model = model
        self.margin = margin  # image pixels around an edit's box recomputed at every stage
        stages = model.stages()
        self.stages = [
            _Stage(r, c, getattr(model, f"noise{i + 2}", None)) for i, (r, c) in enumerate(stages)
        ]
        attending = [i for i, s in enumerate(self.stages) if s.cross.transformer_blocks[0].attn1]
        self.first_local = (max(attending) + 1) if attending else 0
        self.outputs: list[torch.Tensor] = []  # after each local stage
        self.stats: list[list[_Stats]] = []  # per local stage: res in, res out, cross
        self.image: torch.Tensor | None = None

    @property
    def ready(self) -> bool:
        return self.image is not None

    def forget(self) -> None:
        self.outputs, self.stats, self.image = [], [], None

    def _head(self, z: Tensor, tokens: Tensor, guide: Tensor | None) -> Tensor:
        """The stages that run in full every time: up to the last self-attention."""
        x = self.model.reshape_conv(z)
        for stage in self.stages[: self.first_local]:
            h = stage.res(x)
            h = h if stage.noise is None else stage.noise(h)
            x, _ = stage.cross(h, tokens, guide=guide)
        return x

    def _out(self, x: torch.Tensor) -> torch.Tensor:
        y = self.model.out_conv(x)
        return torch.tanh(y) if self.model.config.output_tanh else y

    def full(self, z: Tensor, tokens: Tensor, guide: Tensor | None) -> Tensor:
        """The exact decode (the same operations as `CA2SISGenerator.decode`), kept."""
        x = self._head(z, tokens, guide)
        self.outputs, self.stats = [], []
        for stage in self.stages[self.first_local :]:
            kept: list[_Stats] = []
            norm_in, norm_out = stage.res.norms
            h = stage.res.run(x, _capturing(norm_in, kept), _capturing(norm_out, kept))
            h = h if stage.noise is None else stage.noise(h)
            kept.append(_stats(stage.cross.norm, h))
            x, _ = stage.cross(h, tokens, guide=guide)
            self.outputs.append(x)
            self.stats.append(kept)
        self.image = self._out(x)
        return self.image

    def plan(self, box: Box) -> list[Box]:
        """Output crop of each local stage (its own resolution) for an edit in image `box`."""
        img_h, img_w = self.outputs[-1].shape[-2:]
        y0, x0, y1, x1 = box
        m = self.margin
        crops = [_clip((y0 - m, x0 - m, y1 + m, x1 + m), img_h, img_w)]
        for k in range(len(self.outputs) - 1, 0, -1):
            h, w = self.outputs[k - 1].shape[-2:]
            crops.insert(0, _input_box(crops[0], self.stages[self.first_local + k].scale, h, w))
        return crops

    def update(
        self, z: torch.Tensor, tokens: torch.Tensor, guide: torch.Tensor | None, box: Box
    ) -> torch.Tensor:
        """The picture after an edit inside `box`: exact in full-run stages, recomputed in
        each later stage's crop, kept elsewhere. Needs a `full` decode of the same model,
        tokens, guidance and size before it."""
        if self.image is None:
            raise RuntimeError("no full decode to update")
        x = self._head(z, tokens, guide)
        crops = self.plan(box)
        for k, stage in enumerate(self.stages[self.first_local :]):
            out = crops[k]
            h_in, w_in = x.shape[-2:]
            src = _input_box(out, stage.scale, h_in, w_in)
            y = self._stage_crop(stage, k, _crop(x, src), src, guide, tokens)
            top, left = out[0] - src[0] * stage.scale, out[1] - src[1] * stage.scale
            inside = (top, left, top + out[2] - out[0], left + out[3] - out[1])
            kept = self.outputs[k]
            kept[..., out[0] : out[2], out[1] : out[3]] = _crop(y, inside)
            x = kept
        last = crops[-1]
        self.image[..., last[0] : last[2], last[1] : last[3]] = self._out(_crop(x, last))
        return self.image

    def _stage_crop(
        self,
        stage: _Stage,
        k: int,
        x: torch.Tensor,
        src: Box,
        guide: torch.Tensor | None,
        tokens: torch.Tensor,
    ) -> torch.Tensor:
        res_in, res_out, cross_stats = self.stats[k]
        norm_in, norm_out = stage.res.norms
        h = stage.res.run(x, _frozen(norm_in, res_in), _frozen(norm_out, res_out))
        s = stage.scale
        at = (src[0] * s, src[1] * s, src[0] * s + h.shape[-2], src[1] * s + h.shape[-1])
        full_h, full_w = self.outputs[k].shape[-2:]
        if stage.noise is not None:
            h = stage.noise.add(h, _crop(fixed_noise(full_h, full_w), at))
        bias = None
        if guide is not None:
            grid = guide_tokens(guide, full_h, full_w).reshape(guide.shape[0], full_h, full_w, -1)
            bias = grid[:, at[0] : at[2], at[1] : at[3]].reshape(guide.shape[0], -1, grid.shape[-1])
        normed = _frozen(stage.cross.norm, cross_stats)(h)
        out, _ = stage.cross.run(h, normed, tokens, bias=bias)
        return out
