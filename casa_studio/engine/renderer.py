"""ServiceRenderer: the model adapter of the render worker — renders requests with the real
model (style sources become tokens through `engine.styles`) and runs the worker's jobs."""

from __future__ import annotations

import time

import numpy as np

from casa_studio.engine.batch import reference_pairs, render_many
from casa_studio.engine.device import available_devices
from casa_studio.engine.errors import EngineError
from casa_studio.engine.jobs import (
    UNSURE_BELOW,
    EncodeReference,
    Job,
    RenderBatch,
    Segmentation,
    SegmentReference,
)
from casa_studio.engine.request import RendererInfo, RenderRequest, RenderResult
from casa_studio.engine.service import InferenceService
from casa_studio.engine.style_fit import default_fit_steps
from casa_studio.engine.styles import StyleResolver


class ServiceRenderer:
    """One style resolver (and its cache) serves the live preview and batch exports."""

    def __init__(self, service: InferenceService) -> None:
        self.service = service
        self.styles = StyleResolver(service)
        self.info = RendererInfo(
            service.placement.label,
            available_devices(),
            service.info.sha256,
            service.typical_styles().tokens.copy(),
            service.has_random,
            service.has_segmenter,
            {name: service.look_styles(name).tokens for name in service.looks},
            default_fit_steps(service.config.name),
        )

    def render(self, request: RenderRequest) -> RenderResult:
        start = time.perf_counter()
        labels = request.labels.astype(np.int64)
        tokens = self.styles.tokens(request.styles)
        # an edit whose class was painted away since is dormant, not an error
        shapes = [e for e in request.shapes if np.any(labels == e.class_id)]
        maps = None
        if request.attention:
            image, maps = self.service.render_with_attention(
                labels, tokens, shapes, locality=request.locality
            )
        else:
            image = self.service.render(labels, tokens, shapes, locality=request.locality)
        label = self.info.label
        seconds = time.perf_counter() - start
        return RenderResult(image, request.revision, seconds, label, maps, tokens)

    def run(self, job: Job) -> object:
        if isinstance(job, EncodeReference):
            labels = job.labels.astype(np.int64)
            return self.service.encode_styles(job.image, labels, job.fit, job.progress)
        if isinstance(job, SegmentReference):
            scores = self.service.segment_scores(job.image)
            labels = scores.argmax(0).astype(np.uint8)
            return Segmentation(labels, scores.max(0) < UNSURE_BELOW)
        if isinstance(job, RenderBatch):
            return render_many(
                self.service,
                list(job.sources),
                job.out,
                seeds=job.seeds,
                own=job.own,
                styles=None if job.styles is None else reference_pairs(job.styles),
                progress=job.progress,
                pattern=job.pattern,
                cancelled=job.cancelled,
                looks=job.looks,
                locality=job.locality,
                resolver=self.styles,
            )
        raise EngineError(f"unknown job {type(job).__name__}")
