"""The device check's report: the machine, each step's exit code and time, the GPU test
results (JUnit XML) and the benchmark figures, into OUT/report.json and OUT/report.txt.

    python bench/device_report.py OUT          # called by bench/device_check.sh
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def machine() -> dict[str, object]:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True)
    info: dict[str, object] = {"commit": commit.stdout.strip() or "unknown"}
    try:  # the report is written even when the install failed
        import torch
    except ImportError:
        return info | {"python": platform.python_version(), "torch": None, "torch_cuda": None}
    cuda = torch.cuda.is_available()
    info |= {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_cuda": torch.version.cuda,
        "cuda_available": cuda,
        "cpu_threads": torch.get_num_threads(),
    }
    if cuda:
        props = torch.cuda.get_device_properties(0)
        info |= {"gpu": props.name, "gpu_memory_gib": round(props.total_memory / 2**30, 1)}
    return info


def junit_summary(xml: Path) -> dict[str, object]:
    """Counts and the names (with the first line of the message) of failed tests."""
    if not xml.is_file():
        return {"missing": str(xml.name)}
    suite = ET.parse(xml).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    failed = []
    for case in suite.iter("testcase"):
        for problem in (*case.findall("failure"), *case.findall("error")):
            message = (problem.get("message") or "").splitlines()
            failed.append(f"{case.get('name')}: {message[0] if message else ''}"[:300])
    counts = {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}
    return counts | {"failed": failed}


def _json(path: Path) -> object:
    return json.loads(path.read_text()) if path.is_file() else None


def collect(out: Path) -> dict[str, object]:
    steps_file = out / "steps.jsonl"
    steps = (
        [json.loads(line) for line in steps_file.read_text().splitlines()]
        if steps_file.is_file()
        else []
    )
    return {
        "machine": machine(),
        "steps": steps,
        "gpu_tests": junit_summary(out / "gpu-tests.xml"),
        "render": _json(out / "render.json"),
        "render_compiled": _json(out / "render-compiled.json"),
        "train_step": _json(out / "train-step.json"),
        "trained_model": trained(out),
    }


def trained(out: Path) -> dict[str, object] | None:
    """The packaged model of `--train-minutes` and the last line of its run's metrics."""
    metrics = out / "train" / "metrics.jsonl"
    if not metrics.is_file():
        return None
    lines = metrics.read_text().splitlines()
    model = out / "train" / "model"
    return {
        "last": json.loads(lines[-1]) if lines else None,
        "model": str(model) if (model / "config.json").is_file() else "not packaged",
    }


def _render_lines(figures: dict) -> list[str]:
    lines = []
    for name, data in figures["presets"].items():
        lines.append(f"  {name}: plain eager fp32 baseline {data['baseline_ms']:.1f} ms/image")
        for path, row in data["rows"].items():
            lines.append(
                f"    {path:28} {row['ms_batch1']:8.1f} ms @1 ({row['speedup_batch1']:.2f}x)  "
                f"{row['images_per_s']:8.1f} img/s @{row['best_batch']} "
                f"({row['speedup_throughput']:.2f}x)"
                + (f"  compile {row['compile_s']:.0f} s" if "compile_s" in row else "")
            )
    return lines


def text(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"CASA Studio device check — commit {m['commit'][:10]}",
        f"machine: {m.get('gpu', 'no GPU')} ({m.get('gpu_memory_gib', 0)} GiB), torch {m['torch']} "
        f"(CUDA {m['torch_cuda']}), python {m['python']}",
        "",
        "steps:",
        *(f"  {s['step']:16} rc {s['rc']:>3}  {s['seconds']:>5} s" for s in report["steps"]),
        "",
        f"GPU tests: {json.dumps({k: v for k, v in report['gpu_tests'].items() if k != 'failed'})}",
        *(f"  FAILED {f}" for f in report["gpu_tests"].get("failed", [])),
    ]
    for key in ("render", "render_compiled"):
        if report[key]:
            lines += ["", f"{key.replace('_', ' ')} ({report[key]['device_name']}):"]
            lines += _render_lines(report[key])
    if report["train_step"]:
        lines += ["", "training step, batch 2 (s/step: plain fp32 → optimized):"]
        lines += [
            f"  {name:24} {f['baseline_s']:.3f} → {f['optimized_s']:.3f} ({f['speedup']:.2f}x)"
            for name, f in report["train_step"].items()
        ]
    if report["trained_model"]:
        lines += ["", f"trained model: {json.dumps(report['trained_model'])}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    out = Path(sys.argv[1])
    report = collect(out)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "report.txt").write_text(text(report))
    print(text(report))


if __name__ == "__main__":
    main()
