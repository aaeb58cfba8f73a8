"""The small-integer fast paths of scoring (issue 13) against the float paths and plain
numpy/pandas oracles: the recoded answers held as int8, the per-cell sums counted by
value, and the item tallies counted with one bincount per item."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.scoring import NA, make_table, tiny

from salesmkt.analysis.cells import _answer_sums, _column_sums
from salesmkt.analysis.gapdata import (
    GapData,
    Groups,
    ItemTallies,
    answer_counts,
    count_base,
    tally_of_counts,
)
from salesmkt.analysis.prepared import DimScores, Prepared, prepare
from salesmkt.analysis.scoring import score_table
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.model.assessment import Settings

ROWS = [
    [4, 4, 2, 5],
    [3, NA, 1, 4],
    [NA, NA, NA, NA],  # unscoreable
    [2, 3, 4, 3],
    [5, 5, 1, 5],
    [2, 2, NA, 4],
    [1, NA, NA, NA],
]
GROUPS = ["sales", "sales", "sales", "sales", "marketing", "marketing", "leadership"]


def _oracle(rows: list[list[float]]) -> pd.DataFrame:
    """Recoded answers (t3 reversed on 1-5: 6 − answer), NaN where missing, of the
    scoreable respondents."""
    frame = pd.DataFrame(rows, columns=["t1", "t2", "t3", "t4"], dtype=float)
    frame["t3"] = 6 - frame["t3"]
    return frame[frame.notna().any(axis=1)].reset_index(drop=True)


def test_prepare_holds_whole_answers_as_int8_with_the_same_figures() -> None:
    q = tiny()
    prep = prepare(make_table(q, ROWS, GROUPS))
    want = _oracle(ROWS)
    assert prep.filled.dtype == np.int8
    assert np.array_equal(prep.valid, want.notna().to_numpy())
    assert np.array_equal(prep.filled, want.fillna(0).to_numpy())
    k = want.shape[1]
    totals = want.sum(axis=1) * k / want.notna().sum(axis=1)
    assert prep.total.dtype == np.float64
    assert prep.total.tolist() == totals.tolist()
    assert list(prep.keep) == [True, True, False, True, True, True, True]


def test_prepare_falls_back_to_float_for_answers_int8_cannot_hold() -> None:
    q = tiny()
    rows = [[4.5, 4, 2, 5], [3, NA, 1, 4]]
    prep = prepare(make_table(q, rows, ["sales", "marketing"]))
    want = _oracle(rows)
    assert prep.filled.dtype == np.float64
    assert np.array_equal(prep.filled, want.fillna(0).to_numpy())
    assert prep.total.tolist() == (want.sum(axis=1) * 4 / want.notna().sum(axis=1)).tolist()


def test_dimension_means_from_int8_match_pandas() -> None:
    q = tiny()
    prep = prepare(make_table(q, ROWS, GROUPS))
    want = _oracle(ROWS)
    for j, dim in enumerate(q.dimensions):
        cols = [it.id for it in q.items if it.dimension == dim.id]
        mean = want[cols].mean(axis=1)
        assert prep.dims_valid[:, j].tolist() == mean.notna().tolist()
        assert prep.dims_filled[:, j].tolist() == mean.fillna(0).tolist()


def test_int8_scoring_equals_float_scoring_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same respondents scored from an int8 grid and from a float64 grid."""
    q = tiny()
    rng = np.random.default_rng(7)
    rows = rng.integers(1, 6, size=(300, 4)).astype(float)
    rows[rng.random(rows.shape) < 0.1] = np.nan
    groups = list(rng.choice(["sales", "marketing", "leadership"], size=300))
    fast = score_table(make_table(q, rows.tolist(), groups), Settings(min_group_size=1))
    import salesmkt.analysis.prepared as prepared

    monkeypatch.setattr(prepared, "_whole_int8", lambda value: False)
    slow = score_table(make_table(q, rows.tolist(), groups), Settings(min_group_size=1))
    assert slow.assessment.groups[0].n  # scored
    assert fast.assessment.model_dump_json() == slow.assessment.model_dump_json()


def _cells_case(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    rng = np.random.default_rng(lo + 200)
    n, ncells = 500, 6
    key = rng.integers(0, ncells - 1, size=n)  # the last cell stays empty
    filled = rng.integers(lo, hi + 1, size=(n, 5)).astype(np.int8)
    valid = rng.random((n, 5)) > 0.15
    filled[~valid] = 0
    return key, np.asfortranarray(filled), np.asfortranarray(valid), ncells


def _prepared(filled: np.ndarray, valid: np.ndarray, key: np.ndarray) -> Prepared:
    n = len(filled)
    zeros = np.zeros((n, 1))
    return Prepared(
        np.ones(n, dtype=bool), filled, valid, valid.sum(axis=1), zeros[:, 0],
        DimScores(means=zeros), zeros > 0, key, [],
    )  # fmt: skip


@pytest.mark.parametrize(("lo", "hi"), [(1, 5), (-3, 3), (-128, 127)])
def test_answer_sums_equal_weighted_bincount_bits(lo: int, hi: int) -> None:
    key, filled, valid, ncells = _cells_case(lo, hi)
    n = np.bincount(key, minlength=ncells).astype(np.int64)
    start = (lo + hi) / 2
    sums, counts, fav, tallies = _answer_sums(key, ncells, n, _prepared(filled, valid, key), start)
    as_float = np.asfortranarray(filled.astype(np.float64))
    want_sums, want_counts = _column_sums(key, ncells, n, as_float, valid)
    want_fav, _ = _column_sums(key, ncells, n, (filled >= start) & valid, valid)
    assert fav is not None
    assert sums.tobytes() == want_sums.tobytes()  # the same bits, -0.0 included
    assert counts.tobytes() == want_counts.tobytes()
    assert fav.tobytes() == want_fav.tobytes()
    # the float path gives the same, and both match a plain per-cell loop
    *slow, no_tallies = _answer_sums(key, ncells, n, _prepared(as_float, valid, key), start)
    assert no_tallies is None and tallies is not None and len(tallies) == filled.shape[1]
    assert [a.tobytes() for a in slow if a is not None] == [
        sums.tobytes(),
        counts.tobytes(),
        fav.tobytes(),
    ]
    for c in range(ncells):
        for j in range(filled.shape[1]):
            picked = filled[(key == c) & valid[:, j], j]
            assert sums[c, j] == float(picked.astype(float).sum())
            assert counts[c, j] == picked.size
            assert fav[c, j] == np.count_nonzero(picked >= start)


def test_answer_counts_put_keys_outside_the_cells_aside() -> None:
    key = np.array([0, 1, -1, 5, 1])
    column = np.array([3, -2, 4, 4, 127], dtype=np.int8)
    valid = np.array([True, True, True, True, False])
    counts = answer_counts(count_base(key, 2), 2, column, valid)
    assert counts.shape == (2, 256)
    assert counts.sum() == 2
    assert counts[0, 3 + 128] == 1 and counts[1, -2 + 128] == 1
    tally = tally_of_counts(counts[1])
    assert tally.values.tolist() == [-2.0] and tally.counts.tolist() == [1]


def test_item_tallies_from_int8_equal_the_float_path() -> None:
    q = tiny()
    rng = np.random.default_rng(3)
    n = 400
    items = rng.integers(1, 6, size=(n, 4)).astype(np.int8)
    valid = rng.random((n, 4)) > 0.2
    valid[:5] = False  # respondents with no answer at all
    valid[rng.integers(0, n, 5), 2] = True
    items[~valid] = 0
    code = rng.integers(0, 3, size=n)
    code[code == 2] = 1  # group 2 (leadership) has nobody: not shown
    ids = ["sales", "marketing", "leadership"]
    settings = Settings(min_group_size=1)
    int_data = GapData(np.asfortranarray(items), code, ids, valid=np.asfortranarray(valid))
    nan_items = np.where(valid, items.astype(np.float64), np.nan)
    float_data = GapData(nan_items, code, ids)
    fast = ItemTallies(int_data, Groups(int_data, q, settings))
    slow = ItemTallies(float_data, Groups(float_data, q, settings))
    assert fast.answered == slow.answered
    assert fast.answered == {c: int(np.count_nonzero(valid[code == c].any(axis=1))) for c in (0, 1)}
    assert fast.by_group.keys() == slow.by_group.keys()
    for c, tallies in fast.by_group.items():
        for j, (got, want) in enumerate(zip(tallies, slow.by_group[c], strict=True)):
            oracle = Tally.of(items[(code == c) & valid[:, j], j].astype(float))
            for t in (got, want):
                assert t.values.tolist() == oracle.values.tolist()
                assert t.counts.tolist() == oracle.counts.tolist()
                assert t.values.dtype == np.float64 and t.counts.dtype == np.int64


def test_a_negative_zero_answer_keeps_the_float_path() -> None:
    from salesmkt.analysis.prepared import _held_exactly

    small = np.array([0, 3, -2, 0], dtype=np.int8)
    ok = np.array([True, True, True, False])
    assert _held_exactly(small, np.array([0.0, 3.0, -2.0, np.nan]), ok)
    assert _held_exactly(small, np.array([0.0, 3.0, -2.0, -np.nan]), ok)
    assert not _held_exactly(small, np.array([-0.0, 3.0, -2.0, np.nan]), ok)
    assert not _held_exactly(small, np.array([0.0, 3.5, -2.0, np.nan]), ok)
    assert not _held_exactly(small, np.array([0.0, 3.0, 254.0, np.nan]), ok)
