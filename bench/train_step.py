"""Seconds per training iteration (one G step + one D step, batch 2) for the slim and official
presets: the training loop's step (bf16 autocast where the CPU runs bf16 natively, chunked
per-pixel stages) against a plain reference step (fp32, manual attention, no chunking) timed
in the same process on the same batches.

On a GPU the optimized step uses bf16 autocast (every CUDA GPU since Ampere runs it natively).

    python bench/train_step.py [--presets slim official-celebamask-hq] [--repeats 3] [--json F]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch

from casa_studio.data.synthetic import synthesize_world
from casa_studio.engine.device import cpu_runs_bf16_natively
from casa_studio.model.attention import SpatialTransformer
from casa_studio.training.config import TrainConfig
from casa_studio.training.distributed import World
from casa_studio.training.loop import Trainer
from casa_studio.training.run_dir import new_run_dir


def _trainer(data: Path, runs: Path, preset: str, plain: bool) -> Trainer:
    bf16 = torch.cuda.is_available() or cpu_runs_bf16_natively()
    precision = "bf16" if bf16 and not plain else "fp32"
    cfg = TrainConfig(data=str(data), out=str(runs), model=preset, iters=10**6, precision=precision)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    trainer = Trainer(cfg, new_run_dir(runs, preset), World(0, 1, device))
    if plain:
        trainer.G.set_fused_attention(False)
        for m in trainer.G.modules():
            if isinstance(m, SpatialTransformer):
                m.chunk_tokens = 1 << 30
    return trainer


def _seconds(trainer: Trainer, batches: list[dict[str, torch.Tensor]]) -> list[float]:
    trainer.train_step(batches[0])  # warm-up
    times = []
    for batch in batches[1:]:
        start = time.perf_counter()
        trainer.train_step(batch)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--presets", nargs="+", default=["slim", "official-celebamask-hq"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--size", type=int, default=256, help="side of the synthetic scenes")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures: dict[str, dict[str, float]] = {}
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {threads} threads, batch 2, {args.repeats} steps per path\n")
    print(f"{'preset':24} {'baseline s/step':>16} {'optimized s/step':>17} {'speed-up':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "world"
        synthesize_world(data, 8, args.size, seed=0, workers=1)
        for name in args.presets:
            base_trainer = _trainer(data, Path(tmp) / "runs", name, plain=True)
            batches = [base_trainer.train_set[i % 8] for i in range(2 * (args.repeats + 1))]
            batches = [
                {
                    k: torch.stack([batches[2 * j][k], batches[2 * j + 1][k]])
                    for k in ("image", "labels")
                }
                for j in range(args.repeats + 1)
            ]
            base = statistics.median(_seconds(base_trainer, batches))
            del base_trainer
            fast = statistics.median(
                _seconds(_trainer(data, Path(tmp) / "runs", name, plain=False), batches)
            )
            print(f"{name:24} {base:16.2f} {fast:17.2f} {base / fast:8.2f}x")
            figures[name] = {"baseline_s": base, "optimized_s": fast, "speedup": base / fast}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
