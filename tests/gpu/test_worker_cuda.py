"""The render worker thread on CUDA: renders, cancels, and switches models (as the editor
does: stop one worker, start another) with the GPU memory back to its baseline each time."""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from casa_studio.core.styles import TYPICAL
from casa_studio.engine.factory import model_renderer
from casa_studio.engine.request import RenderRequest
from casa_studio.engine.worker import RenderWorker
from casa_studio.model.checkpoint import save_model
from casa_studio.model.config import GeneratorConfig
from tests.gpu.helpers import BUNDLED, TOLERANCE, levels, official_model, scene

pytestmark = pytest.mark.gpu


@pytest.fixture
def app(request: pytest.FixtureRequest):
    """pytest-qt's application when it is installed (GUI libraries present), else a core one."""
    try:
        return request.getfixturevalue("qapp")
    except pytest.FixtureLookupError:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.instance() or QCoreApplication([])


def _wait(app, done: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < end, "timed out waiting for the worker"
        app.processEvents()
        time.sleep(0.01)


class Session:
    """A worker on one model folder, with what it emitted."""

    def __init__(self, app, folder: Path) -> None:
        self.app, self.rendered, self.failed, self.info = app, [], [], []
        self.worker = RenderWorker(model_renderer(folder, "cuda"))
        self.worker.loaded.connect(self.info.append)
        self.worker.load_failed.connect(self.failed.append)
        self.worker.rendered.connect(self.rendered.append)
        self.worker.failed.connect(lambda message, _revision: self.failed.append(message))
        self.worker.start()
        _wait(app, lambda: bool(self.info or self.failed))
        assert not self.failed, self.failed

    def request(self, revision: int, labels: np.ndarray) -> RenderRequest:
        classes = len(self.info[0].typical)  # every class typical
        return RenderRequest(labels.astype(np.uint8), (TYPICAL,) * classes, revision)

    def stop(self) -> None:
        self.worker.stop()
        self.worker.deleteLater()
        del self.worker


def _labels(folder: Path, seed: int) -> np.ndarray:
    cfg = GeneratorConfig.from_dict(json.loads((folder / "config.json").read_text()))
    return scene(cfg.output_hw, cfg.num_classes, seed)


def _allocated() -> int:
    gc.collect()
    torch.cuda.synchronize()
    return torch.cuda.memory_allocated()


def _renders_and_cancels(session: Session, folder: Path) -> None:
    labels = _labels(folder, 1)
    session.worker.submit(session.request(1, labels))
    _wait(session.app, lambda: len(session.rendered) == 1)
    result = session.rendered[0]
    assert result.revision == 1 and result.image.std() > 5
    # a burst, then cancel: what was still pending is never rendered
    for revision in range(2, 7):
        session.worker.submit(session.request(revision, _labels(folder, revision)))
    session.worker.cancel_pending()
    time.sleep(1.0)
    session.app.processEvents()
    done = [r.revision for r in session.rendered[1:]]
    assert len(done) <= 1 and all(2 <= r <= 6 for r in done)
    session.worker.submit(session.request(7, labels))
    _wait(session.app, lambda: session.rendered[-1].revision == 7)
    mean, _ = levels(session.rendered[-1].image, result.image)  # same state, same picture
    assert mean <= TOLERANCE[torch.float16][0]
    assert not session.failed


def test_worker_renders_cancels_and_switches_models_without_leaking(app, tmp_path: Path) -> None:
    official = save_model(official_model(), tmp_path / "official", card="# test\n").path
    # A first worker thread leaves cuBLAS's workspace for its handle; handles are pooled and
    # the next worker thread reuses both, so the baseline is taken after one.
    Session(app, BUNDLED).stop()
    baseline = _allocated()
    for folder in (official, BUNDLED, official):
        session = Session(app, folder)
        try:
            assert session.info[0].label == "cuda (fp16)"
            _renders_and_cancels(session, folder)
        finally:
            session.stop()
        assert _allocated() == baseline, f"{folder.name}: GPU memory not back to its baseline"
