"""The window limits glibc's malloc arenas (the soak's memory growth came from per-thread
arenas, not from anything Python holds)."""

from __future__ import annotations

import sys

import pytest

from casa_studio.ui.malloc_arenas import limit_malloc_arenas


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_glibc_takes_the_arena_limit() -> None:
    assert limit_malloc_arenas()
