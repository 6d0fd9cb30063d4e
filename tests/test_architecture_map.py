"""docs/architecture.md is the map of the package: every module is on it, and it names none that
is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "casa_studio"


def _tree_section() -> str:
    text = MAP.read_text(encoding="utf-8")
    start = text.index("## The tree")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def _mapped() -> set[str]:
    """Module paths in the tree's tables: the first cell of each row, relative to the package."""
    rows = re.findall(r"^\| `([\w/]+\.py)` \|", _tree_section(), flags=re.MULTILINE)
    return set(rows)


def _modules() -> set[str]:
    return {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}


def test_every_module_is_on_the_map() -> None:
    missing = sorted(_modules() - _mapped())
    assert not missing, f"docs/architecture.md does not map: {missing}"


def test_the_map_names_no_module_that_is_gone() -> None:
    gone = sorted(_mapped() - _modules())
    assert not gone, f"docs/architecture.md maps modules that do not exist: {gone}"


def test_the_readme_links_to_the_map_inside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/architecture.md)" in readme
