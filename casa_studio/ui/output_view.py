"""OutputView: the generated image, the mask, an overlay, both side by side, or the selected
class's attention map (where the model uses that class's style); with a state badge and, under
the picture, the document's results history (ui/results_strip.py)."""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from casa_studio.engine.request import RenderResult
from casa_studio.engine.resample import image_at
from casa_studio.ui.display import heatmap, layered_colors, overlay
from casa_studio.ui.editor import Editor
from casa_studio.ui.live_preview import RenderState
from casa_studio.ui.qimage import rgb_to_pixmap
from casa_studio.ui.results_strip import ResultsStrip
from casa_studio.ui.sliders import ValueSlider

BADGE_COLOURS = {
    RenderState.LOADING: "#8888aa",
    RenderState.RENDERING: "#d9a400",
    RenderState.UP_TO_DATE: "#3aa655",
    RenderState.FAST: "#4a90c0",
    RenderState.STALE: "#c06000",
    RenderState.ERROR: "#d03030",
}


class ViewMode(StrEnum):
    GENERATED = "Generated"
    MASK = "Mask"
    OVERLAY = "Overlay"
    SIDE_BY_SIDE = "Side by side"
    ATTENTION = "Attention (selected class)"
    LAYOUT = "Attention layout (all classes)"


MASK_MODES = (ViewMode.MASK, ViewMode.OVERLAY, ViewMode.SIDE_BY_SIDE)


class OutputView(QWidget):
    def __init__(self, editor: Editor) -> None:
        super().__init__()
        self.editor = editor
        self.mode = QComboBox()
        self.mode.addItems([m.value for m in ViewMode])
        self.mode.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.mode.setMinimumContentsLength(8)  # the bar never holds the view wide
        self.opacity = ValueSlider(0, 100, 40, "{} %")
        self.opacity.setToolTip("Overlay opacity")
        self.opacity.setMinimumWidth(40)
        self.badge = QLabel()
        self.picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setMinimumSize(128, 128)
        bar = QHBoxLayout()
        bar.addWidget(self.mode)
        self.opacity_row = self.opacity.with_value()  # shown in overlay mode only
        self.opacity_row.setVisible(False)
        bar.addWidget(self.opacity_row)
        bar.addWidget(self.badge)
        self.results = ResultsStrip(editor)
        self.comparing: np.ndarray | None = None  # a past result shown beside the current one
        self.results.compare.connect(self._compare)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.results)
        self._pixmap = QPixmap()
        self.mode.currentTextChanged.connect(self._on_mode)
        self.opacity.valueChanged.connect(self._on_opacity)
        editor.live.result_shown.connect(lambda _r: self.refresh())
        editor.document_changed.connect(lambda _c: self._refresh_if_mask())
        editor.document_replaced.connect(self._restore_view)
        editor.class_changed.connect(lambda _c: self._refresh_if(ViewMode.ATTENTION))
        editor.live.state_changed.connect(self._on_state)
        self._on_state(editor.live.state, "")
        self.refresh()

    def current_mode(self) -> ViewMode:
        return ViewMode(self.mode.currentText())

    def set_mode(self, mode: ViewMode) -> None:
        self.mode.setCurrentText(mode.value)

    def _restore_view(self) -> None:
        """A project opens as it was shown when saved."""
        view = dict(self.editor.document.view)
        if view.get("mode") in [m.value for m in ViewMode]:
            self.mode.setCurrentText(str(view["mode"]))
        if isinstance(view.get("overlay"), int):
            self.opacity.setValue(int(view["overlay"]))
        self.editor.document.view.update(
            mode=self.current_mode().value, overlay=self.opacity.value()
        )
        self.refresh()

    def _on_opacity(self, value: int) -> None:
        self.editor.document.view["overlay"] = value
        self.refresh()

    def _on_mode(self, _text: str) -> None:
        self.editor.document.view["mode"] = self.current_mode().value
        self.opacity_row.setVisible(self.current_mode() is ViewMode.OVERLAY)
        self.editor.live.set_attention(self.current_mode() in (ViewMode.ATTENTION, ViewMode.LAYOUT))
        self.refresh()

    def _on_state(self, state: str, detail: str) -> None:
        colour = BADGE_COLOURS.get(RenderState(state), "#888")
        self.badge.setText(f"<b style='color:{colour}'>●</b> {state}")
        self.badge.setToolTip(detail)

    def _refresh_if(self, mode: ViewMode) -> None:
        if self.current_mode() is mode:
            self.refresh()

    def _refresh_if_mask(self) -> None:
        if self.current_mode() in MASK_MODES:
            self.refresh()

    def _compare(self, image: np.ndarray | None) -> None:
        self.comparing = image
        self.refresh()

    def frame(self) -> np.ndarray | None:
        """The RGB picture for the current mode (None before the first render); the mask is
        coloured only in the modes that show it. While a past result is compared, the current
        picture and that result side by side."""
        result: RenderResult | None = self.editor.live.result
        if result is not None and self.comparing is not None:
            past = image_at(self.comparing, result.image.shape[:2])
            gap = np.full((result.image.shape[0], 8, 3), 255, np.uint8)
            return np.concatenate([result.image, gap, past], axis=1)
        mode = self.current_mode()
        if mode is ViewMode.MASK:
            return layered_colors(self.editor.document)
        if result is None:
            return None
        if mode is ViewMode.OVERLAY:
            mask = layered_colors(self.editor.document)
            return overlay(result.image, mask, self.opacity.value() / 100)
        if mode is ViewMode.SIDE_BY_SIDE:
            return np.concatenate([layered_colors(self.editor.document), result.image], axis=1)
        if mode in (ViewMode.ATTENTION, ViewMode.LAYOUT):
            if result.attention is None:
                return None
            if mode is ViewMode.LAYOUT:  # which class's style each pixel uses most
                return self.editor.document.palette.colorize(result.attention.argmax(axis=0))
            return heatmap(result.attention[self.editor.context.class_id])
        return result.image

    def refresh(self) -> None:
        frame = self.frame()
        self._pixmap = QPixmap() if frame is None else rgb_to_pixmap(frame)
        self._show()

    def _show(self) -> None:
        if self._pixmap.isNull():
            self.picture.setText("Waiting for the first render…")
            return
        size = self.picture.size()
        self.picture.setPixmap(
            self._pixmap.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show()
