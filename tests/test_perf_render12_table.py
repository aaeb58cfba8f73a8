"""The output round of issue 13 (twelfth round): the per-respondent table's columns made
with less fresh memory.

- each respondent's favourable answers, counted an item at a time, against the row sums
  of the favourable matrix (the old way, written here) and a plain Python count: whole
  numbers and fractional answers, answered marks held or read off the answers, C and
  Fortran order, 0, 1, 20, 255 and 256 items; the share's float bits;
- the stage codes made in place against the old ``np.where`` (NaN totals, totals on and
  between the stage edges).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmkt.analysis import respondent_table as rt
from salesmkt.analysis.cells import STAGE_DECIMALS
from salesmkt.analysis.favourable import favourable_matrix
from salesmkt.definitions.questionnaire import Questionnaire


class _Prep(SimpleNamespace):
    """What the counting reads of ``Prepared``: the answers, the marks (or None) and the
    answered cells as ``Prepared.valid`` gives them."""

    @property
    def valid(self) -> Any:
        if self.marks is not None:
            return self.marks
        return np.not_equal(self.filled, 0, order="F")


@settings(max_examples=80, deadline=None)
@given(
    rows=st.integers(0, 40),
    items=st.sampled_from([0, 1, 2, 20, 255, 256]),
    fortran=st.booleans(),
    whole=st.booleans(),
    held=st.booleans(),
    start=st.sampled_from([4.0, 3.5, 1.0, 6.0, 0.0, -1.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_favourable_counts(
    rows: int, items: int, fortran: bool, whole: bool, held: bool, start: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    answers = rng.integers(-2, 6, (rows, items))  # 0: unanswered (unless marks say)
    filled: Any = answers.astype(np.int8) if whole else answers + rng.random((rows, items)) / 2
    filled = np.asarray(filled, order="F" if fortran else "C")
    marks = None
    if held:  # marks held: an answer of 0 can be given, and a cell left blank
        marks = np.asarray(rng.random((rows, items)) < 0.8, order="F")
    prep = _Prep(filled=filled, marks=marks)
    counts = rt._favourable_counts(prep, start)  # type: ignore[arg-type]
    old = rt._row_counts(favourable_matrix(prep, start))  # type: ignore[arg-type]
    np.testing.assert_array_equal(counts, old)
    given_cells = marks if marks is not None else filled != 0
    plain = [
        sum(1 for j in range(items) if given_cells[i, j] and filled[i, j] >= start)
        for i in range(rows)
    ]
    assert counts.tolist() == plain
    answered = np.maximum(np.asarray(plain, dtype=np.int64), rng.integers(0, 21, rows))
    share = counts / np.maximum(answered.astype(np.int8), 1)
    before = old / np.maximum(answered.astype(np.int8), 1)
    np.testing.assert_array_equal(share.view(np.int64), before.view(np.int64))


@settings(max_examples=60, deadline=None)
@given(
    totals=st.lists(
        st.one_of(
            st.floats(-10, 110, allow_nan=False),
            st.sampled_from([float("nan"), 0.0, 39.99995, 40.0, 59.99994, 60.0, 100.0]),
        ),
        max_size=30,
    )
)
def test_stage_codes(alignment: Questionnaire, totals: list[float]) -> None:
    total = np.array(totals, dtype=np.float64)
    column = rt._stage(alignment, total, "stage")
    ordered = sorted(alignment.stages, key=lambda s: s.min)
    edges = np.array([s.min for s in ordered], dtype=np.float64)
    old = np.searchsorted(edges, np.round(total, STAGE_DECIMALS), side="right") - 1
    old = np.where(np.isnan(total), -1, old)
    assert column.codes is not None
    np.testing.assert_array_equal(column.codes, old)
    assert column.categories == tuple(s.id for s in ordered)
