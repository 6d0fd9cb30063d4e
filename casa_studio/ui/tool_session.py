"""ToolSession: a document with the current tool, class and brush size, the pointer events
that drive the tool, and undo. The main editor and the reference-labels dialog each are one;
the canvas drives it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from casa_studio.core.document import Change, Document
from casa_studio.core.raster import Point
from casa_studio.core.reshape import Transform
from casa_studio.core.tools import TOOLS, ReshapeTool, Tool, ToolContext, pick_class


class ToolSession(QObject):
    document_replaced = Signal()
    document_changed = Signal(object)  # Change
    class_changed = Signal(int)
    tool_changed = Signal(str)
    radius_changed = Signal(float)
    message = Signal(str)

    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document
        radius = max(1.0, min(document.size) / 40)  # a brush that suits the canvas size
        self.context = ToolContext(class_id=first_class(document), radius=radius)
        self.recent_classes = [self.context.class_id]
        self.tool: Tool = TOOLS["brush"]()
        document.changed.connect(self._on_change)

    def _on_change(self, change: Change) -> None:
        self.document_changed.emit(change)

    def replace_document(self, document: Document) -> None:
        self.tool.cancel(self.document)
        self.document.changed.disconnect(self._on_change)
        self.document = document
        document.changed.connect(self._on_change)
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
        if not self.tool.press(self.document, p, self.context):
            self.message.emit("The active layer is locked or hidden")

    def move(self, p: Point) -> None:
        self.tool.move(self.document, p, self.context)

    def release(self, p: Point) -> None:
        self.tool.release(self.document, p, self.context)

    def begin_transform(self) -> ReshapeTool | None:
        """Start transforming the reshape tool's selection; None (and why, said) if it can't."""
        tool = self.tool
        if not isinstance(tool, ReshapeTool) or tool.selection is None:
            self.message.emit("Pick an object with the reshape tool (V) first")
            return None
        if not tool.begin(self.document, self.context):
            self.message.emit("The active layer is locked or hidden, or the object is gone")
            return None
        return tool

    def transform(self, t: Transform) -> None:
        """Apply one transform to the reshape tool's selection (arrow keys, the panel)."""
        tool = self.begin_transform()
        if tool is not None:
            tool.preview(self.document, t)
            tool.commit(self.document)

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
