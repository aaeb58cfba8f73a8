"""Moments of whole-number answers in float32 (reliability._exact_sums) equal float64's.

Oracle: the float64 sums as they were computed before (each chunk shifted in float64,
summed, multiplied _PRODUCT_ROWS rows at a time), compared bit for bit, on int8 answers
around whole and half shifts, answers far from the shift (few rows per product), chunk
and product boundaries, and every case that must fall back to float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from support.scoring import FivePointQ

from salesmkt.analysis import quality
from salesmkt.analysis.gapdata import GapData
from salesmkt.analysis.statistics import reliability as rel


def _old(items: np.ndarray, keep: np.ndarray, shift: float) -> tuple[np.ndarray, np.ndarray]:
    """The float64 sums of the rows ``keep`` (the oracle)."""
    k = items.shape[1]
    s1, s2 = np.zeros(k), np.zeros((k, k))
    for start in range(0, keep.size, rel._GATHER_ROWS):
        dev = np.subtract(items[keep[start : start + rel._GATHER_ROWS]], shift, dtype=np.float64)
        s1 += dev.sum(axis=0)
        for lo in range(0, dev.shape[0], rel._PRODUCT_ROWS):
            part = dev[lo : lo + rel._PRODUCT_ROWS]
            s2 += part.T @ part
    return s1, s2


def _same(got: tuple[np.ndarray, np.ndarray], want: tuple[np.ndarray, np.ndarray]) -> None:
    assert got[0].dtype == want[0].dtype == np.float64
    assert got[0].tobytes() == want[0].tobytes()
    assert got[1].tobytes() == want[1].tobytes()


def _chunks(items: np.ndarray, keep: np.ndarray) -> list[np.ndarray]:
    step = rel._GATHER_ROWS
    return [items[keep[s : s + step]] for s in range(0, keep.size, step)]


@pytest.mark.parametrize(
    ("low", "high", "shift", "n", "k"),
    [
        (1, 5, 3.0, 40_000, 20),  # the alignment scale: every sum a whole number
        (1, 4, 2.5, 20_000, 7),  # a half shift: sums in quarters
        (0, 10, 5.0, 5_000, 3),
        (-128, 127, 0.5, 3_000, 5),  # far from the shift: 254 rows per product
        (1, 7, 0.0, 50_000, 2),
        (1, 5, 3.0, 1, 4),
    ],
)
def test_exact_sums_equal_the_float64_sums_bit_for_bit(
    low: int, high: int, shift: float, n: int, k: int
) -> None:
    rng = np.random.default_rng(n + k)
    items = rng.integers(low, high + 1, size=(n, k)).astype(np.int8)
    keep = np.flatnonzero(rng.random(n) < 0.9) if n > 1 else np.arange(1)
    got = rel._exact_sums(_chunks(items, keep), k, shift)
    assert got is not None
    _same(got, _old(items, keep, shift))
    # and through the public gathers, whose chunks are made twice when falling back
    m = rel.gather_moments(items, np.arange(n), np.isin(np.arange(n), keep), shift)
    _same((m.s1, m.s2), _old(items, keep, shift))
    cols = list(range(0, k, 2))
    b = rel.block_moments(items, keep, cols, shift)
    _same((b.s1, b.s2), _old(np.ascontiguousarray(items[:, cols]), keep, shift))


def test_small_products_at_every_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rel, "_GATHER_ROWS", 7)
    monkeypatch.setattr(rel, "_EXACT_ROWS", 3)
    rng = np.random.default_rng(3)
    items = rng.integers(1, 6, size=(100, 6)).astype(np.int8)
    keep = np.flatnonzero(rng.random(100) < 0.7)
    got = rel._exact_sums(_chunks(items, keep), 6, 3.0)
    assert got is not None
    _same(got, _old(items, keep, 3.0))


def test_when_a_sum_might_round_the_float64_path_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    items = rng.integers(1, 6, size=(500, 4)).astype(np.int8)
    keep = np.arange(500)
    floats = items.astype(np.float64)
    assert rel._exact_sums(_chunks(floats, keep), 4, 3.0) is None  # not whole-number typed
    assert rel._exact_sums(_chunks(items, keep), 4, 3.3) is None  # not a multiple of 1/2
    big = items.astype(np.int32) + (1 << 23)
    assert rel._exact_sums(_chunks(big, keep), 4, float(1 << 23)) is None  # beyond float32
    monkeypatch.setattr(rel, "_F64_UNITS", 1000)  # a total that might round in float64
    assert rel._exact_sums(_chunks(items, keep), 4, 3.0) is None
    m = rel.gather_moments(items, keep, np.ones(500, dtype=bool), 3.0)
    _same((m.s1, m.s2), _old(items, keep, 3.0))


class _Groups:
    def __init__(self, code: np.ndarray) -> None:
        self.code = code
        self.rows = {c: np.flatnonzero(code == c) for c in range(3)}

    def shown(self) -> list[int]:
        return [0, 1, 2]


def test_scoring_form_int8_with_marks_equals_floats_with_nan() -> None:
    """The scale's and a dimension's moments from int8 answers with ``valid`` marks (as
    scoring passes them) equal those of the same answers as float64 with NaN blanks."""
    rng = np.random.default_rng(11)
    n, k = 60_000, 20
    answers = rng.integers(1, 6, size=(n, k))
    valid = rng.random((n, k)) >= 0.01
    code = rng.integers(-1, 3, size=n)
    groups = _Groups(code)
    as_int8 = GapData(
        items=np.where(valid, answers, 0).astype(np.int8),
        group_code=code,
        group_ids=["a", "b", "c"],
        valid=valid,
    )
    as_float = GapData(
        items=np.where(valid, answers.astype(float), np.nan), group_code=code, group_ids="abc"
    )
    fast = quality.scale_moments(FivePointQ(), as_int8, groups)  # type: ignore[arg-type]
    slow = quality.scale_moments(FivePointQ(), as_float, groups)  # type: ignore[arg-type]
    for c in groups.shown():
        _same(
            (fast.by_group[c].s1, fast.by_group[c].s2), (slow.by_group[c].s1, slow.by_group[c].s2)
        )
    cols = [2, 5, 11]
    got = quality._dimension_moments(as_int8, groups, fast, cols)  # type: ignore[arg-type]
    want = quality._dimension_moments(as_float, groups, slow, cols)  # type: ignore[arg-type]
    for c in groups.shown():
        assert got[c].n == want[c].n
        _same((got[c].s1, got[c].s2), (want[c].s1, want[c].s2))
