"""Signal: a minimal observer list for the document model, so core stays free of Qt."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any


class Signal:
    """connect/disconnect/emit; bound methods are held weakly, plain functions strongly."""

    def __init__(self) -> None:
        self._slots: list[Callable[[], Callable[..., Any] | None]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        if hasattr(slot, "__self__") and hasattr(slot, "__func__"):
            ref = weakref.WeakMethod(slot)
            self._slots.append(ref)
        else:
            self._slots.append(_strong(slot))

    def disconnect(self, slot: Callable[..., Any]) -> None:
        self._slots = [r for r in self._slots if r() != slot]

    def emit(self, *args: Any) -> None:
        alive = []
        for ref in self._slots:
            slot = ref()
            if slot is not None:
                alive.append(ref)
                slot(*args)
        self._slots = alive


def _strong(slot: Callable[..., Any]) -> Callable[[], Callable[..., Any]]:
    """A reference that always resolves: plain functions and lambdas have no owner to die."""
    return lambda: slot
