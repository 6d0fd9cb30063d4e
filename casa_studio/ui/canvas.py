"""LabelCanvas: the painting surface. Zoom (wheel, anchored at the pointer; Ctrl +/-), pan
(space-drag whatever has focus while the pointer is over the canvas, middle-drag), fit (Ctrl+0),
brush outline cursor, shape and selection outlines; pointer events go to the tool session
(Shift/Ctrl+Shift-drag scale/rotate a reshaped object, arrow keys nudge it)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QGraphicsEllipseItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from casa_studio.core.document import Change, ChangeKind
from casa_studio.core.labels import Box
from casa_studio.core.reshape import Transform
from casa_studio.core.tools import Drag, ReshapeTool
from casa_studio.ui.display import layered_colors, overlay
from casa_studio.ui.qimage import rgb_to_pixmap, rgb_to_qimage
from casa_studio.ui.tool_session import ToolSession

CURSOR_PENS = (QPen(QColor(0, 0, 0), 0), QPen(QColor(255, 255, 255), 0, Qt.PenStyle.DashLine))
PAN_ROOM = 8  # image sizes of scene around the image
NUDGES = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}


FIT_MARGIN = 16  # px of backdrop around the image at fit zoom


class LabelCanvas(QGraphicsView):
    """Paints the tool session's document; over a `backdrop` photo when given (reference labels)."""

    def __init__(self, editor: ToolSession, backdrop: np.ndarray | None = None) -> None:
        super().__init__()
        self.editor = editor
        self.backdrop = backdrop
        self.opacity = 0.5  # of the labels over the backdrop
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setBackgroundBrush(QColor(48, 48, 52))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pixmap_item = QGraphicsPixmapItem()
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.scene().addItem(self.pixmap_item)
        # two-tone outline: white dashes over a black ring show on snow and on rock alike
        self.cursor_items = (QGraphicsEllipseItem(), QGraphicsEllipseItem())
        for item, pen in zip(self.cursor_items, CURSOR_PENS, strict=True):
            item.setPen(pen)
            item.setZValue(10)
            self.scene().addItem(item)
        self.shape_item = QGraphicsPathItem()
        self.shape_item.setPen(QPen(QColor(255, 255, 0), 0, Qt.PenStyle.DashLine))
        self.shape_item.setZValue(9)
        self.scene().addItem(self.shape_item)
        self.fitted = True  # refit on resize until the user zooms or pans
        self._space = False
        self._hover = False  # the pointer is over the canvas
        self._pan_from: QPointF | None = None
        app = QApplication.instance()
        assert app is not None  # a canvas exists only inside a running application
        app.installEventFilter(self)  # Space pans whatever has focus
        editor.document_changed.connect(self._on_change)
        editor.document_replaced.connect(self.refresh)
        self.refresh()

    # --- display ------------------------------------------------------------------------------

    def _colors(self, box: Box | None = None) -> np.ndarray:
        """What the canvas shows of `box` (default: everything)."""
        colors = layered_colors(self.editor.document, box)
        if self.backdrop is None:
            return colors
        y0, x0, y1, x1 = box or (0, 0, *self.editor.document.size)
        return overlay(self.backdrop[y0:y1, x0:x1], colors, self.opacity)

    def refresh(self) -> None:
        """Recolour everything: a new document, layers or their display properties changed."""
        self.pixmap_item.setPixmap(rgb_to_pixmap(self._colors()))
        h, w = self.editor.document.size
        # room all round, so that zoom keeps any point under the pointer and pan is free
        self.scene().setSceneRect(
            QRectF(-w * PAN_ROOM, -h * PAN_ROOM, w * (2 * PAN_ROOM + 1), h * (2 * PAN_ROOM + 1))
        )

    def recolour(self, box: Box) -> None:
        """Recolour only `box`: what a stroke segment or an undone fill touched."""
        y0, x0, _y1, _x1 = box
        pixmap = self.pixmap_item.pixmap()
        self.pixmap_item.setPixmap(QPixmap())  # the item lets go: painting needs no copy
        painter = QPainter(pixmap)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.drawImage(x0, y0, rgb_to_qimage(self._colors(box)))
        painter.end()
        self.pixmap_item.setPixmap(pixmap)

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.PIXELS and change.box is not None:
            self.recolour(change.box)
        elif change.kind in (ChangeKind.PIXELS, ChangeKind.LAYERS, ChangeKind.PROPS):
            self.refresh()
        if self.editor.tool.name == "reshape":
            self._update_shape()  # the selection follows transforms from the panel

    def fit(self) -> None:
        """The whole image, centred, with FIT_MARGIN screen pixels around it: a stroke or a
        rectangle can start just outside the image (it is clipped to it) and never on the
        dock beside the view."""
        h, w = self.editor.document.size
        view = self.viewport().size()
        room = min((view.width() - 2 * FIT_MARGIN) / w, (view.height() - 2 * FIT_MARGIN) / h)
        self.resetTransform()
        self.scale(max(room, 1e-3), max(room, 1e-3))
        self.centerOn(w / 2, h / 2)
        self.fitted = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fitted:
            self.fit()

    def zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by `factor`, keeping the image point under `anchor` (a viewport position;
        default the centre) where it is."""
        scale = self.transform().m11() * factor
        if not 0.05 <= scale <= 64:
            return
        at = anchor if anchor is not None else QPointF(self.viewport().rect().center())
        before = self.mapToScene(at.toPoint())
        self.fitted = False
        self.scale(factor, factor)
        self._scroll_by(self.mapFromScene(before) - at.toPoint())

    def _update_cursor(self, scene_pos: QPointF) -> None:
        r = self.editor.context.radius if self.editor.tool.name in ("brush", "eraser") else 1.0
        for item in self.cursor_items:
            item.setRect(QRectF(scene_pos.x() - r, scene_pos.y() - r, 2 * r, 2 * r))

    def _update_shape(self) -> None:
        points = self.editor.tool.outline()
        path = QPainterPath()
        if points:
            path.moveTo(*points[0])
            for p in points[1:]:
                path.lineTo(*p)
            path.closeSubpath()
        tool = self.editor.tool
        if isinstance(tool, ReshapeTool):
            reach = max(2.0, min(self.editor.document.size) / 64)
            for key, (x, y) in tool.handles(reach).items():
                if key == "rotate":
                    path.addEllipse(QPointF(x, y), reach, reach)
                else:
                    path.addRect(QRectF(x - reach / 2, y - reach / 2, reach, reach))
        self.shape_item.setPath(path)

    # --- events ---------------------------------------------------------------------------------

    def _image_point(self, event: QMouseEvent) -> tuple[float, float]:
        p = self.mapToScene(event.position().toPoint())
        return p.x(), p.y()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        panning = event.button() == Qt.MouseButton.MiddleButton or (
            self._space and event.button() == Qt.MouseButton.LeftButton
        )
        if panning:
            self._pan_from = event.position()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            ctrl, shift, alt = modifiers(event)
            # Ctrl+Shift rotates: Alt-drag moves windows on GNOME, KDE and Xfce
            rotate = (ctrl and shift) or alt
            self.editor.context.drag = Drag.ROTATE if rotate else Drag.SCALE if shift else Drag.MOVE
            self.editor.context.adding = shift
            self.editor.press(self._image_point(event), pick=ctrl and not shift)
            self._update_shape()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._hover = True
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.fitted = False
            self._scroll_by(QPoint(int(-delta.x()), int(-delta.y())))
            return
        self._update_cursor(self.mapToScene(event.position().toPoint()))
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.editor.move(self._image_point(event))
            self._update_shape()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.editor.release(self._image_point(event))
            self._update_shape()

    def _scroll_by(self, delta: QPoint) -> None:
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + delta.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + delta.y())

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120
        if notches:
            self.zoom(1.25**notches, event.position())

    def enterEvent(self, event: QEnterEvent) -> None:
        self._hover = True
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = False
        super().leaveEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space held with the pointer over the canvas pans, even when a panel has focus
        (it would toggle a layer); text fields keep their spaces."""
        kinds = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
        if event.type() not in kinds or not self._hover or not self.isVisible():
            return False
        if event.key() != Qt.Key.Key_Space or _typing(QApplication.focusWidget()):  # type: ignore[attr-defined]
            return False
        if not event.isAutoRepeat():  # type: ignore[attr-defined]
            self._set_space(event.type() == QEvent.Type.KeyPress)
        return True

    def _set_space(self, held: bool) -> None:
        self._space = held
        if held:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.unsetCursor()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = NUDGES.get(Qt.Key(event.key()))
        if step is not None and self.editor.tool.name == "reshape":
            big = 10 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
            self.editor.transform(Transform(step[0] * big, step[1] * big))
            self._update_shape()
            return
        super().keyPressEvent(event)


def modifiers(event: QMouseEvent) -> tuple[bool, bool, bool]:
    """Ctrl, Shift and Alt held."""
    mods, k = event.modifiers(), Qt.KeyboardModifier
    return tuple(bool(mods & m) for m in (k.ControlModifier, k.ShiftModifier, k.AltModifier))  # type: ignore[return-value]


def _typing(widget: QWidget | None) -> bool:
    return isinstance(widget, QLineEdit | QAbstractSpinBox | QTextEdit | QPlainTextEdit)
