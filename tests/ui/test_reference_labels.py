"""The reference-labels dialog as an artist expects it (issue 22 item 14): the Labels
opacity is remembered, the segmenter's hint goes once the user edits, the legend hides
classes at 0 %; and the reference box's colour fit (issue 19) reaches the worker."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.model.segmenter import Segmenter, SegmenterConfig, save_segmenter
from casa_studio.settings import Settings
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.reference_panel import SEGMENTER_HINT
from tests.ui.test_paint_tools import HALVES, drag


@pytest.fixture
def with_segmenter(tiny_folder: Path) -> None:
    """The tiny model folder gets a (random, seeded) reference segmenter before the window
    loads."""
    import torch

    torch.manual_seed(0)
    save_segmenter(Segmenter(SegmenterConfig(4, width=4, depth=2, input_size=16)), tiny_folder)


def _photo(tmp_path: Path) -> Path:
    photo = np.zeros((32, 32, 3), np.uint8)
    photo[:16] = (200, 60, 20)
    photo[16:] = (20, 60, 200)
    Image.fromarray(photo).save(tmp_path / "photo.png")
    return tmp_path / "photo.png"


def test_the_labels_opacity_is_remembered_for_the_next_dialog(qtbot, window: MainWindow) -> None:
    image = np.full((32, 32, 3), 90, np.uint8)
    first = window.style_panel.reference._dialog("ref.png", image, HALVES)
    qtbot.addWidget(first)
    first.opacity.setValue(85)
    first.reject()
    assert Settings.load().reference_opacity == 85
    second = window.style_panel.reference._dialog("ref.png", image, HALVES)
    qtbot.addWidget(second)
    assert second.opacity.value() == 85 and second.canvas.opacity == pytest.approx(0.85)
    second.reject()


def test_the_segmenter_hint_goes_once_the_user_edits(
    qtbot, with_segmenter: None, window: MainWindow, tmp_path: Path
) -> None:
    dialog = window.style_panel.reference.open_reference(_photo(tmp_path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.status.text() == SEGMENTER_HINT, timeout=10000)
    dialog.canvas.fit()
    dialog.session.set_class(3)
    drag(dialog.canvas, [(4, 4), (12, 4), (20, 4)])
    assert (dialog.session.document.labels()[4, 6:18] == 3).all()
    assert dialog.status.text() != SEGMENTER_HINT
    assert "segmenter" not in dialog.status.text()
    dialog.label_automatically()
    qtbot.waitUntil(lambda: dialog.status.text() == SEGMENTER_HINT, timeout=180000)
    Image.fromarray(HALVES, "L").save(tmp_path / "mine.png")
    dialog._load_labels(tmp_path / "mine.png")  # labels from a file are not the segmenter's
    assert dialog.status.text() == "Labels from mine.png: correct them with the tools."
    dialog.reject()


def test_the_legend_hides_classes_at_zero_percent(qtbot, window: MainWindow) -> None:
    labels = HALVES.copy()
    labels[0, 0] = 3  # one stray pixel: 0.1 %
    dialog = window.style_panel.reference._dialog(
        "ref.png", np.zeros((32, 32, 3), np.uint8), labels
    )
    qtbot.addWidget(dialog)
    legend = [dialog.legend.item(i).text() for i in range(dialog.legend.count())]
    assert legend == ["class_0  50 %", "class_2  50 %"]
    dialog.reject()


def test_take_all_fits_the_photo_colours_unless_the_box_is_off(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    window.editor.open_labels(HALVES)
    box = window.style_panel.reference
    assert box.fit.isChecked()  # the bundled kind of model: fitted by default
    messages: list[str] = []
    window.editor.message.connect(messages.append)
    dialog = box.open_reference(_photo(tmp_path))
    dialog.accept()
    box.buttons["Take all"].click()
    # the last progress line comes before the job's result: wait for the tokens themselves
    qtbot.waitUntil(lambda: window.styles._reference_tokens is not None, timeout=180000)
    assert any(m.startswith("Fitting styles to photo.png's colours: 1/10") for m in messages)
    assert any("10/10" in m for m in messages)
    fitted = window.styles._reference_tokens
    assert fitted is not None and fitted[1] == 10
    messages.clear()
    box.fit.click()  # off: the style encoder's tokens alone
    box.buttons["Take all"].click()
    qtbot.waitUntil(lambda: window.styles._reference_tokens[1] == 0, timeout=180000)
    assert not any("Fitting" in m for m in messages)
    assert not np.allclose(window.styles._reference_tokens[2].tokens, fitted[2].tokens)


def test_official_imports_start_with_the_fit_off(qtbot, window: MainWindow) -> None:
    box = window.style_panel.reference
    info = window.editor.live.info
    window.editor.live.model_ready.emit(replace(info, fit_steps=0))
    window.editor.live.info = replace(info, fit_steps=0)
    window.editor.live.model_ready.emit(window.editor.live.info)
    assert not box.fit.isChecked() and window.styles.fit_steps() == 0
    box.fit.click()
    assert window.styles.fit_steps() == 10


def test_the_dialog_hatches_where_the_segmenter_is_unsure(
    qtbot, with_segmenter: None, window: MainWindow, tmp_path: Path
) -> None:
    dialog = window.style_panel.reference.open_reference(_photo(tmp_path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.status.text() == SEGMENTER_HINT, timeout=180000)
    assert "hatched" in SEGMENTER_HINT
    assert dialog.hatch.isVisible()
    hatch = dialog.hatch.pixmap().toImage()
    assert (hatch.width(), hatch.height()) == (32, 32)
    alpha = [hatch.pixelColor(x, y).alpha() for y in range(32) for x in range(32)]
    assert 0 < sum(a > 0 for a in alpha) < 32 * 32  # stripes, over the unsure pixels only
    hatched = sum(a > 0 for a in alpha)
    dialog.canvas.fit()
    dialog.session.set_tool("rectangle")
    dialog.session.set_class(3 if dialog.session.document.labels()[8, 8] != 3 else 1)
    drag(dialog.canvas, [(0, 0), (31, 15)])  # the user relabels the top half: no hatch there
    hatch = dialog.hatch.pixmap().toImage()
    top = [hatch.pixelColor(x, y).alpha() for y in range(15) for x in range(31)]
    assert not any(top) and sum(a > 0 for a in alpha[16 * 32 :]) > 0
    assert sum(hatch.pixelColor(x, y).alpha() > 0 for y in range(32) for x in range(32)) < hatched
    dialog.set_labels(np.zeros((32, 32), np.uint8))  # labels from elsewhere: no hatch
    assert not dialog.hatch.isVisible()
    dialog.reject()
