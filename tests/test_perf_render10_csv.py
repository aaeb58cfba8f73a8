"""The output round of issue 13 (tenth round): the per-respondent CSV as bytes.

- ``csv_data`` gives the CSV's UTF-8 bytes (text only for a header line alone and for a
  lone surrogate): they equal pandas' writer plus neutralising (:mod:`support.csvtext`)
  encoded, for columns of odd text (quotes, commas, line breaks, formula starts,
  controls, any Unicode, blanks, missing cells);
- a text column whose values offer ``arrow()`` (the reader's respondent codes held in
  arrow: here a small fake, as string, large string and chunked arrays) writes what the
  same values as Python objects write, and what pandas writes; kept rows are filtered in
  arrow; the DataFrame holds the same values;
- scored files (withheld, excluded and prorated respondents, odd codes): the CSV with
  the codes offered in arrow equals the CSV of the reader's object array;
- the favourable share counts answers by adding byte columns: the same counts and the
  same float bits as the sum over each row, whatever the shape and order;
- ``write_or_echo`` prints bytes (or a view of arrow's buffer) as the text would print
  (stdout, as the CLI runner captures it), falls back to the text for escape characters
  (stripped off a terminal as before) and for a stdout that does not encode UTF-8, and
  writes them atomically.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
import typer
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.csvtext import pandas_csv
from support.printing import printed

from salesmkt.analysis import respondent_table as rt
from salesmkt.analysis.respondent_table import RespondentColumn, RespondentTable
from salesmkt.analysis.scoring import assess_file
from salesmkt.cli import console
from salesmkt.intake import responses
from salesmkt.intake.arrowtext import ArrowText
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.render import csv_columns
from salesmkt.render.score_csv import csv_data, render_csv

_SPECIAL = [",", '"', "\n", "\r", "\t", "=", "+", "-", "@", "\x00", "\x1b", "\x7f", "\x85"]
_SPECIAL += ["\u202e", "\u200b", "\ufeff", "é", "€", "😀", " ", "'"]
_NO_SURROGATE = st.characters(blacklist_categories=["Cs"])
_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["=1+1", "a,b", '"q"', "", "sales", "-2", "@x", "+1", "line\nbreak"]),
    st.text(alphabet=st.one_of(st.sampled_from(_SPECIAL), _NO_SURROGATE), max_size=6),
)


class FakeCodes:
    """The reader's stand-in for its respondent codes, as the writer sees it: only
    ``arrow()`` (deliberately no numpy behaviour, so nothing else can be used)."""

    def __init__(self, cells: Any) -> None:
        self.cells = cells

    def arrow(self) -> Any:
        return self.cells


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _arrow_forms(values: list[str | None]) -> list[Any]:
    """The values as a string, a large string and a chunked (two pieces) arrow array."""
    half = len(values) // 2
    return [
        pa.array(values, type=pa.string()),
        pa.array(values, type=pa.large_string()),
        pa.chunked_array(
            [pa.array(values[:half], pa.string()), pa.array(values[half:], pa.string())]
        ),
        pa.array(["pad", *values], type=pa.string()).slice(1),  # an offset into its buffers
    ]


def _bytes(data: str | bytes | memoryview) -> bytes:
    """The CSV's bytes, refusing text (only a header line alone or a lone surrogate
    comes as text)."""
    assert not isinstance(data, str)
    return bytes(data)


def _table(codes: Any, n: int) -> RespondentTable:
    """A respondent column of ``codes`` between a row number and a figure."""
    return RespondentTable(
        [
            RespondentColumn("row", "int", np.arange(2, n + 2, dtype=np.int64)),
            RespondentColumn("respondent", "text", codes),
            RespondentColumn("total", "float", np.linspace(0, 100, n)),
        ],
        n,
    )


@settings(max_examples=80, deadline=None)
@given(values=st.lists(_TEXT, min_size=1, max_size=40))
@example(values=["=cmd|' /C calc'!A0", 'say "hi"', "a,b", "line\nbreak", "", None, "é€😀"])
@example(values=[None, None])
@example(values=["\x1b[2J", "-1", "@SUM(A1)", "+x", "\t=1"])
def test_codes_offered_in_arrow_write_what_objects_write(values: list[str | None]) -> None:
    n = len(values)
    expected = pandas_csv(_table(_objects(values), n).frame())
    assert _bytes(csv_data(_table(_objects(values), n))) == expected.encode("utf-8")
    for cells in _arrow_forms(values):
        table = _table(FakeCodes(cells), n)
        assert _bytes(csv_data(table)) == expected.encode("utf-8")
        assert render_csv(table) == expected
        assert table.frame()["respondent"].tolist() == values


@pytest.mark.parametrize("block_rows", [1, 2, 3, 1 << 20])
def test_blocks_and_views(monkeypatch: pytest.MonkeyPatch, block_rows: int) -> None:
    """One block is a view of arrow's buffer, several are joined: the same bytes."""
    from salesmkt.render import score_csv

    values = ["a", "=b", None, "é,😀", 'q"q']
    expected = pandas_csv(_table(_objects(values), 5).frame()).encode("utf-8")
    monkeypatch.setattr(score_csv, "_BLOCK_ROWS", block_rows)
    data = csv_data(_table(FakeCodes(pa.array(values)), 5))
    assert isinstance(data, memoryview if block_rows > 5 else bytes)
    assert bytes(data) == expected
    headers_only = csv_data(_table(_objects([]), 0))
    assert headers_only == "row,respondent,total\n"


def test_the_arrow_path_is_the_one_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes offered in arrow never become Python objects on the way to the CSV."""

    def refuse(values: Any) -> Any:
        raise AssertionError("object_cells called for codes held in arrow")

    monkeypatch.setattr(csv_columns, "object_cells", refuse)
    values = ["=a", "b", None, "c,d"]
    table = _table(FakeCodes(pa.array(values)), 4)
    assert render_csv(table).splitlines()[1] == "2,'=a,0.0"


def test_kept_rows_are_filtered_in_arrow() -> None:
    values = ["a", None, "=b", "c", "d,e", "f", "g", "h", "i"]
    fake = FakeCodes(pa.array(values, type=pa.large_string()))
    everyone = np.ones(len(values), dtype=bool)
    assert rt._kept_arrow(fake, everyone) is fake
    keep = np.array([True, False, True, True, False, False, True, True, True])
    kept = rt._kept_arrow(fake, keep)
    assert kept.arrow().to_pylist() == [v for v, k in zip(values, keep, strict=True) if k]
    column = rt._text_column("respondent", kept)
    assert column.kind == "text" and column.values is kept
    assert column.series().tolist() == kept.arrow().to_pylist()


# -- scored files ------------------------------------------------------------------------

ITEMS = [f"q{i:02d}" for i in range(1, 21)]


def _file(folder: Path, n: int = 60, *, breaks: bool = True) -> Path:
    """Odd respondent codes (``breaks``: one with a line break), prorated respondents,
    an unscoreable one (excluded), and a withheld group of three."""
    rng = np.random.default_rng(10)
    odd = ["=cmd|' /C calc'!A0", "a,b", 'say "hi"', "line\nbreak", "+1", "é€😀", "-2", "@x"]
    odd[3] = odd[3] if breaks else "tab\tin"
    lines = [",".join(["respondent", "group", *ITEMS, "region"])]
    for i in range(n):
        group = ["sales", "marketing"][i % 2] if i % 20 else "leadership"
        answers = [str(v) for v in rng.integers(1, 6, len(ITEMS))]
        if i % 5 == 1:
            answers[i % 20] = ""
        if i == 7:
            answers = [""] * len(ITEMS)
        code = "" if i == 11 else odd[i % len(odd)] + str(i)
        cells = [code, group, *answers, ["North", "a, b", "=SUM(A1)"][i % 3]]
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    path = folder / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("by", [(), ("region",)])
def test_a_scored_file_with_codes_in_arrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by: tuple[str, ...]
) -> None:
    path = _file(tmp_path)
    settings = Settings(by=list(by), min_group_size=5)

    def result() -> Any:
        return assess_file(ResponseSource(path, drop_invalid=True), settings)

    plain = result()
    expected = _bytes(csv_data(plain.respondent_table))
    assert expected == pandas_csv(plain.respondents).encode("utf-8")
    assert plain.respondents["total"].isna().sum() >= 3  # withheld rows are blank
    offered = result()
    original = responses.column_values

    def in_arrow(table: Any, name: str) -> Any:
        values = original(table, name)
        if name != "respondent" or values is None:
            return values
        return FakeCodes(pa.array(values.tolist(), type=pa.large_string()))

    monkeypatch.setattr(responses, "column_values", in_arrow)
    table = offered.respondent_table  # built now, from the codes in arrow
    monkeypatch.undo()
    assert isinstance(table.columns[1].values, (FakeCodes, ArrowText))
    assert _bytes(csv_data(table)) == expected
    assert table.frame().equals(plain.respondents)


# -- the favourable share ----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(0, 50),
    items=st.sampled_from([0, 1, 2, 20, 255, 256]),
    fortran=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_row_counts_are_the_row_sums(rows: int, items: int, fortran: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    hit = np.asarray(rng.random((rows, items)) < rng.random(), order="F" if fortran else "C")
    counts = rt._row_counts(hit)
    np.testing.assert_array_equal(counts, hit.sum(axis=1))
    answered = np.maximum(hit.sum(axis=1), rng.integers(0, 21, rows)).astype(np.int8)
    share = counts / np.maximum(answered, 1)
    old = hit.sum(axis=1) / np.maximum(answered, 1)
    assert share.dtype == np.float64
    np.testing.assert_array_equal(share.view(np.int64), old.view(np.int64))


# -- printing and writing bytes ----------------------------------------------------------


@pytest.mark.parametrize("view", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,é€😀\n",
        "no line end",
        "",
        "with \x1b[31mred\x1b[0m escape\n",  # stripped off a terminal, as text always was
        "\n",
    ],
)
def test_bytes_print_as_their_text(text: str, view: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    as_text = printed(text, monkeypatch)
    data = text.encode("utf-8")
    assert printed(memoryview(pa.py_buffer(data)) if view else data, monkeypatch) == as_text
    if "\x1b" in text:
        assert b"\x1b" not in as_text


def test_bytes_to_a_stdout_of_another_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "code,é\n1,ü\n"
    as_text = printed(text, monkeypatch, encoding="latin-1")
    assert as_text == text.encode("latin-1")
    assert printed(text.encode("utf-8"), monkeypatch, encoding="latin-1") == as_text
    view = memoryview(text.encode("utf-8"))
    assert printed(view, monkeypatch, encoding="latin-1") == as_text


def test_bytes_as_text_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="UTF8")
    monkeypatch.setattr(typer, "get_text_stream", lambda name: utf8)
    assert console._bytes_as_text(b"a,b\n")
    assert not console._bytes_as_text(b"a\x1b[2Jb\n")
    late = b"x" * (1 << 19) + b"\x1b[2J"  # past the first pieces searched
    assert not console._bytes_as_text(memoryview(late))
    assert console._bytes_as_text(memoryview(late)[: 1 << 19])
    monkeypatch.setattr(typer, "get_text_stream", lambda name: io.StringIO())  # no buffer
    assert not console._bytes_as_text(b"a,b\n")


def test_bytes_are_written_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("earlier", encoding="utf-8")
    data = "a,b\n=x,é€😀\n".encode()
    console.write_or_echo(data, out, [tmp_path / "in.csv"])
    assert out.read_bytes() == data
    console.write_or_echo(memoryview(pa.py_buffer(data))[2:], out, [tmp_path / "in.csv"])
    assert out.read_bytes() == data[2:]
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_score_csv_prints_and_writes_the_same_bytes(runner: Any, tmp_path: Path) -> None:
    from salesmkt.cli import app

    path = _file(tmp_path)
    out = tmp_path / "out.csv"
    printed = runner.invoke(app, ["score", str(path), "--format", "csv", "--drop-invalid"])
    assert printed.exit_code == 0, printed.output
    written = runner.invoke(app, ["score", str(path), "-o", str(out), "--drop-invalid"])
    assert written.exit_code == 0, written.output
    assert printed.stdout_bytes == out.read_bytes()
    result = assess_file(ResponseSource(path, drop_invalid=True), Settings())
    assert out.read_bytes() == pandas_csv(result.respondents).encode("utf-8")


# -- arrow's compute functions by name ---------------------------------------------------


def test_calls_by_name_match_pyarrow_compute() -> None:
    import pyarrow.compute as pc

    from salesmkt.render import arrow_calls as ac

    text = pa.array(["=a", None, "b,c", "", "é€😀", "b,c"])
    numbers = pa.array([5, 3, 5, 9, 3], type=pa.int64())
    assert ac.call("take", text, pa.array([2, 0, 1])).equals(pc.take(text, pa.array([2, 0, 1])))
    assert ac.call("dictionary_encode", numbers).equals(pc.dictionary_encode(numbers))
    assert ac.cast(numbers, pa.string()).equals(numbers.cast(pa.string()))
    assert ac.cast(text.cast(pa.large_string()), pa.string()).equals(text)
    assert ac.match_regex(text, "^[=+]|,").equals(pc.match_substring_regex(text, "^[=+]|,"))
    assert ac.index_in(numbers, numbers).equals(pc.index_in(numbers, value_set=numbers))
    fill = pa.array([""])[0]
    assert ac.call("coalesce", text, fill).equals(pc.fill_null(text, fill))
    lengths = ac.call("binary_length", text)
    assert lengths.equals(pc.binary_length(text))
    assert ac.call("max", lengths).equals(pc.max(lengths))
    assert ac.call("max", lengths.slice(0, 0)).as_py() is None  # as pc.max: null
    comma = pa.array([","])[0]
    joined = ac.call("binary_join_element_wise", text, text, comma)
    assert joined.equals(pc.binary_join_element_wise(text, text, comma))


_PROBE = """
import sys
sys.argv = ["salesmkt", *sys.argv[1:]]
from salesmkt.cli import main
try:
    main()
except SystemExit as exc:
    assert exc.code in (0, None), exc.code
print("COMPUTE=" + str("pyarrow.compute" in sys.modules), file=sys.stderr)
"""


def test_the_csv_leaves_pyarrow_compute_unimported(tmp_path: Path) -> None:
    """Odd codes (neutralised in arrow), a segment, withheld and excluded respondents
    (no line break in a cell: the reader then takes pandas' way, which imports it)."""
    import os
    import subprocess
    import sys

    from support.paths import ROOT

    path = _file(tmp_path, n=3000, breaks=False)
    out = tmp_path / "out.csv"
    args = ["score", str(path), "--format", "csv", "-o", str(out), "--drop-invalid"]
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "COLUMNS": "100"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "COMPUTE=False"
    result = assess_file(ResponseSource(path, drop_invalid=True), Settings())
    assert out.read_bytes() == pandas_csv(result.respondents).encode("utf-8")
