"""ServiceRenderer: renders requests with the real model (random styles from the seed)."""

from __future__ import annotations

import time

import numpy as np

from casa_studio.engine.device import available_devices
from casa_studio.engine.request import RenderRequest, RenderResult
from casa_studio.engine.service import InferenceService


class ServiceRenderer:
    """Styles: without a seed the model's typical styles; with one, the mapping network's
    random styles for that seed (the learned defaults when there is no mapping network)."""

    def __init__(self, service: InferenceService) -> None:
        self.service = service
        self.label = service.placement.label
        self.devices = available_devices()
        self.model_sha256 = service.info.sha256

    def _tokens(self, request: RenderRequest) -> np.ndarray:
        if request.seed is not None and self.service.has_mapping:
            return self.service.noise_styles(request.seed, request.labels).tokens
        return self.service.typical_styles().tokens

    def render(self, request: RenderRequest) -> RenderResult:
        start = time.perf_counter()
        labels = request.labels.astype(np.int64)
        tokens = self._tokens(request)
        maps = None
        if request.attention:
            image, maps = self.service.render_with_attention(labels, tokens)
        else:
            image = self.service.render(labels, tokens)
        return RenderResult(image, request.revision, time.perf_counter() - start, self.label, maps)
