"""The architecture's layer contracts and the lint rules hold for the whole package."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_layers_are_kept() -> None:
    exe = shutil.which("lint-imports")
    assert exe, "import-linter is part of the test extras"
    out = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:]


def test_ruff_finds_nothing() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "casa_studio", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-2000:]


def _contract(name_start: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["name"].startswith(name_start))


def _members() -> set[str]:
    """casa_studio's top-level packages and modules, as dotted names."""
    package = ROOT / "casa_studio"
    found = {p.stem for p in package.glob("*.py")} | {
        p.parent.name for p in package.glob("*/__init__.py")
    }
    return {f"casa_studio.{name}" for name in found - {"__init__", "__main__"}}


def test_the_qt_contract_covers_every_package_but_ui_and_cli() -> None:
    """A new package is held to "no Qt" without anyone remembering to list it."""
    sources = set(_contract("No Qt outside")["source_modules"])
    assert sources == _members() - {"casa_studio.ui", "casa_studio.cli"}


def test_leaf_modules_import_only_the_standard_library_and_libraries() -> None:
    leaves = _contract("Leaf modules import nothing")["source_modules"]
    for module in leaves:
        tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text("utf-8"))
        names = [
            node.module or ""
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 0
        ] + [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
        assert not [n for n in names if n.split(".")[0] == "casa_studio"], module


@pytest.mark.slow  # about 20 s (40 s on a busy 2-core machine); runs in CI like every test
def test_mypy_finds_nothing() -> None:
    """architecture.md promises a type checker: mypy with pyproject's [tool.mypy] settings."""
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "casa_studio"], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout[-4000:]
