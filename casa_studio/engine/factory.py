"""Renderer factories for the worker thread; torch is imported only when one is called."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from casa_studio.engine.request import Renderer


def model_renderer(folder: Path, device: str = "auto") -> Callable[[], Renderer]:
    """Loads the model folder on first call (in the worker thread)."""

    def build() -> Renderer:
        from casa_studio.engine.renderer import ServiceRenderer
        from casa_studio.engine.service import InferenceService

        return ServiceRenderer(InferenceService.load(folder, device))

    return build


def fake_renderer(num_classes: int, delay: float = 0.0) -> Callable[[], Renderer]:
    def build() -> Renderer:
        from casa_studio.engine.fake import FakeRenderer

        return FakeRenderer(num_classes, delay)

    return build
