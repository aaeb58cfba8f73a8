"""The per-respondent table as numpy columns (issue 13, eighth round).

``score --format csv`` writes the table from its numpy columns without pandas; the
report no longer builds it unless ``--baseline`` asks. Checked here:

- columns of every kind with odd values (NaN, -0.0, 1e-7, huge floats, whole numbers as
  floats, text with quotes, commas, line breaks, formula starts, controls, any Unicode,
  missing cells, a lone surrogate) written from the columns equal pandas' own writer
  (``DataFrame.to_csv`` plus neutralising, :mod:`support.csvtext`) on the table's
  DataFrame, with text columns taken as mostly distinct and as not;
- scored files with prorated, excluded and withheld respondents, odd codes and
  segments (one named like a figure column): the CSV from the columns equals the one
  from the DataFrame, and the DataFrame's columns are what a plain pandas query of the
  file gives;
- in a fresh interpreter ``score --format csv`` and ``report`` (no comment columns)
  leave pandas unloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.csvtext import pandas_csv
from support.paths import ROOT

from salesmkt.analysis.respondent_table import RespondentColumn, RespondentTable
from salesmkt.analysis.scoring import assess_file
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.render import csv_columns
from salesmkt.render.score_csv import render_csv

_SPECIAL = [",", '"', "\n", "\r", "\t", "=", "+", "-", "@", "\x00", "\x1b", "\x7f", "\x85"]
_SPECIAL += ["\u202e", "\u200b", "\ufeff", "é", "€", "😀", " ", "'"]
_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["=1+1", "a,b", '"q"', "", "sales"]),
    st.text(alphabet=st.one_of(st.sampled_from(_SPECIAL), st.characters()), max_size=6),
)
_ODD_FLOATS = [np.nan, -0.0, 0.0, 1e-7, -1e-7, 1e300, -1e308, np.inf, 2.0, 61.0, 0.00005]
_FLOATS = st.one_of(st.sampled_from(_ODD_FLOATS), st.floats(width=64))


def _objects(values: list[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _both_guesses(table: RespondentTable) -> None:
    """The columns' CSV (text taken as mostly distinct, and as not) is pandas' CSV of
    the table's DataFrame, and the DataFrame's own CSV."""
    frame = table.frame()
    expected = pandas_csv(frame)
    assert render_csv(frame) == expected
    for guess in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(csv_columns, "_mostly_distinct_values", lambda v, g=guess: g)
            assert render_csv(table) == expected


def _no_surrogate(text: str | None) -> str:
    """A group's text as the reader gives it: never empty, never a lone surrogate (the
    reader decodes strictly; the oracle, pandas' ``astype(str)`` on arrow strings, raises
    on one, so hypothesis found a failure of the oracle, not of the writer)."""
    kept = "".join(c for c in text or "" if not "\ud800" <= c <= "\udfff")
    return kept or "x"


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(_TEXT, _TEXT, _FLOATS, st.integers(-1, 2)), min_size=1, max_size=30),
    big=st.integers(-(2**63), 2**63 - 1),
)
@example(rows=[("\ud800", "a", 1.0, 0)], big=5)  # a lone surrogate: the Python join
@example(rows=[(None, None, np.nan, -1)], big=2**63 - 1)
@example(rows=[("a", "\ud800", 1.0, 0)], big=5)  # a lone surrogate in a segment
def test_columns_of_every_kind_match_pandas(
    rows: list[tuple[str | None, str | None, float, int]],
    big: int,
) -> None:
    n = len(rows)
    codes_text, segment, numbers, stage = (list(c) for c in zip(*rows, strict=True))
    groups = ("sales", "=marketing", "a,b")
    group_codes = np.array([len(s) % 3 if s else -1 for s in codes_text], dtype=np.intp)
    stage_codes = np.array(stage, dtype=np.int64)
    columns = [
        RespondentColumn("row", "int", np.arange(2, n + 2, dtype=np.int64) * (big % 97 + 1)),
        RespondentColumn("wide", "int", np.array([big, 0, *range(n - 2)][:n], dtype=np.int64)),
        RespondentColumn("respondent", "text", _objects(codes_text)),
        RespondentColumn(
            "group",
            "str",
            _objects([groups[c] if c >= 0 else None for c in group_codes.tolist()]),
            group_codes,
            groups,
        ),
        RespondentColumn("group_2", "str", _objects([_no_surrogate(s) for s in segment])),
        RespondentColumn("=region", "text", _objects(segment)),
        RespondentColumn("total", "float", np.array(numbers, dtype=np.float64)),
        RespondentColumn("stage", "stage", None, stage_codes, ("defined", "aligned", "=x")),
        RespondentColumn("none", "text", np.full(n, None, dtype=object)),
    ]
    _both_guesses(RespondentTable(columns, n))
    # The codes are the table's own: writing must not change them.
    np.testing.assert_array_equal(columns[7].codes, np.array(stage, dtype=np.int64))


def test_no_rows_one_column_and_mixed_objects() -> None:
    empty = RespondentTable([RespondentColumn("row", "int", np.zeros(0, np.int64))], 0)
    assert render_csv(empty) == pandas_csv(empty.frame())
    lone = RespondentTable([RespondentColumn("respondent", "text", _objects(["", None]))], 2)
    _both_guesses(lone)
    mixed = _objects([1, "=a", 2.5, None, b"x", -0.0])
    table = RespondentTable([RespondentColumn("mixed", "text", mixed)], 6)
    _both_guesses(table)


# -- scored files ------------------------------------------------------------------------

ITEMS = [f"q{i:02d}" for i in range(1, 21)]


def _file(folder: Path, n: int = 90, *, odd_rows: bool = True) -> Path:
    """Odd respondent codes, two segments (one named ``total``), prorated respondents
    (one blank answer), an unscoreable one, and a withheld group."""
    rng = np.random.default_rng(8)
    odd = ["=cmd|' /C calc'!A0", "a,b", 'say "hi"', "line\nbreak", "+1", "é€😀", "-2", "@x"]
    lines = [",".join(["respondent", "group", *ITEMS, "region", "total"])]
    for i in range(n):
        group = ["sales", "marketing"][i % 2] if i % 30 else "leadership"
        answers = [str(v) for v in rng.integers(1, 6, len(ITEMS))]
        if i % 5 == 1:
            answers[i % 20] = ""
        if i == 7 and odd_rows:
            answers = [""] * len(ITEMS)  # no answer: excluded
        code = odd[i % len(odd)] + str(i) if odd_rows else f"R{i}"
        region = ["North", "a, b", '"q"', "=SUM(A1)", ""][i % 5]
        cells = [code, group, *answers, region, str(i % 4)]
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    path = folder / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("by", [(), ("region",)])
def test_a_scored_file_writes_what_its_frame_writes(tmp_path: Path, by: tuple[str, ...]) -> None:
    path = _file(tmp_path)
    settings = Settings(by=list(by), min_group_size=5)
    result = assess_file(ResponseSource(path, drop_invalid=True), settings)
    table = result.respondent_table
    frame = result.respondents
    _both_guesses(table)
    # The frame, against a plain pandas read of the file (the kept rows).
    read = pd.read_csv(path, dtype=object, keep_default_na=False)
    read["row"] = np.arange(2, len(read) + 2)
    kept = read[read[ITEMS].ne("").sum(axis=1) > 0].reset_index(drop=True)
    names = ["row", "respondent", "group", "region", "total (column)", "answered", "total"]
    assert list(frame.columns[:7]) == names
    assert frame["row"].tolist() == kept["row"].tolist()
    tidy = [" ".join(c.split()) or None for c in kept["respondent"]]  # as the reader reads
    assert frame["respondent"].tolist() == tidy
    assert frame["region"].tolist() == kept["region"].tolist()
    assert frame["answered"].tolist() == kept[ITEMS].ne("").sum(axis=1).tolist()
    assert frame["row"].dtype == np.int64 and frame["respondent"].dtype == object
    assert isinstance(frame["stage"].dtype, pd.CategoricalDtype)
    leaders = (kept["group"] == "leadership").to_numpy()  # 3 respondents: withheld
    assert leaders.sum() == 3
    assert frame.loc[leaders, "total"].isna().all()
    assert frame.loc[~leaders, "total"].notna().all() or by


# -- no pandas ---------------------------------------------------------------------------

_PROBE = """
import sys
sys.argv = ["salesmkt", *sys.argv[1:]]
from salesmkt.cli import main
try:
    main()
except SystemExit as exc:
    assert exc.code in (0, None), exc.code
print("LOADED=" + str("pandas" in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "command",
    [
        ["score", "{file}", "--format", "csv", "-o", "{out}.csv"],
        ["report", "{file}", "-o", "{out}.html"],
    ],
)
def test_csv_and_report_leave_pandas_unloaded(tmp_path: Path, command: list[str]) -> None:
    path = _file(tmp_path, odd_rows=False)
    args = [a.format(file=path, out=tmp_path / "out") for a in command]
    env = {**os.environ, "COLUMNS": "100"}
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "LOADED=False"
