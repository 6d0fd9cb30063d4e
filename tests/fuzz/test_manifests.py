"""Property-based manifests: any JSON value at any place of a valid manifest gives a clear
PersistenceError or a project that loads, never a traceback or a giant allocation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casa_studio.persistence.project import load_project
from tests.fuzz.harness import attempt
from tests.fuzz.hostile import good_project, manifest_of, rewrite_project
from tests.fuzz.test_models import JSON, _paths, replaced


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return good_project(tmp_path_factory.mktemp("manifests") / "good.casa")


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_manifest_gives_a_clear_error_or_a_project(base: Path, data: st.DataObject) -> None:
    manifest = manifest_of(base)
    path: tuple[Any, ...] = data.draw(st.sampled_from(_paths(manifest)))
    value = data.draw(JSON)
    target = rewrite_project(base, base.with_name("mutated.casa"), replaced(manifest, path, value))
    outcome = attempt("project open (hypothesis)", lambda: load_project(target), [target])
    assert outcome.kind in ("clear", "accepted"), (path, value, outcome.message)
    assert outcome.seconds < 5 and outcome.peak_mb < 400
