"""Style recipes change exactly the intended tokens and leave every other bit alone."""

from __future__ import annotations

import numpy as np
import pytest

from casa_studio.engine.errors import EngineError
from casa_studio.engine.recipes import StyleCodes, blend_styles, swap_class_styles, transfer_styles


def _tokens(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((6, 10)).astype(np.float32)


def test_transfer_copies_chosen_present_classes_and_reports_missing() -> None:
    target = _tokens(0)
    ref = StyleCodes(_tokens(1), frozenset({0, 2, 3}))
    out, missing = transfer_styles(target, ref, [2, 4])
    assert missing == [4]
    assert np.array_equal(out[2], ref.tokens[2])
    untouched = [0, 1, 3, 4, 5]
    assert np.array_equal(out[untouched], target[untouched])
    assert np.array_equal(target, _tokens(0))  # input not mutated


def test_global_transfer_takes_every_present_class() -> None:
    ref = StyleCodes(_tokens(1), frozenset(range(6)))
    out, missing = transfer_styles(_tokens(0), ref, range(6))
    assert missing == [] and np.array_equal(out, ref.tokens)


def test_swap_exchanges_two_rows_only() -> None:
    tokens = _tokens(2)
    out = swap_class_styles(tokens, 1, 4)
    assert np.array_equal(out[1], tokens[4]) and np.array_equal(out[4], tokens[1])
    assert np.array_equal(out[[0, 2, 3, 5]], tokens[[0, 2, 3, 5]])
    with pytest.raises(EngineError, match="outside"):
        swap_class_styles(tokens, 1, 6)


def test_blend_endpoints_and_per_class_selection() -> None:
    a, b = _tokens(3), _tokens(4)
    assert np.allclose(blend_styles(a, b, 1.0), a) and np.allclose(blend_styles(a, b, 0.0), b)
    mid = blend_styles(a, b, 0.25, classes=[5])
    assert np.allclose(mid[5], 0.25 * a[5] + 0.75 * b[5])
    assert np.array_equal(mid[:5], a[:5])
    with pytest.raises(EngineError, match="cannot blend"):
        blend_styles(a, b[:, :3], 0.5)
