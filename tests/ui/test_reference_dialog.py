"""The reference dialog: fitted and zoomable, a legend, a named label-opacity slider, no modal
box for absent classes, and the reference kept in the project (issue 10, trap 10)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from casa_studio.ui.main_window import MainWindow


def _photo(tmp_path: Path) -> Path:
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    photo = np.zeros((32, 32, 3), np.uint8)
    photo[:16] = (200, 60, 20)
    photo[16:] = (20, 60, 200)
    Image.fromarray(photo).save(tmp_path / "images" / "ref.png")
    labels = np.zeros((32, 32), np.uint8)
    labels[:16] = 2
    Image.fromarray(labels, "L").save(tmp_path / "labels" / "ref.png")
    return tmp_path / "images" / "ref.png"


def test_the_dialog_is_fitted_zoomable_and_has_a_legend(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    dialog = window.style_panel.reference.open_reference(_photo(tmp_path))
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    canvas = dialog.canvas
    shown = canvas.transform().m11() * 32
    assert shown == pytest.approx(
        min(canvas.viewport().width(), canvas.viewport().height()), rel=0.05
    )
    wheel = QWheelEvent(
        QPointF(50, 50),
        QPointF(50, 50),
        QPoint(),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.transform().m11() * 32 > shown
    legend = [dialog.legend.item(i).text() for i in range(dialog.legend.count())]
    assert legend == ["class_0  50 %", "class_2  50 %"]
    names = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Labels" in names and dialog.opacity.label.text() == "50 %"
    dialog.opacity.setValue(80)
    assert dialog.canvas.opacity == 0.8 and dialog.opacity.label.text() == "80 %"
    dialog.reject()


def test_take_all_reports_absent_classes_in_the_status_bar_and_the_reference_is_saved(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    window.editor.open_labels(
        np.where(np.arange(32)[:, None] < 20, 0, 3).repeat(32, 1).astype(np.uint8)
    )
    qtbot.waitUntil(lambda: window.editor.live.info is not None)
    dialog = window.style_panel.reference.open_reference(_photo(tmp_path))
    dialog.accept()
    window.style_panel.reference.buttons["Take all"].click()
    qtbot.waitUntil(lambda: "class_3" in window.statusBar().currentMessage(), timeout=10000)
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    window.files.save_as(tmp_path / "scene.casa")
    window.files.new_document()
    assert window.styles.reference is None
    assert window.style_panel.reference.thumb.text() == "No reference"
    window.files.open_file(tmp_path / "scene.casa")
    ref = window.styles.reference
    assert ref is not None and ref.name == "ref.png" and (ref.labels[:16] == 2).all()
    assert ref.image[0, 0].tolist() == [200, 60, 20]
    assert window.style_panel.reference.thumb.pixmap() is not None
    assert window.style_panel.reference.thumb.text() == ""
