"""Looks and bank random styles on the real (tiny) model: the default look is the typical
style, a seed's tokens are one real scene's, look sources resolve by name."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from casa_studio.core.styles import TYPICAL, SourceKind, StyleSource
from casa_studio.engine.catalog import model_looks
from casa_studio.engine.compose import StylePlan, compose
from casa_studio.engine.errors import EngineError
from casa_studio.engine.renderer import ServiceRenderer
from casa_studio.engine.service import InferenceService
from casa_studio.engine.styles import StyleResolver
from casa_studio.model.look_bank import LookBank, scene_distances


@pytest.fixture
def service(looks_folder: Path) -> InferenceService:
    return InferenceService.load(looks_folder, "cpu", "fp32")


def _bank(service: InferenceService) -> LookBank:
    assert service.styles.bank is not None
    return service.styles.bank


def test_the_default_look_is_the_typical_style(service: InferenceService) -> None:
    bank = _bank(service)
    assert service.styles.looks == ("clear day", "golden hour", "night")
    typical = service.styles.typical_styles().tokens
    assert np.array_equal(typical, bank.tokens[1])  # scene 1 has every class
    assert not np.array_equal(typical, service.styles.mean_styles().tokens)


def test_random_tokens_are_the_picked_scenes_tokens(service: InferenceService) -> None:
    bank = _bank(service)
    seeds = [s for s in range(1, 60) if bank.pick(s) in (1, 3)][:2]
    tokens = service.styles.noise_tokens([0, 3, 2], [seeds[0], seeds[1], seeds[1]])
    assert np.array_equal(tokens[0], bank.tokens[bank.pick(seeds[0]), 0])
    assert np.array_equal(tokens[1:], bank.tokens[bank.pick(seeds[1]), [3, 2]])
    whole = service.styles.noise_styles(seeds[0]).tokens
    assert np.array_equal(whole, bank.tokens[bank.pick(seeds[0])])


def test_a_class_the_scene_lacks_comes_from_a_scene_of_its_style(
    service: InferenceService,
) -> None:
    bank = _bank(service)
    seed = next(s for s in range(1, 200) if bank.pick(s) == 0)  # day scene without class 3
    token = service.styles.noise_tokens([3], [seed])[0]
    assert any(np.array_equal(token, bank.tokens[i, 3]) for i in (1, 4))
    night = next(s for s in range(1, 200) if bank.pick(s) == 2)  # no night scene has class 3
    having = np.array([1, 3, 4])
    nearest = having[np.argmin(scene_distances(bank.tokens, 2, having))]
    assert np.array_equal(service.styles.noise_tokens([3], [night])[0], bank.tokens[nearest, 3])


def test_looks_resolve_by_name_and_render(service: InferenceService) -> None:
    night = service.styles.look_styles("night").tokens
    sources = [TYPICAL, StyleSource(SourceKind.LOOK, name="night"), TYPICAL, TYPICAL]
    out = StyleResolver(service.styles).tokens(sources)
    assert np.array_equal(out[1], night[1])
    assert np.array_equal(out[[0, 2, 3]], service.styles.typical_styles().tokens[[0, 2, 3]])
    other = [StyleSource(SourceKind.LOOK, name="another model's look")] * 4
    assert np.array_equal(
        StyleResolver(service.styles).tokens(other), service.styles.typical_styles().tokens
    )
    with pytest.raises(EngineError, match="no look 'noon'"):
        service.styles.look_styles("noon")
    tokens, _edits, notes = compose(service, StylePlan(look="night"))
    assert np.array_equal(tokens, night) and "look night" in notes


def test_renderer_info_carries_the_looks(service: InferenceService, looks_folder: Path) -> None:
    info = ServiceRenderer(service).info
    assert list(info.looks) == list(service.styles.looks) and info.has_random
    assert np.array_equal(
        info.looks["golden hour"], service.styles.look_styles("golden hour").tokens
    )
    assert model_looks(looks_folder) == service.styles.looks


def test_models_without_a_bank_keep_the_mean_and_the_mapping_network(tiny_folder: Path) -> None:
    plain = InferenceService.load(tiny_folder, "cpu", "fp32")
    assert plain.styles.looks == () and plain.styles.bank is None and model_looks(tiny_folder) == ()
    assert np.array_equal(plain.styles.typical_styles().tokens, plain.styles.mean_styles().tokens)
    with pytest.raises(EngineError, match="no look bank"):
        plain.styles.look_styles("clear day")


def test_a_bank_made_for_other_weights_is_ignored(looks_folder: Path) -> None:
    bank = LookBank.read(looks_folder, 4, 16)
    assert bank is not None
    replace(bank, generator_sha256="0" * 64).save(looks_folder)  # weights changed since
    stale = InferenceService.load(looks_folder, "cpu", "fp32")
    assert stale.styles.bank is None and stale.styles.looks == ()
    sha = InferenceService.load(looks_folder, "cpu").info.sha256
    replace(bank, generator_sha256=sha).save(looks_folder)
    assert InferenceService.load(looks_folder, "cpu", "fp32").styles.looks == bank.names


def test_a_class_no_source_has_gets_the_typical_style_from_every_source(
    looks_folder: Path,
) -> None:
    """One rule (the resolver's): a look, a random seed or a reference lacking a class all give
    it the typical style."""
    from casa_studio.engine.style_tokens import StyleTokens
    from casa_studio.engine.styles import reference_source

    bank = LookBank.read(looks_folder, 4, 16)
    assert bank is not None
    tokens = bank.tokens.copy()
    tokens[:, 1] = np.nan  # no scene of the bank shows class 1
    replace(bank, tokens=tokens).save(looks_folder)
    service = InferenceService.load(looks_folder, "cpu", "fp32")
    styles = service.styles
    typical = styles.typical_styles().tokens[1]
    assert np.isfinite(typical).all()
    reference = reference_source("r", StyleTokens(np.zeros((4, 16), np.float32), frozenset({0})))
    sources = (
        StyleSource(SourceKind.LOOK, name="night"),
        StyleSource(SourceKind.RANDOM, 3),
        reference,
    )
    for source in sources:
        assert np.array_equal(StyleResolver(styles).tokens([source] * 4)[1], typical)
    assert np.array_equal(styles.noise_styles(3).tokens[1], typical)
    assert np.array_equal(styles.look_styles("golden hour").tokens[1], typical)
