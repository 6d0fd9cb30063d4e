"""Device choice (cuda → mps → cpu) and the precision that runs fastest there."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

import torch

from casa_studio.engine.errors import EngineError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the model runs and the dtype its weights and activations use there."""

    device: torch.device
    dtype: torch.dtype

    @property
    def label(self) -> str:
        precision = {torch.float32: "fp32", torch.float16: "fp16", torch.bfloat16: "bf16"}
        return f"{self.device.type} ({precision[self.dtype]})"


def _mps_available() -> bool:
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def resolve_device(name: str = "auto") -> torch.device:
    """`auto` picks cuda, then mps, then cpu; an explicit device must exist."""
    if name not in DEVICE_CHOICES:
        raise EngineError(f"unknown device '{name}' (choose from {', '.join(DEVICE_CHOICES)})")
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise EngineError("device 'cuda' was asked for, but no CUDA GPU is available")
    if name == "mps" and not _mps_available():
        raise EngineError("device 'mps' was asked for, but Metal is not available")
    return torch.device(name)


def available_devices() -> tuple[str, ...]:
    """The device names `resolve_device` accepts on this machine."""
    extra = (("cuda",) if torch.cuda.is_available() else ()) + (
        ("mps",) if _mps_available() else ()
    )
    return ("auto", "cpu", *extra)


def _best_time(fn: object, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


@cache
def cpu_runs_bf16_natively() -> bool:
    """Short probe: bf16 matmul at least 1.3x faster than fp32 means native bf16 units."""
    a, b = torch.randn(512, 512), torch.randn(512, 1024)
    fp32 = _best_time(lambda: a @ b)
    a16, b16 = a.bfloat16(), b.bfloat16()
    bf16 = _best_time(lambda: a16 @ b16)
    return bf16 * 1.3 < fp32


def placement(device: str = "auto", precision: str = "auto") -> Placement:
    """Resolve device and precision: fp16 on GPUs, bf16 on CPUs that run it natively."""
    dev = resolve_device(device)
    if precision == "fp32":
        return Placement(dev, torch.float32)
    if precision not in ("auto", "half"):
        raise EngineError(f"unknown precision '{precision}' (auto, half or fp32)")
    if dev.type in ("cuda", "mps"):
        return Placement(dev, torch.float16)
    return Placement(dev, torch.bfloat16 if cpu_runs_bf16_natively() else torch.float32)
