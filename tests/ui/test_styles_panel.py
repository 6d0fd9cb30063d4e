"""The style panel and reference box driven through their real widgets, with the real (tiny)
model: rerolls, typed seeds, locks, swap, blend, references (given labels and segmenter),
shape transfer, the style library; each undoable and visible in the render."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QInputDialog, QPushButton, QToolButton

from casa_studio.core.commands import PaintPixels
from casa_studio.core.styles import SourceKind, StyleSource
from casa_studio.engine.service import InferenceService
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.output_view import ViewMode
from casa_studio.ui.style_panel import LOCK, NAME, REROLL, SEED, SOURCE, StylePanel


def _paint(win: MainWindow, value: int, rows: slice, cols: slice = slice(None)) -> None:
    doc = win.editor.document
    mask = np.zeros(doc.size, bool)
    mask[rows, cols] = True
    doc.execute(PaintPixels.from_mask(doc.active_layer, mask, value))


@pytest.fixture
def scene(qtbot, window: MainWindow) -> MainWindow:
    """Classes 0 (top), 2 (middle) and 3 (bottom) in the document, rendered."""
    _paint(window, 2, slice(10, 20))
    _paint(window, 3, slice(20, 32))
    _wait(qtbot, window)
    return window


def _wait(qtbot, win: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: win.editor.live.result is not None and not win.editor.live.is_stale, timeout=20000
    )


def _row(panel: StylePanel, class_id: int) -> int:
    for row in range(panel.table.rowCount()):
        if panel.table.item(row, NAME).data(Qt.ItemDataRole.UserRole) == class_id:
            return row
    raise AssertionError(f"class {class_id} has no row")


def _select(panel: StylePanel, *classes: int) -> None:
    panel.table.clearSelection()
    model = panel.table.selectionModel()
    for c in classes:
        index = panel.table.model().index(_row(panel, c), NAME)
        model.select(
            index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )


def _tokens(qtbot, win: MainWindow) -> np.ndarray:
    """The style tokens of the current image, once it shows the document's state."""
    _wait(qtbot, win)
    tokens = win.editor.live.result.tokens
    assert tokens is not None
    return tokens.copy()


def test_rows_follow_the_classes_in_the_document(scene: MainWindow) -> None:
    panel = scene.style_panel
    assert panel.table.rowCount() == 3
    assert [panel.table.item(r, NAME).text() for r in range(3)] == ["class_0", "class_2", "class_3"]
    _paint(scene, 1, slice(0, 2))
    assert panel.table.rowCount() == 4 and panel.chosen() == [0, 1, 2, 3]


def test_reroll_one_class_changes_only_its_token_and_the_render(qtbot, scene: MainWindow) -> None:
    panel, before = scene.style_panel, scene.editor.live.result.image.copy()
    button = panel.table.cellWidget(_row(panel, 2), REROLL)
    assert isinstance(button, QToolButton)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    styles = scene.editor.document.styles
    qtbot.waitUntil(lambda: styles.sources[2].kind is SourceKind.RANDOM, timeout=5000)
    tokens, typical = _tokens(qtbot, scene), scene.editor.live.info.typical
    assert np.array_equal(tokens[[0, 1, 3]], typical[[0, 1, 3]])
    assert not np.array_equal(tokens[2], typical[2])
    seed = styles.sources[2].seed
    assert panel.table.item(_row(panel, 2), SEED).text() == str(seed)
    assert panel.table.item(_row(panel, 2), 1).text() == f"random #{seed}"
    _wait(qtbot, scene)
    assert not np.array_equal(scene.editor.live.result.image, before)
    scene.action_for["undo"].trigger()
    assert styles.sources[2].kind is SourceKind.TYPICAL
    _wait(qtbot, scene)
    assert np.array_equal(scene.editor.live.result.image, before)


def test_a_typed_seed_gives_the_mapping_networks_token(
    qtbot, scene: MainWindow, tiny_folder: Path
) -> None:
    panel = scene.style_panel
    panel.table.item(_row(panel, 3), SEED).setText("1234")
    styles = scene.editor.document.styles
    qtbot.waitUntil(lambda: styles.sources[3] == StyleSource(SourceKind.RANDOM, 1234), timeout=5000)
    expected = InferenceService.load(tiny_folder, "cpu").styles.noise_tokens([3], [1234])[0]
    assert np.allclose(
        _tokens(qtbot, scene)[3], expected, atol=2e-2
    )  # worker runs bf16 on this CPU
    messages: list[str] = []
    scene.editor.message.connect(messages.append)
    panel.table.item(_row(panel, 3), SEED).setText("abc")
    assert "not a seed" in messages[-1] and styles.sources[3].seed == 1234


def test_locked_classes_keep_their_style_on_reroll(qtbot, scene: MainWindow) -> None:
    panel = scene.style_panel
    lock = panel.table.cellWidget(_row(panel, 0), LOCK)
    QTest.mouseClick(lock, Qt.MouseButton.LeftButton)
    assert scene.editor.document.styles.locked == {0}
    assert panel.table.cellWidget(_row(panel, 0), LOCK).isChecked()
    QTest.mouseClick(panel.reroll_button, Qt.MouseButton.LeftButton)  # nothing selected: all
    styles = scene.editor.document.styles
    qtbot.waitUntil(lambda: styles.sources[2].kind is SourceKind.RANDOM, timeout=5000)
    assert styles.sources[0].kind is SourceKind.TYPICAL and styles.sources[2] == styles.sources[3]
    QTest.mouseClick(panel.each_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: styles.sources[2] != styles.sources[3], timeout=5000)
    scene.action_for["undo"].trigger()
    scene.action_for["undo"].trigger()
    scene.action_for["undo"].trigger()
    assert styles.locked == set()


def test_blend_leaves_locked_classes_alone(qtbot, scene: MainWindow) -> None:
    """Like rerolls, looks and the library, a blend never changes a locked class."""
    panel = scene.style_panel
    QTest.mouseClick(panel.table.cellWidget(_row(panel, 2), LOCK), Qt.MouseButton.LeftButton)
    _select(panel, 2, 3)
    panel.blend_kind.setCurrentIndex(1)  # random seed
    slider = panel.blend_slider
    slider.setSliderDown(True)
    slider.setValue(60)
    styles = scene.editor.document.styles
    qtbot.waitUntil(lambda: styles.sources[3].kind is SourceKind.BLEND, timeout=5000)
    slider.setSliderDown(False)
    assert styles.sources[2].kind is SourceKind.TYPICAL  # locked: untouched
    assert scene.editor.document.history.undo_text() == "Blend class_3"
    messages: list[str] = []
    scene.editor.message.connect(messages.append)
    _select(panel, 2)
    slider.setSliderDown(True)
    slider.setValue(60)
    slider.setSliderDown(False)
    assert styles.sources[2].kind is SourceKind.TYPICAL
    assert messages[-1] == "Those classes are locked"


def test_swap_exchanges_the_sources_and_rederives_each_token(
    qtbot, scene: MainWindow, tiny_folder: Path
) -> None:
    panel = scene.style_panel
    scene.styles.set_seeds([2], [5])  # class 2: random #5, class 3: typical
    styles = scene.editor.document.styles
    qtbot.waitUntil(lambda: styles.sources[2].kind is SourceKind.RANDOM, timeout=5000)
    before, sources = _tokens(qtbot, scene), list(styles.sources)
    image = scene.editor.live.result.image.copy()
    _select(panel, 2, 3)
    assert panel.swap_button.isEnabled()
    QTest.mouseClick(panel.swap_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: styles.sources[3].kind is SourceKind.RANDOM, timeout=5000)
    assert styles.sources[3] == sources[2] and styles.sources[2] == sources[3]
    after = _tokens(qtbot, scene)
    # class 3 gets seed 5's style *for class 3*, class 2 the typical style for class 2
    expected = InferenceService.load(tiny_folder, "cpu").styles.noise_tokens([3], [5])[0]
    assert np.allclose(after[3], expected, atol=2e-2)
    assert np.array_equal(after[2], scene.editor.live.info.typical[2])
    assert np.array_equal(after[[0, 1]], before[[0, 1]], equal_nan=True)  # others untouched
    assert panel.chosen() == [2, 3]  # the selection survives the refresh
    _wait(qtbot, scene)
    assert not np.array_equal(scene.editor.live.result.image, image)  # the swap shows
    scene.action_for["undo"].trigger()
    assert np.array_equal(_tokens(qtbot, scene), before, equal_nan=True)


def test_blend_slider_previews_live_and_undoes_in_one_step(
    qtbot, scene: MainWindow, tiny_folder: Path
) -> None:
    panel, info = scene.style_panel, scene.editor.live.info
    _select(panel, 2)
    panel.blend_kind.setCurrentIndex(1)  # random seed
    panel.blend_seed.setValue(77)
    slider = panel.blend_slider
    slider.setSliderDown(True)  # the user grabs the handle…
    slider.setValue(25)  # …and moves it before the target came from the worker
    styles = scene.editor.document.styles
    qtbot.waitUntil(lambda: styles.sources[2].kind is SourceKind.BLEND, timeout=5000)
    rendered = []
    scene.editor.live.result_shown.connect(lambda r: rendered.append(r.revision))
    target = InferenceService.load(tiny_folder, "cpu").styles.noise_tokens([2], [77])[0]
    for value in (25, 50, 100):
        slider.setValue(value)
        expected = (1 - value / 100) * info.typical[2] + value / 100 * target
        assert np.allclose(_tokens(qtbot, scene)[2], expected, atol=3e-2)
        qtbot.waitUntil(lambda: bool(rendered) and not scene.editor.live.is_stale, timeout=20000)
    slider.setSliderDown(False)
    assert slider.value() == 0  # springs back: the next blend starts from this result
    assert np.allclose(_tokens(qtbot, scene)[2], target, atol=3e-2)
    assert len(set(rendered)) >= 2  # the preview followed the slider
    history = scene.editor.document.history
    assert history.undo_text() == "Blend class_2"
    assert len(history.steps[history.index - 1].commands) == 1  # previews replace each other
    scene.action_for["undo"].trigger()
    assert styles.sources[2].kind is SourceKind.TYPICAL


def _reference(tmp_path: Path, with_labels: bool) -> Path:
    (tmp_path / "images").mkdir()
    photo = np.zeros((32, 32, 3), np.uint8)
    photo[:16] = (200, 60, 20)
    photo[16:] = (20, 60, 200)
    Image.fromarray(photo).save(tmp_path / "images" / "ref.png")
    if with_labels:
        (tmp_path / "labels").mkdir()
        labels = np.zeros((32, 32), np.uint8)
        labels[:16] = 2  # class 2 at the top; class 3 absent
        Image.fromarray(labels, "L").save(tmp_path / "labels" / "ref.png")
    return tmp_path / "images" / "ref.png"


def test_reference_styles_and_shapes_from_a_labelled_photo(
    qtbot, scene: MainWindow, tmp_path: Path
) -> None:
    box = scene.style_panel.reference
    dialog = box.open_reference(_reference(tmp_path, with_labels=True))
    assert dialog is not None and dialog.isVisible()
    assert (dialog.session.document.labels()[:16] == 2).all()  # labels found beside the photo
    dialog.accept()
    assert scene.styles.reference is not None and scene.styles.reference.name == "ref.png"
    _select(scene.style_panel, 2, 3)
    styles = scene.editor.document.styles
    QTest.mouseClick(box.buttons["Take styles"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: styles.sources[2].kind is SourceKind.REFERENCE, timeout=5000)
    assert styles.sources[3].kind is SourceKind.TYPICAL  # absent from the reference…
    assert "class_3" in scene.statusBar().currentMessage()  # …and said so, without a box
    cell = scene.style_panel.table.item(_row(scene.style_panel, 2), 1)
    assert cell.text() == "ref.png" and not cell.icon().isNull()
    assert cell.toolTip() == "reference ref.png"

    _select(scene.style_panel, 2)
    QTest.mouseClick(box.buttons["Take shape"], Qt.MouseButton.LeftButton)
    (edit,) = scene.editor.document.shapes
    assert edit.class_id == 2 and edit.alpha == 0.0 and (edit.reference[:16] == 2).all()
    assert box.shape_slider.value() == 100 and box.shape_slider.label.text() == "100 %"
    assert scene.output.current_mode() is ViewMode.GENERATED  # the result, not the layout
    _wait(qtbot, scene)
    moved = scene.editor.live.result.image.copy()
    box.shape_slider.setSliderDown(True)
    box.shape_slider.setValue(0)  # none of the reference's shape: the document's own
    box.shape_slider.setSliderDown(False)
    assert scene.editor.document.shapes[0].alpha == 1.0
    _wait(qtbot, scene)
    assert not np.array_equal(scene.editor.live.result.image, moved)
    scene.files.export_image(tmp_path / "out.png")  # the recipe travels with the image
    recipe = json.loads(Image.open(tmp_path / "out.png").text["casa:recipe"])
    assert recipe["styles"]["class_2"] == "reference ref.png"
    assert recipe["styles"]["class_3"] == "typical"
    assert recipe["shapes"] == ["class_2 from ref.png (alpha 1)"]
    scene.action_for["undo"].trigger()
    assert scene.editor.document.shapes[0].alpha == 0.0 and box.shape_slider.value() == 100
    box.shape_slider.setSliderDown(True)
    box.shape_slider.setValue(40)
    box.shape_slider.setSliderDown(False)
    QTest.mouseClick(box.buttons["Clear shapes"], Qt.MouseButton.LeftButton)
    assert scene.editor.document.shapes == () and box.shape_slider.value() == 100
    scene.action_for["undo"].trigger()
    assert box.shape_slider.value() == 40
    scene.editor.new_document()
    assert box.shape_slider.value() == 100


@pytest.fixture
def segmenter(tiny_folder: Path) -> None:
    from casa_studio.model.segmenter import Segmenter, SegmenterConfig, save_segmenter

    torch.manual_seed(1)
    save_segmenter(Segmenter(SegmenterConfig(4, width=4, depth=2, input_size=32)), tiny_folder)


def test_a_photo_without_labels_goes_through_the_segmenter(
    qtbot, segmenter: None, scene: MainWindow, tmp_path: Path
) -> None:
    assert scene.editor.live.info.has_segmenter
    dialog = scene.style_panel.reference.open_reference(_reference(tmp_path, with_labels=False))
    assert dialog is not None
    qtbot.waitUntil(lambda: "Labelled by the segmenter" in dialog.status.text(), timeout=5000)
    labels = dialog.session.document.labels().copy()
    assert labels.max() < 4
    # correct the labels with the dialog's brush: class 1 in the top-left corner
    dialog.session.set_class(1)
    dialog.canvas.fit()
    viewport = dialog.canvas.viewport()
    point = dialog.canvas.mapFromScene(3, 3)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert dialog.session.document.labels()[3, 3] == 1
    dialog.accept()
    assert scene.styles.reference.labels[3, 3] == 1
    QTest.mouseClick(scene.style_panel.reference.buttons["Take all"], Qt.MouseButton.LeftButton)
    styles = scene.editor.document.styles
    present = set(np.unique(scene.styles.reference.labels).tolist())
    qtbot.waitUntil(
        lambda: any(s.kind is SourceKind.REFERENCE for s in styles.sources), timeout=5000
    )
    taken = {c for c in (0, 2, 3) if styles.sources[c].kind is SourceKind.REFERENCE}
    assert taken == {0, 2, 3} & present


def test_style_library_saves_and_applies(
    qtbot, scene: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = scene.style_panel
    QTest.mouseClick(panel.each_button, Qt.MouseButton.LeftButton)
    styles = scene.editor.document.styles
    qtbot.waitUntil(lambda: styles.sources[2].kind is SourceKind.RANDOM, timeout=5000)
    saved = _tokens(qtbot, scene)[2].copy()
    _select(panel, 2)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Warm middle", True))
    panel._save_library()
    assert panel.library.count() == 1 and "Warm middle" in panel.library.itemText(0)
    _select(panel, 3)
    panel._apply_library()
    assert np.array_equal(_tokens(qtbot, scene)[3], saved)
    assert (styles.sources[3].kind, styles.sources[3].name) == (SourceKind.LIBRARY, "Warm middle")
    scene.action_for["undo"].trigger()
    assert styles.sources[3].kind is SourceKind.RANDOM


def test_a_model_without_mapping_network_disables_random_styles(qtbot, tmp_path: Path) -> None:
    from dataclasses import replace

    from casa_studio.model.checkpoint import save_model
    from casa_studio.model.config import tiny
    from casa_studio.model.generator import CA2SISGenerator
    from casa_studio.ui.app import build_window
    from casa_studio.ui.live_preview import RenderState

    folder = save_model(
        CA2SISGenerator(replace(tiny(), has_mapping=False)), tmp_path / "plain", card="# plain\n"
    ).path
    win = build_window(str(folder), device="cpu")
    try:
        qtbot.waitUntil(lambda: win.editor.live.state is RenderState.UP_TO_DATE, timeout=20000)
        panel = win.style_panel
        assert not panel.reroll_button.isEnabled() and not panel.each_button.isEnabled()
        assert "no mapping network" in panel.reroll_button.toolTip()
        assert not panel.table.cellWidget(0, REROLL).isEnabled()
        assert not panel.table.item(0, SEED).flags() & Qt.ItemFlag.ItemIsEditable
        messages: list[str] = []
        win.editor.message.connect(messages.append)
        win.action_for["reroll"].trigger()
        assert "no mapping network" in messages[-1]
        assert all(s.kind is SourceKind.TYPICAL for s in win.editor.document.styles.sources)
    finally:
        win.hide()
        win.close()


def test_bad_reference_files_are_reported(qtbot, scene: MainWindow, tmp_path: Path) -> None:
    messages: list[str] = []
    scene.editor.message.connect(messages.append)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8 truncated jpeg")
    assert scene.style_panel.reference.open_reference(tmp_path / "photo.jpg") is None
    assert "photo.jpg" in messages[-1] and scene.styles.reference is None
    scene.style_panel.reference.buttons["Take styles"].click()
    assert messages[-1] == "Open a reference image first"
    # labels beside the photo with ids this model lacks: the photo is labelled instead
    photo = _reference(tmp_path, with_labels=True)
    Image.fromarray(np.full((32, 32), 40, np.uint8), "L").save(tmp_path / "labels" / "ref.png")
    dialog = scene.style_panel.reference.open_reference(photo)
    assert dialog is not None and "no reference segmenter" in messages[-1]
    assert "no reference segmenter" in dialog.status.text()  # said in the dialog too
    dialog.reject()


def test_reference_buttons_open_file_dialogs(
    qtbot, scene: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    photo = _reference(tmp_path, with_labels=True)
    labels = np.zeros((32, 32), np.uint8)
    labels[:, :8] = 3
    Image.fromarray(labels, "L").save(tmp_path / "other_labels.png")
    answers = iter([str(photo), str(tmp_path / "other_labels.png")])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (next(answers), ""))
    box = scene.style_panel.reference
    QTest.mouseClick(box.buttons["Open…"], Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in scene.findChildren(QDialog) if d.isVisible()]
    load = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Load labels…")
    QTest.mouseClick(load, Qt.MouseButton.LeftButton)
    assert (dialog.session.document.labels()[:, :8] == 3).all()
    dialog.accept()
    assert (scene.styles.reference.labels[:, :8] == 3).all()


def test_a_reroll_needs_no_worker_job(qtbot, scene: MainWindow) -> None:
    old = scene.editor.document
    scene.styles.reroll([2])  # a source, set at once: nothing to wait for…
    assert not scene.editor.live._jobs and old.styles.sources[2].kind is SourceKind.RANDOM
    scene.editor.new_document()  # …so nothing can land in the next document
    assert all(s.kind is SourceKind.TYPICAL for s in scene.editor.document.styles.sources)


def test_rerolled_seeds_are_short_and_the_full_source_is_a_tooltip(
    qtbot, scene: MainWindow
) -> None:
    panel = scene.style_panel
    styles = scene.editor.document.styles
    for _ in range(20):
        QTest.mouseClick(panel.each_button, Qt.MouseButton.LeftButton)
        seeds = [styles.sources[c].seed for c in (0, 2, 3)]
        assert all(s is not None and 0 < s < 1_000_000 for s in seeds), seeds
    source = panel.table.item(_row(panel, 2), SOURCE)
    assert source.toolTip() == styles.sources[2].describe()
    assert panel.table.item(_row(panel, 2), SEED).text() == str(styles.sources[2].seed)


def test_swap_is_disabled_with_the_reason_when_both_classes_share_a_style(
    qtbot, scene: MainWindow
) -> None:
    panel = scene.style_panel
    _select(panel, 2, 3)  # both typical
    assert not panel.swap_button.isEnabled()
    assert panel.swap_button.toolTip() == "Nothing to swap: both have the same style (typical)"
    scene.styles.set_seeds([2], [5])
    qtbot.waitUntil(lambda: panel.table.item(_row(panel, 2), SEED).text() == "5", timeout=5000)
    _select(panel, 2, 3)
    assert panel.swap_button.isEnabled()
    assert panel.swap_button.toolTip() == "Swap the styles of two selected classes"
    _select(panel, 2)
    assert not panel.swap_button.isEnabled() and "select two" in panel.swap_button.toolTip()
