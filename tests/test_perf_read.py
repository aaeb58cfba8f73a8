"""The fast reading paths of a text body against the paths they shortcut (the oracles).

- item columns of single digits read from pyarrow's bytes as ``int8`` (a blank as
  ``BLANK_CODE``) against a plain Python reading of each cell;
- the records of a quote-free file taken to have the first records' width until the
  arrow read confirms it, against counting every record up front;
- the item columns' codes handed from pyarrow to the scale (label answers);
- the cell-length limit checked by pyarrow on the distinct cells, against the same
  file with the arrow path switched off.

Every file is read both ways and the response tables or the refusals must be identical.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from support.reading import fingerprint

from salesmkt.definitions import questionnaire_load
from salesmkt.intake import files
from salesmkt.intake.arrowread import single_digits
from salesmkt.intake.files import open_responses
from salesmkt.intake.rawfile import MAX_CELL_CHARS
from salesmkt.intake.records import count_byte, find_records
from salesmkt.intake.scale import BLANK_CODE, AnswerScale

HEADER = "respondent,group,region," + ",".join(f"q{i:02d}" for i in range(1, 21)) + ",comment"
ALIGNMENT = questionnaire_load.load("alignment")


def _digits_oracle(cells: list[str], lo: int, hi: int) -> list[int] | None:
    """Every cell blank or one digit from lo to hi, as numbers; else None."""
    out: list[int] = []
    for cell in cells:
        if cell == "":
            out.append(BLANK_CODE)
        elif len(cell) == 1 and cell.isascii() and cell.isdigit() and lo <= int(cell) <= hi:
            out.append(int(cell))
        else:
            return None
    return out


@pytest.mark.parametrize(
    ("chunks", "lo", "hi"),
    [
        ([["1", "2", "5"], ["3", "4"]], 1, 5),
        ([["", "2", ""], ["", ""], ["5"]], 1, 5),
        ([["", ""], ["", ""]], 1, 5),
        ([["0", "1"]], 1, 5),
        ([["6", "1"]], 1, 5),
        ([["0", "9", ""]], 0, 9),
        ([["0", "3", ""]], -3, 3),
        ([["1", "/"]], 0, 9),
        ([["1", ":"]], 0, 9),
        ([["1", "a"]], 0, 9),
        ([["1", "12"]], 0, 20),
        ([["1", "5"]], 10, 20),
        ([["", "é"]], 0, 9),
        ([["4", ""], ["", "4"]], 4, 4),
    ],
)
def test_single_digits_read_as_each_cell_reads(chunks: list[list[str]], lo: int, hi: int) -> None:
    column = pa.chunked_array([pa.array(c, type=pa.string()) for c in chunks])
    got = single_digits(column, lo, hi)
    expected = _digits_oracle([cell for c in chunks for cell in c], lo, hi)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got.dtype == np.int8 and got.tolist() == expected


def test_single_digits_of_a_sliced_chunk() -> None:
    # A chunk may start inside its buffers (an offset): the cells are still its own.
    column = pa.chunked_array([pa.array(["9", "1", "", "3", "x"]).slice(1, 3)])
    got = single_digits(column, 1, 5)
    assert got is not None and got.tolist() == [1, BLANK_CODE, 3]


def test_bytes_are_counted_as_bytes_count_does() -> None:
    data = b"a,b\n" * 3_000_000 + b"x,"
    a = np.frombuffer(data, dtype=np.uint8)
    assert count_byte(a, ord("\n")) == data.count(b"\n")
    assert count_byte(a, ord(",")) == data.count(b",")


def _row(i: int, answers: list[str], comment: str = "") -> str:
    return ",".join([f"R{i}", ["Sales", "Marketing"][i % 2], "EMEA", *answers, comment])


def _answers(i: int, blank_every: int = 13) -> list[str]:
    return ["" if (i + j) % blank_every == 0 else str(1 + (i * 7 + j) % 5) for j in range(20)]


def _table(path: Path, monkeypatch: pytest.MonkeyPatch, **off: bool) -> object:
    """The response table read with the named fast paths switched off, or the refusal."""
    return fingerprint(path, monkeypatch, arrow=not off.get("arrow"), guess=not off.get("guess"))


def _same_every_way(path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    fast = _table(path, monkeypatch)
    assert fast == _table(path, monkeypatch, guess=True)
    assert fast == _table(path, monkeypatch, arrow=True)
    assert fast == _table(path, monkeypatch, arrow=True, guess=True)
    return fast


def _write(tmp_path: Path, lines: list[str], name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_clean_file_with_blanks_reads_the_same_every_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Over pyarrow's 1 MB block: several chunks, some cells blank, straight-liners.
    lines = [HEADER] + [_row(i, _answers(i, 7 + i % 5), "ok") for i in range(30_000)]
    lines[5] = _row(4, ["3"] * 20)
    path = _write(tmp_path, lines)
    assert path.stat().st_size > 2**20
    table = _same_every_way(path, monkeypatch)
    assert isinstance(table, tuple) and table[0] != "refused"
    opened = open_responses(path, "r.csv")
    body = opened.body(1, list(range(3, 23)), 1, 5)
    assert body.cells[3].dtype == np.int8
    # The guess was confirmed: counted the same as every record counted one by one.
    _, counts = find_records(path.read_bytes(), ",")
    assert body.fields is not None and body.fields.tolist() == counts[1:].tolist()


@pytest.mark.parametrize(
    "odd",
    [
        ["R9,Sales,EMEA,1,2"],  # a short row late in the file
        ["R9,Sales,EMEA," + ",".join("3" * 20) + ",x,extra"],  # a long one
        # One row short and one long by as much: the delimiters add up to the guess.
        ["R9,Sales,EMEA," + ",".join("3" * 20), "R8,Sales,EMEA," + ",".join("3" * 20) + ",x,y"],
        [""],  # a blank line
        ["", "R8,Sales,EMEA," + ",".join("3" * 20) + ",,"],  # and a trailing delimiter
    ],
)
@pytest.mark.parametrize("at", [50, 1500])  # among the first records counted, or after
def test_ragged_rows_read_the_same_every_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: list[str], at: int
) -> None:
    lines = [HEADER] + [_row(i, _answers(i), "ok") for i in range(2_000)]
    lines[at:at] = odd
    _same_every_way(_write(tmp_path, lines), monkeypatch)


def test_a_file_wider_than_its_first_records_is_read_again_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [HEADER] + [_row(i, _answers(i), "ok") for i in range(2_000)]
    lines[1500:1500] = [
        "R9,Sales,EMEA," + ",".join("3" * 20),  # no comment: one field short
        "R8,Sales,EMEA," + ",".join("3" * 20) + ",x,y",  # one field over
    ]
    path = _write(tmp_path, lines)
    opened = open_responses(path, "r.csv")
    opened.head()
    with pytest.raises(files.Rescan):  # the head was read one column too narrow
        opened.body(1, list(range(3, 23)), 1, 5)
    exact = open_responses(path, "r.csv", exact=True)
    exact.head()
    assert exact.body(1, list(range(3, 23)), 1, 5).fields is not None
    table = _table(path, monkeypatch)
    assert table[0] == "refused" or isinstance(table[0], bytes)


def test_label_answers_reach_the_scale_as_pyarrows_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = ["1 - Strongly disagree", "2 - Disagree", "3 - Neither agree nor disagree"]
    words += ["4 - Agree", "5"]
    lines = [HEADER]
    for i in range(20_000):
        answers = [words[(i + j) % 5] if (i + j) % 11 else "" for j in range(20)]
        if i == 15_000:
            answers[4] = "9 - Very much"
        lines.append(_row(i, answers, "x" * (i % 9)))
    path = _write(tmp_path, lines)
    given: list[bool] = []
    original = AnswerScale.parse_column

    def spy(self: AnswerScale, cells: object, factorized: object = None, **kw: bool) -> object:
        given.append(factorized is not None)
        return original(self, cells, factorized, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(AnswerScale, "parse_column", spy)
    fast = _table(path, monkeypatch)
    assert given == [True] * 20  # every item parsed from the reader's codes
    assert fast == _table(path, monkeypatch, arrow=True, guess=True)
    assert isinstance(fast, tuple) and len(fast[6]) == 1  # the invalid answer excluded


@pytest.mark.parametrize("column", ["region", "comment", "respondent"])
def test_an_overlong_cell_is_refused_at_its_cell_every_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str
) -> None:
    lines = [HEADER] + [_row(i, _answers(i), "a comment that goes on " * 3) for i in range(1_500)]
    cells = lines[1200].split(",")
    where = {"respondent": 0, "region": 2, "comment": 23}[column]
    cells[where] = "y" * (MAX_CELL_CHARS + 1)
    lines[1200] = ",".join(cells)
    refused = _same_every_way(_write(tmp_path, lines), monkeypatch)
    assert isinstance(refused, tuple) and refused[0] == "refused"
    letter = "ACX"[[0, 2, 23].index(where)]
    assert f":1201:{letter}: the cell holds {MAX_CELL_CHARS + 1:,} characters" in str(refused[1])


def test_a_cell_at_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [HEADER] + [_row(i, _answers(i), "fine") for i in range(1_500)]
    lines[900] = lines[900].replace(",fine", "," + "é" * MAX_CELL_CHARS)  # 2 bytes each
    table = _same_every_way(_write(tmp_path, lines), monkeypatch)
    assert isinstance(table, tuple) and table[0] != "refused"
    assert max(len(cell) for cell in table[4]["comment"]) == MAX_CELL_CHARS
