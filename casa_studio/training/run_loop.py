"""RunLoop: the iteration loop shared by every training task — resumable batches, metrics
lines with seconds per step, progress callbacks, a checkpoint when interrupted."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch

from casa_studio.data.dataset import PairedDataset
from casa_studio.training.batches import run_batches
from casa_studio.training.config import TrainConfig
from casa_studio.training.distributed import World
from casa_studio.training.run_dir import MetricsLog

Progress = Callable[[int, dict[str, float]], None]


class RunLoop:
    """Subclasses set the attributes below and implement `train_step` and `save`."""

    cfg: TrainConfig
    world: World
    train_set: PairedDataset
    metrics: MetricsLog
    step: int

    def train_step(self, batch: dict[str, torch.Tensor]) -> dict[str, float]:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError

    def reduce(self, record: dict[str, float]) -> dict[str, float]:
        """Combine a logged record across processes (single process: as it is)."""
        return record

    def after_step(self) -> None:
        """Periodic work after an iteration (checkpoints, samples)."""

    def finish(self) -> None:
        self.save()

    def fit(self, progress: Progress | None = None, minutes: float | None = None) -> None:
        """Train until `cfg.iters` (or for `minutes` of wall time, whichever comes first); an
        interruption saves a checkpoint at the last full step."""
        cfg = self.cfg
        tick, tick_step = time.perf_counter(), self.step
        deadline = None if minutes is None else tick + 60 * minutes
        try:
            for batch in run_batches(
                self.train_set, self.world, cfg.batch, cfg.seed, cfg.workers, lambda: self.step
            ):
                if self.step >= cfg.iters or (deadline and time.perf_counter() > deadline):
                    break
                record: dict[str, Any] = self.train_step(batch)
                if self.step % cfg.log_every == 0 or self.step == cfg.iters:
                    now = time.perf_counter()
                    record = self.reduce(record)
                    record |= {
                        "step": self.step,
                        "sec_per_step": (now - tick) / max(self.step - tick_step, 1),
                    }
                    tick, tick_step = now, self.step
                    if self.world.is_main:
                        self.metrics.write(record)
                if progress:
                    progress(self.step, record)
                self.after_step()
        except KeyboardInterrupt:
            self.save()
            raise
        self.finish()
