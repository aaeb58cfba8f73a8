"""Reading a text file with long free-text comments (issue 13, target 6), against the
paths it shortcuts and plain statements of the rules (the oracles).

- the quote check against its rule written byte by byte;
- free-text columns left out of pyarrow's main read and read only when asked for
  (:class:`.freetext.FreeText`, ``files.LAZY_FREE_TEXT``) against reading them with the
  rest: the same response tables or the same refusals, and the cells the csv module
  finds.

:func:`.records._lines_if_plain` decides whether a quoted file's records may be taken
at the first records' width (every quote where the CSV rules put one, no line feed
inside quotes); it looks at the text a block at a time, each block on its own and in
two threads for a long text. Its answer must not depend on the block size or on the
threads.
"""

from __future__ import annotations

import copy
import csv
import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.reading import (
    HEADER,
    odd_rows,
    quoted_comments,
    same_every_way,
    survey_row,
    write_lines,
)

from salesmkt.errors import ResponseDataError
from salesmkt.intake import files, records
from salesmkt.intake.files import open_responses
from salesmkt.intake.freetext import FreeText
from salesmkt.intake.rawfile import RawRows


def _rule(data: bytes, delim: int) -> int | None:
    """The rule, one byte at a time: quotes alternate opening and closing; an opening
    quote stands at the start, after the delimiter, a line feed or a quote; a closing
    one at the end, before the delimiter, a line feed or a quote; no line feed inside
    quotes and none left open at the end. The number of line feeds, else None."""
    inside = False
    for i, byte in enumerate(data):
        if byte == 10 and inside:
            return None
        if byte != 34:
            continue
        if not inside and i > 0 and data[i - 1] not in (delim, 10, 34):
            return None
        if inside and i < len(data) - 1 and data[i + 1] not in (delim, 10, 34):
            return None
        inside = not inside
    return None if inside else data.count(b"\n")


def _check(data: bytes, delim: str = ",") -> int | None:
    a = np.frombuffer(data, dtype=np.uint8)
    return records._lines_if_plain(a, ord(delim))


_ALPHABET = b'ab,;"\n'


@given(
    st.binary(min_size=1, max_size=200).map(lambda b: bytes(_ALPHABET[x % 6] for x in b)),
    st.sampled_from([1, 2, 3, 7, 64, 1 << 20]),
    st.booleans(),
    st.sampled_from([",", ";"]),
)
@settings(max_examples=600, deadline=None)
def test_the_quote_check_is_the_rule(data: bytes, block: int, threads: bool, delim: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "_SCAN_BLOCK", block)
        patch.setattr(records, "_THREADED", 0 if threads else 1 << 62)
        assert _check(data, delim) == _rule(data, ord(delim))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'"', None),
        (b'""', 0),
        (b'"a"\n', 1),
        (b'a,"b""c"\n"d"', 1),
        (b'\n"', None),
        (b'"\n"', None),  # a line feed inside quotes
        (b'a"', None),
        (b'"a"b', None),
        (b'"""a"""', 0),
    ],
)
def test_the_ends_of_the_text(text: bytes, expected: int | None) -> None:
    for block in (1, 2, 3, 1 << 20):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(records, "_SCAN_BLOCK", block)
            patch.setattr(records, "_THREADED", 0)
            assert _check(text) == expected == _rule(text, ord(","))


def test_a_long_text_in_two_threads() -> None:
    row = b'R1,Sales,3,"a ""quoted"" comment, long",4\n'
    good = row * 40_000
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "_SCAN_BLOCK", 4096)
        patch.setattr(records, "_THREADED", 0)
        assert _check(good) == 40_000
        for at in (5, len(good) // 2 + 17, len(good) - 3):
            assert _check(good[:at] + b"x" + good[at:]) == _rule(
                good[:at] + b"x" + good[at:], ord(",")
            )
        bad = good[: len(good) // 2] + b'"' + good[len(good) // 2 :]
        assert _check(bad) is None


# -- free-text columns left out of the main read (files.LAZY_FREE_TEXT) -----------------

_LONG = ", and the launch plan was never shared with sales" * 5  # free text: long cells


def _row(i: int, comment: str | None = None) -> str:
    return survey_row(i, comment, tail=_LONG)


ODD = {
    **odd_rows(tail=_LONG),
    "cell over the limit": [_row(9, '"' + "y" * 33_000 + '"')],
    "blank comment": [_row(9, '""')],
    "no answers": ["R9,Sales,EMEA" + "," * 20 + ',"a comment only, no answers"'],
}

_write = write_lines


def _both_ways(path: Path, monkeypatch: pytest.MonkeyPatch, *, from_file: bool = True) -> object:
    """The table (or refusal) read with free text left out of the main read and read
    on demand, and read with it (the oracle): they must be the same."""
    monkeypatch.setattr(files, "HEAD_CELLS", 50)
    monkeypatch.setattr(files, "FROM_FILE", 0 if from_file else 1 << 62)
    return same_every_way(path, monkeypatch, [{"LAZY_FREE_TEXT": True}, {"LAZY_FREE_TEXT": False}])


@pytest.mark.parametrize("odd", list(ODD))
@pytest.mark.parametrize("at", [30, 600])  # among the first records counted, or after
def test_free_text_read_on_demand_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str, at: int
) -> None:
    lines = [HEADER] + [_row(i) for i in range(700)]
    lines[at:at] = ODD[odd]
    _both_ways(_write(tmp_path / "c.csv", lines), monkeypatch)


@pytest.mark.parametrize("from_file", [True, False])
def test_free_text_read_again_from_the_file_or_from_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, from_file: bool
) -> None:
    made: list[FreeText] = []

    class Spy(FreeText):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            made.append(self)

    monkeypatch.setattr(files, "FreeText", Spy)
    lines = [HEADER] + [_row(i) for i in range(700)]
    table = _both_ways(_write(tmp_path / "c.csv", lines), monkeypatch, from_file=from_file)
    assert isinstance(table, tuple) and table[0] != "refused"
    assert len(made) == 1 and made[0].read_yet  # the lazy path was taken, then read


@given(quoted_comments('ab ,"é\u00a0', max_size=30))
@settings(max_examples=8, deadline=None)
def test_any_quoted_comments_read_the_same(
    tmp_path_factory: pytest.TempPathFactory, comments: list[str]
) -> None:
    path = tmp_path_factory.mktemp("c") / "c.csv"
    lines = [HEADER] + [_row(i, comment) for i, comment in enumerate(comments)]
    with pytest.MonkeyPatch.context() as patch:
        _both_ways(_write(path, lines), patch)


def _lazy_body(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[files.TextFile, RawRows]:
    monkeypatch.setattr(files, "HEAD_CELLS", 50)
    monkeypatch.setattr(files, "LAZY_FREE_TEXT", True)
    monkeypatch.setattr(files, "FROM_FILE", 0)
    opened = open_responses(path, "c.csv")
    assert isinstance(opened, files.TextFile)
    opened.head()
    return opened, opened.body(1, list(range(3, 23)), 1, 5, items=list(range(3, 23)))


def test_the_comments_are_read_only_when_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "c.csv", [HEADER] + [_row(i) for i in range(700)])
    opened, body = _lazy_body(path, monkeypatch)
    column = body.cells[23]
    assert isinstance(column, FreeText) and not column.read_yet
    assert len(column) == 700 and column.dtype == object and column.shape == (700,)
    assert column[:10].tolist() == [
        _row(i).split(",", 23)[23][1:-1].replace('""', '"') for i in range(10)
    ]
    assert not column.read_yet  # the first cells came with the body
    assert 23 in opened.short_columns
    with open(path, newline="", encoding="utf-8") as handle:
        expected = [r[23] for r in csv.reader(handle)][1:]
    assert column.tolist() == expected and column.read_yet
    assert np.asarray(column).tolist() == expected
    assert column[[3, 1]].tolist() == [expected[3], expected[1]]
    frame = pd.DataFrame({"comment": column}, index=pd.RangeIndex(700), dtype=object)
    assert frame["comment"].tolist() == expected


def test_a_file_changed_before_its_comments_are_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "c.csv", [HEADER] + [_row(i) for i in range(700)])
    _, body = _lazy_body(path, monkeypatch)
    path.write_bytes(path.read_bytes().replace(b"Sales", b"Sal3s"))
    stamp = path.stat()
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
    with pytest.raises(ResponseDataError, match="the file changed while it was read"):
        body.cells[23].tolist()


def test_a_record_longer_than_a_cell_may_be_keeps_the_column_in_the_main_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [HEADER] + [_row(i) for i in range(700)]
    lines[400] = _row(399, '"' + "z" * 32_740 + '"')  # the cell fits; its record does not
    _, body = _lazy_body(_write(tmp_path / "c.csv", lines), monkeypatch)
    assert not isinstance(body.cells[23], FreeText)


def test_a_copy_of_a_lazy_column_reads_the_same() -> None:
    reads: list[int] = []

    def read() -> npt.NDArray[Any]:
        reads.append(1)
        return np.array(["a", "b", "c"], dtype=object)

    column = FreeText(read, 3, np.array(["a"], dtype=object))
    twin = copy.copy(column)
    assert twin[:1].tolist() == ["a"] and not reads
    assert twin.tolist() == ["a", "b", "c"] and column.tolist() == ["a", "b", "c"]
    assert len(reads) == 2
