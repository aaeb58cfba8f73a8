"""Packed answer counts (gapdata.item_answer_counts) equal one ``answer_counts`` per item.

Oracle: ``gapdata.answer_counts`` item by item (and, for the alignment scale, a plain
numpy count per cell and value written here), compared exactly: several items per
``bincount`` and one, the whole int8 range, keys outside the cells (the spare cell),
no answers at all, one row, no rows, no items, many cells (the one-by-one fallback).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from salesmkt.analysis import cells, gapdata


def _oracle(key: np.ndarray, ncells: int, items: np.ndarray, valid: np.ndarray) -> list[np.ndarray]:
    base = gapdata.count_base(key, ncells)
    return [
        gapdata.answer_counts(base, ncells, items[:, j], valid[:, j]) for j in range(items.shape[1])
    ]


def _same(got: list[np.ndarray], want: list[np.ndarray]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype == np.int64
        assert g.shape == w.shape
        assert np.array_equal(g, w)


@pytest.mark.parametrize(
    ("low", "high", "n", "k", "ncells", "blank"),
    [
        (1, 5, 20_000, 20, 3, 0.02),  # the alignment scale: four items per bincount
        (1, 5, 5_000, 7, 2, 0.0),
        (0, 10, 3_000, 5, 4, 0.1),  # 0 is an answer here, not a blank
        (-128, 127, 4_000, 3, 2, 0.05),  # the whole int8 range: one item per bincount
        (-3, 3, 1, 4, 1, 0.0),
        (1, 5, 1_000, 6, 200, 0.1),  # many cells: one item per bincount
        (1, 5, 1_000, 3, 20_000, 0.1),  # more cells than one int16 bincount holds
        (1, 1, 500, 3, 2, 0.5),  # one value only
    ],
)
def test_packed_counts_equal_one_bincount_per_item(
    low: int, high: int, n: int, k: int, ncells: int, blank: float
) -> None:
    rng = np.random.default_rng(n + k + ncells)
    answers = rng.integers(low, high + 1, size=(n, k)).astype(np.int8)
    valid = np.asfortranarray(rng.random((n, k)) >= blank)
    items = np.asfortranarray(np.where(valid, answers, 0).astype(np.int8))
    key = rng.integers(-1, ncells + 1, size=n)  # -1 and ncells: outside every cell
    got = gapdata.item_answer_counts(key, ncells, items, valid)
    _same(got, _oracle(key, ncells, items, valid))


def test_alignment_counts_by_hand() -> None:
    """Against a count written out: per cell and value, respondents who answered it."""
    rng = np.random.default_rng(1)
    n, k, ncells = 3_000, 9, 3
    valid = rng.random((n, k)) >= 0.1
    items = np.where(valid, rng.integers(1, 6, size=(n, k)), 0).astype(np.int8)
    key = rng.integers(0, ncells, size=n)
    got = gapdata.item_answer_counts(key, ncells, items, valid)
    for j in range(k):
        for c in range(ncells):
            for v in range(-128, 128):
                want = int(np.count_nonzero((key == c) & valid[:, j] & (items[:, j] == v)))
                assert got[j][c, v + 128] == want


def test_blank_cells_hold_anything_and_count_for_nothing() -> None:
    rng = np.random.default_rng(2)
    n, k = 2_000, 5
    valid = rng.random((n, k)) >= 0.3
    items = rng.integers(-100, 100, size=(n, k)).astype(np.int8)  # junk under the blanks
    key = rng.integers(0, 2, size=n)
    _same(gapdata.item_answer_counts(key, 2, items, valid), _oracle(key, 2, items, valid))
    none = np.zeros((n, k), dtype=bool)
    got = gapdata.item_answer_counts(key, 2, items, none)
    assert all(not g.any() for g in got)


def test_no_rows_and_no_items() -> None:
    key = np.zeros(0, dtype=np.int64)
    items = np.zeros((0, 4), dtype=np.int8)
    valid = np.zeros((0, 4), dtype=bool)
    _same(gapdata.item_answer_counts(key, 2, items, valid), _oracle(key, 2, items, valid))
    key = np.zeros(5, dtype=np.int64)
    assert (
        gapdata.item_answer_counts(key, 2, np.zeros((5, 0), np.int8), np.zeros((5, 0), bool)) == []
    )


def test_cell_sums_from_the_packed_counts_equal_the_weighted_sums() -> None:
    """cells._answer_sums' sums and counts equal the float64 weighted bincount path."""
    rng = np.random.default_rng(4)
    n, k, ncells = 10_000, 20, 3
    valid = np.asfortranarray(rng.random((n, k)) >= 0.05)
    items = np.asfortranarray(np.where(valid, rng.integers(1, 6, size=(n, k)), 0).astype(np.int8))
    key = rng.integers(0, ncells, size=n)
    size = np.bincount(key, minlength=ncells)

    prep = SimpleNamespace(filled=items, valid=valid)
    sums, counts, _fav, tallies = cells._answer_sums(key, ncells, size, prep, None)  # type: ignore[arg-type]
    want_sums, want_counts = cells._column_sums(key, ncells, size, items.astype(float), valid)
    assert sums.tobytes() == want_sums.tobytes()
    assert counts.tobytes() == want_counts.tobytes()
    assert tallies is not None
    _same(tallies, _oracle(key, ncells, items, valid))


def test_answered_respondents_per_group_counted_from_the_blank_ones() -> None:
    """ItemTallies.answered: per shown group, respondents with at least one answer
    (oracle: a plain numpy count), with blank respondents and respondents in no group."""
    from support.scoring import tiny

    from salesmkt.analysis.gapdata import GapData, Groups, ItemTallies
    from salesmkt.model.assessment import Settings

    rng = np.random.default_rng(8)
    n, k = 3_000, 4
    valid = rng.random((n, k)) >= 0.3
    valid[rng.random(n) < 0.1] = False  # blank respondents, in every group
    items = np.where(valid, rng.integers(1, 6, size=(n, k)), 0).astype(np.int8)
    code = rng.integers(-1, 3, size=n)  # -1: in no group
    ids = ["sales", "marketing", "leadership"]
    data = GapData(np.asfortranarray(items), code, ids, valid=np.asfortranarray(valid))
    groups = Groups(data, tiny(), Settings(min_group_size=1))
    got = ItemTallies(data, groups).answered
    assert got == {c: int(np.count_nonzero(valid[code == c].any(axis=1))) for c in range(3)}
