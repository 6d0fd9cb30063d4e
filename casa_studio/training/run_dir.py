"""Run folders: numbered directories with config, metrics JSONL, samples and checkpoints."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import torch

from casa_studio.data.errors import DataError

CHECKPOINT = Path("checkpoints") / "latest.pt"
TRAIN_FILE = "train.json"
MODEL_FILE = "model.json"
METRICS_FILE = "metrics.jsonl"


def new_run_dir(root: Path, name: str) -> Path:
    """`root/NNNN-name`, one more than the highest number there."""
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(m.group(1)) for p in root.iterdir() if (m := re.match(r"(\d{4})-", p.name))]
    run = root / f"{max(numbers, default=0) + 1:04d}-{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}"
    (run / "checkpoints").mkdir(parents=True)
    (run / "samples").mkdir()
    return run


def latest_run(root: Path) -> Path:
    runs = sorted(p for p in root.glob("[0-9][0-9][0-9][0-9]-*") if (p / CHECKPOINT).is_file())
    if not runs:
        raise DataError(f"{root}: no run with a checkpoint to resume")
    return runs[-1]


def save_state(run: Path, state: dict[str, Any], step: int, keep: bool) -> None:
    """Atomic write of latest.pt (and a numbered copy when `keep`)."""
    path = run / CHECKPOINT
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)
    if keep:
        torch.save(state, run / "checkpoints" / f"step_{step:07d}.pt")


def load_state(path: Path) -> dict[str, Any]:
    """Our own checkpoint format: tensors and plain containers only (weights_only)."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise DataError(f"{path}: checkpoint not found") from None
    except Exception as exc:  # damaged or foreign file: many exception types
        raise DataError(f"{path}: unreadable checkpoint ({exc})") from exc


class MetricsLog:
    """Appends one JSON object per line; survives interruption (line-buffered)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, record: dict[str, Any]) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]

    def truncate_after(self, step: int) -> None:
        """Drop records past `step` (written after the checkpoint we resume from)."""
        kept = [r for r in self.read() if r.get("step", 0) <= step]
        self.path.write_text("".join(json.dumps(r) + "\n" for r in kept))
