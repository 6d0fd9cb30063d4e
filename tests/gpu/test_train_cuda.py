"""Training on CUDA: a few steps in one process (fp32 and bf16) and under torchrun, with a
finite loss and a checkpoint that resumes; the DDP path over NCCL in a one-process group."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from casa_studio.training.config import TrainConfig
from casa_studio.training.distributed import World
from casa_studio.training.loop import Trainer
from casa_studio.training.run_dir import CHECKPOINT, METRICS_FILE, MetricsLog, new_run_dir

pytestmark = pytest.mark.gpu

CUDA = World(0, 1, torch.device("cuda", 0))


class OneProcessDDP(World):
    """A one-process world that still takes the distributed code path (DDP, all-reduce)."""

    @property
    def distributed(self) -> bool:
        return True


def _config(data: Path, out: Path, **changes: object) -> TrainConfig:
    steps = {"iters": 4, "log_every": 1, "sample_every": 4, "checkpoint_every": 2}
    return TrainConfig(data=str(data), out=str(out), model="tiny", **(steps | changes))


def _losses(run: Path) -> list[dict[str, float]]:
    records = MetricsLog(run / METRICS_FILE).read()
    for record in records:
        assert all(math.isfinite(v) for v in record.values()), record
    return records


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_training_steps_on_cuda_are_finite_and_resume(
    world_dir: Path, tmp_path: Path, precision: str
) -> None:
    cfg = _config(world_dir, tmp_path, precision=precision)
    run = new_run_dir(tmp_path, "cuda")
    trainer = Trainer(cfg, run, CUDA)
    assert next(trainer.G.parameters()).is_cuda and next(trainer.D.parameters()).is_cuda
    trainer.fit()
    assert [r["step"] for r in _losses(run)] == [1, 2, 3, 4]
    assert (run / CHECKPOINT).is_file()
    resumed = Trainer(cfg.updated(iters=6), run, CUDA, resume=True)
    assert resumed.step == 4
    resumed.fit()
    assert [r["step"] for r in _losses(run)] == [1, 2, 3, 4, 5, 6]


def test_torchrun_one_process_trains_on_cuda(world_dir: Path, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "1"]
    cmd += ["--master_port", "29531", "-m", "casa_studio", "train", "--data", str(world_dir)]
    cmd += ["--config", "tiny", "--iters", "4", "--out", str(tmp_path / "runs")]
    cmd += ["--checkpoint-every", "2", "--sample-every", "4"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    (run,) = (tmp_path / "runs").iterdir()
    assert [r["step"] for r in _losses(run)] == [4] and (run / CHECKPOINT).is_file()


def test_ddp_over_nccl_in_a_one_process_group(world_dir: Path, tmp_path: Path) -> None:
    """The multi-GPU path (DDP wrappers, NCCL all-reduce of the logged losses) on one GPU."""
    import torch.distributed as dist

    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29533")
    dist.init_process_group("nccl", rank=0, world_size=1, device_id=torch.device("cuda", 0))
    try:
        world = OneProcessDDP(0, 1, torch.device("cuda", 0))
        run = new_run_dir(tmp_path, "ddp")
        trainer = Trainer(_config(world_dir, tmp_path, iters=2, checkpoint_every=1), run, world)
        trainer.fit()
        assert [r["step"] for r in _losses(run)] == [1, 2]
        assert (run / CHECKPOINT).is_file()
    finally:
        dist.destroy_process_group()
