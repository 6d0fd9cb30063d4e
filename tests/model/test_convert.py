"""Official checkpoint import against state dicts synthesised from the documented layout."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import torch

from casa_studio.model.checkpoint import load_model
from casa_studio.model.config import celebamask_hq_classes, numbered_classes
from casa_studio.model.convert import import_official, read_official
from casa_studio.model.errors import CheckpointError
from tests.model.official_layout import official_layout, synthesize

CLASSES = celebamask_hq_classes()


@pytest.fixture(scope="module")
def official_state() -> dict[str, torch.Tensor]:
    return synthesize(official_layout())


def _save(state: dict, path: Path) -> Path:
    torch.save(state, path)
    return path


@pytest.mark.slow
def test_import_uses_every_tensor_bit_for_bit(official_state: dict, tmp_path: Path) -> None:
    info = import_official(
        _save(official_state, tmp_path / "latest_net_G.pth"), tmp_path / "m", CLASSES
    )
    assert info.config.has_mapping and info.config.mapping_dim == 16 and info.config.exclude_bg
    model, loaded = load_model(tmp_path / "m")
    assert loaded.sha256 == info.sha256
    ours = model.state_dict()
    assert ours.keys() == official_state.keys()
    for key, value in official_state.items():
        assert torch.equal(ours[key], value), key
    assert "CC BY-NC-SA" in (tmp_path / "m" / "MODEL_CARD.md").read_text()


@pytest.mark.slow
def test_import_without_mapping_network_and_with_legacy_256d_input(tmp_path: Path) -> None:
    no_map = synthesize(official_layout(mapping_dim=None))
    info = import_official(_save(no_map, tmp_path / "a.pth"), tmp_path / "a", CLASSES)
    assert not info.config.has_mapping
    legacy = synthesize(official_layout(mapping_dim=256))
    info = import_official(
        _save(legacy, tmp_path / "b.pth"), tmp_path / "b", CLASSES, output_tanh=False
    )
    assert info.config.mapping_dim == 256 and not info.config.output_tanh


def test_wrapper_prefixes_are_stripped(tmp_path: Path) -> None:
    state = {
        "module.encs.encs.0.bias": torch.zeros(256),
        "ema_model.netG.reshape_conv.bias": torch.zeros(512),
    }
    assert set(read_official(_save(state, tmp_path / "x.pth"))) == {
        "encs.encs.0.bias",
        "reshape_conv.bias",
    }


def test_missing_extra_and_misshapen_tensors_are_named(
    official_state: dict, tmp_path: Path
) -> None:
    state = dict(official_state)
    del state["cross4.transformer_blocks.0.attn2.to_k.weight"]
    state["cross9.extra.weight"] = torch.zeros(1)
    state["res3.in_layers.2.weight"] = torch.zeros(128, 256, 1, 1)
    with pytest.raises(CheckpointError) as err:
        import_official(_save(state, tmp_path / "bad.pth"), tmp_path / "out", CLASSES)
    message = str(err.value)
    assert "1 missing: cross4.transformer_blocks.0.attn2.to_k.weight" in message
    assert "1 unexpected: cross9.extra.weight" in message
    assert "res3.in_layers.2.weight (128, 256, 1, 1) (expected (128, 256, 3, 3))" in message
    assert not (tmp_path / "out").exists()


def test_a_partial_mapping_network_is_refused(official_state: dict, tmp_path: Path) -> None:
    state = {
        k: v for k, v in official_state.items() if not k.startswith("noise_encoder.unshared.18.")
    }
    with pytest.raises(CheckpointError, match=r"missing: noise_encoder\.unshared\.18"):
        import_official(_save(state, tmp_path / "p.pth"), tmp_path / "out", CLASSES)


def test_class_count_must_match_the_names(official_state: dict, tmp_path: Path) -> None:
    with pytest.raises(
        CheckpointError, match=r"c\.pth: the checkpoint has 19 classes but 5 class names"
    ):
        import_official(
            _save(official_state, tmp_path / "c.pth"), tmp_path / "out", numbered_classes(5)
        )


class Smuggled:
    pass


def test_pickled_objects_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.pth"
    torch.save({"encs.encs.0.bias": Smuggled()}, path)
    with pytest.raises(CheckpointError, match="holds objects other than tensors"):
        read_official(path)
    torch.save(collections.OrderedDict(a=1), path)
    with pytest.raises(CheckpointError, match="'a' is not a named tensor"):
        read_official(path)


def test_truncated_and_garbage_files_are_refused(official_state: dict, tmp_path: Path) -> None:
    small = {k: v for k, v in official_state.items() if k.startswith("res6.")}
    data = _save(small, tmp_path / "t.pth").read_bytes()
    (tmp_path / "t.pth").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="t.pth: not a readable PyTorch weights file"):
        read_official(tmp_path / "t.pth")
    (tmp_path / "g.pth").write_bytes(b"\x00garbage" * 100)
    with pytest.raises(CheckpointError, match="g.pth"):
        read_official(tmp_path / "g.pth")
    with pytest.raises(CheckpointError, match="file not found"):
        read_official(tmp_path / "none.pth")
    _save([torch.zeros(1)], tmp_path / "l.pth")
    with pytest.raises(CheckpointError, match="expected a state dict"):
        read_official(tmp_path / "l.pth")


def test_not_a_ca2sis_generator(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="not a CA2-SIS generator"):
        import_official(
            _save({"fc.weight": torch.zeros(2, 2)}, tmp_path / "o.pth"), tmp_path / "o", CLASSES
        )
