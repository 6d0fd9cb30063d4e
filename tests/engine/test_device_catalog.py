from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from casa_studio.engine import device
from casa_studio.engine.catalog import default_model, list_models, resolve_model
from casa_studio.engine.device import placement, resolve_device
from casa_studio.engine.errors import EngineError


def test_device_resolution() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    with pytest.raises(EngineError, match="unknown device 'tpu'"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(EngineError, match="no CUDA GPU"):
            resolve_device("cuda")
    assert placement("cpu", "fp32").dtype == torch.float32
    assert placement("cpu", "fp32").label == "cpu (fp32)"
    with pytest.raises(EngineError, match="unknown precision"):
        placement("cpu", "int4")


def test_catalog_lists_resolves_and_flags_broken_folders(tiny_folder: Path, tmp_path: Path) -> None:
    root = tmp_path / "models"
    shutil.copytree(tiny_folder, root / "good")
    (root / "broken").mkdir()
    (root / "broken" / "config.json").write_text(json.dumps({"name": "x"}))
    (root / "not-a-model").mkdir()
    entries = {e.name: e for e in list_models([root])}
    assert set(entries) == {"good", "broken"}
    assert entries["good"].config is not None and entries["good"].weights_bytes > 0
    assert entries["broken"].config is None and "stages" in entries["broken"].problem
    assert resolve_model("good", [root]) == root / "good"
    assert resolve_model(str(tiny_folder), [root]) == tiny_folder
    assert default_model([root]) == root / "good"  # the broken one is skipped
    with pytest.raises(
        EngineError,
        match=r"no model folder or installed model named 'nope' \(known: broken, good\)",
    ):
        resolve_model("nope", [root])
    with pytest.raises(EngineError, match="no model installed"):
        default_model([tmp_path / "empty"])


def _cpu_reports(monkeypatch: pytest.MonkeyPatch, isa: str, avx512_bf16: bool, amx: bool) -> None:
    """Stands in for the capability functions PyTorch reads from CPUID; the timing probe must
    not run wherever the capabilities decide."""
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: isa)
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: avx512_bf16)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx)
    monkeypatch.setattr(device, "_bf16_probe", lambda: pytest.fail("probed"))


@pytest.mark.parametrize(
    ("isa", "avx512_bf16", "amx", "native"),
    [
        ("AVX512", True, False, True),  # Cooper Lake, Zen 4
        ("AVX512", True, True, True),  # Sapphire Rapids
        ("AVX512", False, True, True),  # AMX reported alone
        ("AVX512", False, False, False),  # Skylake-SP: AVX-512 without BF16
        ("AVX2", False, False, False),  # this machine
    ],
)
def test_cpu_precision_follows_the_reported_capabilities(
    monkeypatch: pytest.MonkeyPatch, isa: str, avx512_bf16: bool, amx: bool, native: bool
) -> None:
    _cpu_reports(monkeypatch, isa, avx512_bf16, amx)
    assert device.bf16_from_capabilities() is native


def test_a_busy_cpu_with_native_bf16_still_gets_bf16(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old timing probe picked fp32 when the cores were busy; capabilities do not."""
    _cpu_reports(monkeypatch, "AVX512", True, False)
    monkeypatch.setattr(device, "_best_time", lambda fn, repeats=3: pytest.fail("timed"))
    device.cpu_runs_bf16_natively.cache_clear()
    try:
        assert device.placement("cpu").label == "cpu (bf16)"
    finally:
        device.cpu_runs_bf16_natively.cache_clear()


def test_the_probe_breaks_the_tie_only_where_no_bf16_flag_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _cpu_reports(monkeypatch, "SVE256", False, False)  # an Arm CPU: PyTorch has no bf16 flag
    monkeypatch.setattr(device, "_bf16_probe", lambda: True)
    assert device.bf16_from_capabilities() is True


def test_this_avx2_machine_renders_in_fp32() -> None:
    if torch.backends.cpu.get_cpu_capability() != "AVX2" or torch.cpu._is_avx512_bf16_supported():
        pytest.skip("the claim is about an AVX2-only CPU")
    assert device.bf16_from_capabilities() is False
