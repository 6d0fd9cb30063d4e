"""ValueSlider: a horizontal slider that writes its value beside it ("60 %", "-15°") and
announces what the user does with it as gestures: a drag (press, moves, release), a key step
(arrows, PageUp/PageDown, Home/End; a held key until it is let go), a wheel notch or a click in
the groove each arrive as `began`, `moved(value)`…, `ended`, so a panel wires every kind of
input in one place and each gesture is one undo step (`follow`). Values set by code announce
nothing."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

K = Qt.Key
STEP_KEYS = {K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down, K.Key_PageUp, K.Key_PageDown}
STEP_KEYS |= {K.Key_Home, K.Key_End}


class ValueSlider(QSlider):
    began = Signal()
    moved = Signal(int)
    ended = Signal()

    def __init__(self, low: int, high: int, value: int = 0, text: str = "{}") -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setRange(low, high)
        self.setValue(value)
        self.text = text
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        widest = max(len(text.format(low)), len(text.format(high)))
        self.label.setMinimumWidth(self.label.fontMetrics().averageCharWidth() * (widest + 1))
        self.gesturing = False
        self.valueChanged.connect(self._on_value)
        self.sliderPressed.connect(self._begin)  # a drag started by code (tests, accessibility)
        self.sliderReleased.connect(self._end)
        self._gesture = ExitStack()
        self._show(value)

    def _show(self, value: int) -> None:
        self.label.setText(self.text.format(value))

    def _on_value(self, value: int) -> None:
        self._show(value)
        if self.gesturing:
            self.moved.emit(value)

    def _begin(self) -> None:
        if not self.gesturing:
            self.gesturing = True
            self.began.emit()

    def _end(self) -> None:
        if self.gesturing and not self.isSliderDown():
            self.gesturing = False
            self.ended.emit()

    # --- every user input is one gesture ----------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._begin()  # before Qt moves the value: a click in the groove is inside the gesture
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self._end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A step key opens the gesture; holding it (auto-repeat) stays in the same one."""
        if event.key() in STEP_KEYS:
            self._begin()
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        super().keyReleaseEvent(event)
        if event.key() in STEP_KEYS and not event.isAutoRepeat():
            self._end()  # the key is up: one undo step for the whole hold

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._end()  # a key held while focus left never sends its release here

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._begin()
        super().wheelEvent(event)
        self._end()

    def follow(
        self,
        gesture: Callable[[], AbstractContextManager[object]],
        move: Callable[[int], None],
        rest: int | None = None,
    ) -> None:
        """Run each user gesture inside `with gesture():`, calling `move(value)` for every
        value it passes; with `rest`, the slider springs back to it when the gesture ends."""

        def begin() -> None:
            self._gesture.enter_context(gesture())

        def end() -> None:
            self._gesture.close()
            if rest is not None:
                self.spring_back(rest)

        self.began.connect(begin)
        self.moved.connect(move)
        self.ended.connect(end)

    def with_value(self) -> QWidget:
        """The slider and its value in one row, for a layout."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self, 1)
        layout.addWidget(self.label)
        return row

    def spring_back(self, value: int) -> None:
        """Back to the resting value without acting on it."""
        with QSignalBlocker(self):
            self.setValue(value)
        self._show(value)
