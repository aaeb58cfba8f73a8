"""The ninth round's fast paths of scoring against the computations they replace: each
respondent's sum and count of answers from the dimensions' parts (``prepare``), the
ratio tallies' bins in narrow integer types (``ratio_tallies``) and the item answer
counts with each answer as its own code (``item_answer_counts(blank_zero=True)``).
Each is compared bit for bit with the old computation, written out here, or with a
plain numpy oracle."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.scoring import NA, make_table, tiny

from salesmkt.analysis.gapdata import (
    GapData,
    Groups,
    Ratio,
    answer_counts,
    count_base,
    group_tallies,
    item_answer_counts,
    ratio_tallies,
)
from salesmkt.analysis.prepared import prepare
from salesmkt.analysis.scoring import score_table
from salesmkt.analysis.statistics.reliability import (
    _omega_of,
    _one_factor,
    _stack_eigh,
    omega_totals,
)
from salesmkt.model.assessment import Settings


def _rows(seed: int, n: int, blank: float, lo: int = 1, hi: int = 5) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    rows = rng.integers(lo, hi + 1, size=(n, 4)).astype(float)
    rows[rng.random(rows.shape) < blank] = np.nan
    out: list[list[float]] = rows.tolist()
    return out


def _old_parts(prep, k: int):  # type: ignore[no-untyped-def]
    """prepare's answered counts and totals as they were before this round: a count of
    the validity marks and an int64 sum of every column, of the kept rows."""
    answered = np.count_nonzero(prep.valid, axis=1)
    sums = prep.filled.sum(axis=1, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = sums * k / answered
    return answered, sums, total


@pytest.mark.parametrize(("n", "blank"), [(1, 0.0), (2, 0.5), (7, 0.0), (400, 0.1), (400, 0.7)])
def test_row_parts_equal_the_old_sums_and_counts(n: int, blank: float) -> None:
    q = tiny()
    rows = [*_rows(n, n, blank), [NA, NA, NA, NA]]  # an unscoreable respondent too
    groups = ["sales", "marketing"] * (len(rows) // 2) + ["sales"] * (len(rows) % 2)
    prep = prepare(make_table(q, rows, groups))
    answered, sums, total = _old_parts(prep, len(q.items))
    assert prep.answered.dtype == np.int8
    assert prep.answered.tolist() == answered.tolist()
    assert prep.row_sums is not None and prep.row_sums.tolist() == sums.tolist()
    assert prep.total.dtype == np.float64 and prep.total.tobytes() == total.tobytes()
    # a plain per-row oracle: mean of the answered items × the item count
    for r, row in enumerate(x for x in rows if not all(np.isnan(x))):
        got = [v if not it.reverse else 6 - v for v, it in zip(row, q.items, strict=True)]
        seen = [v for v in got if not np.isnan(v)]
        assert prep.total[r] == sum(seen) * 4 / len(seen)


def test_row_parts_count_items_outside_every_dimension() -> None:
    q = tiny()
    items = [q.items[0].model_copy(update={"dimension": None}), *q.items[1:]]
    q = q.model_copy(update={"items": items})
    rows = _rows(5, 300, 0.2)
    prep = prepare(make_table(q, rows, ["sales", "marketing", "sales"] * 100))
    answered, sums, total = _old_parts(prep, len(q.items))
    assert prep.answered.tolist() == answered.tolist()
    assert prep.row_sums is not None and prep.row_sums.tolist() == sums.tolist()
    assert prep.total.tobytes() == total.tobytes()


def test_row_parts_of_float_answers_stay_as_before() -> None:
    q = tiny()
    rows = [[4.5, 4, 2, 5], [3, NA, 1, 4], [NA, NA, NA, NA]]
    prep = prepare(make_table(q, rows, ["sales", "marketing", "sales"]))
    assert prep.filled.dtype == np.float64 and prep.row_sums is None
    with np.errstate(invalid="ignore", divide="ignore"):
        want = prep.filled.sum(axis=1) * 4 / np.count_nonzero(prep.valid, axis=1)
    assert prep.total.tobytes() == want.tobytes()


def _groups(code: np.ndarray, ids: list[str]) -> Groups:
    data = GapData(np.zeros((len(code), 4)), code, ids)
    return Groups(data, tiny(), Settings(min_group_size=1))


@pytest.mark.parametrize(
    ("lo", "hi", "top", "ngroups"),
    [
        (20, 100, 20, 3),  # int16 bins: totals of 20 items
        (0, 20, 4, 1),  # int16, one group
        (-30_000, -29_990, 4, 2),  # a numerator far from 0: int16 bins, wide lo
        (0, 3000, 200, 3),  # int32 bins
        (40_000, 40_010, 3, 2),  # lo beyond int16: int64 bins
    ],
)
def test_narrow_ratio_bins_give_the_float_tallies(lo: int, hi: int, top: int, ngroups: int) -> None:
    rng = np.random.default_rng(abs(lo + hi + top))
    n = 5000
    code = rng.integers(0, ngroups, size=n)
    num = rng.integers(lo, hi + 1, size=n).astype(np.int32 if abs(lo) > 30_000 else np.int16)
    den = rng.integers(0, top + 1, size=n).astype(np.int16 if top > 127 else np.int8)
    ids = ["sales", "marketing", "leadership"][:ngroups]
    groups = _groups(code, ids)
    which = list(range(ngroups))
    got = ratio_tallies(Ratio(num, den, 1), groups, which)
    with np.errstate(invalid="ignore", divide="ignore"):
        column = num.astype(np.int64).astype(np.float64) / den.astype(np.float64)
    want = group_tallies(column, np.greater(den, 0), groups, which)
    assert got is not None and got.keys() == want.keys()
    for c in which:
        assert got[c].values.tobytes() == want[c].values.tobytes()
        assert got[c].counts.tobytes() == want[c].counts.tobytes()
    # the group codes are cast once per type and kept
    assert all(held.dtype == t for t, held in groups._codes_as.items())


def _want_counts(key: np.ndarray, ncells: int, items: np.ndarray, valid: np.ndarray) -> list:  # type: ignore[type-arg]
    base = count_base(key, ncells)
    return [answer_counts(base, ncells, items[:, j], valid[:, j]) for j in range(items.shape[1])]


@pytest.mark.parametrize(
    ("n", "lo", "hi", "blank", "ncells"),
    [
        (1, 1, 5, 0.0, 1),
        (50, 1, 5, 0.0, 3),  # no blank at all
        (500, 1, 5, 0.3, 3),
        (500, 2, 7, 0.5, 2),
        (500, 0, 4, 0.2, 3),  # 0 is an answer: counted the usual way
        (500, 1, 1, 0.4, 1),  # all-equal answers
        (300, 1, 5, 1.0, 2),  # nothing answered
        (2000, 1, 100, 0.1, 4),  # few items per bincount
    ],
)
def test_direct_item_counts_equal_one_column_at_a_time(
    n: int, lo: int, hi: int, blank: float, ncells: int
) -> None:
    rng = np.random.default_rng(n + lo + hi + ncells)
    items = rng.integers(lo, hi + 1, size=(n, 6)).astype(np.int8)
    valid = rng.random(items.shape) >= blank
    items[~valid] = 0  # scoring's grid: 0 where not answered
    items, valid = np.asfortranarray(items), np.asfortranarray(valid)
    key = rng.integers(0, ncells, size=n).astype(np.int64)
    key[:3] = ncells + 5  # keys outside the cells: a spare cell, never read
    want = _want_counts(key, ncells, items, valid)
    for blank_zero in (True, False):
        got = item_answer_counts(key, ncells, items, valid, blank_zero=blank_zero)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g.dtype == np.int64 and g.tobytes() == w.tobytes()


def test_scores_byte_identical_with_and_without_the_direct_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole assessment, one group and several, with the direct item counts and with
    the counts taken the usual way (as before this round)."""
    q = tiny()
    import salesmkt.analysis.cells as cells

    plain = item_answer_counts

    def usual(key, ncells, items, valid, **_):  # type: ignore[no-untyped-def]
        return plain(key, ncells, items, valid)

    rng = np.random.default_rng(3)
    for groups in (["sales"] * 300, list(rng.choice(["sales", "marketing"], 300))):
        rows = _rows(21, 300, 0.15)
        fast = score_table(make_table(q, rows, groups), Settings(min_group_size=1))
        monkeypatch.setattr(cells, "item_answer_counts", usual)
        slow = score_table(make_table(q, rows, groups), Settings(min_group_size=1))
        monkeypatch.undo()
        assert fast.assessment.model_dump_json() == slow.assessment.model_dump_json()


@pytest.mark.parametrize(("m", "k"), [(1, 3), (4, 4), (7, 20)])
def test_stack_eigh_is_numpys_eigh_bit_for_bit(m: int, k: int) -> None:
    rng = np.random.default_rng(m * 100 + k)
    a = rng.normal(size=(m, k, k))
    a = a + a.transpose(0, 2, 1)
    a[0, 0, 1] = 99.0  # the upper triangle is not read, as numpy's eigh does not read it
    values, vectors = _stack_eigh()(a)
    want = np.linalg.eigh(a)
    assert values.tobytes() == want.eigenvalues.tobytes()
    assert vectors.tobytes() == want.eigenvectors.tobytes()


def test_stack_eigh_fails_as_numpy_does() -> None:
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.eigh(np.full((2, 3, 3), np.nan))
    with pytest.raises(np.linalg.LinAlgError):
        _stack_eigh()(np.full((2, 3, 3), np.nan))


def test_omega_fits_equal_the_one_at_a_time_definition() -> None:
    rng = np.random.default_rng(9)
    covs = []
    for k in (3, 3, 4, 20):
        x = rng.integers(1, 6, size=(200, k)).astype(float)
        x[:, 1:] += x[:, :1]  # a common factor
        covs.append(np.cov(x, rowvar=False))
    got = omega_totals(covs)
    for cov, omega in zip(covs, got, strict=True):
        sd = np.sqrt(np.diag(cov))
        loadings = _one_factor(cov / np.outer(sd, sd))
        assert loadings is not None and omega == _omega_of(loadings, sd)


@pytest.mark.parametrize(("n", "ncells"), [(1, 1), (5, 3), (700, 2), (700, 4), (900, 9)])
def test_totals_by_cell_masked_and_sorted_agree(
    n: int, ncells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cells' median, minimum and maximum: picked out by masks (few cells) and by one
    stable sort (many), bit for bit, and against np.median of each cell's totals."""
    import salesmkt.analysis.cells as cells

    rng = np.random.default_rng(n + ncells)
    q = tiny()
    rows = _rows(n, n, 0.2)
    rows = [r if not all(np.isnan(r)) else [1.0, 1.0, 1.0, 1.0] for r in rows]
    prep = prepare(make_table(q, rows, ["sales"] * n))
    key = rng.integers(0, ncells, size=n).astype(np.int64)
    if ncells > 2:
        key[key == 1] = 0  # an empty cell
    found = []
    for masked in (0, 100):
        monkeypatch.setattr(cells, "_MASKED_CELLS", masked)
        found.append(cells.cell_stats(key, ncells, prep))
    for name in ("median", "lo", "hi"):
        assert getattr(found[0], name).tobytes() == getattr(found[1], name).tobytes()
    for c in range(ncells):
        got = found[1].median[c]
        part = prep.total[key == c]
        assert (np.isnan(got) and part.size == 0) or got == np.median(part)


@pytest.mark.parametrize(
    ("bound", "smallest", "expected"),
    [
        (0, np.int8, np.int8),
        (127, np.int8, np.int8),
        (128, np.int8, np.int16),
        (127, np.int16, np.int16),
        (32_767, np.int8, np.int16),
        (32_768, np.int16, np.int32),
        (2**31 - 1, np.int8, np.int32),
        (2**31, np.int8, np.int64),
    ],
)
def test_narrowest_int_holds_the_bound(bound: int, smallest: Any, expected: Any) -> None:
    from salesmkt.analysis.gapdata import narrowest_int

    got = narrowest_int(bound, smallest)
    assert got == np.dtype(expected)
    assert np.iinfo(got).max >= bound  # holds it, and no narrower type at least smallest does
    assert np.dtype(smallest).itemsize <= got.itemsize
