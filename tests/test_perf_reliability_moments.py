"""The dimension moments from skipped-item bits and shared gathers equal the plain way.

Oracles: the moments gathered as they were before (a float64 copy of the dimension's
columns, its complete rows found cell by cell, ``gather_moments`` over each group's
rows), compared bit for bit, and a plain numpy test of which rows miss an item.
"""

from __future__ import annotations

import numpy as np
import pytest
from support.scoring import FivePointQ, MomentGroups

from salesmkt.analysis import quality
from salesmkt.analysis.gapdata import GapData
from salesmkt.analysis.statistics import reliability as rel


def _data(
    rng: np.random.Generator, n: int, k: int, blank: float, with_valid: bool
) -> tuple[GapData, MomentGroups]:
    items = rng.integers(1, 6, size=(n, k)).astype(float)
    items[rng.random((n, k)) < blank] = np.nan
    valid = None
    if with_valid:
        valid = rng.random((n, k)) >= blank
        items[~valid] = 0.0  # cells marked invalid hold 0, as the docstring allows
    code = rng.integers(-1, 3, size=n)
    data = GapData(items=items, group_code=code, group_ids=["a", "b", "c"], valid=valid)
    groups = MomentGroups.of(code, range(3))
    return data, groups


def _complete_rows(items: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    """Which respondents answered every item (the old whole-matrix test)."""
    out = np.logical_and.reduce(np.isfinite(items), axis=1)
    if valid is not None:
        out &= np.logical_and.reduce(valid, axis=1)
    return out


def _old_dimension_moments(
    data: GapData, groups: MomentGroups, full: quality.ScaleMoments, cols: list[int]
) -> dict[int, rel.Moments]:
    """The moments as gathered before the skipped-item bits (the oracle)."""
    items = np.asarray(data.items[:, cols], dtype=np.float64)
    valid = None if data.valid is None else data.valid[:, cols]
    extra = _complete_rows(items, valid) & ~full.complete
    out = {}
    for c, m in full.by_group.items():
        sub = rel.Moments(m.n, m.rows, m.s1[cols], m.s2[np.ix_(cols, cols)])
        rows = groups.rows[c]
        if extra[rows].any():
            sub = sub + rel.gather_moments(items, rows, extra, full.shift)
            sub.rows = m.rows
        out[c] = sub
    return out


def _old_gather(items: np.ndarray, rows: np.ndarray, complete: np.ndarray) -> rel.Moments:
    """gather_moments as it was: a new shifted array per chunk (the oracle)."""
    k = items.shape[1]
    s1, s2 = np.zeros(k), np.zeros((k, k))
    keep = rows[complete[rows]]
    for start in range(0, keep.size, rel._GATHER_ROWS):
        dev = np.subtract(items[keep[start : start + rel._GATHER_ROWS]], 3.0, order="C")
        s1 += dev.sum(axis=0)
        for lo in range(0, dev.shape[0], rel._PRODUCT_ROWS):
            part = dev[lo : lo + rel._PRODUCT_ROWS]
            s2 += part.T @ part
    return rel.Moments(int(keep.size), int(rows.size), s1, s2)


def _same(a: rel.Moments, b: rel.Moments) -> None:
    assert (a.n, a.rows) == (b.n, b.rows)
    assert a.s1.tobytes() == b.s1.tobytes()
    assert a.s2.tobytes() == b.s2.tobytes()


@pytest.mark.parametrize(
    ("n", "k", "blank", "with_valid"),
    [
        (100_000, 20, 0.01, True),
        (40_000, 20, 0.02, False),
        (300, 7, 0.3, False),
        (50, 70, 0.01, True),
    ],
)
def test_dimension_moments_equal_the_plain_gather_bit_for_bit(
    n: int, k: int, blank: float, with_valid: bool
) -> None:
    rng = np.random.default_rng(n + k)
    data, groups = _data(rng, n, k, blank, with_valid)
    full = quality.scale_moments(FivePointQ(), data, groups)  # type: ignore[arg-type]
    answered = np.isfinite(data.items) & (True if data.valid is None else data.valid)
    assert full.complete.tolist() == answered.all(axis=1).tolist()
    for c in groups.shown():
        _same(full.by_group[c], _old_gather(data.items, groups.rows[c], full.complete))
    dims = [list(range(0, 3)), list(range(3, 7)), [1, k - 1, 4], list(range(k))]
    for cols in dims:
        got = quality._dimension_moments(data, groups, full, cols)  # type: ignore[arg-type]
        want = _old_dimension_moments(data, groups, full, cols)
        assert sorted(got) == sorted(want)
        for c in want:
            _same(got[c], want[c])


def test_a_dimension_nobody_skipped_elsewhere_is_the_block_of_the_scale() -> None:
    rng = np.random.default_rng(1)
    data, groups = _data(rng, 500, 6, 0.0, False)
    full = quality.scale_moments(FivePointQ(), data, groups)  # type: ignore[arg-type]
    assert full.partial.size == 0
    got = quality._dimension_moments(data, groups, full, [0, 2])  # type: ignore[arg-type]
    for c, m in got.items():
        _same(m, _old_dimension_moments(data, groups, full, [0, 2])[c])


@pytest.mark.parametrize("k", [1, 8, 20, 64, 65, 130])
def test_skipped_item_bits_say_which_rows_miss_none_of_the_items(k: int) -> None:
    rng = np.random.default_rng(k)
    missing = rng.random((200, k)) < 0.05
    bits = rel.pack_missing(missing)
    for cols in ([0], [k - 1], list(range(0, k, 3)), list(range(k))):
        want = ~missing[:, cols].any(axis=1)
        assert rel.none_missing(bits, cols).tolist() == want.tolist()
