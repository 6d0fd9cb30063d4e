"""Every slider writes its value; a blended style says what it mixes (issue 10, trap 9)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest

from casa_studio.core.commands import PaintPixels
from casa_studio.core.styles import SourceKind
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.style_panel import NAME, SOURCE


def test_every_slider_shows_its_value(window: MainWindow) -> None:
    reshape = window.reshape.sliders
    assert reshape["Scale %"].label.text() == "100 %" and reshape["Rotate °"].label.text() == "0°"
    reshape["Grow px"].setSliderDown(True)  # a live gesture shows its value
    reshape["Grow px"].setValue(-4)
    assert reshape["Grow px"].label.text() == "-4 px"
    reshape["Grow px"].setSliderDown(False)
    shape = window.style_panel.reference.shape_slider
    shape.setValue(30)
    assert shape.label.text() == "30 %" and shape.label.isVisibleTo(window)
    assert window.style_panel.blend_slider.label.isVisibleTo(window)
    assert window.layers.opacity.label.text().endswith("%")
    assert window.output.opacity.label.text() == "40 %"


def test_a_blend_row_says_what_it_is_a_blend_of_and_how_much(qtbot, window: MainWindow) -> None:
    doc = window.editor.document
    mask = doc.labels() == 0
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, 2))
    panel = window.style_panel
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1)
    panel.table.selectionModel().select(
        panel.table.model().index(0, NAME),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    panel.blend_kind.setCurrentIndex(1)  # a random seed
    panel.blend_seed.setValue(5)
    panel.blend_slider.setValue(50)  # set by code: no gesture, nothing applied
    assert doc.styles.sources[2].kind is SourceKind.TYPICAL
    QTest.keyClick(panel.blend_slider, Qt.Key.Key_PageUp)  # keyboard: one step, to 60
    qtbot.waitUntil(lambda: doc.styles.sources[2].kind is SourceKind.BLEND, timeout=10000)
    assert panel.blend_slider.value() == 0 and panel.blend_slider.label.text() == "0 %"
    assert doc.styles.sources[2].describe() == "typical + 60 % random #5"
    qtbot.waitUntil(lambda: panel.table.item(0, SOURCE).text() == "typical + 60 % random #5")
