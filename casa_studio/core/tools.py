"""Painting tools: pointer events in image pixels → commands on the document. Brush and
eraser strokes are one undo step each; Esc (`cancel`) takes an unfinished stroke back."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from casa_studio.core.commands import PaintPixels
from casa_studio.core.document import Document
from casa_studio.core.labels import UNSET
from casa_studio.core.raster import Point, flood_mask, polygon_mask, rect_mask, segment_mask


@dataclass
class ToolContext:
    """What the user has chosen: the painting class and the brush radius in pixels."""

    class_id: int = 0
    radius: float = 8.0


class Tool:
    name = "tool"
    text = "Paint"

    def __init__(self) -> None:
        self.active = False

    def value(self, ctx: ToolContext) -> int:
        return ctx.class_id

    def press(self, doc: Document, p: Point, ctx: ToolContext) -> bool:
        """Start; False when the active layer cannot be painted (locked or hidden)."""
        layer = doc.active_layer
        if layer.locked or not layer.visible:
            return False
        self.active = True
        return True

    def move(self, doc: Document, p: Point, ctx: ToolContext) -> None:
        pass

    def release(self, doc: Document, p: Point, ctx: ToolContext) -> None:
        self.active = False

    def cancel(self, doc: Document) -> None:
        self.active = False

    def outline(self) -> list[Point]:
        """Points of a shape being drawn (rectangle or lasso), for the canvas to preview."""
        return []

    def _paint(self, doc: Document, mask: np.ndarray, ctx: ToolContext) -> None:
        command = PaintPixels.from_mask(doc.active_layer, mask, self.value(ctx), self.text)
        if command is not None:
            doc.execute(command)


class BrushTool(Tool):
    name, text = "brush", "Brush stroke"

    def __init__(self) -> None:
        super().__init__()
        self.last: Point = (0.0, 0.0)

    def press(self, doc: Document, p: Point, ctx: ToolContext) -> bool:
        if not super().press(doc, p, ctx):
            return False
        doc.begin(self.text)
        self.last = p
        self._paint(doc, segment_mask(doc.size, p, p, ctx.radius), ctx)
        return True

    def move(self, doc: Document, p: Point, ctx: ToolContext) -> None:
        if self.active:
            self._paint(doc, segment_mask(doc.size, self.last, p, ctx.radius), ctx)
            self.last = p

    def release(self, doc: Document, p: Point, ctx: ToolContext) -> None:
        if self.active:
            self.move(doc, p, ctx)
            doc.end()
        super().release(doc, p, ctx)

    def cancel(self, doc: Document) -> None:
        if self.active:
            doc.abort()
        super().cancel(doc)


class EraserTool(BrushTool):
    name, text = "eraser", "Erase"

    def value(self, ctx: ToolContext) -> int:
        return UNSET


class FillTool(Tool):
    """Fill the contiguous region of the active layer under the pointer."""

    name, text = "fill", "Fill"

    def press(self, doc: Document, p: Point, ctx: ToolContext) -> bool:
        if not super().press(doc, p, ctx):
            return False
        self._paint(doc, flood_mask(doc.active_layer.pixels, p), ctx)
        self.active = False
        return True


@dataclass
class _Shape:
    points: list[Point] = field(default_factory=list)


class RectTool(Tool):
    name, text = "rectangle", "Rectangle"

    def __init__(self) -> None:
        super().__init__()
        self.shape = _Shape()

    def press(self, doc: Document, p: Point, ctx: ToolContext) -> bool:
        if not super().press(doc, p, ctx):
            return False
        self.shape = _Shape([p, p])
        return True

    def move(self, doc: Document, p: Point, ctx: ToolContext) -> None:
        if self.active:
            self.shape.points[1] = p

    def mask(self, doc: Document) -> np.ndarray:
        return rect_mask(doc.size, self.shape.points[0], self.shape.points[1])

    def release(self, doc: Document, p: Point, ctx: ToolContext) -> None:
        if self.active:
            self.move(doc, p, ctx)
            self._paint(doc, self.mask(doc), ctx)
        self.shape = _Shape()
        super().release(doc, p, ctx)

    def cancel(self, doc: Document) -> None:
        self.shape = _Shape()
        super().cancel(doc)

    def outline(self) -> list[Point]:
        if not self.shape.points:
            return []
        (x0, y0), (x1, y1) = self.shape.points
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


class LassoTool(RectTool):
    name, text = "lasso", "Lasso fill"

    def press(self, doc: Document, p: Point, ctx: ToolContext) -> bool:
        if not Tool.press(self, doc, p, ctx):
            return False
        self.shape = _Shape([p])
        return True

    def move(self, doc: Document, p: Point, ctx: ToolContext) -> None:
        if self.active:
            self.shape.points.append(p)

    def mask(self, doc: Document) -> np.ndarray:
        return polygon_mask(doc.size, self.shape.points)

    def outline(self) -> list[Point]:
        return list(self.shape.points)


def pick_class(doc: Document, p: Point) -> int | None:
    """The class under the pointer in the composite (Ctrl+click)."""
    h, w = doc.size
    x, y = int(p[0]), int(p[1])
    if 0 <= x < w and 0 <= y < h:
        return int(doc.labels()[y, x])
    return None


TOOLS = {cls.name: cls for cls in (BrushTool, EraserTool, FillTool, RectTool, LassoTool)}
