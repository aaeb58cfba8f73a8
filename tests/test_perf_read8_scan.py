"""A large text file looked at a chunk at a time (:mod:`salesmkt.intake.textscan`)
reads as the same file read whole into memory: the same response table or the same
refusal, for clean files and for every odd record the reader knows (a stray quote, a
line break in quotes, short and long rows, a blank line, an open quote), with a BOM,
CRLF, UTF-16, Windows-1252, non-ASCII UTF-8 across a chunk's edge, a quote at a chunk's
edge, and a file changed after it was scanned. Chunks and blocks are made small so that
a file of a few hundred rows spans many of them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.reading import (
    HEADER,
    fingerprint,
    odd_rows,
    quoted_comments,
    survey_row,
    write_lines,
)

from salesmkt.intake import files, records, textscan
from salesmkt.intake.files import TextFile, open_responses
from salesmkt.intake.freetext import FreeText

_LONG = ", and the launch plan was never shared with sales" * 5


def _row(i: int, comment: str | None = None) -> str:
    return survey_row(i, comment, tail=_LONG)


def _small(patch: pytest.MonkeyPatch, chunk: int = 50_000, block: int = 512) -> None:
    patch.setattr(textscan, "CHUNK", chunk)
    patch.setattr(records, "_SCAN_BLOCK", block)
    patch.setattr(files, "HEAD_CELLS", 50)


def _scanned_and_whole(
    path: Path, monkeypatch: pytest.MonkeyPatch, **small: int
) -> tuple[object, int]:
    """The fingerprint read through the scan and read whole (they must be equal), and
    how many files were opened through the scan."""
    made: list[object] = []
    real = TextFile.scanned.__func__  # type: ignore[attr-defined]

    def spy(cls: type[TextFile], *args: Any) -> TextFile:
        made.append(args)
        opened: TextFile = real(cls, *args)
        return opened

    with monkeypatch.context() as patch:
        _small(patch, **small)
        patch.setattr(files, "FROM_FILE", 1)
        patch.setattr(TextFile, "scanned", classmethod(spy))
        scanned = fingerprint(path, patch)
    with monkeypatch.context() as patch:
        _small(patch, **small)
        patch.setattr(files, "FROM_FILE", 1 << 62)  # read whole, never from the file
        whole = fingerprint(path, patch)
    assert scanned == whole
    return scanned, len(made)


@pytest.mark.parametrize("odd", [*odd_rows(_LONG), "blank line", "open quote"])
@pytest.mark.parametrize("at", [3, 30, 600])
def test_a_scanned_file_reads_as_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str, at: int
) -> None:
    rows = {
        **odd_rows(_LONG),
        "blank line": [""],
        "open quote": [_row(9, '"never closed, and on')],
    }
    lines = [HEADER] + [_row(i) for i in range(700)]
    lines[at:at] = rows[odd]
    _, scans = _scanned_and_whole(write_lines(tmp_path / "c.csv", lines), monkeypatch)
    # Only a clean file (or one whose odd row is the pyarrow read's to find) is scanned.
    if odd in ("none", "short row", "long row"):
        assert scans == 1
    if odd in ("stray quote", "line break in quotes", "open quote"):
        assert scans == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "crlf", "utf-16", "cp1252", "utf-8"])
def test_encodings_read_as_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    lines = [HEADER] + [_row(i, f'"caf\u00e9 n\u00b0{i}, ""ok"""') for i in range(700)]
    found, scans = _scanned_and_whole(write_lines(tmp_path / "c.csv", lines, encoding), monkeypatch)
    assert found[0] != "refused"
    assert scans == (1 if encoding in ("utf-8-sig", "utf-8") else 0)


def test_plain_numbers_without_quotes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [HEADER] + [_row(i, f"plain {i}") for i in range(700)]
    found, scans = _scanned_and_whole(write_lines(tmp_path / "c.csv", lines), monkeypatch)
    assert found[0] != "refused" and scans == 1
    ragged = [*lines[:400], "R9,Sales,EMEA,1,2,3", *lines[400:]]
    _, scans = _scanned_and_whole(write_lines(tmp_path / "r.csv", ragged), monkeypatch)
    assert scans == 0  # the delimiters rule the guess out: read whole, as before


def test_a_bad_utf8_byte_after_the_first_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [HEADER] + [_row(i) for i in range(700)]
    path = write_lines(tmp_path / "c.csv", lines)
    data = path.read_bytes()
    at = data.index(b"again", len(data) // 2)
    path.write_bytes(data[:at] + b"\xe9" + data[at + 1 :])  # Windows-1252, not UTF-8
    found, scans = _scanned_and_whole(path, monkeypatch)
    assert scans == 0 and found[0] != "refused"


@given(
    chunk=st.integers(min_value=45_000, max_value=90_000),
    block=st.sampled_from([1, 7, 64, 511]),
    comments=quoted_comments('ab ,"\u00e9\u20ac', max_size=12),
)
@settings(max_examples=10, deadline=None)
def test_any_chunks_and_comments_read_the_same(
    tmp_path_factory: pytest.TempPathFactory, chunk: int, block: int, comments: list[str]
) -> None:
    path = tmp_path_factory.mktemp("s") / "c.csv"
    lines = [HEADER] + [_row(i, c) for i, c in enumerate(comments)]
    with pytest.MonkeyPatch.context() as patch:
        _scanned_and_whole(write_lines(path, lines), patch, chunk=chunk, block=block)


@given(
    text=st.text(alphabet='a,"\n\u00e9', max_size=60),
    chunk=st.integers(min_value=1, max_value=70),
    block=st.integers(min_value=1, max_value=9),
)
@settings(max_examples=300, deadline=None)
def test_the_scan_keeps_the_quote_rule(text: str, chunk: int, block: int) -> None:
    """Chunks of any size (the prefix given whole, then the rest read from a file) say
    what the quote check of the text in memory says."""
    data = text.encode("utf-8")
    expected = records.plain_lines(np.frombuffer(data, dtype=np.uint8), ord(","))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "_SCAN_BLOCK", block)
        patch.setattr(textscan, "CHUNK", chunk)
        with tempfile.TemporaryFile() as handle:
            handle.write(data[chunk:])
            handle.seek(0)
            found = textscan.scan_text(handle, data[:chunk], ",")  # type: ignore[arg-type]
    if not data:
        return
    if b'"' not in data:
        assert found is not None and found.lines == data.count(b"\n") and not found.quoted
        assert found.delimiters == data.count(b",")
        return
    if expected is None:
        assert found is None
    else:
        assert found is not None and (found.lines, found.longest) == expected


def test_a_file_changed_after_the_scan_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [HEADER] + [_row(i) for i in range(700)]
    path = write_lines(tmp_path / "c.csv", lines)
    with monkeypatch.context() as patch:
        _small(patch)
        patch.setattr(files, "FROM_FILE", 1)
        opened = open_responses(path, "c.csv")
        assert isinstance(opened, TextFile) and opened._prefix is not None
        opened.head()
        path.write_bytes(path.read_bytes().replace(b"Sales", b"Sal3s"))
        stamp = path.stat()
        os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
        with pytest.raises(Exception, match="changed while it was read"):
            opened.body(1, list(range(3, 23)), 1, 5, items=list(range(3, 23)))


def test_the_comments_stay_unread_through_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``score`` never reads a lazy comment column: the response table holds it unread
    (kept rows taken and withheld rows blanked lazily) until its comments are read."""
    from salesmkt.definitions import questionnaire_load
    from salesmkt.intake.responses import blank_comments, read_responses
    from salesmkt.intake.source import ResponseSource

    lines = [HEADER] + [_row(i) for i in range(2100)]
    lines[5:5] = ["R5,Sales,EMEA" + ",9" * 20 + ',"a bad row"']  # excluded: rows are taken
    path = write_lines(tmp_path / "c.csv", lines)
    # The checks look at a column's first 2,000 cells at most: those come with the body.
    monkeypatch.setattr(files, "HEAD_CELLS", 2000)
    monkeypatch.setattr(files, "FROM_FILE", 0)
    q = questionnaire_load.load("alignment")
    table = read_responses(ResponseSource(path, drop_invalid=True), q)
    held = table.__dict__["comments"].arrays[0]
    assert isinstance(held, FreeText) and not held.read_yet
    drop = np.zeros(table.__dict__["comments"].rows, dtype=bool)
    drop[::3] = True
    blanked = blank_comments(table, drop)
    assert not blanked.__dict__["comments"].arrays[0].read_yet
    with monkeypatch.context() as patch:
        patch.setattr(files, "LAZY_FREE_TEXT", False)
        plain = read_responses(ResponseSource(path, drop_invalid=True), q)
    expected = plain.comments["comment"].tolist()
    assert table.comments["comment"].tolist() == expected
    oracle = blank_comments(plain, drop).comments["comment"]
    got = blanked.comments["comment"]
    assert got.isna().tolist() == oracle.isna().tolist() == drop.tolist()
    assert got.fillna("").tolist() == oracle.fillna("").tolist()


@pytest.mark.parametrize("text", [b"", b"  \n\n \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n", b"a,b"])
def test_empty_and_tiny_files_are_refused_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: bytes
) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(text)
    found, scans = _scanned_and_whole(path, monkeypatch)
    assert found[0] == "refused" and scans == 0  # type: ignore[index]
