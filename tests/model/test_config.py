from __future__ import annotations

import dataclasses

import pytest

from casa_studio.model.config import (
    PRESETS,
    GeneratorConfig,
    StageSpec,
    official_celebamask_hq,
    preset,
    tiny,
)
from casa_studio.model.errors import CheckpointError


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_round_trip_through_json_dict(name: str) -> None:
    config = preset(name)
    assert GeneratorConfig.from_dict(config.to_dict()) == config


def test_official_preset_matches_the_released_configuration() -> None:
    cfg = official_celebamask_hq()
    assert cfg.num_classes == 19 and cfg.shape_channels == 18
    assert cfg.token_dim == 1280 and cfg.output_hw == (256, 256)
    assert [s.inner for s in cfg.stages] == [512, 512, 512, 512, 128]
    assert [s.self_attention for s in cfg.stages] == [True, True, True, False, False]
    assert cfg.classes[13].name == "hair" and cfg.classes[13].color == (0, 0, 204)


def test_slim_preset_is_interactive_sized() -> None:
    cfg = preset("slim")
    assert cfg.output_hw == (256, 256)
    assert cfg.stages[-1].channels == 16  # generator width 16
    assert [s.self_attention for s in cfg.stages] == [True, True, False, False, False]


def test_unknown_preset_is_named() -> None:
    with pytest.raises(CheckpointError, match="unknown preset 'huge'"):
        preset("huge")


def test_newer_config_version_is_refused() -> None:
    raw = tiny().to_dict() | {"config_version": 99}
    with pytest.raises(CheckpointError, match="newer"):
        GeneratorConfig.from_dict(raw)


def test_missing_field_is_reported() -> None:
    raw = tiny().to_dict()
    del raw["stages"]
    with pytest.raises(CheckpointError, match="stages"):
        GeneratorConfig.from_dict(raw)


def test_output_size_must_suit_the_style_encoder_depth() -> None:
    with pytest.raises(CheckpointError, match="divisible"):
        dataclasses.replace(tiny(), style_depth=6)


def test_stage_widths_must_be_positive() -> None:
    with pytest.raises(CheckpointError, match="stage 1"):
        dataclasses.replace(tiny(), stages=(StageSpec(8, 2, 4, True), StageSpec(0, 2, 4, False)))


def test_every_field_is_written_and_read_from_its_one_declaration() -> None:
    config = dataclasses.replace(tiny(), default_locality=3.25, noise_stages=2)
    written = config.to_dict()
    assert set(written) == {"config_version"} | {f.name for f in dataclasses.fields(config)}
    assert written["default_locality"] == 3.25
    assert GeneratorConfig.from_dict(written) == config


def test_an_old_config_file_keeps_the_defaults_of_the_fields_it_lacks() -> None:
    old = tiny().to_dict()
    for key in ("default_locality", "noise_stages", "legacy_nearest", "config_version"):
        del old[key]
    config = GeneratorConfig.from_dict(old, "config.json")
    assert config.default_locality == 0.0 and config.noise_stages == 0
    assert config == tiny()


def test_a_field_out_of_its_declared_range_is_named() -> None:
    raw = tiny().to_dict() | {"default_locality": -1}
    with pytest.raises(CheckpointError, match="config.json: field 'default_locality'"):
        GeneratorConfig.from_dict(raw, "config.json")
    raw = tiny().to_dict()
    raw["classes"][1]["color"] = [0, 300, 0]
    with pytest.raises(CheckpointError, match=r"field 'classes\[1\].color\[1\]'"):
        GeneratorConfig.from_dict(raw, "config.json")


def test_presets_render_the_papers_forward_by_default() -> None:
    assert {name: preset(name).default_locality for name in PRESETS} == dict.fromkeys(PRESETS, 0)


def test_the_bundled_model_declares_its_measured_default_guidance() -> None:
    from casa_studio import paths
    from casa_studio.model.folder import read_config

    folder = paths.bundled_models_dir() / "landscape-slim"
    assert read_config(folder).default_locality == 12
    assert "Default attention guidance: 12" in (folder / "MODEL_CARD.md").read_text()
