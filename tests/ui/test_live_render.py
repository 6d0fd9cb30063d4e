"""The render loop with a slow fake renderer: coalescing, stale results, failures."""

from __future__ import annotations

import numpy as np

from casa_studio.core.commands import PaintPixels
from casa_studio.core.document import Document
from casa_studio.engine.fake import FakeRenderer
from casa_studio.ui.editor import Editor
from casa_studio.ui.live_preview import RenderState
from tests.ui.conftest import PALETTE


def _paint(editor: Editor, value: int, row: int) -> None:
    mask = np.zeros(editor.document.size, bool)
    mask[row] = True
    editor.document.execute(PaintPixels.from_mask(editor.document.active_layer, mask, value))


def _editor(qtbot, renderer: FakeRenderer) -> Editor:
    editor = Editor(Document.new(PALETTE, (32, 32)), lambda: renderer)
    qtbot.waitUntil(lambda: editor.live.state is RenderState.UP_TO_DATE, timeout=10000)
    return editor


def test_ten_quick_edits_render_the_first_and_the_last_state(qtbot) -> None:
    renderer = FakeRenderer(4, delay=0.6)
    editor = _editor(qtbot, renderer)
    start = editor.document.revision
    for i in range(10):  # one edit per event-loop turn, all within the first render
        _paint(editor, 1 + i % 3, i)
        qtbot.wait(5)
    last = editor.document.revision
    qtbot.waitUntil(lambda: editor.live.result.revision == last, timeout=10000)
    editor.live.shutdown()
    assert renderer.rendered == [start, start + 1, last]  # initial, first edit, last edit
    assert editor.live.state is RenderState.UP_TO_DATE


def test_results_older_than_the_screen_are_discarded(qtbot, fake_editor: Editor) -> None:
    _paint(fake_editor, 1, 0)
    qtbot.waitUntil(lambda: not fake_editor.live.is_stale, timeout=10000)
    shown = fake_editor.live.result
    old = type(shown)(shown.image * 0, shown.revision - 1, 0.0, "fake")
    fake_editor.live._on_rendered(old)
    assert fake_editor.live.result is shown


def test_a_failing_render_keeps_the_editor_usable(qtbot) -> None:
    renderer = FakeRenderer(4)
    editor = _editor(qtbot, renderer)
    base = editor.document.revision
    failures = []
    editor.live.worker.failed.connect(lambda msg, rev: failures.append(rev))
    _paint(editor, 1, 0)
    first = editor.document.revision
    renderer.fail_on.add(first + 1)  # the next edit's render fails
    qtbot.waitUntil(lambda: editor.live.result.revision == first, timeout=10000)
    _paint(editor, 2, 1)
    qtbot.waitUntil(lambda: editor.live.state is RenderState.ERROR, timeout=10000)
    assert failures == [first + 1] and editor.live.result.revision == first > base
    _paint(editor, 3, 2)
    qtbot.waitUntil(lambda: editor.live.state is RenderState.UP_TO_DATE, timeout=10000)
    assert editor.live.result.revision == editor.document.revision
    editor.live.shutdown()
