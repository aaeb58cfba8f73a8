"""The per-respondent CSV writer built in arrow, against pandas' writer as the oracle.

Every column form (coded or plain), every path inside one (integers over a short range
or printed by arrow, floats, categories, object and arrow text, mixed objects), the
quick byte test that lets plain text skip the regular expression, column merging and
blocks are each checked against ``DataFrame.to_csv`` after rounding and
:func:`~salesmkt.render.text.neutralise_cell`, written here independently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.csvtext import pandas_csv

from salesmkt.render import csv_columns, score_csv
from salesmkt.render.score_csv import render_csv

_SPECIAL = [",", '"', "\n", "\r", "\t", "=", "+", "-", "@", "\x00", "\x1b", "\x7f"]
_SPECIAL += ["\x85", "\u202e", "\u200b", "\ufeff", "\u061c", "é", "€", "😀", " ", "'"]
_TEXT = st.text(alphabet=st.one_of(st.sampled_from(_SPECIAL), st.characters()), max_size=8)
_UTF8 = st.text(  # what arrow can hold: no lone surrogates
    alphabet=st.one_of(st.sampled_from(_SPECIAL), st.characters(exclude_categories=["Cs"])),
    max_size=8,
)


def _both_guesses(frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame written with text columns taken as mostly distinct, and as not."""
    expected = pandas_csv(frame)
    for guess in (True, False):
        monkeypatch.setattr(csv_columns, "_mostly_distinct", lambda column, g=guess: g)
        assert render_csv(frame) == expected


def test_a_scored_table_matches_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(13)
    n = 5000
    total = rng.integers(20, 101, n).astype(float) * 20 / rng.integers(16, 21, n)
    total[rng.random(n) < 0.2] = np.nan  # withheld groups: blank figures
    frame = pd.DataFrame(
        {
            "row": np.arange(2, n + 2, dtype=np.int64),
            "respondent": pd.Series([f"R{i:07d}" for i in range(n)], dtype=object),
            "group": pd.array(rng.choice(["sales", "marketing", "=x"], n), dtype="str"),
            "region": np.array(["EMEA", "a,b", "", None], dtype=object)[rng.integers(0, 4, n)],
            "answered": rng.integers(16, 21, n),
            "total": total,
            "stage": pd.Categorical.from_codes(
                rng.integers(-1, 3, n), categories=["defined", "aligned", "integrated"]
            ),
            "culture": np.where(np.isnan(total), np.nan, rng.integers(3, 16, n) / 3),
            "favourable": rng.integers(0, 21, n) / rng.integers(16, 21, n),
        }
    )
    _both_guesses(frame, monkeypatch)


@settings(max_examples=80, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=40, unique=True))
@example(["", "\ud800"])  # a lone surrogate: the Python join
def test_respondent_codes_of_any_text_match_pandas(codes: list[str]) -> None:
    """Distinct codes take the plain path: commas, quotes, line breaks, formula starts,
    control, bidirectional and invisible characters, any Unicode, blanks and gaps."""
    values: list[object] = list(codes)
    values[0 if len(values) < 3 else 2] = None
    frame = pd.DataFrame(
        {"row": np.arange(len(values)), "respondent": pd.Series(values, dtype=object)}
    )
    if not any(0xD800 <= ord(ch) <= 0xDFFF for code in codes for ch in code):
        frame["arrow"] = pd.array(values, dtype="str")  # arrow holds no lone surrogate
    assert render_csv(frame) == pandas_csv(frame)


@settings(max_examples=60, deadline=None)
@given(st.lists(_UTF8, min_size=1, max_size=12))
def test_plain_cells_equal_cell_by_cell(texts: list[str]) -> None:
    """The quick byte test and the regular expression never leave a cell unescaped."""
    import pyarrow as pa

    cells = pa.array(texts, type=pa.string())
    got = csv_columns.plain_text_cells(cells).cells.to_pylist()
    assert got == [csv_columns.cell(t) for t in texts]
    if csv_columns._surely_plain(cells):
        assert all(csv_columns.cell(t) == t for t in texts)
    sliced = cells.slice(1)  # an arrow slice starts inside the buffers
    assert csv_columns.plain_text_cells(sliced).cells.to_pylist() == [
        csv_columns.cell(t) for t in texts[1:]
    ]


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(width=64), min_size=1, max_size=30))
def test_floats_match_pandas(numbers: list[float]) -> None:
    """Any float, NaN, ±inf, -0.0, huge values that round to inf, repeated values."""
    values = np.array(numbers + numbers[:3] + [-0.0, 0.0, 1e-5, -1e-5], dtype=np.float64)
    frame = pd.DataFrame({"total": values, "share": values[::-1].copy()})
    assert render_csv(frame) == pandas_csv(frame)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=30))
def test_whole_numbers_match_pandas(numbers: list[int]) -> None:
    """Short ranges are coded, wide ones printed by arrow: the same digits."""
    frame = pd.DataFrame(
        {
            "wide": np.array(numbers, dtype=np.int64),
            "short": np.array([n % 7 - 3 for n in numbers], dtype=np.int64),
        }
    )
    assert render_csv(frame) == pandas_csv(frame)


def test_extreme_and_unsigned_integers_match_pandas() -> None:
    frame = pd.DataFrame(
        {
            "int64": np.array([-(2**63), 2**63 - 1, 0], dtype=np.int64),
            "uint64": np.array([2**64 - 1, 0, 5], dtype=np.uint64),
            "uint8": np.array([255, 0, 7], dtype=np.uint8),
            "int8": np.array([-128, 127, -1], dtype=np.int8),
            "range": np.array([2**16, 0, 2**16 - 1], dtype=np.int32),
        }
    )
    assert render_csv(frame) == pandas_csv(frame)


def test_other_dtypes_match_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Booleans, nullable integers and floats, mixed objects, number categories,
    float32, a lone surrogate (which arrow refuses: the coded path writes it)."""
    frame = pd.DataFrame(
        {
            "flag": np.array([True, False, True, True]),
            # (a negative nullable integer is written as text, "'-3", as it always was)
            "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
            "nullable_float": pd.array([0.5, None, 1 / 3, -0.0], dtype="Float64"),
            "mixed": pd.Series([1, "=a", 2.5, None], dtype=object),
            "numbers": pd.Categorical([1.5, 2.0, None, 1.5]),
            "float32": np.array([0.1, 1 / 3, np.nan, 7], dtype=np.float32),
            "surrogate": pd.Series(["a\ud800", "b", "c", None], dtype=object),
            "bytes": pd.Series([b"x", b"y,z", b"=", None], dtype=object),
        }
    )
    _both_guesses(frame, monkeypatch)


def test_one_row_zero_rows_lone_columns_and_no_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one = pd.DataFrame({"row": [2], "respondent": ["=1+1"], "total": [np.nan]})
    _both_guesses(one, monkeypatch)
    zero = pd.DataFrame(
        {"row": np.zeros(0, dtype=np.int64), "respondent": pd.Series([], dtype=object)}
    )
    assert render_csv(zero) == pandas_csv(zero)
    lone = pd.DataFrame({"respondent": ["a", "", None, '"q"', "b"]})
    _both_guesses(lone, monkeypatch)
    lone_number = pd.DataFrame({"total": [np.nan, 1.0]})
    assert render_csv(lone_number) == pandas_csv(lone_number)
    assert render_csv(pd.DataFrame(index=range(3))) == "\n"


@pytest.mark.parametrize(("merged", "block_rows", "block_bytes"), [(1, 7, 1 << 30), (4, 1000, 50)])
def test_merging_and_blocks_change_nothing(
    monkeypatch: pytest.MonkeyPatch, merged: int, block_rows: int, block_bytes: int
) -> None:
    """No merging or merging everything, small blocks by rows and by bytes."""
    monkeypatch.setattr(score_csv, "_MERGED_TEXTS", merged)
    monkeypatch.setattr(score_csv, "_BLOCK_ROWS", block_rows)
    monkeypatch.setattr(score_csv, "_BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(5)
    n = 53
    frame = pd.DataFrame(
        {
            "group": rng.choice(["a", "b"], n).astype(object),
            "respondent": [f"R,{i}" for i in range(n)],
            "answered": rng.integers(16, 18, n),
            "total": np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 2, n) * 0.5),
        }
    )
    assert render_csv(frame) == pandas_csv(frame)
