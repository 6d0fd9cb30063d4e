"""Label tools that fit a photo in the reference-labels dialog (issue 19 part 3): smart
select grows a region by colour up to the photo's edges, Shift+click adds to it, Refine edges
snaps painted borders to the photo's edges; each action is one undo step."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from casa_studio.core.photo_edges import refine_edges, smart_region
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.reference_panel import ReferenceDialog
from tests.ui.test_paint_tools import click


def _photo() -> np.ndarray:
    """Three flat areas with a little noise: orange top-left, green top-right, blue bottom."""
    photo = np.zeros((32, 32, 3), np.float64)
    photo[:16, :16] = (220, 130, 40)
    photo[:16, 16:] = (60, 160, 60)
    photo[16:] = (30, 70, 190)
    noise = np.random.default_rng(0).normal(0, 3, photo.shape)
    return np.clip(photo + noise, 0, 255).astype(np.uint8)


def test_smart_region_stops_at_the_photo_edges() -> None:
    region = smart_region(_photo(), (4, 4))
    assert region[:16, :16].mean() > 0.95
    assert not region[:, 17:].any() and not region[17:].any()


def test_refine_edges_moves_a_border_onto_the_photo_edge_and_keeps_the_inside() -> None:
    labels = np.zeros((32, 32), np.uint8)
    labels[13:] = 2  # painted 3 px too high: the photo's edge is at row 16
    out = refine_edges(_photo(), labels)
    assert (out[:16] == 0).mean() > 0.95 and (out[16:] == 2).all()


def test_smart_select_in_the_dialog_labels_a_region_and_shift_adds_one(
    qtbot, window: MainWindow
) -> None:
    dialog = window.style_panel.reference._dialog("ref.png", _photo(), np.zeros((32, 32), np.uint8))
    qtbot.addWidget(dialog)
    dialog.canvas.fit()
    dialog.session.set_tool("smart")
    dialog.session.set_class(1)
    click(dialog.canvas, 4, 4)
    labels = dialog.session.document.labels()
    assert (labels[:16, :16] == 1).mean() > 0.95 and (labels[16:] == 0).all()
    click(dialog.canvas, 24, 4, Qt.KeyboardModifier.ShiftModifier)
    labels = dialog.session.document.labels()
    assert (labels[:16] == 1).mean() > 0.95 and (labels[16:] == 0).all()
    dialog.session.undo()  # both regions were one step
    assert (dialog.session.document.labels() == 0).all()
    dialog.reject()


def test_refine_edges_in_the_dialog_is_one_undo_step(qtbot, window: MainWindow) -> None:
    painted = np.zeros((32, 32), np.uint8)
    painted[13:] = 2
    dialog = window.style_panel.reference._dialog("ref.png", _photo(), painted)
    qtbot.addWidget(dialog)
    dialog.refine.click()
    labels = dialog.session.document.labels()
    assert (labels[:16] == 0).mean() > 0.95 and (labels[16:] == 2).all()
    assert "Refine edges moved" in dialog.status.text()
    dialog.session.undo()
    np.testing.assert_array_equal(dialog.session.document.labels(), painted)
    dialog.reject()


def test_file_open_on_a_photo_makes_an_editable_label_map_with_the_photo_as_reference(
    qtbot, window: MainWindow, tmp_path
) -> None:
    Image.fromarray(np.repeat(np.repeat(_photo(), 8, 0), 8, 1)).save(tmp_path / "photo.jpg")
    before = window.editor.document
    window.files.open_file(tmp_path / "photo.jpg")
    box = window.files.notice
    assert box is not None and "make a label map" in box.text()
    make = next(b for b in box.buttons() if b.text() == "Make a label map from this photo")
    make.click()
    qtbot.waitUntil(lambda: _visible_dialog() is not None)
    dialog = _visible_dialog()
    assert dialog.windowTitle() == "Label map from photo.jpg"
    dialog.canvas.fit()
    dialog.session.set_tool("smart")
    dialog.session.set_class(2)
    click(dialog.canvas, 4, 28)  # the blue bottom half
    dialog.accept()
    doc = window.editor.document
    assert doc is not before
    labels = doc.labels()
    assert (labels[16:] == 2).mean() > 0.95 and (labels[:16] == 0).all()
    assert doc.reference is not None and doc.reference.name == "photo.jpg"
    np.testing.assert_array_equal(doc.reference.labels, labels)


def _visible_dialog() -> ReferenceDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ReferenceDialog) and widget.isVisible():
            return widget
    return None
