"""FakeRenderer: a deterministic numpy stand-in for the model, for tests and --fake-engine."""

from __future__ import annotations

import time

import numpy as np

from casa_studio.engine.errors import EngineError
from casa_studio.engine.request import RenderRequest, RenderResult


class FakeRenderer:
    """Colours each class from the seed; optional delay and a failing revision for tests."""

    label = "fake"
    devices = ("auto", "cpu")
    model_sha256 = ""

    def __init__(
        self, num_classes: int, delay: float = 0.0, fail_on: set[int] | None = None
    ) -> None:
        self.num_classes = num_classes
        self.delay = delay
        self.fail_on = fail_on or set()
        self.rendered: list[int] = []

    def render(self, request: RenderRequest) -> RenderResult:
        start = time.perf_counter()
        if self.delay:
            time.sleep(self.delay)
        if request.revision in self.fail_on:
            raise EngineError(f"fake failure at revision {request.revision}")
        colours = np.random.default_rng(request.seed or 0).integers(
            0, 256, (256, 3), dtype=np.uint8
        )
        image = colours[np.clip(request.labels, 0, 255)]
        self.rendered.append(request.revision)
        maps = None
        if request.attention:
            maps = np.stack(
                [(request.labels == c).astype(np.float32) for c in range(self.num_classes)]
            )
        return RenderResult(image, request.revision, time.perf_counter() - start, self.label, maps)
