"""The device script's CPU dry run: every step passes and the report has the figures.
(Not marked `gpu`: it runs everywhere; the GPU run itself happens on a lent machine.)"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from casa_studio.model.checkpoint import load_model

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_device_check_dry_run_reports_every_step(tmp_path: Path) -> None:
    out = tmp_path / "report"
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    cmd = ["bash", "bench/device_check.sh", "--dry-run", "--out", str(out), "--train-minutes", "1"]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    steps = {s["step"]: s["rc"] for s in report["steps"]}
    assert steps == {"gpu-tests": 0, "render-bench": 0, "train-bench": 0, "train": 0}
    tests = report["gpu_tests"]
    assert tests["tests"] >= 10 and tests["skipped"] == tests["tests"]  # no CUDA here
    rows = report["render"]["presets"]["tiny"]["rows"]
    assert set(rows) == {"fp32", "fp16", "bf16"} and report["render"]["dry_run"]
    assert all(r["ms_batch1"] > 0 and r["speedup_batch1"] > 0 for r in rows.values())
    assert report["train_step"]["tiny"]["speedup"] > 0
    assert report["trained_model"]["last"]["step"] == 2
    _, info = load_model(out / "train" / "model")
    assert info.config.name == "landscape-slim"
    text = (out / "report.txt").read_text()
    assert "plain eager fp32 baseline" in text and "GPU tests" in text
