"""Twelfth round, reading: a scanned file's prefix (:data:`.textscan.PREFIX`) is shorter
than the chunks read after it. Whatever its length (holding the head and the lazy
columns' first cells, or too short for them, which reads the text whole for them), the
file reads as the same file read whole into memory: the same response table or the same
refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.reading import HEADER, fingerprint, odd_rows, survey_row, write_lines

from salesmkt.intake import files, records, textscan
from salesmkt.intake.files import TextFile

CHUNK = 100_000
_LONG = ", and the launch plan was never shared with sales" * 5


def _read_both_ways(
    path: Path, monkeypatch: pytest.MonkeyPatch, prefix: int
) -> tuple[object, list[int]]:
    """The file's fingerprint read through the scan (chunks of 50,000 bytes after a
    prefix of ``prefix``) and read whole (they must be equal), and the length of each
    scanned file's prefix."""
    prefixes: list[int] = []
    real = TextFile.scanned.__func__  # type: ignore[attr-defined]

    def spy(cls: type[TextFile], *args: Any) -> TextFile:
        opened: TextFile = real(cls, *args)
        assert opened._prefix is not None
        prefixes.append(len(opened._prefix))
        return opened

    def small(patch: pytest.MonkeyPatch) -> None:
        patch.setattr(textscan, "CHUNK", CHUNK)
        patch.setattr(textscan, "PREFIX", prefix)
        patch.setattr(records, "_SCAN_BLOCK", 512)
        # A lazy column's first 200 cells need some 78 KB of text, more than the
        # record guess's 128 records.
        patch.setattr(files, "HEAD_CELLS", 200)

    with monkeypatch.context() as patch:
        small(patch)
        patch.setattr(files, "FROM_FILE", 1)
        patch.setattr(TextFile, "scanned", classmethod(spy))
        scanned = fingerprint(path, patch)
    with monkeypatch.context() as patch:
        small(patch)
        patch.setattr(files, "FROM_FILE", 1 << 62)  # read whole, never from the file
        whole = fingerprint(path, patch)
    assert scanned == whole
    return scanned, prefixes


def _scanned_if(prefix: int, path: Path) -> list[int]:
    """The prefix lengths a clean file is scanned with: as long as asked, at most a chunk
    or the file; none when the prefix cannot hold the record guess's first 128 records."""
    data = path.read_bytes()
    guess = [i for i, byte in enumerate(data) if byte == ord("\n")][127] + 1
    return [min(prefix, CHUNK, len(data))] if prefix >= guess else []


def _lines(comment: str | None = None) -> list[str]:
    """700 records of some 400 bytes (270 KB, three chunks); ``comment``: each record's
    comment, ``{i}`` in it the record's number and ``{tail}`` a long text (by default a
    long quoted one: free text, a lazy column)."""
    return [HEADER] + [
        survey_row(i, None if comment is None else comment.format(i=i, tail=_LONG), _LONG)
        for i in range(700)
    ]


# 20,000: too short for the guess (read whole); 60,000: the guess's records but not the
# lazy column's first cells (the text read whole for them); 90,000 and more: both.
PREFIXES = [20_000, 60_000, 90_000, 99_999, 100_000, 1 << 30]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("odd", ["none", "short row", "long row", "line break in quotes"])
def test_a_short_prefix_reads_as_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: int, odd: str
) -> None:
    lines = _lines()
    lines[400:400] = odd_rows(_LONG)[odd]
    path = write_lines(tmp_path / "c.csv", lines)
    found, prefixes = _read_both_ways(path, monkeypatch, prefix)
    if odd in ("none", "short row", "long row"):
        assert prefixes == _scanned_if(prefix, path)
    else:
        assert prefixes == []  # the quote rule is broken: read whole, as before
    if odd == "none":
        assert found[0] != "refused"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_plain_numbers_and_non_ascii_after_a_short_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: int
) -> None:
    path = write_lines(tmp_path / "p.csv", _lines("plain {i}"))
    found, prefixes = _read_both_ways(path, monkeypatch, prefix)
    assert found[0] != "refused" and prefixes == _scanned_if(prefix, path)
    path = write_lines(tmp_path / "a.csv", _lines('"caf\u00e9 {i}, ""ok""{tail}"'))
    found, prefixes = _read_both_ways(path, monkeypatch, prefix)
    assert found[0] != "refused" and prefixes == _scanned_if(prefix, path)


@pytest.mark.parametrize("ends", ["\r", "\r\n", "\n\r"])
@pytest.mark.parametrize("at", [0, 5, 600])
def test_carriage_returns_read_as_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ends: str, at: int
) -> None:
    """A large file with carriage returns (CR line ends from the first line or from a
    later one, CRLF, LF CR) reads as it does read whole (line ends made LF), never
    scanned: a CR in the sniff's sample made the csv module fail outright (2b1c32d)."""
    lines = _lines("plain {i}")
    text = "\n".join(lines[:at]) + ("\n" if at else "") + ends.join(lines[at:]) + ends
    path = tmp_path / "cr.csv"
    path.write_bytes(text.encode("utf-8"))
    found, prefixes = _read_both_ways(path, monkeypatch, 1 << 30)
    assert prefixes == [] and found[0] != "refused"
    if ends != "\n\r":  # LF CR makes a blank line of every CR, read whole alike
        lf = write_lines(tmp_path / "lf.csv", lines)
        assert found == _read_both_ways(lf, monkeypatch, 1)[0]
