"""Twelfth round, reading: a label column's values and states gathered straight into the
gate's grids (``AnswerScale.parse_column(into=...)``), against a plain reading of every
cell by :meth:`AnswerScale.parse` and against the old gather (two new arrays)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmkt.definitions import questionnaire_load
from salesmkt.intake import gate
from salesmkt.intake.distinct import factorize
from salesmkt.intake.layout import Column
from salesmkt.intake.scale import ANSWERED, BLANK_CODE, AnswerScale

SCALE = AnswerScale(questionnaire_load.load("alignment"))
SPELLINGS = [
    "4 - Agree", "Agree", "5", "1", " 3 ", "3.0", "", "N/A", "Don't know",
    "9", "2.5", "Agreed?", "4 - Disagree", "x", "٣",
]  # fmt: skip


def _oracle(cells: list[Any], small: bool) -> tuple[list[float], list[int], dict[int, str]]:
    """Each cell read on its own, as plain Python: value (NaN, or the blank code when
    ``small``), state, and the problem of each invalid row."""
    values: list[float] = []
    states: list[int] = []
    problems: dict[int, str] = {}
    for row, cell in enumerate(cells):
        if cell is None or (isinstance(cell, float) and math.isnan(cell)):
            state, value, problem = 1, math.nan, None  # a NaN cell is blank
        else:
            state, value, problem = SCALE.parse(str(cell))
        states.append(state)
        values.append(value if state == ANSWERED else (BLANK_CODE if small else math.nan))
        if problem is not None:
            problems[row] = problem
    return values, states, problems


def _old(cells: np.ndarray, factorized: Any, small: bool) -> tuple[Any, Any, dict[int, str]]:
    """``parse_column`` as it gathered before: two new arrays."""
    return SCALE.parse_column(cells, factorized, small=small)


@settings(max_examples=150, deadline=None)
@given(
    picks=st.lists(st.integers(0, len(SPELLINGS)), min_size=0, max_size=60),
    small=st.booleans(),
    grid_float=st.booleans(),
    coded=st.sampled_from([None, "int32", "intp"]),
)
def test_gathered_into_the_grid_as_cell_by_cell(
    picks: list[int], small: bool, grid_float: bool, coded: str | None
) -> None:
    cells_list: list[Any] = [SPELLINGS[p] if p < len(SPELLINGS) else math.nan for p in picks]
    cells = np.empty(len(cells_list), dtype=object)
    cells[:] = cells_list
    factorized = None
    if coded is not None:
        codes, uniques = factorize(cells)
        words = uniques.tolist()
        codes = np.where(codes < 0, len(words), codes)  # a NaN cell: coded past them
        words.append("")
        factorized = (codes.astype(coded), words)
    grid_type = np.float64 if grid_float else np.int8
    values_grid = np.full((2, len(cells)), 99, dtype=grid_type)
    states_grid = np.full((2, len(cells)), 99, dtype=np.int8)
    into = (values_grid[1], states_grid[1])
    got, states, problems = SCALE.parse_column(cells, factorized, small=small, into=into)
    old = _old(cells, factorized, small)
    values, want_states, want_problems = _oracle(cells_list, small and not grid_float)
    assert got.dtype == old[0].dtype
    np.testing.assert_array_equal(got, old[0])
    np.testing.assert_array_equal(states, old[1])
    assert problems == old[2] == want_problems
    np.testing.assert_array_equal(states, np.array(want_states, dtype=np.int8))
    want_values = np.array(
        [v if s == ANSWERED else (BLANK_CODE if got.dtype == np.int8 else math.nan)
         for v, s in zip(values, want_states, strict=True)],
        dtype=got.dtype,
    )  # fmt: skip
    np.testing.assert_array_equal(got, want_values)
    # Written into the grid's row when the types agree, and nowhere else.
    same_type = got.dtype == grid_type
    assert (got is into[0]) == same_type and (states is into[1]) == same_type
    assert (values_grid[0] == 99).all() and (states_grid[0] == 99).all()
    if same_type:
        np.testing.assert_array_equal(values_grid[1], want_values)
        np.testing.assert_array_equal(states_grid[1], np.array(want_states, dtype=np.int8))
    else:
        assert (values_grid[1] == 99).all() and (states_grid[1] == 99).all()


def test_a_code_outside_the_spellings_is_refused_as_indexing_refuses_it() -> None:
    cells = np.array(["4 - Agree", "1"], dtype=object)
    grid = (np.zeros(2, dtype=np.int8), np.zeros(2, dtype=np.int8))
    for codes in ([0, 3], [0, 7]):  # two spellings (and the blank past them): 3 is out
        bad = (np.array(codes, dtype=np.int32), ["4 - Agree", "1"])
        with pytest.raises(IndexError):
            SCALE.parse_column(cells, bad, small=True)
        with pytest.raises(IndexError):
            SCALE.parse_column(cells, bad, small=True, into=grid)


def test_the_gate_grid_holds_each_item_as_read_alone() -> None:
    """``gate._parse_items`` over label, numeric and mixed columns: every row of its grids
    is what ``parse_column`` gives that column alone (the old copy into the grid)."""
    rng = np.random.default_rng(12)
    n = 5_000
    q = questionnaire_load.load("alignment")
    items: dict[str, Column] = {}
    data: list[np.ndarray] = []
    factorized: dict[int, Any] = {}
    for j, item_id in enumerate(q.item_ids):
        items[item_id] = Column(index=j, header=item_id, candidates=[item_id])
        if j % 4 == 3:  # read as small integers by the arrow path
            column = rng.integers(1, 6, n).astype(np.int8)
            column[rng.random(n) < 0.1] = BLANK_CODE
            data.append(column)
            continue
        cells = np.array(SPELLINGS, dtype=object)[rng.integers(0, len(SPELLINGS), n)]
        data.append(cells)
        if j % 2:
            codes, uniques = factorize(cells)
            factorized[j] = (codes.astype(np.int32), uniques.tolist())
    values, states, problems = gate._parse_items(data, items, q.item_ids, SCALE, n, factorized)
    assert values.dtype == np.int8
    want_problems = []
    for j, item_id in enumerate(q.item_ids):
        if data[j].dtype == np.int8:
            np.testing.assert_array_equal(values[j], data[j])
            continue
        got, state, found = SCALE.parse_column(data[j], factorized.get(j), small=True)
        np.testing.assert_array_equal(values[j], got)
        np.testing.assert_array_equal(states[j], state)
        label = gate.column_label(items[item_id], item_id)
        want_problems += [(r, j, f"{label}: {m}") for r, m in found.items()]
    assert problems == want_problems
