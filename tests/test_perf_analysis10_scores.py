"""The dimension means divided without float64 copies of their parts, and the dimension
moments from each group's skipped-item bits split once: the same figures, bit for bit.

Oracles: the code these replace, written out here (``astype(float64)`` of the sums and
the counts, then the division; the partial respondents of every group found again for
each dimension), a per-respondent division in plain Python, and the whole assessment
against ``statistics.mean`` of each group's dimension means.
"""

from __future__ import annotations

import numpy as np
import pytest
from support.scoring import FivePointQ, MomentGroups, make_table, oracle_group, tiny

from salesmkt.analysis import quality
from salesmkt.analysis.gapdata import GapData
from salesmkt.analysis.prepared import DimScores
from salesmkt.analysis.statistics import reliability as rel


def _old_column(scores: DimScores, j: int) -> np.ndarray:
    assert scores.sums is not None and scores.counts is not None
    out = scores.sums[:, j].astype(np.float64)
    count = scores.counts[:, j].astype(np.float64)
    np.maximum(count, 1.0, out=count)
    np.divide(out, count, out=out)
    return out


@pytest.mark.parametrize("sum_type", [np.int16, np.int32, np.int64])
@pytest.mark.parametrize("n", [0, 1, 9, 5000])
def test_dimension_column_equals_the_float64_division(sum_type: type, n: int) -> None:
    rng = np.random.default_rng(n)
    counts = np.asfortranarray(rng.integers(0, 8, size=(n, 3)).astype(np.int8))
    sums: np.ndarray = np.asfortranarray(
        (rng.integers(-5, 6, size=(n, 3)) * counts).astype(sum_type)
    )
    if n:
        sums[0, 1] = 7 * 5  # a whole mean
        counts[0, 1] = 7
        sums[-1, 2] = -3  # a negative one
        counts[-1, 2] = 1
    scores = DimScores(sums=sums, counts=counts)
    for j in range(3):
        got = scores.column(j)
        assert got.dtype == np.float64 and got.shape == (n,)
        assert got.tobytes() == _old_column(scores, j).tobytes()
        for s, c, value in zip(
            sums[:, j].tolist(), counts[:, j].tolist(), got.tolist(), strict=True
        ):
            want = s / c if c else 0.0
            assert repr(value) == repr(want)  # 0.0 where none, never -0.0 or NaN


def _old_dimension_moments(
    data: GapData, groups: MomentGroups, full: quality.ScaleMoments, cols: list[int]
) -> dict[int, rel.Moments]:
    """The ninth round's dimension moments: every partial respondent's bits tested,
    then split by group, for each dimension."""
    extra = full.partial[rel.none_missing(full.skipped, cols)]
    code = groups.code[extra]
    block = np.ix_(cols, cols)
    out: dict[int, rel.Moments] = {}
    for c, m in full.by_group.items():
        sub = rel.Moments(m.n, m.rows, m.s1[cols], m.s2[block])
        rows = extra[code == c]
        if rows.size:
            sub = sub + rel.block_moments(data.items, rows, cols, full.shift)
            sub.rows = m.rows
        out[c] = sub
    return out


def _same(a: rel.Moments, b: rel.Moments) -> bool:
    return (a.n, a.rows) == (b.n, b.rows) and (
        a.s1.tobytes() == b.s1.tobytes() and a.s2.tobytes() == b.s2.tobytes()
    )


@pytest.mark.parametrize(
    ("n", "blank", "shown"), [(1, 0.0, [0]), (40, 0.3, [0, 1, 2]), (3000, 0.05, [0, 2])]
)
def test_dimension_moments_equal_the_split_per_dimension(
    n: int, blank: float, shown: list[int]
) -> None:
    rng = np.random.default_rng(n)
    k = 9
    code = rng.integers(-1, 4, size=n)  # -1: in no group; 3: a group not shown
    items = rng.integers(1, 6, size=(n, k)).astype(np.int8)
    valid = rng.random((n, k)) >= blank
    valid[code == 1] = True  # a shown group without a partial respondent
    items[~valid] = 0
    items = np.asfortranarray(items)
    valid = np.asfortranarray(valid)
    data = GapData(items=items, group_code=code, group_ids=["a", "b", "c", "d"], valid=valid)
    groups = MomentGroups.of(code, shown)
    full = quality.scale_moments(FivePointQ(), data, groups)  # type: ignore[arg-type]
    for cols in ([0, 1, 2], [3, 4], [5, 6, 7, 8], [8, 0]):
        got = quality._dimension_moments(data, groups, full, cols)  # type: ignore[arg-type]
        want = _old_dimension_moments(data, groups, full, cols)
        assert sorted(got) == sorted(want) == shown
        for c in shown:
            assert _same(got[c], want[c])
            # and the plain way: the group's rows complete on cols, summed in float64
            rows = groups.rows[c][valid[groups.rows[c]][:, cols].all(axis=1)]
            dev = items[np.ix_(rows, cols)].astype(np.float64) - full.shift
            assert got[c].n == rows.size
            assert got[c].s1.tolist() == dev.sum(axis=0).tolist()
            assert got[c].s2.tolist() == (dev.T @ dev).tolist()


@pytest.mark.parametrize("blank", [0.0, 0.3, 0.9])
def test_whole_assessment_dimension_means_against_the_oracle(blank: float) -> None:
    """Scoring's dimension means (read through the new column) against plain Python."""
    from salesmkt.analysis.scoring import score_table
    from salesmkt.model.assessment import Settings

    q = tiny()
    rng = np.random.default_rng(int(blank * 10))
    rows = rng.integers(1, 6, size=(40, len(q.items))).astype(float)
    rows[rng.random(rows.shape) < blank] = np.nan
    rows[:, 0] = np.where(np.isnan(rows).all(axis=1), 3.0, rows[:, 0])  # each scoreable
    groups = [q.groups[i % len(q.groups)].id for i in range(len(rows))]
    a = score_table(make_table(q, rows.tolist(), groups), Settings(min_group_size=1)).assessment
    for gid in {g for g in groups}:
        want = oracle_group(q, [r for r, g in zip(rows.tolist(), groups, strict=True) if g == gid])
        for dim in a.dimensions:
            got = dim.means_by_group[gid]
            expected = want["dims"][dim.id]
            assert (got is None) == (expected is None)
            if got is not None:
                assert got == pytest.approx(expected, rel=1e-12)
