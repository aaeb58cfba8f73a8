"""``score`` and ``gaps`` without pandas (issue 13, seventh round).

- :mod:`salesmkt.intake.distinct` against pandas itself as the oracle: the same codes
  and uniques as ``pandas.factorize``, the same marks as ``Series.duplicated``.
- The response table holds its columns as arrays and builds the pandas objects when
  read: checked against a plain pandas read of the file; scoring reads the arrays and
  leaves them unbuilt, and scoring the built objects instead gives the same JSON.
- In a fresh interpreter, ``score`` (JSON and terminal) and ``gaps`` import pandas
  from no salesmkt module, and pandas is not loaded at all (pyarrow's ``to_numpy``
  would import it: the reader takes dictionary codes from their buffer instead).
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT

from salesmkt.analysis.scoring import score_table
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.intake.distinct import duplicated, factorize
from salesmkt.intake.responses import (
    ResponseTable,
    column_codes,
    column_held,
    column_values,
    raw_comments,
    read_responses,
)
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.render.assessment_json import render_json

# -- factorize and duplicated against pandas ----------------------------------------------

_CELLS = st.one_of(
    st.sampled_from(["", " ", "a", "A", "a ", "sales", "Marketing", "1", "1.0", "nan", "NA"]),
    st.text(max_size=3),
    st.none(),
    st.just(math.nan),
    st.just(np.nan),
    st.just(np.float64("nan")),
    st.just(pd.NA),
    st.just(pd.NaT),
    st.integers(-2, 2),
    st.sampled_from([0.0, -0.0, 1.0, 2.5, math.inf]),
    st.booleans(),
)


def _objects(values: list[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELLS, max_size=40))
def test_factorize_is_pandas_factorize_on_objects(values: list[object]) -> None:
    cells = _objects(values)
    codes, uniques = factorize(cells)
    want_codes, want_uniques = pd.factorize(cells)
    np.testing.assert_array_equal(codes, want_codes)
    assert codes.dtype == want_codes.dtype
    assert uniques.dtype == want_uniques.dtype == object
    assert len(uniques) == len(want_uniques)
    for got, want in zip(uniques.tolist(), want_uniques.tolist(), strict=True):
        assert got is want or (type(got) is type(want) and got == want)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, -0.0, 1.0, 3.0, 2.5, -1.0, math.nan, math.inf]), max_size=40))
def test_factorize_is_pandas_factorize_on_floats(values: list[float]) -> None:
    cells = np.array(values, dtype=np.float64)
    codes, uniques = factorize(cells)
    want_codes, want_uniques = pd.factorize(cells)
    np.testing.assert_array_equal(codes, want_codes)
    assert uniques.dtype == want_uniques.dtype
    # Bit for bit: -0.0 stays -0.0 when it came first.
    assert uniques.tobytes() == want_uniques.tobytes()


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELLS.filter(lambda v: v is not pd.NaT), max_size=40))
def test_duplicated_is_pandas_duplicated(values: list[object]) -> None:
    cells = _objects(values)
    want = pd.Series(cells, dtype=object, copy=False).duplicated(keep=False).to_numpy()
    np.testing.assert_array_equal(duplicated(cells), want)


def test_factorize_of_a_million_group_cells_is_pandas() -> None:
    rng = np.random.default_rng(13)
    cells = _objects(["sales", "marketing", "leadership", ""])[rng.integers(0, 4, 100_000)]
    codes, uniques = factorize(cells)
    want_codes, want_uniques = pd.factorize(cells)
    np.testing.assert_array_equal(codes, want_codes)
    assert uniques.tolist() == want_uniques.tolist()


# -- the response table: arrays held, pandas objects built when read ---------------------

ITEMS = [f"q{i:02d}" for i in range(1, 21)]


@pytest.fixture(scope="module")
def alignment() -> Questionnaire:
    return load("alignment")


def _file(folder: Path, n: int = 60, seed: int = 7) -> Path:
    """Respondents with ids, a region and a comment; some blanks, one empty row, a row
    excluded for missing answers, a few sales respondents (withheld below 5)."""
    rnd = random.Random(seed)
    lines = [",".join(["respondent", "group", *ITEMS, "region", "comment"])]
    for i in range(n):
        group = "sales" if i % 15 == 0 else "marketing"
        answers = [str(rnd.randint(1, 5)) for _ in ITEMS]
        if i % 4 == 1:
            answers[rnd.randrange(20)] = ""
        if i == 9:
            answers = [""] * 18 + answers[18:]
        region = ["North", "South", "north  "][i % 3]
        comment = f'"  said  {i} ' + "and then  some words" * 12 + ' "'  # long: free text
        lines.append(",".join([f"R{i}", group, *answers, region, comment]))
        if i == 20:
            lines.append("," * (len(ITEMS) + 3))
    path = folder / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read(path: Path, q: Questionnaire) -> ResponseTable:
    return read_responses(ResponseSource(path), q)


def test_built_objects_are_a_plain_pandas_read(tmp_path: Path, alignment: Questionnaire) -> None:
    path = _file(tmp_path)
    table = _read(path, alignment)
    read = pd.read_csv(path, dtype=object, keep_default_na=False)
    read["row"] = np.arange(2, len(read) + 2, dtype=np.int64)
    answered = read[ITEMS].ne("").sum(axis=1)
    kept = read[(read["respondent"] != "") & (answered >= 16)].reset_index(drop=True)
    index = pd.RangeIndex(len(kept))
    for name in ("group", "respondent", "rows"):
        assert column_held(table, name)
    expected_rows = pd.Series(kept["row"].to_numpy(), index=index, dtype=np.int64, name="row")
    pd.testing.assert_series_equal(table.rows, expected_rows)
    expected_group = pd.Series(
        kept["group"].to_numpy(dtype=object), index=index, dtype=object, name="group"
    )
    pd.testing.assert_series_equal(table.group, expected_group)
    assert table.respondent is not None
    assert table.respondent.tolist() == kept["respondent"].tolist()
    assert table.respondent.name == "respondent" and table.respondent.dtype == object
    tidied = [" ".join(c.split()) for c in kept["region"]]  # cells are read tidied
    segments = pd.DataFrame({"region": tidied}, index=index, dtype=object)
    pd.testing.assert_frame_equal(table.segments, segments)
    assert table.comments["comment"].tolist() == [" ".join(c.split()) for c in kept["comment"]]
    assert not column_held(table, "group")  # read: the Series from here on
    assert column_values(table, "group") is not None


def test_scoring_reads_the_arrays_and_matches_the_built_objects(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    path = _file(tmp_path)
    fast = _read(path, alignment)
    result = score_table(fast, Settings())
    for name in ("group", "respondent", "rows", "segments"):
        assert name not in fast.__dict__, name  # never built
    assert "comments" not in fast.__dict__ or not isinstance(
        fast.__dict__["comments"], pd.DataFrame
    )
    slow = _read(path, alignment)
    for name in ("group", "respondent", "rows", "segments", "comments"):
        getattr(slow, name)  # built: scoring reads the Series and frames
    assert not column_held(slow, "group")
    expected = score_table(slow, Settings())
    assert render_json(result.assessment) == render_json(expected.assessment)
    # Sales (4 respondents) is withheld: its comments are blanked either way.
    pd.testing.assert_frame_equal(result.table.comments, expected.table.comments)
    blanked = result.table.comments["comment"].isna()
    assert blanked.sum() == 4
    assert result.respondents.equals(expected.respondents)


def test_blanking_leaves_the_comments_untidied(tmp_path: Path, alignment: Questionnaire) -> None:
    table = _read(_file(tmp_path), alignment)
    result = score_table(table, Settings())
    held = raw_comments(result.table)["comment"]
    assert held.dropna().tolist()[0].startswith("  said  1 and then  some")


# -- a fresh interpreter: which salesmkt modules import pandas ---------------------------


_PROBE = """
import builtins, sys
importers = set()
real = builtins.__import__
def spy(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "pandas" or name.startswith("pandas."):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller.startswith("salesmkt"):
            importers.add(caller)
    return real(name, globals, locals, fromlist, level)
builtins.__import__ = spy
sys.argv = ["salesmkt", *sys.argv[1:]]
from salesmkt.cli import main
try:
    main()
except SystemExit as exc:
    assert exc.code in (0, None), exc.code
print("IMPORTERS=" + ",".join(sorted(importers)), "LOADED=" + str("pandas" in sys.modules),
      file=sys.stderr)
"""


@pytest.mark.parametrize(
    "command",
    [
        ["score", "{file}", "--format", "json", "-o", "{out}"],
        ["score", "{file}"],
        ["gaps", "{file}", "--format", "json", "-o", "{out}"],
    ],
)
def test_score_and_gaps_import_pandas_from_no_module_of_theirs(
    tmp_path: Path, command: list[str]
) -> None:
    file = _file(tmp_path, n=200)
    args = [a.format(file=file, out=tmp_path / "out.json") for a in command]
    env = {**os.environ, "COLUMNS": "100"}
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert run.returncode == 0, run.stderr
    line = run.stderr.strip().splitlines()[-1].split()
    importers = set(filter(None, line[0].removeprefix("IMPORTERS=").split(",")))
    assert not importers, importers
    assert line[1] == "LOADED=False", "pandas was loaded by a library on the way"


def test_group_codes_with_spellings_unknown_groups_and_no_groups(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    """The reader's group codes (several spellings of one group, an unknown group
    dropped, so a name no kept row uses) number the groups as pandas.factorize did."""
    path = _file(tmp_path, n=80)
    text = path.read_text(encoding="utf-8").splitlines()
    spellings = ["Sales", "sales ", "MARKETING", "marketing", "Leadership", "nobody"]
    for i in range(1, len(text)):
        head, rest = text[i].split(",", 1)
        if rest.startswith(("sales", "marketing")):
            group = spellings[i % len(spellings)]
            text[i] = f"{head},{group},{rest.split(',', 1)[1]}"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    source = ResponseSource(path, drop_invalid=True)
    fast = read_responses(source, alignment)
    codes = column_codes(fast, "group")
    assert codes is not None and len(set(codes[1])) < len(codes[1])  # one id spelt twice
    assert "" in codes[1]  # the unknown group's, used by no kept row
    slow = read_responses(source, alignment)
    assert slow.group.tolist() == fast.group.tolist() and column_codes(slow, "group") is None
    settings_ = Settings(min_group_size=1)
    got = render_json(score_table(fast, settings_).assessment)
    assert got == render_json(score_table(slow, settings_).assessment)
    assert '"leadership"' in got
    # Without a group column every row is "all".
    one = tmp_path / "one.csv"
    one.write_text(
        "\n".join(",".join(r.split(",")[:1] + r.split(",")[2:22]) for r in text[:30]) + "\n"
    )
    q = load("alignment")
    no_groups = read_responses(
        ResponseSource(one), q.model_copy(update={"groups": [], "compare": []})
    )
    assert column_codes(no_groups, "group") is not None
    built = read_responses(ResponseSource(one), q.model_copy(update={"groups": [], "compare": []}))
    assert set(built.group) == {"all"}
    assert render_json(score_table(no_groups, settings_).assessment) == render_json(
        score_table(built, settings_).assessment
    )
