"""Style tokens fitted to a reference photo's colours (engine.style_fit) on the real (tiny)
model: the render's per-class colours move towards the photo's, only shown classes change,
official imports keep the paper's path by default, and the worker's job reports progress."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from casa_studio.engine.colour_match import class_distances
from casa_studio.engine.jobs import EncodeReference
from casa_studio.engine.renderer import ServiceRenderer
from casa_studio.engine.service import InferenceService
from casa_studio.engine.style_fit import default_fit_steps, fit_styles
from casa_studio.engine.styles import StyleResolver, reference_source

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def service(guided_folder: Path) -> InferenceService:
    """A guided model, as the bundled one: fitting and rendering use its default guidance."""
    return InferenceService.load(guided_folder, "cpu", "fp32")


def _photo(service: InferenceService) -> tuple[np.ndarray, np.ndarray]:
    """A 'sunset': orange sky (class 0) over violet water (class 2)."""
    h, w = service.config.output_hw
    labels = np.zeros((h, w), np.int64)
    labels[h // 2 :] = 2
    rng = np.random.default_rng(0)
    image = np.where(labels[..., None] == 0, [235, 140, 40], [120, 70, 170]).astype(np.float64)
    image = np.clip(image + rng.normal(0, 6, image.shape), 0, 255).astype(np.uint8)
    return image, labels


def _distance(service: InferenceService, image, labels, encoded) -> float:
    sources = [reference_source("p", encoded)] * service.config.num_classes
    render = service.render(labels, StyleResolver(service.styles).tokens(sources))  # as fitted
    return float(np.mean(list(class_distances(image, render, labels.astype(np.uint8)).values())))


@pytest.mark.slow
def test_fitted_tokens_bring_each_class_colours_towards_the_photo(
    service: InferenceService,
) -> None:
    image, labels = _photo(service)
    encoded = service.reference_styles(image, labels, fit=0)
    calls: list[tuple[int, int]] = []
    fitted = fit_styles(
        service, image, labels, encoded, steps=20, progress=lambda d, n: calls.append((d, n))
    )
    assert calls == [(i, 20) for i in range(1, 21)]
    before = _distance(service, image, labels, encoded)
    after = _distance(service, image, labels, fitted)
    assert after < 0.8 * before, (before, after)
    unshown = [c for c in range(service.config.num_classes) if c not in (0, 2)]
    np.testing.assert_array_equal(fitted.tokens[unshown], encoded.tokens[unshown])
    assert not np.allclose(fitted.tokens[[0, 2]], encoded.tokens[[0, 2]])
    assert fitted.present == encoded.present


def test_references_are_fitted_by_default_except_for_official_imports(
    service: InferenceService,
) -> None:
    image, labels = _photo(service)
    plain = service.reference_styles(image, labels, fit=0)
    default = service.reference_styles(image, labels)
    assert not np.allclose(plain.tokens[0], default.tokens[0])
    assert service.reference_styles(image, labels) is default  # cached: fitted once
    assert default_fit_steps(service.config.name) > 0
    assert default_fit_steps("official-import") == 0


def test_the_worker_job_fits_as_asked_and_reports_progress(service: InferenceService) -> None:
    image, labels = _photo(service)
    steps: list[int] = []
    job = EncodeReference(image, labels, fit=3, progress=lambda d, _n: steps.append(d))
    fitted = ServiceRenderer(service).run(job)
    assert steps == [1, 2, 3]
    plain = ServiceRenderer(service).run(EncodeReference(image, labels, fit=0))
    assert not np.allclose(fitted.tokens[0], plain.tokens[0])  # type: ignore[attr-defined]
