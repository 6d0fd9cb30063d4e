"""Shared by the GPU tests: models at both sizes, label maps, and picture differences."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import torch

from casa_studio.engine.device import Placement
from casa_studio.engine.service import InferenceService
from casa_studio.model.checkpoint import ModelInfo, load_model
from casa_studio.model.config import preset
from casa_studio.model.generator import CA2SISGenerator

BUNDLED = Path(__file__).resolve().parents[2] / "models" / "landscape-slim"

# Allowed difference from the CPU fp32 render, in grey levels (0..255): mean over all pixels,
# and the 99th percentile (a few pixels near a rounding edge may differ more). fp32 on CUDA
# is not bit-exact (TF32 convolutions, other summation orders); fp16 keeps 10 mantissa
# bits, bf16 7. Measured on CPU for the bundled model: bf16 mean 0.23, p99 1; fp16 0.02, 1.
TOLERANCE = {
    torch.float32: (0.25, 2),
    torch.float16: (0.5, 3),
    torch.bfloat16: (1.0, 6),
}


def official_model() -> CA2SISGenerator:
    """The released CA2-SIS shapes with random weights, non-zero residual branches."""
    torch.manual_seed(0)
    model = CA2SISGenerator(preset("official-celebamask-hq")).eval()
    with torch.no_grad():
        for res, cross in model.stages():
            res.out_layers[3].weight.normal_(0, 0.02)
            cross.proj_out.weight.normal_(0, 0.02)
    return model


def service(
    model: CA2SISGenerator | Path, device: str = "cuda", dtype: torch.dtype = torch.float16
) -> InferenceService:
    """A service of its own copy of `model` (a folder or a network) on `device` in `dtype`."""
    if isinstance(model, Path):
        model, info = load_model(model)
    else:
        model, info = copy.deepcopy(model), ModelInfo(Path("<test>"), model.config, "")
    return InferenceService(model, info, Placement(torch.device(device), dtype))


def scene(hw: tuple[int, int], classes: int, seed: int) -> np.ndarray:
    coarse = np.random.default_rng(seed).integers(0, classes, (8, 8))
    return np.kron(coarse, np.ones((hw[0] // 8, hw[1] // 8), dtype=np.int64))


def levels(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean and 99th percentile of the absolute difference of two uint8 images."""
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16))
    return float(diff.mean()), float(np.percentile(diff, 99))
