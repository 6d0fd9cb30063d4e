"""Few malloc arenas for the long-running window. glibc gives each thread that allocates its
own arena; the render worker's and Qt's threads free their large buffers into arenas that are
rarely given back, so resident memory climbs with every operation (the soak: +163 MB per 1,000
operations with live preview, +4 MB with two arenas; bench/memory_soak.py). Set before the
worker thread starts; a no-op where the C library is not glibc."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter number
ARENAS = 2


def limit_malloc_arenas() -> bool:
    """True when glibc took the limit."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, ARENAS))
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
