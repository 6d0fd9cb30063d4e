"""Hostile model folders, checkpoints and class lists through the model entry points, and
property-based configs: a clear CheckpointError or a model that builds, never anything else."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casa_studio.cli.models_cmd import cmd_models_info
from casa_studio.engine.catalog import list_models, model_looks
from casa_studio.engine.service import InferenceService
from casa_studio.model.checkpoint import check_memory, expected_shapes, load_model
from casa_studio.model.config import GeneratorConfig, tiny
from casa_studio.model.convert import import_official, read_official
from casa_studio.model.errors import CheckpointError
from casa_studio.model.folder import read_classes
from casa_studio.model.look_bank import LookBank
from casa_studio.model.segmenter import load_segmenter
from tests.fuzz.harness import attempt, attempt_all, check
from tests.fuzz.hostile import Case
from tests.fuzz.hostile_models import checkpoint_cases, config_cases, look_bank_cases


@pytest.fixture(scope="module")
def model_folders(fuzz_model: Path, fuzz_dir: Path) -> list[Case]:
    return config_cases(fuzz_model, fuzz_dir / "models")


def test_model_folders(model_folders: list[Case]) -> None:
    generator = [c for c in model_folders if c.kind in ("model-config", "model-weights")]
    attempt_all(generator, "model folder (load_model)", lambda c: load_model(c.path))
    segmenters = [c for c in model_folders if c.kind == "segmenter-config"]
    attempt_all(segmenters, "segmenter (load_segmenter)", lambda c: load_segmenter(c.path, 4))
    entries = {e.name: e for e in list_models([model_folders[0].path.parent])}
    assert all(e.problem for name, e in entries.items() if name.startswith(("zero", "300")))


def test_look_banks_are_read_within_budget_through_their_schema(
    fuzz_model: Path, fuzz_dir: Path
) -> None:
    """Render, --look and the editor read the bank through `LookBank.read` (the service), the
    model menu through `model_looks`: a clear error naming the file, or the bank."""
    cases = look_bank_cases(fuzz_model, fuzz_dir / "banks")
    attempt_all(cases, "look bank (LookBank.read)", lambda c: LookBank.read(c.path, 4, 16))
    metadata = [
        c for c in cases if c.accept or not any(w in c.name for w in ("tokens", "rows", "header"))
    ]
    attempt_all(metadata, "looks of a model (model_looks)", lambda c: model_looks(c.path))
    for case in cases:
        outcome = attempt(
            "render with a look bank", lambda c=case: InferenceService.load(c.path), [case.path]
        )
        check(outcome, case.accept)
        assert case.accept or "style_bank" in outcome.message, outcome.message


def test_models_info_checks_every_file(
    model_folders: list[Case], fuzz_model: Path, fuzz_dir: Path
) -> None:
    """`models info` is an error for every folder the editor or a render refuses."""
    cases = [*model_folders, *look_bank_cases(fuzz_model, fuzz_dir / "banks-info")]
    attempt_all(cases, "models info", lambda c: cmd_models_info(Namespace(model=str(c.path))))


def test_checkpoints(fuzz_dir: Path) -> None:
    cases = checkpoint_cases(fuzz_dir / "checkpoints")
    attempt_all(cases, "import-official (read_official)", lambda c: read_official(c.path))
    out = fuzz_dir / "never"
    attempt_all(
        cases[:1], "import-official (read_official)", lambda c: import_official(c.path, out, ())
    )
    assert not out.exists()


def test_class_lists(tmp_path: Path) -> None:
    texts = {
        "nested": "[" * 100_000 + "]" * 100_000,
        "300-names": json.dumps([f"c{i}" for i in range(300)]),
        "a-number": "5",
        "colour-2-values": json.dumps([{"name": "a", "color": [1, 2]}, "b"]),
        "good": json.dumps(["sky", {"name": "sea", "color": [0, 0, 200]}]),
    }
    cases = []
    for name, text in texts.items():
        (tmp_path / f"{name}.json").write_text(text)
        cases.append(Case("class-list", name, tmp_path / f"{name}.json", accept=name == "good"))
    attempt_all(cases, "class lists (--classes)", lambda c: read_classes(c.path))


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**40), 10**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a JSON document (where a hostile value can go)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return copy


TINY = tiny().to_dict()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_paths(TINY)), JSON)
def test_any_config_gives_a_clear_error_or_a_buildable_model(
    path: tuple[Any, ...], value: Any
) -> None:
    raw = replaced(TINY, path, value)

    def run() -> None:
        config = GeneratorConfig.from_dict(raw, "config.json")
        check_memory(expected_shapes(config), "config.json")

    outcome = attempt("model config (hypothesis)", run, [])
    assert outcome.kind in ("clear", "accepted"), outcome.message
    assert outcome.seconds < 5 and outcome.peak_mb < 400
    if outcome.kind == "clear":
        assert "config.json" in outcome.message


def test_a_valid_config_is_still_accepted() -> None:
    check(attempt("model config (hypothesis)", lambda: GeneratorConfig.from_dict(TINY), []), True)
    with pytest.raises(CheckpointError, match="config.json: field 'stages'"):
        GeneratorConfig.from_dict(replaced(TINY, ("stages",), []), "config.json")


def test_mean_styles_are_checked_before_loading(fuzz_model: Path, tmp_path: Path) -> None:
    import shutil

    import torch
    from safetensors.torch import save_file

    from casa_studio.model.checkpoint import load_mean_styles
    from casa_studio.model.folder import read_config

    folder = tmp_path / "m"
    shutil.copytree(fuzz_model, folder)
    config = read_config(folder)
    cases = []
    for name, tensors in {
        "too-wide": {"mean": torch.zeros(4, 4096)},
        "other-name": {"rows": torch.zeros(config.num_classes, config.token_dim)},
        "good": {"mean": torch.zeros(config.num_classes, config.token_dim)},
    }.items():
        path = tmp_path / f"{name}.safetensors"
        save_file(tensors, str(path))
        cases.append(Case("mean-styles", name, path, accept=name == "good"))

    def run(case: Case) -> object:
        shutil.copy(case.path, folder / "styles_mean.safetensors")
        return load_mean_styles(folder, config)

    attempt_all(cases, "mean styles (load_mean_styles)", run)
