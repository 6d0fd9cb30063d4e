"""Milliseconds per 256² render for the official and slim presets.

Optimized path: InferenceService.render (fused SDPA, chunked per-pixel stages, bf16 on CPUs
with native bf16 / fp16 on GPUs, cached shape latents updated per edit). Baseline, timed in
the same process on the same label sequence: a plain implementation (manual attention, fp32,
no chunking, embedding recomputed every time). Peak RSS of each path is measured in a child
process that builds only that path's model and resets the high-water mark before rendering.

Effective GFLOP/s (the render's FLOPs, counted by torch's FlopCounterMode, over its median
time) is printed beside what the same machine does in a plain 3x3 convolution and a matmul,
measured in the same run, so the gap to the hardware shows whatever the CPU.

    python bench/generator.py [--presets slim official-celebamask-hq] [--repeats 5]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

from casa_studio.engine.device import placement
from casa_studio.engine.service import InferenceService, to_uint8
from casa_studio.model.attention import SpatialTransformer
from casa_studio.model.checkpoint import ModelInfo
from casa_studio.model.config import preset
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.ops import one_hot


def _model(name: str) -> CA2SISGenerator:
    torch.manual_seed(0)
    model = CA2SISGenerator(preset(name)).eval()
    with torch.no_grad():  # non-zero residual branches, as in a trained model
        for res, cross in model.stages():
            res.out_layers[3].weight.normal_(0, 0.02)
            cross.proj_out.weight.normal_(0, 0.02)
    return model


def _strokes(hw: tuple[int, int], classes: int, count: int) -> list[np.ndarray]:
    """A label map, then `count` small edits of it (a 24 px dab each), like painting."""
    rng = np.random.default_rng(0)
    labels = np.kron(rng.integers(0, classes, (8, 8)), np.ones((hw[0] // 8, hw[1] // 8), np.int64))
    out = []
    for _ in range(count):
        y, x = rng.integers(0, hw[0] - 24), rng.integers(0, hw[1] - 24)
        labels = labels.copy()
        labels[y : y + 24, x : x + 24] = rng.integers(0, classes)
        out.append(labels)
    return out


def _reference(model: CA2SISGenerator, device: str = "cpu"):
    """The plain baseline: fp32, manual attention, no chunking, one image at a time, the
    whole label map embedded each time, plain (pageable) transfers."""
    ref = copy.deepcopy(model).float().to(device)
    ref.set_fused_attention(False)
    for m in ref.modules():
        if isinstance(m, SpatialTransformer):
            m.chunk_tokens = 1 << 30

    def render(labels: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            onehot = one_hot(torch.from_numpy(labels)[None].to(device), ref.config.num_classes)
            z = ref.embed_shapes(onehot)
            image, _ = ref.decode(z, torch.from_numpy(tokens)[None].to(device))
        return to_uint8(image[0])

    return render


def _optimized(model: CA2SISGenerator, device: str):
    service = InferenceService(
        copy.deepcopy(model), ModelInfo(Path("<bench>"), model.config, ""), placement(device)
    )
    return service.render, service.placement.label


def _variant(model: CA2SISGenerator, device: str, name: str):
    """The optimized path with one more change: channels-last weights and activations, or
    torch.compile (inductor) of the decoder."""
    service = InferenceService(
        copy.deepcopy(model), ModelInfo(Path("<bench>"), model.config, ""), placement(device)
    )
    if name == "channels-last":
        service.model.to(memory_format=torch.channels_last)
        decode = service.model.decode

        def decode_cl(z: torch.Tensor, tokens: torch.Tensor, **kw):  # type: ignore[no-untyped-def]
            return decode(z.contiguous(memory_format=torch.channels_last), tokens, **kw)

        service.model.decode = decode_cl  # type: ignore[method-assign]
    elif name == "compile":
        service.compile_decoder()
    return service.render


def _time(render, frames: list[np.ndarray], tokens: np.ndarray) -> list[float]:
    render(frames[0], tokens)  # warm-up
    times = []
    for labels in frames[1:]:
        start = time.perf_counter()
        render(labels, tokens)
        times.append((time.perf_counter() - start) * 1000)
    return times


def render_flops(model: CA2SISGenerator, labels: np.ndarray, tokens: np.ndarray) -> float:
    """FLOPs of one decode (shape embedding included), counted on the fp32 model."""
    from torch.utils.flop_counter import FlopCounterMode

    onehot = one_hot(torch.from_numpy(labels)[None], model.config.num_classes)
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        model.decode(model.embed_shapes(onehot), torch.from_numpy(tokens)[None])
    return float(counter.get_total_flops())


def _gflops(run, flops: float, repeats: int = 5) -> float:
    """Median GFLOP/s of `run` (after one warm-up)."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return flops / statistics.median(times) / 1e9


def machine_gflops() -> tuple[float, float]:
    """This machine's fp32 GFLOP/s in a plain 3x3 convolution (64 → 64 channels at 128²) and
    a 1024² matmul."""
    x, conv = torch.randn(1, 64, 128, 128), torch.nn.Conv2d(64, 64, 3, padding=1)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    with torch.inference_mode():
        conv_rate = _gflops(lambda: conv(x), 2 * 64 * 64 * 9 * 128 * 128)
        matmul_rate = _gflops(lambda: a @ b, 2 * 1024**3)
    return conv_rate, matmul_rate


def _peak_rss_mb(name: str, path: str, repeats: int, device: str) -> float:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        path,
        "--presets",
        name,
        "--repeats",
        str(repeats),
        "--device",
        device,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["peak_rss_mb"]


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(name: str, path: str, repeats: int, device: str) -> None:
    model = _model(name)
    render = _reference(model) if path == "reference" else _optimized(model, device)[0]
    del model
    gc.collect()
    with contextlib.suppress(OSError):  # Linux: reset the peak so only rendering counts
        Path("/proc/self/clear_refs").write_text("5")
    frames = _strokes(preset(name).output_hw, preset(name).num_classes, repeats + 1)
    tokens = (
        np.random.default_rng(1)
        .uniform(-1, 1, (preset(name).num_classes, preset(name).token_dim))
        .astype(np.float32)
    )
    _time(render, frames, tokens)
    print(json.dumps({"peak_rss_mb": _vm_hwm_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--presets", nargs="+", default=["slim", "official-celebamask-hq"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--variants",
        nargs="*",
        default=[],
        choices=("channels-last", "compile"),
        help="also time these changes to the optimized path, in the same process",
    )
    parser.add_argument("--child", choices=("reference", "optimized"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.presets[0], args.child, args.repeats, args.device)
        return
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"{args.repeats} renders per path\n"
    )
    conv_rate, matmul_rate = machine_gflops()
    print(f"this machine, fp32: 3x3 conv {conv_rate:.0f} GFLOP/s, matmul {matmul_rate:.0f} GFLOP/s")
    print(
        f"{'preset':24} {'device':12} {'baseline ms':>12} {'optimized ms':>13} {'speed-up':>9} "
        f"{'RSS base MB':>12} {'RSS opt MB':>11} {'GFLOP':>6} {'GFLOP/s':>8}"
    )
    for name in args.presets:
        cfg = preset(name)
        model = _model(name)
        frames = _strokes(cfg.output_hw, cfg.num_classes, args.repeats + 1)
        tokens = (
            np.random.default_rng(1)
            .uniform(-1, 1, (cfg.num_classes, cfg.token_dim))
            .astype(np.float32)
        )
        fast, label = _optimized(model, args.device)
        base = statistics.median(_time(_reference(model), frames, tokens))
        opt_times = _time(fast, frames, tokens)
        opt = statistics.median(opt_times)
        rss_base = _peak_rss_mb(name, "reference", 2, args.device)
        rss_opt = _peak_rss_mb(name, "optimized", 2, args.device)
        flops = render_flops(model, frames[0], tokens)
        print(
            f"{name:24} {label:12} {base:12.0f} {opt:13.0f} {base / opt:8.2f}x "
            f"{rss_base:12.0f} {rss_opt:11.0f} {flops / 1e9:6.2f} {flops / opt / 1e6:8.0f}"
        )
        print(f"{'':24} optimized per render: " + ", ".join(f"{t:.0f}" for t in opt_times))
        for variant in args.variants:
            ms = statistics.median(_time(_variant(model, args.device, variant), frames, tokens))
            print(f"{'':24} {variant}: {ms:.0f} ms, {opt / ms:.2f}x the optimized path")


if __name__ == "__main__":
    main()
