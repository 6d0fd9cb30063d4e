"""The render worker's jobs: run in order before renders, answered by id, failures reported."""

from __future__ import annotations

import numpy as np

from casa_studio.core.styles import TYPICAL
from casa_studio.engine.fake import FakeRenderer
from casa_studio.engine.jobs import EncodeReference, SegmentReference
from casa_studio.engine.request import RenderRequest
from casa_studio.engine.style_tokens import StyleTokens
from casa_studio.engine.worker import RenderWorker


def test_jobs_run_in_order_and_failures_keep_the_loop(qtbot) -> None:
    renderer = FakeRenderer(4)
    worker = RenderWorker(lambda: renderer)
    done: list[tuple[int, object]] = []
    failed: list[tuple[int, str]] = []
    rendered: list[int] = []
    worker.job_done.connect(lambda i, r: done.append((i, r)))
    worker.job_failed.connect(lambda i, m: failed.append((i, m)))
    worker.rendered.connect(lambda r: rendered.append(r.revision))
    image = np.full((8, 8, 3), 200, np.uint8)
    labels = np.zeros((8, 8), np.uint8)
    labels[:, 4:] = 2
    ids = [
        worker.submit_job("not a job"),  # type: ignore[arg-type]
        worker.submit_job(EncodeReference(image, labels)),
        worker.submit_job(SegmentReference(image)),
    ]
    worker.submit(RenderRequest(labels, (TYPICAL,) * 4, 7))
    worker.start()
    try:
        qtbot.waitUntil(lambda: len(done) == 2 and rendered == [7], timeout=5000)
    finally:
        worker.stop()
    assert [i for i, _ in done] == [ids[1], ids[2]] and ids == sorted(set(ids))
    assert failed == [(ids[0], "unknown job str")]
    encoded = done[0][1]
    assert isinstance(encoded, StyleTokens) and encoded.present == frozenset({0, 2})
    assert done[1][1].labels.shape == (8, 8) and done[1][1].unsure.dtype == bool
