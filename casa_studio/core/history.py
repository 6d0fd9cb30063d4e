"""Undo history: commands grouped per user action (a whole stroke or slider gesture is one
step), a clean marker for the saved state, and a memory bound that drops the oldest steps.
It knows of a command only what `Entry` says; what a command does is the document's business."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class Entry(Protocol):
    """What the history needs of a command: its menu text and the memory it holds."""

    text: str

    def nbytes(self) -> int: ...


E = TypeVar("E", bound=Entry)


@dataclass
class Step(Generic[E]):
    text: str
    commands: list[E] = field(default_factory=list)

    def nbytes(self) -> int:
        return sum(c.nbytes() for c in self.commands)


class History(Generic[E]):
    """Steps before `index` are done; those from `index` on can be redone."""

    def __init__(self, limit_bytes: int = 512 * 1024 * 1024) -> None:
        self.steps: list[Step[E]] = []
        self.index = 0
        self.clean_index: int | None = 0
        self.limit_bytes = limit_bytes
        self.open: Step[E] | None = None

    def record(self, command: E) -> None:
        """Add an executed command: to the open group, or as a step of its own."""
        if self.open is not None:
            self.open.commands.append(command)
            return
        self._push(Step(command.text, [command]))

    def begin(self, text: str) -> None:
        self.open = Step(text)

    def end(self) -> None:
        step, self.open = self.open, None
        if step is not None and step.commands:
            self._push(step)

    def take_open(self) -> Step[E] | None:
        """Close the open group without keeping it (to abort a stroke)."""
        step, self.open = self.open, None
        return step

    def _push(self, step: Step[E]) -> None:
        del self.steps[self.index :]
        if self.clean_index is not None and self.clean_index > self.index:
            self.clean_index = None  # the saved state can no longer be reached
        self.steps.append(step)
        self.index += 1
        self._trim()

    def _trim(self) -> None:
        total = sum(s.nbytes() for s in self.steps)
        while total > self.limit_bytes and self.index > 1:
            total -= self.steps.pop(0).nbytes()
            self.index -= 1
            self.clean_index = None if self.clean_index in (None, 0) else self.clean_index - 1

    @property
    def can_undo(self) -> bool:
        return self.index > 0 and self.open is None

    @property
    def can_redo(self) -> bool:
        return self.index < len(self.steps) and self.open is None

    def undo_step(self) -> Step[E] | None:
        if not self.can_undo:
            return None
        self.index -= 1
        return self.steps[self.index]

    def redo_step(self) -> Step[E] | None:
        if not self.can_redo:
            return None
        self.index += 1
        return self.steps[self.index - 1]

    def undo_text(self) -> str:
        return self.steps[self.index - 1].text if self.can_undo else ""

    def redo_text(self) -> str:
        return self.steps[self.index].text if self.can_redo else ""

    @property
    def is_clean(self) -> bool:
        return self.clean_index == self.index

    def mark_clean(self) -> None:
        self.clean_index = self.index
