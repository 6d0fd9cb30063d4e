"""The look bank file (numpy): absent classes filled from the nearest scene of the same style,
seeds picking whole real scenes, medoid looks, and the file round trip with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from casa_studio.model.errors import CheckpointError
from casa_studio.model.look_bank import BANK_FILE, BANK_META, LookBank, look_names, medoid

NAN = np.nan


def _bank() -> LookBank:
    # 5 scenes x 3 classes x 2 dims; scene 0 (day) lacks class 2
    tokens = np.array(
        [
            [[0, 0], [1, 1], [NAN, NAN]],
            [[0, 0.1], [1, 1.1], [5, 5]],  # day, close to scene 0
            [[0, 0], [1, 1], [7, 7]],  # night, closest to scene 0 but another style
            [[3, 3], [4, 4], [9, 9]],  # day, far from scene 0
            [[0, 0.2], [1, 1.2], [NAN, NAN]],  # day
        ],
        np.float32,
    )
    styles = ("day summer", "day summer", "night summer", "day summer", "day summer")
    return LookBank(tokens, styles, {"clear day": 1, "night": 2}, "clear day", "test")


def test_absent_classes_come_from_the_nearest_scene_of_the_same_style() -> None:
    bank = _bank()
    filled = bank.scene(0)
    assert np.array_equal(filled[2], [5, 5])  # scene 1: same style, nearer than scene 3
    assert np.array_equal(filled[:2], bank.tokens[0, :2])
    assert np.isnan(bank.tokens[0, 2]).all()  # the bank itself is unchanged


def test_a_class_no_scene_has_stays_absent() -> None:
    tokens = np.full((2, 2, 3), np.nan, np.float32)
    tokens[:, 0] = 1.0
    bank = LookBank(tokens, ("day summer", "night summer"), {})
    assert np.isnan(bank.scene(1)[1]).all() and (bank.scene(1)[0] == 1).all()


def test_a_seed_picks_one_real_scene_and_each_class_follows_its_own_seed() -> None:
    bank = _bank()
    picks = {bank.pick(s) for s in range(200)}
    assert picks == set(range(5)) and bank.pick(42) == bank.pick(42)
    picked = bank.random_tokens([0, 2, 1], [11, 12, 11])
    assert np.array_equal(picked[0], bank.scene(bank.pick(11))[0])
    assert np.array_equal(picked[1], bank.scene(bank.pick(12))[2])
    assert np.array_equal(picked[2], bank.scene(bank.pick(11))[1])


def test_a_look_is_its_scene_and_unknown_looks_are_named() -> None:
    bank = _bank()
    assert np.array_equal(bank.look("night"), bank.tokens[2])
    with pytest.raises(CheckpointError, match="no look 'noon'.*clear day, night"):
        bank.look("noon")


def test_medoid_is_the_central_member_not_a_mean() -> None:
    tokens = np.array([[[0.0]], [[1.0]], [[1.2]], [[10.0]]], np.float32)
    assert medoid(tokens, [0, 1, 2, 3]) in (1, 2)
    assert medoid(tokens, [0, 3]) in (0, 3)


def test_bank_files_round_trip_in_half_precision(tmp_path: Path) -> None:
    bank = _bank()
    bank.save(tmp_path)
    back = LookBank.read(tmp_path, 3, 2)
    assert back is not None
    assert back.styles == bank.styles and back.looks == bank.looks
    assert back.default_look == "clear day"
    assert np.array_equal(np.isnan(back.tokens), np.isnan(bank.tokens))
    np.testing.assert_allclose(back.tokens, bank.tokens, atol=1e-3)
    assert look_names(tmp_path) == ("clear day", "night")


def test_missing_bank_is_none_and_bad_banks_are_clear_errors(tmp_path: Path) -> None:
    assert LookBank.read(tmp_path, 3, 2) is None and look_names(tmp_path) == ()
    _bank().save(tmp_path)
    with pytest.raises(CheckpointError, match="do not fit the model"):
        LookBank.read(tmp_path, 4, 2)
    meta = json.loads((tmp_path / BANK_META).read_text())
    meta["looks"][0]["scene"] = 99
    (tmp_path / BANK_META).write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match="name no scene"):
        LookBank.read(tmp_path, 3, 2)
    (tmp_path / BANK_FILE).write_bytes(b"not safetensors")
    with pytest.raises(CheckpointError, match="unreadable look bank"):
        LookBank.read(tmp_path, 3, 2)
    (tmp_path / BANK_META).write_text("{")
    with pytest.raises(CheckpointError, match="style_bank.json: not valid JSON"):
        look_names(tmp_path)
