"""FakeRenderer: a deterministic numpy stand-in for the model, for tests and --fake-engine.
Each class is drawn in a colour read from its style token, so style edits show; tokens come
from the same `engine.styles` resolver as with the real model."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from casa_studio.engine.errors import EngineError
from casa_studio.engine.jobs import EncodeReference, Job, Segmentation, SegmentReference
from casa_studio.engine.request import RendererInfo, RenderRequest, RenderResult
from casa_studio.engine.style_tokens import StyleTokens, present_classes
from casa_studio.engine.styles import StyleResolver

TOKEN_DIM = 8
LOOKS = ("clear day", "golden hour", "night")  # clear day is the typical style, as with a bank


def _token(seed: int, class_id: int) -> np.ndarray:
    return np.random.default_rng([seed, class_id]).normal(size=TOKEN_DIM).astype(np.float32)


class FakeRenderer:
    """Optional delay, and a revision that fails, for tests."""

    def __init__(
        self, num_classes: int, delay: float = 0.0, fail_on: set[int] | None = None
    ) -> None:
        self.num_classes = num_classes
        self.delay = delay
        self.fail_on = fail_on or set()
        self.rendered: list[int] = []
        typical = np.stack([_token(0, c) for c in range(num_classes)])
        looks = {
            n: np.stack([_token(i, c) for c in range(num_classes)]) for i, n in enumerate(LOOKS)
        }
        self.info = RendererInfo("fake", ("auto", "cpu"), "", typical, True, True, 0.0, looks, 2)
        self.has_random = True
        self.looks = LOOKS
        self.styles = StyleResolver(self)

    def typical_styles(self) -> StyleTokens:
        return StyleTokens(self.info.typical, frozenset(range(self.num_classes)))

    def look_styles(self, name: str) -> StyleTokens:
        return StyleTokens(self.info.looks[name], frozenset(range(self.num_classes)))

    def noise_tokens(self, classes: Sequence[int], seeds: Sequence[int]) -> np.ndarray:
        return np.stack([_token(s, c) for c, s in zip(classes, seeds, strict=True)])

    def render(self, request: RenderRequest) -> RenderResult:
        start = time.perf_counter()
        if self.delay:
            time.sleep(self.delay)
        if request.revision in self.fail_on:
            raise EngineError(f"fake failure at revision {request.revision}")
        tokens = self.styles.tokens(request.styles)
        colours = np.clip(128 + 60 * tokens[:, :3], 0, 255).astype(np.uint8)
        labels = np.array(request.labels, np.int64)
        for edit in request.shapes:
            if edit.alpha < 0.5:  # the class is drawn where the reference has it
                labels[labels == edit.class_id] = 0
                labels[edit.reference == edit.class_id] = edit.class_id
        image = colours[np.clip(labels, 0, self.num_classes - 1)]
        self.rendered.append(request.revision)
        maps = None
        if request.attention:
            maps = np.stack([(labels == c).astype(np.float32) for c in range(self.num_classes)])
        seconds = time.perf_counter() - start
        return RenderResult(image, request.revision, seconds, "fake", maps, tokens)

    def run(self, job: Job) -> object:
        if isinstance(job, EncodeReference):
            steps = self.info.fit_steps if job.fit is None else job.fit
            for done in range(1, steps + 1):
                job.progress(done, steps)
            tokens = np.zeros((self.num_classes, TOKEN_DIM), np.float32)
            for c in present_classes(job.labels):
                tokens[c, :3] = (job.image[job.labels == c].mean(axis=0) - 128) / 60
            return StyleTokens(tokens, present_classes(job.labels))
        if isinstance(job, SegmentReference):
            grey = job.image.astype(np.int64).sum(axis=-1) // 3
            labels = (grey * self.num_classes // 256).astype(np.uint8)
            return Segmentation(labels, np.zeros(labels.shape, bool))
        raise EngineError(f"unknown job {type(job).__name__}")
