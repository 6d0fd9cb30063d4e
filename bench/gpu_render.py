"""GPU render speed: ms per image at batch 1 and images per second at the best batch size, for
the paper-size and the slim generator in fp32, fp16 and bf16 (InferenceService.render_batch:
pinned transfers, one wait per batch, fused attention, chunked per-pixel stages), as ratios
against a plain eager baseline timed in the same run (fp32, manual attention, no chunking, one
image at a time). `--compile MODE` adds rows with the decoder under torch.compile (MODE
"reduce-overhead" uses CUDA graphs); it is off by default in the product until this measures it.

    python bench/gpu_render.py [--presets slim official-celebamask-hq] [--json OUT.json]
    python bench/gpu_render.py --dry-run      # tiny model on the CPU: checks the script only
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from generator import _model, _reference, _strokes

from casa_studio.engine.device import Placement, resolve_device
from casa_studio.engine.errors import EngineError
from casa_studio.engine.service import InferenceService
from casa_studio.model.checkpoint import ModelInfo
from casa_studio.model.config import preset

PRECISIONS = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _seconds(fn, repeats: int, device: torch.device) -> float:
    """Median wall time of `fn()` after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _frames(name: str, count: int) -> list[tuple[np.ndarray, np.ndarray, tuple]]:
    cfg = preset(name)
    tokens = np.random.default_rng(1).uniform(-1, 1, (cfg.num_classes, cfg.token_dim))
    return [
        (labels, tokens.astype(np.float32), ())
        for labels in _strokes(cfg.output_hw, cfg.num_classes, count)
    ]


def _service(model, device: torch.device, dtype: torch.dtype) -> InferenceService:
    info = ModelInfo(Path("<bench>"), model.config, "")
    return InferenceService(copy.deepcopy(model), info, Placement(device, dtype))


def _sweep(service: InferenceService, frames: list, sizes: list[int], args) -> dict[str, float]:
    """ms per image at batch 1; images/s at each batch size until memory runs out."""
    device = service.placement.device
    row: dict[str, float] = {
        "ms_batch1": 1000 * _seconds(lambda: service.render_batch(frames[:1]), args.repeats, device)
    }
    rates = {}
    for size in sizes:
        batch = (frames * (size // len(frames) + 1))[:size]
        try:
            rates[size] = size / _seconds(
                lambda b=batch: service.render_batch(b), args.repeats, device
            )
        except EngineError:  # out of memory: larger batches will not fit either
            break
    best = max(rates, key=rates.get)
    return row | {"best_batch": best, "images_per_s": rates[best], "by_batch": rates}


def _preset_rows(name: str, device: torch.device, args) -> dict[str, object]:
    model = _model(name)
    frames = _frames(name, 8)
    plain = _reference(model, str(device))
    base_s = _seconds(lambda: [plain(f[0], f[1]) for f in frames[:2]], args.repeats, device) / 2
    rows = {}
    for precision in args.precisions:
        service = _service(model, device, PRECISIONS[precision])
        rows[precision] = _sweep(service, frames, args.batches, args)
        del service
    if args.compile:
        service = _service(model, device, torch.float16 if device.type == "cuda" else torch.float32)
        start = time.perf_counter()
        service.compile_decoder(args.compile)
        service.render_batch(frames[:1])
        compile_s = time.perf_counter() - start
        rows[f"compiled-{args.compile}"] = _sweep(service, frames, args.batches, args) | {
            "compile_s": compile_s
        }
    for row in rows.values():
        row["speedup_batch1"] = 1000 * base_s / row["ms_batch1"]
        row["speedup_throughput"] = row["images_per_s"] * base_s
    return {"baseline_ms": 1000 * base_s, "rows": rows}


def _print(results: dict[str, object]) -> None:
    print(f"{results['device_name']}, torch {results['torch']}\n")
    print(
        f"{'preset':24} {'path':26} {'ms @1':>8} {'x base':>7} "
        f"{'best batch':>10} {'img/s':>8} {'x base':>7}"
    )
    for name, data in results["presets"].items():
        print(f"{name:24} {'plain eager fp32 (base)':26} {data['baseline_ms']:8.1f}")
        for path, row in data["rows"].items():
            print(
                f"{'':24} {path:26} {row['ms_batch1']:8.1f} {row['speedup_batch1']:6.2f}x "
                f"{row['best_batch']:10d} {row['images_per_s']:8.1f} "
                f"{row['speedup_throughput']:6.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--presets", nargs="+", default=["slim", "official-celebamask-hq"])
    parser.add_argument("--precisions", nargs="+", default=list(PRECISIONS), choices=PRECISIONS)
    parser.add_argument("--batches", nargs="+", type=int, default=[1, 2, 4, 8, 16, 32])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--compile", metavar="MODE", help="also time torch.compile(mode=MODE)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--dry-run", action="store_true", help="tiny model on the CPU")
    args = parser.parse_args()
    if args.dry_run:
        args.presets, args.batches, args.repeats, args.device = ["tiny"], [1, 2], 1, "cpu"
        args.compile = None
    device = resolve_device(args.device)
    results = {
        "torch": torch.__version__,
        "device": device.type,
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU",
        "dry_run": args.dry_run,
        "presets": {name: _preset_rows(name, device, args) for name in args.presets},
    }
    _print(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
