"""The fast reading paths of a text file with quotes (long free-text comments) against
the paths they shortcut (the oracles).

- the records of a quoted file taken to have the first records' width
  (:func:`.records.quoted_records`) when every quote stands where the CSV rules put
  one, against counting every record (:func:`.records.scan_records`) and the csv module;
- the arrow path reading the body from the file itself, the bytes in memory let go
  first, against reading it from memory;
- free text turned into Python strings a chunk at a time, the cell-length limit
  answered from the bytes first.

Every file is read with each fast path on and off, and the response tables or the
refusals (message and problems) must be identical.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.reading import HEADER, fingerprint, odd_rows, same_every_way, survey_row, write_lines

from salesmkt.intake import files, records
from salesmkt.intake.arrowread import plain_text, within
from salesmkt.intake.files import open_responses


def _plain_csv(data: bytes) -> list[int]:
    """Fields per record by the csv module (a blank line is one empty field)."""
    text = data.decode("utf-8")
    return [max(1, len(r)) for r in csv.reader(io.StringIO(text, newline=""))]


@given(st.binary(min_size=1, max_size=120).map(lambda b: bytes(b'ab,"\n'[x % 5] for x in b)))
@settings(max_examples=400, deadline=None)
def test_plain_quotes_mean_every_reader_finds_the_same_records(data: bytes) -> None:
    for block in (1, 3, 64):
        saved, records._SCAN_BLOCK = records._SCAN_BLOCK, block
        try:
            lines = records._lines_if_plain(np.frombuffer(data, dtype=np.uint8), ord(","))
        finally:
            records._SCAN_BLOCK = saved
        if lines is None:
            continue
        _, counts, breaks = records.scan_records(data, ",")
        assert not breaks
        assert lines == data.count(b"\n")
        assert len(counts) == lines + (not data.endswith(b"\n"))
        assert counts.tolist() == _plain_csv(data)


@pytest.mark.parametrize(
    "text",
    [
        b'a"b,c"d\n1,2\n',  # quotes inside unquoted fields: the count would differ
        b'a",x,"c\n1,2,3\n',
        b'"ab"c,d\n1,2\n',  # text after a closing quote
        b'x, "a"\n1,2\n',  # a space before an opening quote
        b'x,"a\nb"\n1,2\n',  # a line break inside quotes
        b'x,"never closed\n1,2\n',
        b'x,y\n1,"2',
    ],
)
def test_quotes_out_of_place_rule_the_guess_out(text: bytes) -> None:
    a = np.frombuffer(text, dtype=np.uint8)
    assert records._lines_if_plain(a, ord(",")) is None


def test_plain_quotes_are_accepted() -> None:
    text = b'"a","b""c",""\n"""x""",,"y,z"\nq,"",r'
    a = np.frombuffer(text, dtype=np.uint8)
    assert records._lines_if_plain(a, ord(",")) == 2


_row = survey_row
_write = write_lines

ODD = {**odd_rows(), "blank line": [""], "runaway quote": [_row(9, '"opens here and runs on')]}


def _every_way(path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    """The table (or refusal) read with the arrow path and the record guess each on and
    off, and read from the file itself: all must be the same."""
    ways: list[dict[str, object]] = [{"FROM_FILE": 0}]
    for arrow, guess in ((True, True), (True, False), (False, True), (False, False)):
        ways.append({"FROM_FILE": 1 << 62, "arrow": arrow, "guess": guess})
    return same_every_way(path, monkeypatch, ways)


@pytest.mark.parametrize("odd", list(ODD))
@pytest.mark.parametrize("at", [50, 600])  # among the first records counted, or after
def test_quoted_comments_read_the_same_every_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str, at: int
) -> None:
    lines = [HEADER] + [_row(i) for i in range(700)]
    lines[at:at] = ODD[odd]
    _every_way(_write(tmp_path / "c.csv", lines, "utf-8"), monkeypatch)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "crlf", "utf-16", "cp1252"])
def test_quoted_comments_in_other_encodings_read_the_same_every_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    lines = [HEADER] + [_row(i) for i in range(700)]
    lines[600] = _row(599, '"café, ""crème"""')
    table = _every_way(_write(tmp_path / "c.csv", lines, encoding), monkeypatch)
    assert isinstance(table, tuple) and table[0] != "refused"
    assert 'café, "crème"' in table[4]["comment"]


def test_the_guess_and_the_file_read_are_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "c.csv", [HEADER] + [_row(i) for i in range(700)], "utf-8")
    monkeypatch.setattr(files, "FROM_FILE", 0)
    opened = open_responses(path, "c.csv")
    assert isinstance(opened, files.TextFile) and not opened._exact  # the guess
    opened.head()
    readers: list[object] = []
    original = files.TextFile._body_reader

    def spy(self: files.TextFile, offset: int) -> object:
        reader = original(self, offset)
        readers.append(reader)
        return reader

    monkeypatch.setattr(files.TextFile, "_body_reader", spy)
    body = opened.body(1, list(range(3, 23)), 1, 5)
    assert len(readers) == 1 and not isinstance(readers[0], io.BytesIO)  # the file
    assert opened._data is None
    _, counts = records.find_records(path.read_bytes(), ",")
    assert body.fields is not None and body.fields.tolist() == counts[1:].tolist()
    assert body.cells[23][5] == _row(5).split(",", 23)[23][1:-1].replace('""', '"')


@pytest.mark.parametrize("scanned", [False, True])
def test_a_file_changed_after_it_was_read_is_read_from_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scanned: bool
) -> None:
    """A file read whole is read from memory; a large file that was only scanned
    (:mod:`salesmkt.intake.textscan`: its text is not held) is refused instead."""
    path = _write(tmp_path / "c.csv", [HEADER] + [_row(i) for i in range(700)], "utf-8")
    expected = fingerprint(path, monkeypatch)
    if scanned:
        expected = ("refused", f"{path}: the file changed while it was read", [])
        monkeypatch.setattr(files.textscan, "CHUNK", 1 << 20)
    else:
        monkeypatch.setattr(files, "_open_large", lambda *args: None)
    monkeypatch.setattr(files, "FROM_FILE", 0)
    read = files.TextFile.head

    def change_after_head(self: files.TextFile) -> object:
        rows = read(self)
        path.write_bytes(path.read_bytes().replace(b"Sales", b"Sal3s"))
        stamp = path.stat()
        os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
        return rows

    monkeypatch.setattr(files.TextFile, "head", change_after_head)
    assert fingerprint(path, monkeypatch) == expected


def test_free_text_chunk_by_chunk_is_to_pylist() -> None:
    cells = [["a", "", "b c"], [], ["é" * 3, '"q"'], ["x"]]
    column = pa.chunked_array([pa.array(c, type=pa.string()) for c in cells], type=pa.string())
    out = plain_text(column.chunks, len(column))
    assert out.dtype == object and out.tolist() == column.to_pylist()
    sliced = pa.chunked_array([pa.array(["z", "y", "w", "v"]).slice(1, 2)])
    assert plain_text(sliced.chunks, 2).tolist() == ["y", "w"]


@pytest.mark.parametrize(
    ("cells", "limit", "expected"),
    [
        (["abc", "de"], 3, True),
        (["abcd", "de"], 3, False),
        (["ééé", ""], 3, True),  # 6 bytes, 3 characters
        (["éééé"], 3, False),
        ([], 0, True),
    ],
)
def test_within_counts_characters(cells: list[str], limit: int, expected: bool) -> None:
    plain = pa.chunked_array([pa.array(cells, type=pa.string())])
    assert within(plain, limit) is expected
    assert within(plain.dictionary_encode(), limit) is expected
