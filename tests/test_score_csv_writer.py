"""The fast per-respondent CSV writer against pandas' own writer (the oracle)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.csvtext import pandas_csv

from salesmkt.render.score_csv import render_csv


def test_typical_table_matches_pandas() -> None:
    rng = np.random.default_rng(7)
    n = 2500
    total = rng.integers(20, 101, n).astype(float) * 20 / rng.integers(16, 21, n)
    total[::17] = np.nan
    frame = pd.DataFrame(
        {
            "row": np.arange(2, n + 2, dtype=np.int64),
            "respondent": [f"R{i}" if i % 9 else None for i in range(n)],
            "group": rng.choice(["sales", "marketing"], n),
            "Region, area": rng.choice(["EMEA", '=cmd|" /C', "a,b", "x\ny", "-5", ""], n),
            "answered": rng.integers(16, 21, n),
            "total": total,
            "stage": pd.Categorical.from_codes(
                rng.integers(-1, 3, n), categories=["defined", "aligned", "integrated"]
            ),
            "culture": np.where(rng.random(n) < 0.1, np.nan, rng.random(n) * 4 + 1),
            "signs": np.array([-0.0, 0.0, 1e-5, -1e-5, 123456.123456] * (n // 5)),
        }
    )
    assert render_csv(frame) == pandas_csv(frame)


def test_empty_and_single_column_tables_match_pandas() -> None:
    empty = pd.DataFrame({"row": np.zeros(0, dtype=np.int64), "total": np.zeros(0)})
    assert render_csv(empty) == pandas_csv(empty)
    lone = pd.DataFrame({"respondent": ["a", "", None, '"q"']})
    assert render_csv(lone) == pandas_csv(lone)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(max_size=6), min_size=1, max_size=8),
    st.lists(st.floats(allow_infinity=False, width=64), min_size=1, max_size=8),
)
def test_any_text_and_numbers_match_pandas(texts: list[str], numbers: list[float]) -> None:
    n = min(len(texts), len(numbers))
    frame = pd.DataFrame({"code": texts[:n], "total": numbers[:n]})
    assert render_csv(frame) == pandas_csv(frame)


def test_rows_joined_in_blocks_match_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    from salesmkt.render import score_csv

    monkeypatch.setattr(score_csv, "_BLOCK_ROWS", 7)
    frame = pd.DataFrame(
        {"row": np.arange(50, dtype=np.int64), "code": [f"R{i}" for i in range(50)]}
    )
    frame["total"] = np.linspace(20, 100, 50)
    assert render_csv(frame) == pandas_csv(frame)
