"""The editor as a user drives it: real widgets, real mouse events, real model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLabel

from casa_studio.core.labels import UNSET
from casa_studio.core.styles import SourceKind
from casa_studio.persistence.export import ExportKind
from casa_studio.ui.live_preview import LiveMode, RenderState
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.output_view import ViewMode


def _view_point(win: MainWindow, x: float, y: float) -> QPoint:
    return win.canvas.mapFromScene(x, y)


def _drag(qtbot, win: MainWindow, points: list[tuple[float, float]]) -> None:
    viewport = win.canvas.viewport()
    QTest.mousePress(
        viewport,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        _view_point(win, *points[0]),
    )
    for p in points[1:]:
        QTest.mouseMove(viewport, _view_point(win, *p))
    QTest.mouseRelease(
        viewport,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        _view_point(win, *points[-1]),
    )


def _wait_current(qtbot, win: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: win.editor.live.result is not None and not win.editor.live.is_stale, timeout=20000
    )


def test_window_opens_with_the_model_and_renders(window: MainWindow) -> None:
    assert "CASA Studio" in window.windowTitle()
    result = window.editor.live.result
    assert result is not None and result.image.shape == (32, 32, 3)
    assert "CPU" in window.info_label.text() and "Up to date" in window.state_label.text()
    assert not window.output.picture.pixmap().isNull()


def test_painting_with_the_mouse_changes_the_document_and_the_render(
    qtbot, window: MainWindow
) -> None:
    window.canvas.fit()
    before = window.editor.live.result.image.copy()
    window.editor.set_class(2)
    window.editor.set_radius(3)
    _drag(qtbot, window, [(4, 16), (12, 16), (20, 16), (28, 16)])
    labels = window.editor.document.labels()
    assert labels[16, 16] == 2 and set(np.unique(labels)) <= {0, 2}
    _wait_current(qtbot, window)
    assert not np.array_equal(window.editor.live.result.image, before)
    assert window.windowTitle().startswith("*")


def test_undo_and_redo_actions(qtbot, window: MainWindow) -> None:
    window.canvas.fit()
    window.editor.set_class(3)
    _drag(qtbot, window, [(2, 2), (30, 30)])
    painted = window.editor.document.labels().copy()
    window.action_for["undo"].trigger()
    assert (window.editor.document.labels() == 0).all()
    _wait_current(qtbot, window)
    window.action_for["redo"].trigger()
    assert np.array_equal(window.editor.document.labels(), painted)
    window.action_for["reroll"].trigger()  # Ctrl+R: every class in the document
    styles = window.editor.document.styles
    qtbot.waitUntil(lambda: styles.sources[0].kind is SourceKind.RANDOM, timeout=5000)
    assert {styles.sources[c].seed for c in (0, 3)} == {styles.sources[0].seed}
    window.action_for["undo"].trigger()
    assert all(s.kind is SourceKind.TYPICAL for s in styles.sources)


def test_tool_shortcuts_and_fill(qtbot, window: MainWindow) -> None:
    window.canvas.fit()
    window.canvas.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F)
    assert window.editor.tool.name == "fill" and window.action_for["fill"].isChecked()
    window.editor.set_class(1)
    _drag(qtbot, window, [(10, 10)])
    assert (window.editor.document.labels() == 1).all()
    QTest.keyClick(window, Qt.Key.Key_R)
    assert window.editor.tool.name == "rectangle"
    window.editor.set_class(2)
    _drag(qtbot, window, [(4, 4), (10, 10)])
    assert (window.editor.document.labels()[4:11, 4:11] == 2).all()
    QTest.keyClick(window, Qt.Key.Key_1)  # most recent class
    assert window.editor.context.class_id == 2
    QTest.keyClick(window, Qt.Key.Key_2)
    assert window.editor.context.class_id == 1
    radius = window.editor.context.radius
    QTest.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.editor.context.radius > radius


def test_ctrl_click_picks_the_class_under_the_pointer(qtbot, window: MainWindow) -> None:
    window.canvas.fit()
    window.editor.set_class(3)
    window.editor.set_radius(6)
    _drag(qtbot, window, [(16, 16)])
    window.editor.set_class(0)
    QTest.mouseClick(
        window.canvas.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        _view_point(window, 16, 16),
    )
    assert window.editor.context.class_id == 3


def test_layer_panel_operations_are_undoable(qtbot, window: MainWindow) -> None:
    panel, doc = window.layers, window.editor.document
    panel.buttons["Add layer"].click()
    assert [layer.name for layer in doc.layers] == ["Background", "Layer 1", "Layer 2"]
    panel.buttons["Duplicate layer"].click()
    assert doc.layers[-1].name == "Layer 2 copy" and panel.list.count() == 4
    panel.list.item(0).setText("Trees")
    assert doc.layers[-1].name == "Trees"
    panel.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert not doc.layers[-1].visible
    panel.list.model().moveRow(
        QModelIndex(), 0, QModelIndex(), 4
    )  # drag the top layer to the bottom
    assert doc.layers[0].name == "Trees"
    panel.buttons["Delete layer"].click()
    assert "Trees" not in [layer.name for layer in doc.layers]
    panel.list.setCurrentRow(0)
    panel.buttons["Merge down"].click()
    assert len(doc.layers) == 2
    panel.toggle_lock()
    assert doc.active_layer.locked
    for _ in range(8):
        window.action_for["undo"].trigger()
    assert [layer.name for layer in doc.layers] == ["Background", "Layer 1"]
    assert panel.list.count() == 2


def test_opacity_slider_changes_display_only(qtbot, window: MainWindow) -> None:
    window.editor.set_class(2)
    window.canvas.fit()
    _drag(qtbot, window, [(16, 16)])
    labels = window.editor.document.labels().copy()
    window.layers.opacity.setValue(40)  # set by code: no gesture
    QTest.keyClick(window.layers.opacity, Qt.Key.Key_PageDown)
    assert window.editor.document.active_layer.opacity == 0.3
    assert np.array_equal(window.editor.document.labels(), labels)


def test_palette_counts_search_and_selection(qtbot, window: MainWindow) -> None:
    window.canvas.fit()
    window.editor.set_class(1)
    window.editor.set_radius(4)
    _drag(qtbot, window, [(16, 16)])
    counts = window.palette_panel.counts()
    painted = int((window.editor.document.labels() == 1).sum())
    assert counts["class_1"] == painted > 0 and counts["class_0"] == 32 * 32 - painted
    assert f"{painted:,} px" in window.palette_panel.list.item(1).text()
    window.palette_panel.search.setText("class_3")
    assert [window.palette_panel.list.item(r).isHidden() for r in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    window.palette_panel.list.setCurrentRow(3)
    assert window.editor.context.class_id == 3


def test_view_modes_and_attention_map(qtbot, window: MainWindow) -> None:
    out = window.output
    for mode in (ViewMode.MASK, ViewMode.OVERLAY, ViewMode.GENERATED):
        out.set_mode(mode)
        assert out.frame().shape == (32, 32, 3)
    out.set_mode(ViewMode.SIDE_BY_SIDE)
    assert out.frame().shape == (32, 64, 3)
    out.set_mode(ViewMode.ATTENTION)
    qtbot.waitUntil(lambda: window.editor.live.result.attention is not None, timeout=20000)
    assert window.editor.live.result.attention.shape == (4, 32, 32)
    assert out.frame().shape == (32, 32, 3)


def test_manual_and_on_release_live_modes(qtbot, window: MainWindow) -> None:
    window.canvas.fit()
    editor = window.editor
    editor.live.set_live_mode(LiveMode.MANUAL)
    shown = editor.live.result.revision
    editor.set_class(2)
    _drag(qtbot, window, [(5, 5), (20, 20)])
    qtbot.wait(300)
    assert editor.live.result.revision == shown and editor.live.state is RenderState.STALE
    window.action_for["render"].trigger()
    _wait_current(qtbot, window)
    editor.live.set_live_mode(LiveMode.ON_RELEASE)
    submitted = []
    editor.live.worker.submit = lambda request, original=editor.live.worker.submit: (
        submitted.append(request.revision),
        original(request),
    )
    QTest.mousePress(
        window.canvas.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        _view_point(window, 2, 28),
    )
    QTest.mouseMove(window.canvas.viewport(), _view_point(window, 10, 28))
    assert submitted == []
    QTest.mouseRelease(
        window.canvas.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        _view_point(window, 12, 28),
    )
    assert len(submitted) == 1


def test_escape_cancels_a_stroke(qtbot, window: MainWindow) -> None:
    window.canvas.fit()
    viewport = window.canvas.viewport()
    QTest.mousePress(
        viewport,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        _view_point(window, 4, 4),
    )
    QTest.mouseMove(viewport, _view_point(window, 20, 20))
    assert (window.editor.document.active_layer.pixels != UNSET).any()
    window.action_for["cancel"].trigger()
    assert (window.editor.document.active_layer.pixels == UNSET).all()
    assert not window.editor.document.history.can_undo


def test_open_label_png_and_export_png(qtbot, window: MainWindow, tmp_path: Path) -> None:
    labels = np.zeros((64, 64), np.uint8)
    labels[:, 32:] = 3
    Image.fromarray(labels, "L").save(tmp_path / "scene.png")
    window.files.open_file(tmp_path / "scene.png")
    assert window.editor.document.labels()[0, 20] == 3  # resized nearest to 32x32
    _wait_current(qtbot, window)
    window.files.export_image(tmp_path / "out.png")
    assert np.array_equal(
        np.asarray(Image.open(tmp_path / "out.png")), window.editor.live.result.image
    )
    bad = labels.copy()
    bad[:4, :4] = 9
    Image.fromarray(bad, "L").save(tmp_path / "bad.png")
    asked = []
    window.files.ask_mapping = lambda mask: asked.append(mask.unknown) and None  # the user cancels
    window.files.open_file(tmp_path / "bad.png")
    assert asked == [{9: 4}] and window.editor.document.labels()[0, 20] == 3
    window.files.ask_mapping = lambda mask: {9: 2}
    window.files.open_file(tmp_path / "bad.png")
    assert (
        window.editor.document.labels()[0, 0] == 2 and window.editor.document.labels()[0, 20] == 3
    )
    _wait_current(qtbot, window)
    window.files.export_image(tmp_path / "render.webp")
    window.files.export(ExportKind.IMAGE, 2, tmp_path / "big.png")
    assert Image.open(tmp_path / "big.png").size == (64, 64)
    exports = ((ExportKind.LABELS, "ids.png"), (ExportKind.COLORS, "colors.png"))
    for kind, name in (*exports, (ExportKind.ORA, "layers.ora")):
        window.files.export(kind, 1, tmp_path / name)
        assert (tmp_path / name).stat().st_size > 0


def test_mask_mapping_dialog_lists_unknowns_and_warns_about_jpeg(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    from casa_studio.ui.dialogs import MaskMappingDialog

    rgb = np.zeros((32, 32, 3), np.uint8)
    rgb[:, :16] = (1, 2, 3)
    Image.fromarray(rgb).save(tmp_path / "m.jpg")
    mask = window.editor.read_mask(tmp_path / "m.jpg")
    dialog = MaskMappingDialog(mask, window.editor.document.palette)
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "lossy" in text and "px" in text
    value = next(iter(mask.unknown))
    dialog.model.setData(dialog.model.index(0, 2), 3)
    assert dialog.mapping()[value] == 3


def test_dropping_a_file_opens_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    labels = np.full((32, 32), 2, np.uint8)
    Image.fromarray(labels, "L").save(tmp_path / "drop.png")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(tmp_path / "drop.png"))])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert (window.editor.document.labels() == 2).all()


def test_zoom_fit_and_middle_button_pan(qtbot, window: MainWindow) -> None:
    canvas = window.canvas
    canvas.fit()
    fitted = canvas.transform().m11()
    window.action_for["zoom_in"].trigger()
    assert canvas.transform().m11() > fitted
    window.action_for["zoom_out"].trigger()
    window.action_for["zoom_out"].trigger()
    assert canvas.transform().m11() < fitted
    window.action_for["zoom_in"].trigger()
    for _ in range(6):
        window.action_for["zoom_in"].trigger()
    bar = canvas.horizontalScrollBar()
    before = bar.value()
    viewport = canvas.viewport()
    centre = viewport.rect().center()
    QTest.mousePress(viewport, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseMove(viewport, centre + QPoint(60, 0))
    QTest.mouseRelease(
        viewport,
        Qt.MouseButton.MiddleButton,
        Qt.KeyboardModifier.NoModifier,
        centre + QPoint(60, 0),
    )
    assert bar.value() != before
    assert (window.editor.document.labels() == 0).all()  # panning never paints
    window.action_for["fit"].trigger()
    assert abs(canvas.transform().m11() - fitted) < 1e-6


def test_device_menu_offers_only_devices_the_worker_found(qtbot, window: MainWindow) -> None:
    import torch

    enabled = {name for name, action in window.device_actions.items() if action.isEnabled()}
    assert {"auto", "cpu"} <= enabled
    assert ("cuda" in enabled) == torch.cuda.is_available()
    window.device_actions["cpu"].trigger()
    qtbot.waitUntil(lambda: window.editor.live.state is RenderState.UP_TO_DATE, timeout=20000)
    assert window.editor.live.device == "CPU"


def test_save_and_reopen_a_project(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.canvas.fit()
    window.editor.set_class(2)
    _drag(qtbot, window, [(3, 3), (25, 25)])
    window.layers.buttons["Add layer"].click()
    window.styles.reroll([2])  # a random style for class 2, and a lock on class 0
    window.styles.set_locked([0], True)
    styles = window.editor.document.styles
    qtbot.waitUntil(lambda: styles.sources[2].kind is SourceKind.RANDOM, timeout=5000)
    sources = list(styles.sources)
    window.output.set_mode(ViewMode.OVERLAY)
    window.output.opacity.setValue(70)
    assert window.windowTitle().startswith("*Untitled")
    assert window.files.save_as(tmp_path / "scene")
    assert (tmp_path / "scene.casa").is_file()
    assert window.windowTitle() == "scene.casa — CASA Studio"
    saved = window.editor.document.labels().copy()
    window.editor.new_document()
    window.output.set_mode(ViewMode.GENERATED)
    assert (window.editor.document.labels() == 0).all() and window.editor.path is None
    window.files.open_file(tmp_path / "scene.casa")
    assert np.array_equal(window.editor.document.labels(), saved)
    assert len(window.editor.document.layers) == 3 and not window.editor.document.modified
    assert window.layers.list.count() == 3
    reopened = window.editor.document.styles
    assert reopened.sources == sources and reopened.locked == {0}
    assert window.style_panel.table.cellWidget(0, 3).isChecked()  # the lock shows
    assert window.output.current_mode() is ViewMode.OVERLAY  # shown as it was saved
    assert window.output.opacity.value() == 70
    window.editor.set_class(1)
    _drag(qtbot, window, [(28, 3)])
    assert window.files.save() and not window.editor.document.modified
    assert (tmp_path / "scene.casa~").is_file()


def test_a_project_for_other_classes_is_refused(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from casa_studio.core.document import Document
    from casa_studio.core.palette import Palette
    from casa_studio.persistence.project import ModelRef, save_project

    other = Palette.from_entries([(0, "sky", (0, 0, 0)), (1, "sea", (0, 0, 9))])
    save_project(
        tmp_path / "faces.casa", Document.new(other, (32, 32)), ModelRef("faces", "cd" * 32)
    )
    reported = []
    window.files.report = reported.append
    window.files.open_file(tmp_path / "faces.casa")
    assert "made with model 'faces' (sha256 cdcdcdcdcdcd" in str(reported[0])
    assert window.editor.document.palette.classes[1].name == "class_1"


def test_the_window_opens_a_label_map_given_on_the_command_line(
    qtbot, tiny_folder: Path, tmp_path: Path
) -> None:
    from casa_studio.ui.app import build_window

    labels = np.zeros((32, 32), np.uint8)
    labels[10:] = 3
    Image.fromarray(labels, "L").save(tmp_path / "scene.png")
    win = build_window(str(tiny_folder), device="cpu", labels=tmp_path / "scene.png")
    try:
        assert np.array_equal(win.editor.document.labels(), labels)
    finally:
        win.hide()
        win.close()


def test_every_menu_action_runs_without_error(qtbot, window: MainWindow, monkeypatch) -> None:
    """Each action triggered as from its menu, with file dialogs cancelled: no exception
    (pytest-qt fails the test on any exception raised in a slot)."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    for key, action in window.action_for.items():
        if key in ("quit",):
            continue
        action.trigger()
        qtbot.wait(20)
    for dialog in window.findChildren(QDialog):
        dialog.close()
    assert window.isVisible()
