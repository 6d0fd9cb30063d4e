"""Manifest migrations: each step turns format N into N+1, so any older project opens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Manifest = dict[str, Any]


def _v1_to_v2(manifest: Manifest) -> Manifest:
    """Format 1 kept one image seed (None: typical styles); format 2 keeps per-class sources,
    locks and shape edits. A seed becomes a random source for every class; its tokens are not
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


STORED_KINDS = ("reference", "library", "mixed")


def _v2_to_v3(manifest: Manifest) -> Manifest:
    """Format 2 stored a token per class (NaN: none) beside each source; format 3 keeps
    tokens only for sources that cannot be derived again, each naming its rows of the styles
    array (key "rows"). A random, look or typical source drops its token (the engine derives
    it); a stored one keeps row c of the same styles file as its one token."""
    styles = manifest.get("styles", {})
    sources = [
        {**s, "rows": [c, 1]} if s.get("kind") in STORED_KINDS else s
        for c, s in enumerate(styles.get("sources", []))
    ]
    stored = any("rows" in s for s in sources)
    return {
        **manifest,
        "format_version": 3,
        "styles": {**styles, "sources": sources, "file": styles.get("file") if stored else None},
    }


STEPS: dict[int, Callable[[Manifest], Manifest]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(manifest: Manifest, current: int) -> Manifest:
    """Apply the steps from the manifest's version up to `current`."""
    version = int(manifest.get("format_version", 1))
    while version < current:
        manifest = STEPS[version](manifest)
        version = int(manifest["format_version"])
    return manifest
