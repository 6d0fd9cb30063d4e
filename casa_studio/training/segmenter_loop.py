"""Training the reference segmenter: cross-entropy on the same paired data, exact resume."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from casa_studio.data.errors import DataError
from casa_studio.model.segmenter import Segmenter, SegmenterConfig
from casa_studio.training.batches import datasets
from casa_studio.training.config import TrainConfig
from casa_studio.training.distributed import World
from casa_studio.training.initial_models import model_config
from casa_studio.training.run_dir import (
    CHECKPOINT,
    METRICS_FILE,
    MODEL_FILE,
    TRAIN_FILE,
    MetricsLog,
    load_state,
    save_state,
)
from casa_studio.training.run_loop import RunLoop


class SegmenterTrainer(RunLoop):
    """Single-process segmenter training (it is small); same run-folder layout as the GAN."""

    def __init__(self, cfg: TrainConfig, run: Path, world: World, resume: bool = False) -> None:
        self.cfg, self.run, self.world = cfg, run, world
        config = model_config(cfg)
        self.classes = config.classes
        self.train_set, _ = datasets(cfg, config)
        if len(self.train_set) < cfg.batch:
            raise DataError(
                f"batch size {cfg.batch} is larger than the dataset ({len(self.train_set)} pairs)"
            )
        torch.manual_seed(cfg.seed)
        self.model = Segmenter(SegmenterConfig(config.num_classes)).to(world.device).train()
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        self.step = 0
        self.metrics = MetricsLog(run / METRICS_FILE)
        if resume:
            state = load_state(run / CHECKPOINT)
            self.model.load_state_dict(state["S"])
            self.opt.load_state_dict(state["opt"])
            self.step = int(state["step"])
            self.metrics.truncate_after(self.step)
        else:
            cfg.save(run / TRAIN_FILE)
            (run / MODEL_FILE).write_text(json.dumps(config.to_dict(), indent=2) + "\n")

    def state(self) -> dict[str, Any]:
        return {"step": self.step, "S": self.model.state_dict(), "opt": self.opt.state_dict()}

    def train_step(self, batch: dict[str, torch.Tensor]) -> dict[str, float]:
        image = batch["image"].to(self.world.device)
        labels = batch["labels"].to(self.world.device)
        logits = self.model(image)
        loss = F.cross_entropy(logits, labels)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.step += 1
        accuracy = (logits.argmax(1) == labels).float().mean()
        return {"ce": float(loss.detach()), "pixel_acc": float(accuracy)}

    def save(self) -> None:
        save_state(self.run, self.state(), self.step, keep=False)

    def after_step(self) -> None:
        if self.step % self.cfg.checkpoint_every == 0:
            self.save()
