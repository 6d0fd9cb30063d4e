"""Reroll, typical, swap, blend and looks are each one synchronous document command: one undo
step, and the render goes with one request carrying the new sources — no job for the worker
first (no GUI → worker → GUI → worker round trip)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from casa_studio.core.commands import PaintPixels
from casa_studio.core.styles import TYPICAL, Reference, SourceKind, StyleSource
from casa_studio.engine.fake import FakeRenderer
from casa_studio.engine.request import RenderRequest
from casa_studio.persistence.style_library import StyleLibrary
from casa_studio.ui.editor import Editor
from casa_studio.ui.live_preview import RenderState
from casa_studio.ui.main_window import MainWindow
from casa_studio.ui.style_editor import StyleEditor


class Traffic:
    """What the worker is asked for: render requests and jobs."""

    def __init__(self, editor: Editor) -> None:
        self.requests: list[RenderRequest] = []
        self.jobs: list[object] = []
        worker = editor.live.worker
        submit, submit_job = worker.submit, worker.submit_job
        worker.submit = lambda r: (self.requests.append(r), submit(r))[1]  # type: ignore[method-assign]
        worker.submit_job = lambda j: (self.jobs.append(j), submit_job(j))[1]  # type: ignore[method-assign]

    def clear(self) -> None:
        self.requests.clear()
        self.jobs.clear()


@pytest.fixture
def styles(fake_editor: Editor, tmp_path: Path) -> Iterator[StyleEditor]:
    doc = fake_editor.document
    for c, rows in ((1, slice(0, 10)), (2, slice(10, 20)), (3, slice(20, 32))):
        mask = np.zeros(doc.size, bool)
        mask[rows] = True
        doc.execute(PaintPixels.from_mask(doc.active_layer, mask, c))
    yield StyleEditor(fake_editor, StyleLibrary(tmp_path / "library"))


def _one_step_one_request(
    styles: StyleEditor, action: Callable[[], None], changed: Callable[[], bool]
) -> RenderRequest:
    doc = styles.doc
    traffic = Traffic(styles.editor)
    before = list(doc.styles.sources)
    steps = doc.history.index
    action()  # synchronous: done when it returns
    assert changed() and doc.history.index == steps + 1 and doc.history.open is None
    assert len(traffic.requests) == 1 and traffic.jobs == []
    (request,) = traffic.requests
    assert request.styles == tuple(doc.styles.sources)
    assert request.revision == styles.editor.live.render_revision
    doc.undo()
    assert doc.styles.sources == before
    return request


def test_reroll_typical_swap_blend_and_look_are_one_step_and_one_request(
    qtbot, styles: StyleEditor
) -> None:
    sources = styles.doc.styles.sources
    _one_step_one_request(
        styles,
        lambda: styles.reroll([2, 3], each=True),
        lambda: sources[3].kind is SourceKind.RANDOM,
    )
    styles.set_seeds([2], [5])
    _one_step_one_request(styles, lambda: styles.typical([2]), lambda: sources[2] == TYPICAL)
    _one_step_one_request(
        styles, lambda: styles.swap(2, 3), lambda: sources[3] == StyleSource(SourceKind.RANDOM, 5)
    )

    def blend_step() -> None:  # a keyboard step of the blend slider
        styles.begin_blend([2], StyleSource(SourceKind.RANDOM, 77))
        styles.blend(0.4)
        styles.end_blend()

    _one_step_one_request(styles, blend_step, lambda: sources[2].kind is SourceKind.BLEND)
    _one_step_one_request(
        styles, lambda: styles.look("night"), lambda: sources[1].kind is SourceKind.LOOK
    )


def test_the_render_shows_the_sources_tokens(
    qtbot, fake_editor: Editor, styles: StyleEditor
) -> None:
    live = fake_editor.live
    styles.set_seeds([2], [5])
    styles.begin_blend([2], TYPICAL)
    for amount in (0.2, 0.5, 0.7):  # a drag: the gesture stays one command
        styles.blend(amount)
    styles.end_blend()
    assert fake_editor.document.history.undo_text() == "Blend class_2"
    assert fake_editor.document.styles.sources[2].describe() == "random #5 + 70 % typical"
    qtbot.waitUntil(lambda: live.state is RenderState.UP_TO_DATE and not live.is_stale)
    renderer = FakeRenderer(4)  # the same fake model: the expected tokens
    expected = 0.3 * renderer.noise_tokens([2], [5])[0] + 0.7 * renderer.info.typical[2]
    np.testing.assert_allclose(live.result.tokens[2], expected, rtol=1e-6)
    fake_editor.undo()
    assert fake_editor.document.styles.sources[2] == StyleSource(SourceKind.RANDOM, 5)


def test_a_reroll_with_the_real_model_is_one_step_and_one_request(
    qtbot, window: MainWindow
) -> None:
    editor = window.editor
    traffic = Traffic(editor)
    steps = editor.document.history.index
    window.styles.reroll([0])
    assert editor.document.history.index == steps + 1
    assert len(traffic.requests) == 1 and traffic.jobs == []
    qtbot.waitUntil(lambda: not editor.live.is_stale, timeout=20000)
    seed = editor.document.styles.sources[0].seed
    assert seed is not None
    tokens = editor.live.result.tokens.copy()
    traffic.clear()
    window.action_for["undo"].trigger()
    assert len(traffic.requests) == 1 and traffic.jobs == []
    qtbot.waitUntil(lambda: not editor.live.is_stale, timeout=20000)
    assert np.array_equal(editor.live.result.tokens[0], editor.live.info.typical[0])
    assert not np.array_equal(tokens[0], editor.live.info.typical[0])


def test_a_reference_is_encoded_once_and_again_when_its_labels_change(
    qtbot, styles: StyleEditor
) -> None:
    image = np.full((32, 32, 3), 90, np.uint8)
    labels = np.zeros((32, 32), np.uint8)
    labels[16:] = 2
    styles.set_reference(Reference("photo.png", image, labels))
    traffic = Traffic(styles.editor)
    sources = styles.doc.styles.sources
    styles.apply_reference([2])  # the first use waits for the worker's encoding
    assert len(traffic.jobs) == 1
    qtbot.waitUntil(lambda: sources[2].kind is SourceKind.REFERENCE)
    traffic.clear()
    styles.blend_target(SourceKind.REFERENCE, lambda target: styles.begin_blend([1], target))
    styles.blend(0.5)
    styles.end_blend()
    assert traffic.jobs == [] and sources[1].parts[1] == sources[2]  # encoded already
    relabelled = labels.copy()
    relabelled[:8] = 1  # the same photo, relabelled: its tokens change
    styles.set_reference(Reference("photo.png", image, relabelled))
    styles.apply_reference([1])
    assert len(traffic.jobs) == 1
