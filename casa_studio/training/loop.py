"""The training loop: one G step then one D step per iteration, exact resume, logging,
sample grids and checkpoints; DistributedDataParallel under torchrun."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import torch
from torch.nn.parallel import DistributedDataParallel
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from casa_studio.data.errors import DataError
from casa_studio.model.attention import guide_bias
from casa_studio.model.config import GeneratorConfig
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.ops import one_hot
from casa_studio.model.vgg import VGG19Features
from casa_studio.training.batches import datasets
from casa_studio.training.config import TrainConfig
from casa_studio.training.distributed import World, all_mean
from casa_studio.training.initial_models import (
    initial_discriminator,
    initial_generator,
    model_config,
)
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
from casa_studio.training.samples import sample_grid, save_grid
from casa_studio.training.steps import (
    GeneratorStep,
    Losses,
    discriminator_loss,
    gradient_norms,
)


class Trainer(RunLoop):
    """Owns the networks, optimisers and data of one run folder."""

    def __init__(self, cfg: TrainConfig, run: Path, world: World, resume: bool = False) -> None:
        self.cfg, self.run, self.world = cfg, run, world
        config = model_config(cfg)
        if resume:
            config = GeneratorConfig.from_dict(json.loads((run / MODEL_FILE).read_text()))
        self.train_set, self.view_set = datasets(cfg, config)
        self.per_rank = len(self.train_set) // world.size
        if self.per_rank < cfg.batch:
            raise DataError(
                f"batch size {cfg.batch} is larger than the dataset share of each process "
                f"({len(self.train_set)} pairs over {world.size} processes)"
            )
        torch.manual_seed(cfg.seed)  # same initial weights for the same seed
        self.G = initial_generator(cfg, config).to(world.device).train()
        self.D = initial_discriminator(cfg, config.num_classes).to(world.device)
        self._freeze_untrained()
        vgg = (
            VGG19Features.from_file(Path(cfg.vgg_weights)).to(world.device)
            if cfg.vgg_weights
            else None
        )
        self.losses = Losses(cfg, vgg)
        lr_g, lr_d = cfg.lrs()
        trainable = [p for p in self.G.parameters() if p.requires_grad]
        self.opt_g = torch.optim.Adam(trainable, lr=lr_g, betas=cfg.betas())
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=lr_d, betas=cfg.betas())
        self.ema = (
            AveragedModel(self.G, multi_avg_fn=get_ema_multi_avg_fn(cfg.ema)) if cfg.ema else None
        )
        self.g_step: torch.nn.Module = GeneratorStep(self.G, cfg.stage)
        self.d_train: torch.nn.Module = self.D
        if world.distributed:
            self.g_step = DistributedDataParallel(self.g_step)
            self.d_train = DistributedDataParallel(self.D)
        self.step = 0
        self.metrics = MetricsLog(run / METRICS_FILE)
        if resume:
            self._load(load_state(run / CHECKPOINT))
        elif world.is_main:
            cfg.save(run / TRAIN_FILE)
            model_json = json.dumps(self.G.config.to_dict(), indent=2) + "\n"
            (run / MODEL_FILE).write_text(model_json)

    def _freeze_untrained(self) -> None:
        """Main stage: all but the mapping network. Noise stage: only the mapping network."""
        for name, p in self.G.named_parameters():
            p.requires_grad_(name.startswith("noise_encoder.") == (self.cfg.stage == "noise"))
        if self.cfg.stage == "noise" and self.G.noise_encoder is None:
            raise DataError("--stage noise: the model has no mapping network")

    # --- state --------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        state = {
            "step": self.step,
            "G": self.G.state_dict(),
            "D": self.D.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
        }
        if self.ema is not None:
            state["ema"] = self.ema.state_dict()
        return state

    def _load(self, state: dict[str, Any]) -> None:
        self.G.load_state_dict(state["G"])
        self.D.load_state_dict(state["D"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        if self.ema is not None and "ema" in state:
            self.ema.load_state_dict(state["ema"])
        self.step = int(state["step"])
        if self.world.is_main:
            self.metrics.truncate_after(self.step)

    def save(self) -> None:
        if self.world.is_main:
            keep = self.step % (self.cfg.checkpoint_every * 10) == 0
            save_state(self.run, self.state(), self.step, keep)

    # --- data and schedule ------------------------------------------------------------------

    def _set_lr(self) -> tuple[float, float]:
        """Constant for the first half, then linear decay to zero (spec §3.4)."""
        start = self.cfg.iters // 2
        factor = (
            1.0
            if self.step < start
            else (self.cfg.iters - self.step) / max(self.cfg.iters - start, 1)
        )
        lr_g, lr_d = (lr * factor for lr in self.cfg.lrs())
        for group in self.opt_g.param_groups:
            group["lr"] = lr_g
        for group in self.opt_d.param_groups:
            group["lr"] = lr_d
        return lr_g, lr_d

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.cfg.precision == "bf16":
            return torch.autocast(self.world.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    # --- one iteration ------------------------------------------------------------------------

    def train_step(self, batch: dict[str, torch.Tensor]) -> dict[str, float]:
        lr_g, lr_d = self._set_lr()
        image = batch["image"].to(self.world.device)
        onehot = one_hot(batch["labels"].to(self.world.device), self.G.config.num_classes)
        record: dict[str, float] = {"lr_g": lr_g, "lr_d": lr_d}
        # The global RNG (noise injection) restarts from the step: resume stays exact.
        torch.manual_seed(self._step_seed() + 7)
        if self.step < self.cfg.d_warmup:  # D learns to see the current G before G listens
            with torch.no_grad(), self._autocast():
                fake, _ = self.g_step(image, onehot, self._noise(image), self._guide(onehot))
        else:
            fake, g_record = self._generator_update(image, onehot)
            record |= g_record
        record |= self._discriminator_update(fake, image, onehot)
        self.step += 1
        return record

    def _step_seed(self) -> int:
        """A seed of the run, the step and the process: what a step draws, a resume redraws."""
        return self.cfg.seed * 1_000_003 + self.step * 101 + self.world.rank

    def _guide(self, onehot: torch.Tensor) -> torch.Tensor | None:
        """The attention guidance on odd steps (both the guided and the paper's forward train)."""
        return guide_bias(onehot, self.cfg.guide_strength) if self.step % 2 else None

    def _noise(self, image: torch.Tensor) -> torch.Tensor | None:
        if self.cfg.stage != "noise":
            return None
        gen = torch.Generator().manual_seed(self._step_seed())
        noise = torch.randn(2 * image.shape[0], self.G.config.mapping_dim, generator=gen)
        return noise.to(image.device)

    def _generator_update(
        self, image: torch.Tensor, onehot: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, float]]:
        self.D.requires_grad_(False)
        with self._autocast():
            fake, logits = self.g_step(image, onehot, self._noise(image), self._guide(onehot))
            terms = self.losses.generator(fake, logits, image, onehot, self.D)
        record = {f"g_{k}": float(v.detach()) for k, v in terms.items()}
        if (self.step + 1) % self.cfg.log_every == 0:
            record |= gradient_norms(terms, fake)
        self.opt_g.zero_grad(set_to_none=True)
        terms["total"].backward()
        self.opt_g.step()
        if self.ema is not None:
            self.ema.update_parameters(self.G)
        self.D.requires_grad_(True)
        return fake, record

    def _discriminator_update(
        self, fake: torch.Tensor, image: torch.Tensor, onehot: torch.Tensor
    ) -> dict[str, float]:
        """Hinge loss, plus the lazy R1 penalty every `r1_every` steps (scaled up to match)."""
        cfg = self.cfg
        with_r1 = cfg.r1_weight > 0 and self.step % cfg.r1_every == 0
        with self._autocast():
            d = discriminator_loss(self.d_train, fake, image, onehot, r1=with_r1)
        loss = d.hinge
        record = {"d_hinge": float(d.hinge.detach()), "d_gap": float(d.gap)}
        if d.r1 is not None:
            loss = loss + cfg.r1_weight / 2 * cfg.r1_every * d.r1
            record["d_r1"] = float(d.r1.detach())
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        return record

    # --- the run --------------------------------------------------------------------------------

    def sample(self) -> Path | None:
        if not self.world.is_main:
            return None
        g: CA2SISGenerator = self.ema.module if self.ema is not None else self.G  # type: ignore[assignment]
        items = [self.view_set[i] for i in range(len(self.view_set))]
        image = torch.stack([it["image"] for it in items]).to(self.world.device)
        labels = torch.stack([it["labels"] for it in items]).to(self.world.device)
        path = self.run / "samples" / f"step_{self.step:07d}.png"
        save_grid(sample_grid(g, image, labels, self.cfg.seed, self.cfg.guide_strength), path)
        return path

    def reduce(self, record: dict[str, float]) -> dict[str, float]:
        return {k: all_mean(v, self.world) for k, v in record.items()}

    def after_step(self) -> None:
        if self.step % self.cfg.sample_every == 0:
            self.sample()
        if self.step % self.cfg.checkpoint_every == 0:
            self.save()

    def finish(self) -> None:
        self.save()
        self.sample()
