"""Running one hostile input through one entry point: the outcome (clear error, accepted,
anything else), seconds taken, peak memory (Python and numpy allocations by tracemalloc, the
whole process by sampling its resident size) and whether the input was left untouched."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import traceback
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from casa_studio.errors import USER_ERRORS

if TYPE_CHECKING:
    from tests.fuzz.hostile import Case

PAGE = os.sysconf("SC_PAGE_SIZE")
SECONDS = 5.0  # "a few seconds each"
PEAK_MB = 400.0  # far below the 2 GB project budget: hostile input is refused before bytes
TALLY: dict[str, Counter[str]] = defaultdict(Counter)


class Reported(Exception):
    """The entry point showed the user a message (status bar, dialog) instead of raising."""


@dataclass(frozen=True)
class Outcome:
    kind: str  # "clear", "accepted" or "other"
    message: str
    seconds: float
    peak_mb: float


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class _Sampler(threading.Thread):
    """Highest resident size seen every 2 ms while the entry point runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _rss()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.002):
            self.peak = max(self.peak, _rss())


def _digest(path: Path) -> str:
    if not path.is_file() and not path.is_dir():  # a device, pipe or link to one: never read
        return f"{path.lstat().st_mode}:{os.readlink(path) if path.is_symlink() else ''}"
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        info = file.stat()  # a file over any budget (sparse) is known by its size and time
        content = file.read_bytes() if info.st_size < 1 << 28 else b"%d" % info.st_mtime_ns
        digest.update(str(file.relative_to(path.parent)).encode() + content)
    return digest.hexdigest()


def one_sentence(message: str) -> bool:
    return (
        bool(message) and "\n" not in message and "Traceback" not in message and len(message) < 600
    )


def attempt(entry: str, run: Callable[[], object], inputs: list[Path]) -> Outcome:
    """Run `run()`, classify its outcome and measure it; fails if an input was changed."""
    before = {p: _digest(p) for p in inputs}
    base = _rss()
    sampler = _Sampler()
    sampler.start()
    tracemalloc.start()
    start = time.perf_counter()
    try:
        run()
        kind, message = "accepted", ""
    except (*USER_ERRORS, Reported) as exc:
        message = str(exc)
        kind = "clear" if one_sentence(message) else "other"
    except Exception:  # anything else is what this suite exists to find
        kind, message = "other", traceback.format_exc()
    finally:
        seconds = time.perf_counter() - start
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        sampler.done.set()
        sampler.join()
    peak = max(traced, sampler.peak - base) / 2**20
    after = {p: _digest(p) for p in inputs if p.exists() or p.is_symlink()}
    assert after == before, f"{entry}: an input file was changed or removed"
    TALLY[entry][kind] += 1
    return Outcome(kind, message, seconds, peak)


def check(outcome: Outcome, accept: bool, seconds: float = SECONDS) -> None:
    """Clear error or correct load as expected, in a few seconds, within the memory limit."""
    wanted = "accepted" if accept else "clear"
    assert outcome.kind == wanted, f"{outcome.kind}: {outcome.message}"
    assert outcome.seconds < seconds, f"took {outcome.seconds:.1f} s"
    assert outcome.peak_mb < PEAK_MB, f"peak {outcome.peak_mb:.0f} MB"


def attempt_all(cases: list[Case], entry: str, run: Callable[[Case], object]) -> None:
    """Run every case; report every failing one at once."""
    failures = []
    for case in cases:
        outcome = attempt(entry, lambda c=case: run(c), [case.path])
        try:
            check(outcome, case.accept)
        except AssertionError as exc:
            failures.append(f"{case.kind}/{case.name}: {exc}")
    assert not failures, "\n".join(failures)
