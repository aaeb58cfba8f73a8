"""The eighth round's fast paths of scoring against the computations they replace:
dimension means held as whole-number sums and counts (``DimScores``), the tallies of
totals and dimension means counted from those parts (``ratio_tallies``) and the gate's
lowest answer by a plain minimum over bytes (``_answer_range``). Each is compared bit
for bit with the old computation, written out here, or with a plain numpy oracle."""

from __future__ import annotations

import numpy as np
import pytest
from support.scoring import NA, make_table, tiny

from salesmkt.analysis.gapdata import GapData, Groups, Ratio, group_tallies, ratio_tallies
from salesmkt.analysis.prepared import DimScores, prepare
from salesmkt.analysis.scoring import score_table
from salesmkt.intake.gate import _answer_range
from salesmkt.intake.scale import BLANK_CODE
from salesmkt.model.assessment import Settings


def _old_dimension_means(q, filled, valid):  # type: ignore[no-untyped-def]
    """prepared._dimension_means as it was before this round (int32 sums, one float64
    matrix divided under a mask)."""
    nrows = len(filled)
    dims_filled = np.zeros((nrows, len(q.dimensions)), order="F")
    dims_valid = np.zeros((nrows, len(q.dimensions)), dtype=bool, order="F")
    whole = filled.dtype.kind == "i"
    for j, dim in enumerate(q.dimensions):
        cols = [i for i, it in enumerate(q.items) if it.dimension == dim.id]
        dim_sum = np.zeros(nrows, dtype=np.int32 if whole else np.float64)
        dim_count = np.zeros(nrows, dtype=np.int32)
        for c in cols:
            dim_sum += filled[:, c]
            dim_count += valid[:, c]
        answered = dims_valid[:, j]
        np.greater(dim_count, 0, out=answered)
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(dim_sum, dim_count, out=dims_filled[:, j], where=answered)
    return dims_filled, dims_valid


def _random_rows(seed: int, n: int, blank: float) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    rows = rng.integers(1, 6, size=(n, 4)).astype(float)
    rows[rng.random(rows.shape) < blank] = np.nan
    return rows.tolist()


@pytest.mark.parametrize(("n", "blank"), [(1, 0.0), (3, 0.5), (400, 0.1), (400, 0.6)])
def test_dimension_scores_equal_the_old_matrix_bit_for_bit(n: int, blank: float) -> None:
    q = tiny()
    rows = [*_random_rows(n, n, blank), [NA, NA, NA, NA]]  # an unscoreable respondent too
    groups = ["sales", "marketing"] * (len(rows) // 2) + ["sales"] * (len(rows) % 2)
    prep = prepare(make_table(q, rows, groups))
    assert prep.dim_scores.sums is not None  # whole numbers: held as parts
    want, want_valid = _old_dimension_means(q, prep.filled, prep.valid)
    assert prep.dims_filled.tobytes() == want.tobytes()
    assert prep.dims_valid.tobytes() == want_valid.tobytes()
    for j in range(len(q.dimensions)):
        assert prep.dim_column(j).tobytes() == want[:, j].tobytes()
    nan = np.where(want_valid, want, np.nan)
    assert prep.dims().tobytes() == nan.tobytes()


def test_dimension_scores_of_float_answers_are_held_as_means() -> None:
    q = tiny()
    rows = [[4.5, 4, 2, 5], [3, NA, 1, 4], [2, 2, NA, 4]]
    prep = prepare(make_table(q, rows, ["sales", "marketing", "sales"]))
    assert prep.filled.dtype == np.float64
    assert prep.dim_scores.means is not None and prep.dim_ratio(0) is None
    assert prep.total_ratio() is None and prep.row_sums is None
    want, _ = _old_dimension_means(q, prep.filled, prep.valid)
    assert prep.dims_filled.tobytes() == want.tobytes()


def test_dim_scores_take_keeps_the_rows() -> None:
    sums = np.asfortranarray(np.array([[3, 0], [7, 5], [2, 9]], dtype=np.int16))
    counts = np.asfortranarray(np.array([[2, 0], [3, 2], [1, 3]], dtype=np.int8))
    scores = DimScores(sums=sums, counts=counts)
    kept = scores.take(np.array([True, False, True]))
    assert kept.matrix().tolist() == [[1.5, 0.0], [2.0, 3.0]]
    assert scores.column(1).tolist() == [0.0, 2.5, 3.0]
    assert np.signbit(scores.column(1)).sum() == 0  # no -0.0 for "none"


def _groups(code: np.ndarray, ids: list[str], k_min: int = 1) -> Groups:
    q = tiny()
    data = GapData(np.zeros((len(code), 4)), code, ids)
    return Groups(data, q, Settings(min_group_size=k_min))


def _assert_same_tallies(got: dict, want: dict) -> None:  # type: ignore[type-arg]
    assert got.keys() == want.keys()
    for c in want:
        assert got[c].values.tobytes() == want[c].values.tobytes(), c
        assert got[c].counts.tobytes() == want[c].counts.tobytes(), c
        assert got[c].values.dtype == np.float64 and got[c].counts.dtype == np.int64


@pytest.mark.parametrize("scale", [1, 20])
@pytest.mark.parametrize(("lo", "hi", "top"), [(0, 25, 5), (-40, 40, 8), (0, 3, 1), (-5, -1, 3)])
def test_ratio_tallies_equal_the_float_tallies(scale: int, lo: int, hi: int, top: int) -> None:
    rng = np.random.default_rng(abs(lo) * 100 + abs(hi) + top + scale)
    n = 3000
    code = rng.integers(0, 3, size=n)  # three groups; "leadership" left empty below
    code[code == 2] = 3 if scale == 1 else 2
    den = rng.integers(0, top + 1, size=n).astype(np.int8)
    num = rng.integers(lo, hi + 1, size=n).astype(np.int16)
    ratio = Ratio(num, den, scale)
    ids = ["sales", "marketing", "leadership", "other"]
    groups = _groups(code, ids)
    with np.errstate(invalid="ignore", divide="ignore"):
        column = (num.astype(np.int64) * scale) / den.astype(np.int64)
    valid = den > 0
    which = [c for c in range(len(ids)) if c in groups.rows]
    got = ratio_tallies(ratio, groups, which)
    assert got is not None
    _assert_same_tallies(got, group_tallies(column, valid, groups, which))
    # without validity marks: the 0/0 and x/0 scores are NaN and ±inf, dropped as not finite
    _assert_same_tallies(got, group_tallies(column, None, groups, which))


def test_ratio_tallies_one_group_one_value_and_too_many_bins() -> None:
    code = np.zeros(5, dtype=np.int64)
    groups = _groups(code, ["sales"])
    got = ratio_tallies(Ratio(np.full(5, 6), np.full(5, 3)), groups, [0])
    assert got is not None
    assert got[0].values.tolist() == [2.0] and got[0].counts.tolist() == [5]
    # 2/4, 1/2 and 3/6 are one value
    ratio = Ratio(np.array([2, 1, 3, 1, 0]), np.array([4, 2, 6, 3, 0]))
    got = ratio_tallies(ratio, groups, [0])
    assert got is not None
    assert got[0].values.tolist() == [1 / 3, 0.5] and got[0].counts.tolist() == [1, 3]
    wide = Ratio(np.array([0, 10_000_000]), np.array([1, 1]))
    assert ratio_tallies(wide, _groups(np.zeros(2, dtype=np.int64), ["sales"]), [0]) is None


def test_scores_with_and_without_the_parts_are_byte_identical(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole assessment with the parts (ratio tallies) and with them taken away
    (the float columns and np.unique, as before this round)."""
    q = tiny()
    rows = _random_rows(11, 600, 0.15)
    groups = list(np.random.default_rng(3).choice(["sales", "marketing", "leadership"], 600))
    fast = score_table(make_table(q, rows, groups), Settings(min_group_size=1))
    import salesmkt.analysis.prepared as prepared

    monkeypatch.setattr(prepared.Prepared, "total_ratio", lambda self: None)
    monkeypatch.setattr(prepared.Prepared, "dim_ratio", lambda self, j: None)
    slow = score_table(make_table(q, rows, groups), Settings(min_group_size=1))
    assert fast.assessment.total_gap is not None and fast.assessment.total_gap.gap is not None
    assert fast.assessment.model_dump_json() == slow.assessment.model_dump_json()


def _old_answer_range(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """gate._answer_range of int8 codes before this round (a masked minimum)."""
    hi = np.max(values, axis=0)
    lo = np.full(values.shape[1:], 127, dtype=np.int8)
    for row in values:
        np.minimum(lo, row, out=lo, where=row != BLANK_CODE)
    return lo, hi


@pytest.mark.parametrize(("lo", "hi"), [(1, 5), (-127, 127), (-3, 0), (127, 127), (-127, -127)])
def test_answer_range_equals_the_masked_minimum(lo: int, hi: int) -> None:
    rng = np.random.default_rng(abs(lo) * 1000 + abs(hi))
    codes = rng.integers(lo, hi + 1, size=(6, 700)).astype(np.int8)
    codes[rng.random(codes.shape) < 0.3] = BLANK_CODE
    codes[:, :5] = BLANK_CODE  # rows with no answer at all
    got_lo, got_hi = _answer_range(codes)
    want_lo, want_hi = _old_answer_range(codes)
    assert got_lo.dtype == np.int8 and got_lo.tobytes() == want_lo.tobytes()
    assert got_hi.tobytes() == want_hi.tobytes()
    # a view of a compacted grid (rows cut short, as the reader leaves it)
    part = codes[:, :400]
    assert _answer_range(part)[0].tobytes() == _old_answer_range(part)[0].tobytes()


def test_ratio_tallies_leave_respondents_in_no_group_to_the_float_path() -> None:
    code = np.array([0, 1, -1, 0])
    ids = ["sales", "marketing"]
    groups = _groups(code, ids)
    ratio = Ratio(np.array([3, 4, 5, 6]), np.array([1, 2, 1, 3]))
    assert ratio_tallies(ratio, groups, [0, 1]) is None
    assert ratio_tallies(ratio, _groups(np.array([0, 1, 2, 0]), ids), [0, 1]) is None
