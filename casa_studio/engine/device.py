"""Device choice (cuda → mps → cpu), the precision that runs fastest there, batch sizes,
host → device transfers and out-of-memory messages."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import numpy as np
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


X86_ISAS = ("AVX2", "AVX512")  # PyTorch's kernel level on x86 CPUs with AVX2 or AVX-512


def _best_time(fn: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _bf16_probe() -> bool:
    """Short timing: bf16 matmul at least 1.3x faster than fp32 means native bf16 units. A busy
    CPU can fail it, so it only breaks ties where PyTorch reports nothing about bf16."""
    a, b = torch.randn(512, 512), torch.randn(512, 1024)
    fp32 = _best_time(lambda: a @ b)
    a16, b16 = a.bfloat16(), b.bfloat16()
    bf16 = _best_time(lambda: a16 @ b16)
    return bf16 * 1.3 < fp32


def bf16_from_capabilities() -> bool:
    """Native bf16 from what PyTorch reports: AVX-512 BF16 or AMX on x86 means yes; any other
    x86 CPU (AVX2, AVX-512 without BF16) no. Other CPUs (Arm, or a level PyTorch does not name)
    report no bf16 flag, so there the timing probe decides."""
    if torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported():
        return True
    if torch.backends.cpu.get_cpu_capability() in X86_ISAS:
        return False
    return _bf16_probe()


@cache
def cpu_runs_bf16_natively() -> bool:
    """`bf16_from_capabilities`, decided once per process."""
    return bf16_from_capabilities()


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


def default_batch_size(where: Placement) -> int:
    """Images per forward pass when none is asked for: a GPU is only kept busy by several
    images at once; on a CPU one 256² image already fills the cores."""
    return 8 if where.device.type == "cuda" else 1


def to_device(array: np.ndarray, where: Placement) -> torch.Tensor:
    """A host array on the device; to a GPU through pinned memory, without waiting for the
    copy (the caching host allocator keeps the pinned block alive until the copy is done)."""
    tensor = torch.from_numpy(np.ascontiguousarray(array))
    if where.device.type != "cuda":
        return tensor.to(where.device)
    return tensor.pin_memory().to(where.device, non_blocking=True)


@contextmanager
def memory_errors(where: Placement, what: str) -> Iterator[None]:
    """Out of memory while doing `what` becomes an EngineError that says what to change;
    the cached blocks are freed so the next, smaller request can run."""
    try:
        yield
    except torch.OutOfMemoryError:
        if where.device.type == "cuda":
            torch.cuda.empty_cache()
        raise EngineError(
            f"out of memory on {where.label} {what}: close other programs that use the GPU, "
            "render fewer images at once (--batch-size) or use the CPU (Device menu, --device cpu)"
        ) from None
