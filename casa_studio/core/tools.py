"""Painting tools: pointer events in image pixels → commands on the document. Brush and
eraser strokes are one undo step each; Esc (`cancel`) takes an unfinished stroke back."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

import cv2
import numpy as np

from casa_studio.core.commands import PaintPixels, ReplacePixels
from casa_studio.core.document import Document
from casa_studio.core.labels import UNSET, composite
from casa_studio.core.photo_edges import smart_region
from casa_studio.core.raster import Point, flood_mask, polygon_mask, rect_mask, segment_mask
from casa_studio.core.reshape import (
    Selection,
    Transform,
    degrees,
    reshape,
    select_region,
    transform_mask,
    vacated_fill,
)


class Drag(Enum):
    """What a reshape drag does to the selection."""

    MOVE = "move"
    SCALE = "scale"  # Shift, or a corner handle
    ROTATE = "rotate"  # Ctrl+Shift or Alt, or the knob above the selection


@dataclass
class ToolContext:
    """What the user has chosen: the painting class and the brush radius in pixels."""

    class_id: int = 0
    radius: float = 8.0
    whole_class: bool = False  # reshape: pick every pixel of the class, not one region
    fill: int | None = None  # reshape: class for uncovered pixels (None: what was around)
    drag: Drag = Drag.MOVE  # what a reshape drag inside the selection does
    fill_active_only: bool = False  # fill regions from the active layer, not what is seen
    photo: np.ndarray | None = None  # smart select: the reference photo under the labels
    adding: bool = False  # smart select: Shift held, the region adds to the last one


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
    """Fill the contiguous region under the pointer, as seen (all visible layers, like
    Krita's "fill regions: all layers"), or of the active layer only."""

    name, text = "fill", "Fill"

    def press(self, doc: Document, p: Point, ctx: ToolContext) -> bool:
        if not super().press(doc, p, ctx):
            return False
        regions = doc.active_layer.pixels if ctx.fill_active_only else doc.labels()
        self._paint(doc, flood_mask(regions, p), ctx)
        self.active = False
        return True


class SmartSelectTool(Tool):
    """Label the region a click grows by colour in the photo, stopping at its edges; Shift+
    click adds a region to the last one (both one undo step)."""

    name, text = "smart", "Smart select"

    def __init__(self) -> None:
        super().__init__()
        self.last: tuple[int, int, np.ndarray] | None = None  # revision, class, region

    def press(self, doc: Document, p: Point, ctx: ToolContext) -> bool:
        if ctx.photo is None or not super().press(doc, p, ctx):
            return False
        region = smart_region(ctx.photo, p)
        last = self.last
        if ctx.adding and last is not None and last[:2] == (doc.revision, ctx.class_id):
            doc.undo()
            region = region | last[2]
        self._paint(doc, region, ctx)
        self.last = (doc.revision, ctx.class_id, region)
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


class ReshapeTool(Tool):
    """Click picks a region (or a whole class); dragging inside it moves it, dragging a corner
    handle scales it, the knob above it rotates it (or Shift / Ctrl+Shift-drag anywhere inside).
    Growth, and exact values, come through `begin`/`preview`/`commit` (the reshape panel, arrow
    keys); each transform is one undo step, previewed live."""

    name, text = "reshape", "Reshape"

    def __init__(self) -> None:
        super().__init__()
        self.selection: Selection | None = None
        self.shown: np.ndarray | None = None  # where the region is now (outline)
        self._base: np.ndarray | None = None  # active layer when the transform began
        self._fill: int | np.ndarray = 0
        self._from: Point | None = None
        self._drag = Drag.MOVE
        self._transform = Transform()

    def handles(self, reach: float = 3.0) -> dict[str, Point]:
        """Where the handles of the selection are: four corners (scale) and one above the
        top edge, `4 * reach` pixels out (rotate)."""
        if self.shown is None or not self.shown.any():
            return {}
        ys, xs = np.nonzero(self.shown)
        x0, y0, x1, y1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
        corners = {"tl": (x0, y0), "tr": (x1, y0), "bl": (x0, y1), "br": (x1, y1)}
        out = {k: (float(x), float(y)) for k, (x, y) in corners.items()}
        out["rotate"] = (float(x0 + x1) / 2, float(y0) - 4 * reach)
        return out

    def _handle_at(self, p: Point, reach: float) -> Drag | None:
        for key, h in self.handles(reach).items():
            if math.dist(p, h) <= reach:
                return Drag.ROTATE if key == "rotate" else Drag.SCALE
        return None

    def press(self, doc: Document, p: Point, ctx: ToolContext) -> bool:
        x, y = int(p[0]), int(p[1])
        reach = max(2.0, min(doc.size) / 64)
        handle = self._handle_at(p, reach)
        inside = self.shown is not None and 0 <= y < doc.size[0] and 0 <= x < doc.size[1]
        if handle or (inside and self.shown[y, x]):  # type: ignore[index]
            self._from, self._drag = p, handle or ctx.drag
            return self.begin(doc, ctx)
        self.selection = select_region(doc.labels(), p, ctx.whole_class)
        self.shown = None if self.selection is None else self.selection.mask
        if self.selection is not None:
            doc.active = layer_seen_at(doc, x, y)  # the object is moved on its own layer
        return True

    def move(self, doc: Document, p: Point, ctx: ToolContext) -> None:
        if self._from is None or not self.active or self.selection is None:
            return
        a, c = self._from, self.selection.center
        if self._drag is Drag.SCALE:
            self.preview(doc, Transform(scale=drag_scale(self.selection, a, p)))
        elif self._drag is Drag.ROTATE:
            self.preview(doc, Transform(angle=degrees(a, p, c)))
        else:
            self.preview(doc, Transform(p[0] - a[0], p[1] - a[1]))

    def release(self, doc: Document, p: Point, ctx: ToolContext) -> None:
        if self._from is not None and self.active:
            self.move(doc, p, ctx)
            self.commit(doc)
        self._from = None

    def cancel(self, doc: Document) -> None:
        """Esc: take back a transform in progress; with none, drop the selection."""
        if self.active:
            doc.abort()
            self.shown = None if self.selection is None else self.selection.mask
        else:
            self.selection = self.shown = None
        self._base, self._from = None, None
        super().cancel(doc)

    def begin(self, doc: Document, ctx: ToolContext) -> bool:
        """Start a transform of the selection; False if there is none or the layer is locked."""
        if self.selection is None or not super().press(doc, (0, 0), ctx):
            return False
        labels = doc.labels()
        mask = self.selection.mask & (labels == self.selection.class_id)
        if not mask.any():  # painted over since it was picked
            self.selection = self.shown = None
            self.active = False
            return False
        self.selection = Selection(mask, self.selection.class_id)
        self._fill = vacated_fill(labels, mask, layers_below(doc)) if ctx.fill is None else ctx.fill
        self._base = doc.active_layer.pixels.copy()
        self._transform = Transform()
        doc.begin(f"{self.text} {doc.palette.classes[self.selection.class_id].name}")
        return True

    def preview(self, doc: Document, t: Transform) -> None:
        if not self.active or self.selection is None or self._base is None:
            return
        self._transform = t
        self.shown = transform_mask(self.selection, t)
        change = reshape(self._base, self.selection, t, self._fill)
        command = None if change is None else ReplacePixels(doc.active_layer.uid, *change)
        doc.preview(command)

    def commit(self, doc: Document) -> None:
        """End the transform; the moved region stays selected for the next one."""
        if not self.active or self.selection is None:
            return
        doc.end()
        moved = transform_mask(self.selection, self._transform)
        self.selection = Selection(moved, self.selection.class_id) if moved.any() else None
        self.shown = None if self.selection is None else moved
        self._base = None
        self.active = False

    def outline(self) -> list[Point]:
        if self.shown is None or not self.shown.any():
            return []
        contours, _ = cv2.findContours(
            self.shown.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
        )
        largest = max(contours, key=cv2.contourArea)
        return [(float(x), float(y)) for x, y in largest[:, 0, :]]


def drag_scale(selection: Selection, start: Point, p: Point) -> float:
    """Scale for a drag from `start` to `p`, as if a corner handle were pulled: the drag
    counts along the direction from the centre to `start` (up-right when it starts near the
    centre), relative to half the object's diagonal, so a drag from anywhere is gentle."""
    ys, xs = np.nonzero(selection.mask)
    half = max(math.hypot(np.ptp(xs) + 1, np.ptp(ys) + 1) / 2, 1.0)
    cx, cy = selection.center
    ox, oy = start[0] - cx, start[1] - cy
    reach = math.hypot(ox, oy)
    if reach < half / 4:  # near the centre: as if pulling the top-right handle
        ox, oy, reach = 1.0, -1.0, math.sqrt(2)
    grow = ((p[0] - start[0]) * ox + (p[1] - start[1]) * oy) / reach
    ref = max(reach, half)
    return min(max((ref + grow) / ref, 0.05), 20.0)


def pick_class(doc: Document, p: Point) -> int | None:
    """The class under the pointer in the composite (Ctrl+click)."""
    h, w = doc.size
    x, y = int(p[0]), int(p[1])
    if 0 <= x < w and 0 <= y < h:
        return int(doc.labels()[y, x])
    return None


def layer_seen_at(doc: Document, x: int, y: int) -> int:
    """The index of the top visible layer painted at (x, y); the bottom layer if none is."""
    for index in range(len(doc.layers) - 1, 0, -1):
        layer = doc.layers[index]
        if layer.visible and layer.pixels[y, x] != UNSET:
            return index
    return 0


def layers_below(doc: Document) -> np.ndarray | None:
    """The composite of the visible layers under the active one; None on the bottom layer."""
    index = doc.index_of(doc.active_layer.uid)
    if index == 0:
        return None
    visible = [layer.pixels for layer in doc.layers[:index] if layer.visible]
    return composite(visible or [np.full(doc.size, UNSET, np.uint8)], doc.background)


TOOLS = {
    cls.name: cls
    for cls in (BrushTool, EraserTool, FillTool, RectTool, LassoTool, ReshapeTool, SmartSelectTool)
}
