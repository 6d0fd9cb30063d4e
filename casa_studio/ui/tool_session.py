"""ToolSession: a document with the current tool, class and brush size, the pointer events
that drive the tool, and undo. The main editor and the reference-labels dialog each are one;
the canvas drives it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal

from casa_studio.core.document import Change, ChangeKind, Document
from casa_studio.core.raster import Point
from casa_studio.core.reshape import Transform
from casa_studio.core.tools import TOOLS, ReshapeTool, Tool, ToolContext, pick_class


class ToolSession(QObject):
    document_replaced = Signal()
    document_changed = Signal(object)  # Change
    document_settled = Signal()  # changed, and no gesture is open: time to recount classes
    class_changed = Signal(int)
    tool_changed = Signal(str)
    radius_changed = Signal(float)
    message = Signal(str)
    layer_chosen = Signal()  # a tool made another layer the active one

    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document
        radius = max(1.0, min(document.size) / 40)  # a brush that suits the canvas size
        self.context = ToolContext(class_id=first_class(document), radius=radius)
        self.recent_classes = [self.context.class_id]
        self.tool: Tool = TOOLS["brush"]()
        self._unsettled = False
        self._follow(document)

    def _follow(self, document: Document) -> None:
        document.changed.connect(self._on_change)

    def _on_change(self, change: Change) -> None:
        """Every change goes out at once; panels that count classes hear of it once a stroke
        or slider gesture is over (`document_settled`), not on each of its segments."""
        self.document_changed.emit(change)
        self._unsettled |= change.kind is not ChangeKind.HISTORY
        if self._unsettled and not self.document.in_gesture:
            self._unsettled = False
            self.document_settled.emit()

    def replace_document(self, document: Document) -> None:
        self.tool.cancel(self.document)
        self.document.changed.disconnect(self._on_change)
        self.document = document
        self._unsettled = False
        self._follow(document)
        self.document_replaced.emit()

    def set_tool(self, name: str) -> None:
        self.tool.cancel(self.document)
        self.tool = TOOLS[name]()
        self.tool_changed.emit(name)

    def set_class(self, class_id: int) -> None:
        if 0 <= class_id < len(self.document.palette):
            self.context.class_id = class_id
            self.recent_classes = [class_id, *(c for c in self.recent_classes if c != class_id)][:9]
            self.class_changed.emit(class_id)

    def use_recent_class(self, index: int) -> None:
        """Keys 1-9: the index-th most recently chosen class."""
        if index < len(self.recent_classes):
            self.set_class(self.recent_classes[index])

    def set_radius(self, radius: float) -> None:
        self.context.radius = float(min(max(radius, 0.5), 256.0))
        self.radius_changed.emit(self.context.radius)

    def press(self, p: Point, pick: bool = False) -> None:
        if pick:
            picked = pick_class(self.document, p)
            if picked is not None:
                self.set_class(picked)
            return
        active = self.document.active
        if not self.tool.press(self.document, p, self.context):
            self.message.emit("The active layer is locked or hidden")
        if self.document.active != active:
            self.layer_chosen.emit()

    def move(self, p: Point) -> None:
        self.tool.move(self.document, p, self.context)

    def release(self, p: Point) -> None:
        self.tool.release(self.document, p, self.context)

    @contextmanager
    def transforming(self) -> Iterator[None]:
        """One transform gesture on the reshape tool's selection (one undo step):
        `preview_transform` inside shows it live. Says why when there is nothing to transform."""
        tool = self.tool
        if not isinstance(tool, ReshapeTool) or tool.selection is None:
            self.message.emit("Pick an object with the reshape tool (V) first")
        elif not tool.begin(self.document, self.context):
            self.message.emit("The active layer is locked or hidden, or the object is gone")
        try:
            yield
        finally:
            if isinstance(tool, ReshapeTool):
                tool.commit(self.document)  # nothing to commit when it did not begin

    def preview_transform(self, t: Transform) -> None:
        """Inside `transforming`: show the selection transformed by `t` (from the start)."""
        if isinstance(self.tool, ReshapeTool):
            self.tool.preview(self.document, t)

    def transform(self, t: Transform) -> None:
        """Apply one transform to the reshape tool's selection (arrow keys)."""
        with self.transforming():
            self.preview_transform(t)

    def undo(self) -> None:
        self.tool.cancel(self.document)  # a reshape selection would point at stale pixels
        if not self.document.undo():
            self.message.emit("Nothing to undo")

    def redo(self) -> None:
        self.tool.cancel(self.document)
        if not self.document.redo():
            self.message.emit("Nothing to redo")


def first_class(document: Document) -> int:
    """The class to start painting with: the first that shows on the canvas, neither the
    background nor a near-white one (a white brush vanishes over the outline and the sky)."""
    for c in document.palette.classes:
        r, g, b = c.color
        if c.id != document.background and 0.3 * r + 0.59 * g + 0.11 * b < 200:
            return c.id
    return document.palette.classes[0].id
