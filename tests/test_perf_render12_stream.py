"""The output round of issue 13 (twelfth round): the per-respondent CSV in pieces.

- ``csv_pieces`` gives the header line, then blocks of rows: joined, they are the bytes
  ``csv_data`` gives and pandas' writer plus neutralising (:mod:`support.csvtext`)
  writes, whatever the block size (one row, a few, all), for text, whole numbers,
  floats, a lone column with blanks; text where ``csv_data`` gives text (no rows, a lone
  surrogate); each piece ends in a line break; a block is made only when asked for;
  iterating again makes the same bytes;
- ``write_or_echo`` prints pieces as the whole text prints (stdout as the CLI runner
  captures it): an escape character stripped as click strips it from text, a stdout
  that does not encode UTF-8, empty pieces, no line break at the end; writes them
  atomically (and leaves the earlier file when making a piece fails);
- ``score --format csv`` printed and written gives the same bytes as ``csv_data``;
- where each code first appears (``first_cells``, for the identity factorising of a
  segment column) against a plain Python walk; the codes of coded columns are 32-bit
  and write what 64-bit codes wrote (the merge, the takes).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import typer
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.csvtext import pandas_csv
from support.printing import printed

from salesmkt.analysis.respondent_table import RespondentColumn, RespondentTable
from salesmkt.analysis.scoring import assess_file
from salesmkt.cli import console
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.render import csv_columns, score_csv
from salesmkt.render.outputs import Pieces, write_atomic
from salesmkt.render.score_csv import csv_data, csv_pieces, render_score

pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # pandas

_SPECIAL = [",", '"', "\n", "\r", "\t", "=", "+", "-", "@", "\x00", "\x1b", "\x7f", "\x85"]
_SPECIAL += ["\u202e", "\ufeff", "é", "€", "😀", " ", "'"]
_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["=1+1", "a,b", '"q"', "", "sales", "-2", "@x", "line\nbreak"]),
    st.text(
        alphabet=st.one_of(st.sampled_from(_SPECIAL), st.characters(blacklist_categories=["Cs"])),
        max_size=5,
    ),
)
_FLOAT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1 / 3, 2.5, 1e300, -1e-9, 12345.67891]),
)


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _whole(data: Any) -> bytes:
    """Pieces joined (refusing text and whole bytes: the renderer must give pieces)."""
    assert isinstance(data, Pieces)
    pieces = [bytes(p) for p in data]
    assert all(p.endswith(b"\n") for p in pieces)
    return b"".join(pieces)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[RespondentTable, pd.DataFrame]:
    """A table of text, whole numbers and floats (and the same as a DataFrame)."""
    n = draw(st.integers(1, 12))
    kinds = draw(
        st.lists(st.sampled_from(["text", "int", "wide", "float"]), min_size=1, max_size=5)
    )
    columns = []
    for j, kind in enumerate(kinds):
        name = draw(st.sampled_from([f"c{j}", f"=c{j}", f"c,{j}", f"é{j}"]))
        if kind == "text":
            values: Any = _objects(draw(st.lists(_TEXT, min_size=n, max_size=n)))
        elif kind == "float":
            values = np.array(draw(st.lists(_FLOAT, min_size=n, max_size=n)), dtype=np.float64)
        else:
            high = 40 if kind == "int" else 2**62
            ints = st.integers(-high, high)
            values = np.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype=np.int64)
        columns.append(RespondentColumn(name, {"wide": "int"}.get(kind, kind), values))
    table = RespondentTable(columns, n)
    return table, table.frame()


@settings(max_examples=120, deadline=None)
@given(drawn=_tables(), step=st.sampled_from([1, 2, 3, 5, 1 << 16]))
def test_pieces_are_the_whole_csv(drawn: tuple[RespondentTable, pd.DataFrame], step: int) -> None:
    table, frame = drawn
    expected = pandas_csv(frame).encode("utf-8")
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(score_csv, "_STREAM_ROWS", step)
        pieces = csv_pieces(table)
        assert _whole(pieces) == expected
        assert len(list(pieces)) == 1 + -(-table.rows // step)  # the header, then blocks
        assert _whole(csv_pieces(frame)) == expected  # the DataFrame's own cells
    assert bytes(csv_data(table)) == expected


@pytest.mark.parametrize("step", [1, 2, 7])
@pytest.mark.parametrize("values", [["a", None, "", "b"], [None], ["", ""], ["x,y", "=1"]])
def test_a_lone_column_with_blanks(
    values: list[str | None], step: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blank lone field is written ``""`` (so that its row shows), in every block."""
    monkeypatch.setattr(score_csv, "_STREAM_ROWS", step)
    table = RespondentTable([RespondentColumn("respondent", "text", _objects(values))], len(values))
    expected = pandas_csv(table.frame()).encode("utf-8")
    assert _whole(csv_pieces(table)) == expected == bytes(csv_data(table))


def test_text_where_the_whole_is_text() -> None:
    empty = RespondentTable([RespondentColumn("row", "int", np.arange(0, dtype=np.int64))], 0)
    assert csv_pieces(empty) == csv_data(empty) == "row\n"
    lone = _objects(["a", "b\ud800c", None])  # a lone surrogate: arrow cannot hold it
    table = RespondentTable(
        [
            RespondentColumn("row", "int", np.arange(2, 5, dtype=np.int64)),
            RespondentColumn("respondent", "text", lone),
        ],
        3,
    )
    text = csv_pieces(table)
    assert isinstance(text, str)
    assert text == csv_data(table) == "row,respondent\n2,a\n3,b\ud800c\n4,\n"
    header = RespondentTable([RespondentColumn("b\ud800", "int", np.arange(2))], 2)
    assert csv_pieces(header) == csv_data(header) == "b\ud800\n0\n1\n"


def test_blocks_are_made_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[tuple[int, int]] = []
    original = score_csv._block_lines

    def counted(columns: Any, a: int, b: int) -> Any:
        made.append((a, b))
        return original(columns, a, b)

    monkeypatch.setattr(score_csv, "_block_lines", counted)
    monkeypatch.setattr(score_csv, "_STREAM_ROWS", 4)
    n = 10
    table = RespondentTable(
        [
            RespondentColumn("row", "int", np.arange(2, n + 2, dtype=np.int64)),
            RespondentColumn("total", "float", np.linspace(0, 1, n)),
        ],
        n,
    )
    pieces = csv_pieces(table)
    assert made == []
    walk = iter(pieces)
    assert bytes(next(walk)) == b"row,total\n"
    assert made == []
    next(walk)
    assert made == [(0, 4)]
    assert [bytes(p) for p in walk] and made == [(0, 4), (4, 8), (8, 10)]
    assert _whole(pieces) == pandas_csv(table.frame()).encode("utf-8")  # afresh


# -- printing and writing pieces ---------------------------------------------------------


def _pieces(*parts: bytes) -> Pieces:
    def make() -> Iterator[bytes | memoryview]:
        for part in parts:
            yield memoryview(part)

    return Pieces(make)


@pytest.mark.parametrize(
    "parts",
    [
        ["a,b\n", "1,é€😀\n", "2,x\n"],
        ["head\n", "", "row\n", ""],
        ["a\n", "with \x1b[31mred\x1b[0m escape\n", "b\x1b[2J\n", "c\n"],
        ["a\n", "no line end"],
        ["\n"],
        [],
        [""],
    ],
)
def test_pieces_print_as_their_text(parts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = "".join(parts)
    as_text = printed(text, monkeypatch)
    assert printed(_pieces(*(p.encode("utf-8") for p in parts)), monkeypatch) == as_text
    if "\x1b" in text:
        assert b"\x1b" not in as_text


def test_pieces_to_a_stdout_of_another_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    parts = ["code,é\n", "1,ü\n"]
    as_text = printed("".join(parts), monkeypatch, encoding="latin-1")
    assert as_text == "".join(parts).encode("latin-1")
    pieces = _pieces(*(p.encode("utf-8") for p in parts))
    assert printed(pieces, monkeypatch, encoding="latin-1") == as_text
    monkeypatch.setattr(typer, "get_text_stream", lambda name: io.StringIO())  # no buffer
    assert not console._binary_stdout()


def test_pieces_are_written_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("earlier", encoding="utf-8")
    console.write_or_echo(_pieces(b"a,b\n", b"", "=x,é€😀\n".encode()), out, [tmp_path / "in.csv"])
    assert out.read_bytes() == "a,b\n=x,é€😀\n".encode()

    def failing() -> Iterator[bytes | memoryview]:
        yield b"first\n"
        raise MemoryError("made up")

    with pytest.raises(MemoryError):
        write_atomic(out, Pieces(failing))
    assert out.read_bytes() == "a,b\n=x,é€😀\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# -- the command -------------------------------------------------------------------------


def _file(folder: Path, n: int = 45) -> Path:
    rng = np.random.default_rng(12)
    items = [f"q{i:02d}" for i in range(1, 21)]
    lines = [",".join(["respondent", "group", *items, "region"])]
    for i in range(n):
        answers = [str(v) for v in rng.integers(1, 6, len(items))]
        if i % 4 == 1:
            answers[i % 20] = ""
        code = ["=cmd", "a,b", 'q"q', "é€😀", "plain"][i % 5] + str(i)
        cells = [code, ["sales", "marketing"][i % 2], *answers, ["North", "a, b"][i % 2]]
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    path = folder / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("step", [7, 1 << 16])
def test_score_csv_in_pieces(
    runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    from salesmkt.cli import app

    monkeypatch.setattr(score_csv, "_STREAM_ROWS", step)
    path = _file(tmp_path)
    result = assess_file(ResponseSource(path), Settings())
    expected = pandas_csv(result.respondents).encode("utf-8")
    assert _whole(render_score(result)) == expected == bytes(csv_data(result.respondent_table))
    out = tmp_path / "out.csv"
    printed = runner.invoke(app, ["score", str(path), "--format", "csv"])
    assert printed.exit_code == 0, printed.output
    written = runner.invoke(app, ["score", str(path), "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert printed.stdout_bytes == out.read_bytes() == expected


@example(parts=["\x1b[1", "m\n"])
@settings(max_examples=60, deadline=None)
@given(parts=st.lists(st.text(alphabet=st.sampled_from("ab\n\x1b[1m;é"), max_size=8), max_size=5))
def test_lines_in_pieces_strip_as_the_whole(parts: list[str]) -> None:
    """Escape sequences stripped piece by piece are those stripped from the whole text,
    where every piece but the last ends in a line break (as the CSV's pieces do)."""
    import click

    parts = [p if p.endswith("\n") else p + "\n" for p in parts]
    whole = click.unstyle("".join(parts))
    assert "".join(click.unstyle(p) if "\x1b" in p else p for p in parts) == whole


# -- first appearances and 32-bit codes --------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.integers(0, 6), max_size=60))
def test_first_cells_against_a_walk(values: list[int]) -> None:
    order: dict[int, int] = {}
    for v in values:
        order.setdefault(v, len(order))
    codes = np.array([order[v] for v in values], dtype=np.int32)  # first appearance first
    firsts: dict[int, int] = {}
    for i, code in enumerate(codes.tolist()):
        firsts.setdefault(code, i)
    expected = [firsts[k] for k in range(len(firsts))]
    assert csv_columns.first_cells(codes).tolist() == expected


def test_long_segments_factorised_by_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repeated objects (and equal texts as other objects, and missing cells) past the
    identity threshold: the codes and distinct values pandas finds."""
    rng = np.random.default_rng(3)
    pool = ["North", "a, b", "=SUM(A1)", None, float("nan"), "é€😀"]
    picks = rng.integers(0, len(pool) + 1, 3 * csv_columns._BY_IDENTITY)
    values = _objects([pool[i] if i < len(pool) else "".join(["Nor", "th"]) for i in picks])
    codes, uniques = csv_columns.factorize_objects(values)
    expected_codes, expected_uniques = pd.factorize(values, use_na_sentinel=True)
    np.testing.assert_array_equal(codes, expected_codes)
    assert list(uniques) == list(expected_uniques)


@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.uint64, np.int16])
def test_codes_are_32_bit_and_write_as_before(dtype: Any) -> None:
    numbers = np.array([3, 0, 7, 7, 250], dtype=dtype)
    coded = csv_columns.integer_cells(numbers)
    assert isinstance(coded, csv_columns.Coded) and coded.codes.dtype == np.int32
    assert [coded.texts[c] for c in coded.codes] == [str(v) for v in numbers.tolist()]
    floats = csv_columns.float_cells(np.array([0.5, np.nan, -0.0, 1 / 3, 0.5]))
    assert floats.codes.dtype == np.int32
    assert [floats.texts[c] for c in floats.codes] == ["0.5", "", "-0.0", "0.3333", "0.5"]
    stage = csv_columns.coded_cells(np.array([1, -1, 0], dtype=np.intp), ["a", "b"])
    assert stage.codes.dtype == np.int32 and stage.codes.tolist() == [1, 2, 0]
