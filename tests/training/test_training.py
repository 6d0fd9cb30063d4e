"""Training runs on a tiny procedural world: end to end, exact resume, stages, DDP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from casa_studio.cli import main
from casa_studio.data.errors import DataError
from casa_studio.model.checkpoint import load_model
from casa_studio.model.errors import CheckpointError
from casa_studio.model.look_bank import LookBank
from casa_studio.model.vgg import VGG19Features, vgg_loss
from casa_studio.training.loop import Trainer
from casa_studio.training.package import package_run
from casa_studio.training.run_dir import latest_run
from tests.training.conftest import CPU
from tests.training.conftest import tiny_trainer as _trainer


def test_cli_synth_train_package_render(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    world = tmp_path / "world"
    assert (
        main(
            ["dataset", "synth", "--count", "6", "--size", "40", "--workers", "1", "-o", str(world)]
        )
        == 0
    )
    assert main(["dataset", "check", str(world)]) == 0
    assert "OK" in capsys.readouterr().out
    runs = tmp_path / "runs"
    assert main(_train_args(world, runs, iters=20, checkpoint_every=10, sample_every=10)) == 0
    run = latest_run(runs)
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [10, 20]
    assert {"g_att", "g_gan", "g_fm", "g_l1", "d_hinge", "sec_per_step"} <= records[-1].keys()
    assert (run / "samples" / "step_0000020.png").is_file()
    model = tmp_path / "model"
    assert main(["models", "package", str(run), "-o", str(model)]) == 0
    _, info = load_model(model)
    assert [c.name for c in info.config.classes][:3] == ["sky", "cloud", "mountain"]
    assert "iterations: 20" in (model / "MODEL_CARD.md").read_text()
    bank = LookBank.read(model, 11, info.config.token_dim)  # from the run's 6 scenes
    assert bank is not None and len(bank.styles) == 6 and bank.looks
    out = tmp_path / "render.png"
    labels = world / "labels" / "000001.png"
    assert (
        main(
            [
                "render",
                "--model",
                str(model),
                "--labels",
                str(labels),
                "--seed",
                "2",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert np.asarray(Image.open(out)).shape == (32, 32, 3)


def test_resume_continues_exactly_where_an_interrupted_run_stopped(
    world_dir: Path, tmp_path: Path
) -> None:
    straight = _trainer(world_dir, tmp_path / "a")
    straight.fit()

    interrupted = _trainer(world_dir, tmp_path / "b")

    def stop_at_four(step: int, record: dict) -> None:
        if step == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(stop_at_four)
    resumed = Trainer(interrupted.cfg, interrupted.run, CPU, resume=True)
    assert resumed.step == 4
    resumed.fit()
    for key, value in straight.G.state_dict().items():
        assert torch.equal(resumed.G.state_dict()[key], value), key
    for key, value in straight.D.state_dict().items():
        assert torch.equal(resumed.D.state_dict()[key], value), key
    steps = [
        json.loads(line)["step"]
        for line in (resumed.run / "metrics.jsonl").read_text().splitlines()
    ]
    assert steps == [1, 2, 3, 4, 5, 6]


def test_batch_larger_than_the_dataset_is_refused(world_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="batch size 11 is larger"):
        _trainer(world_dir, tmp_path, batch=11)


def test_noise_stage_trains_only_the_mapping_network(world_dir: Path, tmp_path: Path) -> None:
    main_run = _trainer(world_dir, tmp_path / "main", iters=2)
    main_run.fit()
    folder = package_run(main_run.run, tmp_path / "m").path
    noise = _trainer(world_dir, tmp_path / "noise", stage="noise", init=str(folder), iters=3)
    before = {k: v.clone() for k, v in noise.G.state_dict().items()}
    noise.fit()
    changed = {k for k, v in noise.G.state_dict().items() if not torch.equal(v, before[k])}
    assert changed and all(k.startswith("noise_encoder.") for k in changed)
    record = json.loads((noise.run / "metrics.jsonl").read_text().splitlines()[-1])
    assert "g_ds" in record and "g_fm" not in record


def test_ema_weights_are_packaged(world_dir: Path, tmp_path: Path) -> None:
    trainer = _trainer(world_dir, tmp_path, ema=0.5, iters=3)
    trainer.fit()
    ema = load_model(package_run(trainer.run, tmp_path / "ema").path)[0].state_dict()
    raw = load_model(package_run(trainer.run, tmp_path / "raw", use_ema=False).path)[0].state_dict()
    key = "res2.in_layers.2.weight"
    assert torch.equal(raw[key], trainer.G.state_dict()[key])
    assert not torch.equal(ema[key], raw[key])


def test_vgg_weights_from_a_torchvision_format_file(tmp_path: Path) -> None:
    torch.manual_seed(0)
    state = {k: torch.randn_like(v) * 0.05 for k, v in VGG19Features().state_dict().items()}
    state["classifier.0.weight"] = torch.zeros(2, 2)  # ignored, as in torchvision files
    torch.save(state, tmp_path / "vgg19.pth")
    vgg = VGG19Features.from_file(tmp_path / "vgg19.pth")
    x = torch.rand(1, 3, 64, 64) * 2 - 1
    assert [f.shape[1] for f in vgg(x)] == [64, 128, 256, 512, 512]
    assert vgg_loss(vgg, x, x) == 0 and vgg_loss(vgg, x, -x) > 0
    torch.save({"fc.weight": torch.zeros(1)}, tmp_path / "other.pth")
    with pytest.raises(CheckpointError, match="not torchvision VGG19 weights"):
        VGG19Features.from_file(tmp_path / "other.pth")


def test_train_cli_errors_are_clear(
    world_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert (
        main(
            [
                "train",
                "--data",
                str(tmp_path / "missing"),
                "--config",
                "tiny",
                "--out",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert "dataset folder not found" in capsys.readouterr().err
    assert main(["train", "--resume", "--out", str(tmp_path / "none")]) == 2
    assert "no run with a checkpoint" in capsys.readouterr().err
    assert (
        main(["train", "--data", str(world_dir), "--stage", "noise", "--out", str(tmp_path)]) == 2
    )
    assert "needs --init" in capsys.readouterr().err
    assert main(["train", "--data", str(world_dir), "--config", "tiny", "--dry-run"]) == 0
    assert "dry run: 10 pairs" in capsys.readouterr().out


def _train_args(
    data: Path, out: Path, *, iters: int, checkpoint_every: int, sample_every: int
) -> list[str]:
    """`train` on the tiny config: the arguments after `-m casa_studio`."""
    return [
        *("train", "--data", str(data), "--config", "tiny", "--iters", str(iters)),
        *("--out", str(out), "--checkpoint-every", str(checkpoint_every)),
        *("--sample-every", str(sample_every)),
    ]


@pytest.mark.slow
def test_torchrun_two_processes_on_gloo(world_dir: Path, tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node",
        "2",
        "--master_port",
        "29517",
        "-m",
        "casa_studio",
        *_train_args(world_dir, tmp_path / "runs", iters=4, checkpoint_every=2, sample_every=4),
    ]
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    runs = list((tmp_path / "runs").iterdir())
    assert len(runs) == 1  # one run folder, made by rank 0 only
    steps = [
        json.loads(line)["step"] for line in (runs[0] / "metrics.jsonl").read_text().splitlines()
    ]
    assert steps == [4]
    assert (runs[0] / "checkpoints" / "latest.pt").is_file()


def test_segmenter_trains_packages_into_the_model_folder_and_evaluates(
    world_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    runs = tmp_path / "runs"
    gan = [
        "train",
        "--data",
        str(world_dir),
        "--config",
        "tiny",
        "--iters",
        "2",
        "--out",
        str(runs),
    ]
    assert main(gan) == 0
    model = tmp_path / "model"
    assert main(["models", "package", str(latest_run(runs)), "-o", str(model)]) == 0
    seg = [
        "train",
        "--task",
        "segmenter",
        "--data",
        str(world_dir),
        "--config",
        "tiny",
        "--iters",
        "30",
        "--batch",
        "4",
        "--out",
        str(runs),
        "--lr",
        "0.003",
    ]
    assert main(seg) == 0
    records = [
        json.loads(line) for line in (latest_run(runs) / "metrics.jsonl").read_text().splitlines()
    ]
    assert records[-1]["ce"] < records[0]["ce"]
    assert main(["models", "package", str(latest_run(runs)), "-o", str(model)]) == 0
    assert (model / "segmenter.safetensors").is_file()
    capsys.readouterr()
    grid = tmp_path / "grid.png"
    evaluate = [
        "models",
        "evaluate",
        str(model),
        "--data",
        str(world_dir),
        "--scenes",
        "2",
        "--reference",
        "2",
        "--device",
        "cpu",
        "--grid",
        str(grid),
    ]
    assert main(evaluate) == 0
    assert np.asarray(Image.open(grid)).shape == (4 * 32, 5 * 32, 3)
    out = capsys.readouterr().out
    for key in ("high-frequency power", "attention mIoU", "segmenter mIoU", "2 held-out scenes"):
        assert key in out
    assert main(["models", "package", str(latest_run(runs)), "-o", str(tmp_path / "nowhere")]) == 2
    assert "existing model folder" in capsys.readouterr().err


def test_sigterm_saves_a_checkpoint_for_an_exact_resume(world_dir: Path, tmp_path: Path) -> None:
    import signal
    import time

    runs = tmp_path / "runs"
    never = 100000
    cmd = [
        *(sys.executable, "-m", "casa_studio"),
        *_train_args(world_dir, runs, iters=never, checkpoint_every=never, sample_every=never),
    ]
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120

    def logged() -> bool:  # the first metrics line is written at step 10 (log_every)
        return any(f.read_text().strip() for f in runs.glob("*/metrics.jsonl"))

    while time.time() < deadline and not logged():
        time.sleep(0.2)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err[-2000:]
    run = latest_run(runs)
    step = int(torch.load(run / "checkpoints" / "latest.pt", weights_only=True)["step"])
    assert step >= 10  # saved at the last full step, not at a scheduled checkpoint
