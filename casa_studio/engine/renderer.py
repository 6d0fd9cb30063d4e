"""ServiceRenderer: the model adapter of the render worker — renders requests with the real
model (style sources become tokens through `engine.styles`) and runs the worker's jobs."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from casa_studio.engine.batch import render_many
from casa_studio.engine.device import available_devices
from casa_studio.engine.errors import EngineError
from casa_studio.engine.fast_path import FastPath
from casa_studio.engine.jobs import (
    UNSURE_BELOW,
    EncodeReference,
    Job,
    RenderBatch,
    Segmentation,
    SegmentReference,
)
from casa_studio.engine.request import RendererInfo, RenderRequest, RenderResult
from casa_studio.engine.resample import image_at, labels_at, maps_at
from casa_studio.engine.service import InferenceService
from casa_studio.engine.style_fit import default_fit_steps
from casa_studio.engine.styles import StyleResolver


class ServiceRenderer:
    """One style resolver (and its cache) serves the live preview and batch exports."""

    def __init__(self, service: InferenceService) -> None:
        self.service = service
        self.styles = StyleResolver(service.styles)
        self.fast = FastPath(service)
        self.info = RendererInfo(
            service.placement.label,
            available_devices(),
            service.info.sha256,
            service.styles.typical_styles().tokens.copy(),
            service.styles.has_random,
            service.references.has_segmenter,
            service.config.default_locality,
            {name: service.styles.look_styles(name).tokens for name in service.styles.looks},
            default_fit_steps(service.config.name),
        )

    def render(self, request: RenderRequest) -> RenderResult:
        """A document of another size than the model's is rendered at the model's size and
        the picture (and attention) resized back to the document's (engine/resample.py)."""
        start = time.perf_counter()
        size, own = self.service.config.output_hw, request.labels.shape
        labels = labels_at(request.labels, size).astype(np.int64)
        tokens = self.styles.tokens(request.styles)
        # an edit whose class was painted away since is dormant, not an error; so is one whose
        # reference region is too small to survive the model's size
        shapes = []
        for edit in request.shapes:
            small = replace(edit, reference=labels_at(edit.reference, size))
            lost = np.any(edit.reference == edit.class_id) and not np.any(
                small.reference == edit.class_id
            )
            if np.any(labels == edit.class_id) and not lost:
                shapes.append(small)
        maps, exact = None, True
        if request.attention:
            image, maps = self.service.render_with_attention(
                labels, tokens, shapes, locality=request.locality
            )
            maps = maps_at(maps, own)
        else:
            image, exact = self.fast.render(
                labels, tokens, shapes, locality=request.locality, fast=request.fast
            )
        label = self.info.label
        seconds = time.perf_counter() - start
        picture = image_at(image, own)
        return RenderResult(picture, request.revision, seconds, label, maps, tokens, exact)

    def run(self, job: Job) -> object:
        size = self.service.config.output_hw
        if isinstance(job, EncodeReference):
            labels = labels_at(job.labels, size).astype(np.int64)
            image = image_at(job.image, size)
            return self.service.reference_styles(image, labels, job.fit, job.progress)
        if isinstance(job, SegmentReference):
            scores = self.service.references.segment_scores(image_at(job.image, size))
            found = labels_at(scores.argmax(0).astype(np.uint8), job.image.shape[:2])
            unsure = labels_at((scores.max(0) < UNSURE_BELOW).astype(np.uint8), job.image.shape[:2])
            return Segmentation(found, unsure.astype(bool))
        if isinstance(job, RenderBatch):
            return render_many(
                self.service,
                list(job.sources),
                job.out,
                job.options,
                progress=job.progress,
                cancelled=job.cancelled,
                resolver=self.styles,
            )
        raise EngineError(f"unknown job {type(job).__name__}")
