"""The eleventh round's reading path: a large body of short records read a piece at a
time (:func:`salesmkt.intake.arrowread.body_columns`), each piece's single digits taken
and its table let go before the next.

Oracles: every file is read three ways and must give the same table or the same refusal
(message and every problem): in pieces of a few kilobytes (many pieces, cut anywhere),
whole (one pyarrow read, as before this round) and by pandas (the arrow path off). The
pieces themselves are checked against the bytes (plain Python), the text rebuilt from
digits against the cells.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from salesmkt.definitions import questionnaire_load
from salesmkt.errors import ResponseDataError
from salesmkt.intake import arrowread, files
from salesmkt.intake.responses import column_values, read_responses
from salesmkt.intake.scale import BLANK_CODE
from salesmkt.intake.source import ResponseSource

HEADER = "respondent,group,region," + ",".join(f"q{i:02d}" for i in range(1, 21))
LABELS = ["1 - Strongly disagree", "2 - Disagree", "3 - Neither agree nor disagree",
          "4 - Agree", "5 - Strongly agree"]  # fmt: skip
SMALL = 4096  # bytes a piece in the tests: files of a few hundred kilobytes, many pieces


def _read(
    path: Path, patch: pytest.MonkeyPatch, way: str, drop: bool, *, split: bool = True
) -> object:
    """The table read from ``path`` one ``way`` ("pieces", "whole" or "pandas"), or the
    refusal; "pieces" also requires that the body was read in several pieces (unless
    not ``split``: pyarrow may refuse the first piece)."""
    reads: list[int] = []
    real = arrowread.arrow_table

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return real(*args, **kwargs)

    with patch.context() as p:
        p.setattr(arrowread, "arrow_table", counted)
        p.setattr(arrowread, "PIECE_BYTES", SMALL if way == "pieces" else 1 << 62)
        if way == "pandas":
            p.setattr(files.TextFile, "_read_arrow", lambda *args: None)
        try:
            table = read_responses(
                ResponseSource(path, drop_invalid=drop), questionnaire_load.load("alignment")
            )
        except ResponseDataError as exc:
            if way == "pieces" and split:
                assert len(reads) > 1
            return ("refused", str(exc), exc.problems)
    if way == "pieces" and split:
        assert len(reads) > 1
    respondent = column_values(table, "respondent")
    group = column_values(table, "group")
    return (
        table.answers.to_numpy().tobytes(),
        str(table.answers.dtypes.tolist()),
        None if group is None else group.tolist(),
        None if respondent is None else respondent.tolist(),
        table.segments.to_dict("list"),
        table.comments.to_dict("list"),
        table.rows.tolist(),
        [e.model_dump() for e in table.excluded],
        [w.model_dump() for w in table.warnings],
        table.rows_read,
    )


def _same_three_ways(
    path: Path, patch: pytest.MonkeyPatch, drop: bool = True, *, split: bool = True
) -> object:
    pieces = _read(path, patch, "pieces", drop, split=split)
    assert pieces == _read(path, patch, "whole", drop)
    assert pieces == _read(path, patch, "pandas", drop)
    return pieces


def _answers(i: int, labels: bool) -> list[str]:
    cells = []
    for j in range(20):
        v = 1 + (i * 7 + j * 3) % 5
        cells.append("" if (i + j) % 17 == 0 else LABELS[v - 1] if labels else str(v))
    return cells


def _rows(n: int, *, labels: bool = False) -> list[list[str]]:
    return [
        [f"R{i:06d}", ["Sales", "Marketing"][i % 2], ["EMEA", "Americas", "APAC"][i % 3],
         *_answers(i, labels)]
        for i in range(n)
    ]  # fmt: skip


def _write(path: Path, rows: list[list[str]], end: str = "\n") -> Path:
    path.write_text("\n".join([HEADER, *(",".join(r) for r in rows)]) + end, encoding="utf-8")
    return path


@pytest.mark.parametrize("labels", [False, True])
@pytest.mark.parametrize("end", ["\n", ""])  # the last record with and without its line feed
def test_clean_files_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, labels: bool, end: str
) -> None:
    path = _write(tmp_path / "clean.csv", _rows(3_000, labels=labels), end)
    table = _same_three_ways(path, monkeypatch, split=not labels)
    assert isinstance(table, tuple) and table[-1] == 3_000


@pytest.mark.parametrize("where", [0, 1_500, 2_999])  # the first, a middle and the last piece
@pytest.mark.parametrize("cell", ["10", "7", "N/A", " 3", "3.0", "+3", "٣"])
def test_a_cell_not_a_single_digit_in_any_piece_reads_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: int, cell: str
) -> None:
    # The column was taken as digits in the pieces before: it becomes text throughout,
    # the cells already taken rebuilt from their digits.
    rows = _rows(3_000)
    rows[where][5] = cell
    path = _write(tmp_path / "odd.csv", rows)
    # A cell among the first records that is no plain number: items read as text, whole.
    split = where > 64 or cell not in (" 3", "N/A")
    kept = _same_three_ways(path, monkeypatch, drop=True, split=split)
    refused = _same_three_ways(path, monkeypatch, drop=False, split=split)
    # Whether the scale takes the cell (a missing code, a padded digit) or not, the
    # respondent is left out exactly when the gate refuses the file.
    wrong = refused[0] == "refused"  # type: ignore[index]
    assert isinstance(kept, tuple) and len(kept[7]) == int(wrong)
    assert wrong or cell not in ("10", "7")


def test_odd_files_read_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _rows(3_000)
    rows[2_500][3] = "4 - Agree"  # a label among numbers, pieces after the head
    rows[2_600][6] = "Sort of"  # not an answer
    rows[9][1] = ""  # a blank group
    rows[10][1] = "Finance"  # an unknown group
    rows[11][2] = '"  EMEA, north "'  # a quoted, untidy segment holding the delimiter
    rows[2_000][0] = rows[3][0]  # an id used twice, pieces apart
    rows[12] = ["R-empty", "Sales", "EMEA", *[""] * 20]  # every answer missing
    rows[13] = [""] * 23  # an empty row
    rows[-1][7] = "N/A"  # a missing code
    path = _write(tmp_path / "odd.csv", rows)
    kept = _same_three_ways(path, monkeypatch, drop=True)
    refused = _same_three_ways(path, monkeypatch, drop=False)
    assert isinstance(kept, tuple) and len(kept[7]) >= 5
    assert any("is used on rows 5 and 2002" in p for p in refused[2])  # type: ignore[index]


def test_a_record_longer_than_a_piece_reads_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _rows(3_000)
    rows[1_000][2] = "x" * (3 * SMALL)  # a piece holding no line feed: read again, longer
    path = _write(tmp_path / "long.csv", rows)
    table = _same_three_ways(path, monkeypatch)
    assert isinstance(table, tuple) and table[-1] == 3_000


def test_guards_hold_on_the_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The hardening issue's limits: a cell too long, a ragged row, a quote never closed
    # are refused with the same file:row:column messages read in pieces or not.
    too_long = _rows(3_000)
    too_long[2_500][2] = "y" * (files.MAX_CELL_CHARS + 1)
    ragged = _rows(3_000)
    ragged[1_700] = ragged[1_700][:-2]
    unclosed = _rows(3_000)
    unclosed[2_200][2] = '"EMEA'
    for name, rows in (("long", too_long), ("ragged", ragged), ("quote", unclosed)):
        path = _write(tmp_path / f"{name}.csv", rows)
        for drop in (False, True):
            found = _read(path, monkeypatch, "pieces", drop, split=name == "long")
            assert found == _read(path, monkeypatch, "whole", drop)
            assert found == _read(path, monkeypatch, "pandas", drop)
        refused = _read(path, monkeypatch, "whole", False)
        assert refused[0] == "refused"  # type: ignore[index]


def test_quoted_line_breaks_are_read_whole(tmp_path: Path) -> None:
    # A quoted cell may hold a line break: a piece cut at a line feed could cut the cell,
    # so such a body is read in one go.
    reads: list[int] = []
    rows = _rows(3_000)
    rows[10][2] = '"EMEA\nnorth"'
    path = _write(tmp_path / "breaks.csv", rows)
    with pytest.MonkeyPatch.context() as p:
        real = arrowread.arrow_table

        def counted(*args: Any, **kwargs: Any) -> Any:
            reads.append(1)
            return real(*args, **kwargs)

        p.setattr(arrowread, "arrow_table", counted)
        p.setattr(arrowread, "PIECE_BYTES", SMALL)
        table = read_responses(ResponseSource(path), questionnaire_load.load("alignment"))
    assert len(reads) == 1 and table.rows_read == 3_000


# -- the pieces against the bytes -------------------------------------------------------


def _sources(data: bytes, tmp_path: Path) -> list[Any]:
    path = tmp_path / "body.bin"
    path.write_bytes(data)
    return [io.BytesIO(data), pa.BufferReader(pa.py_buffer(data)), pa.OSFile(str(path))]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet='ab,"', max_size=40), max_size=60),
    st.booleans(),
    st.integers(1, 64),
    st.integers(0, 5),
)
@example(lines=["a" * 100, "b"], end=True, piece=8, skip=0)  # a line longer than a piece
def test_pieces_are_the_bytes_cut_after_line_feeds(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], end: bool, piece: int, skip: int
) -> None:
    body = ("\n".join(lines) + ("\n" if end else "")).encode()
    data = b"x" * skip + body  # the body starts past the file's first bytes
    with pytest.MonkeyPatch.context() as p:
        p.setattr(arrowread, "PIECE_BYTES", piece)
        for source in _sources(data, tmp_path_factory.mktemp("p")):
            source.seek(skip)
            pieces = [bytes(b) for b in arrowread._pieces(source, len(body))]
            assert b"".join(pieces) == body
            assert all(b and b.endswith(b"\n") for b in pieces[:-1])
            assert all(len(b) <= piece or b"\n" not in b[:-1][:piece] for b in pieces)


def test_a_short_text_is_refused(tmp_path: Path) -> None:
    for source in _sources(b"1,2\n3,4\n5,6\n", tmp_path):
        with pytest.MonkeyPatch.context() as p:
            p.setattr(arrowread, "PIECE_BYTES", 4)
            with pytest.raises(ValueError, match="shorter"):
                list(arrowread._pieces(source, 20))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["", "0", "1", "4", "9"]), max_size=50))
def test_digits_become_their_text_again(cells: list[str]) -> None:
    values = np.array([BLANK_CODE if c == "" else int(c) for c in cells], dtype=np.int8)
    text = arrowread._digits_text(values)
    assert text.type == pa.string() and text.to_pylist() == cells
    again = arrowread.single_digits(pa.chunked_array([text], type=pa.string()), 0, 9)
    assert again is not None and again.tolist() == values.tolist()


def test_more_records_than_counted_are_refused(tmp_path: Path) -> None:
    data = b"".join(b"%d,1\n" % i for i in range(400))
    with pytest.MonkeyPatch.context() as p:
        p.setattr(arrowread, "PIECE_BYTES", 256)
        with pytest.raises(ValueError, match="more records"):
            arrowread.body_columns(
                pa.BufferReader(pa.py_buffer(data)),
                arrowread.Body(len(data), 300, 2, ",", {0, 1}, include=[0, 1]),
                ({1}, 1, 5),
            )


@pytest.mark.parametrize("late", [None, 0, 150, 399])
def test_body_columns_in_pieces_match_one_read(late: int | None) -> None:
    cells = [["", str(1 + i % 5)][i % 7 != 0] for i in range(400)]
    if late is not None:
        cells[late] = "12"
    data = "".join(f"r{i},{c},{i % 3}\n" for i, c in enumerate(cells)).encode()
    got = []
    for piece in (64, 1 << 62):
        with pytest.MonkeyPatch.context() as p:
            p.setattr(arrowread, "PIECE_BYTES", piece)
            body = arrowread.body_columns(
                pa.BufferReader(pa.py_buffer(data)),
                arrowread.Body(len(data), 400, 3, ",", {0, 1}, include=[0, 1, 2]),
                ({1}, 1, 5),
            )
        assert body.rows == 400
        if late is None:
            assert list(body.digits) == [1] and 1 not in body.columns
            column = [("" if v == BLANK_CODE else str(v)) for v in body.digits[1].tolist()]
        else:
            assert not body.digits
            column = body.columns[1].to_pylist()
        got.append((column, body.columns[0].to_pylist(), body.columns[2].to_pylist()))
    assert got[0] == got[1]
    assert got[0][0] == cells and got[0][1] == [f"r{i}" for i in range(400)]
