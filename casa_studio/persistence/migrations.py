"""Manifest migrations: each step turns format N into N+1, so any older project opens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Manifest = dict[str, Any]


def _v1_to_v2(manifest: Manifest) -> Manifest:
    """Format 1 kept one image seed (None: typical styles); format 2 keeps per-class sources,
    locks and shape edits. A seed becomes a random source for every class; its rows are not
    in the file and are recomputed from the seed when the project opens."""
    seed = manifest.get("styles", {}).get("seed")
    count = len(manifest["palette"])
    source = (
        {"kind": "typical", "seed": None, "name": ""}
        if seed is None
        else {"kind": "random", "seed": int(seed), "name": ""}
    )
    return {
        **manifest,
        "format_version": 2,
        "styles": {"sources": [source] * count, "locked": [], "file": None},
        "shapes": [],
    }


STEPS: dict[int, Callable[[Manifest], Manifest]] = {1: _v1_to_v2}


def migrate(manifest: Manifest, current: int) -> Manifest:
    """Apply the steps from the manifest's version up to `current`."""
    version = int(manifest.get("format_version", 1))
    while version < current:
        manifest = STEPS[version](manifest)
        version = int(manifest["format_version"])
    return manifest
