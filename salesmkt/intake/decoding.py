"""Decoding a text responses file to clean UTF-8 and finding its delimiter.

Vocabulary:
- *clean bytes*: the file's text as UTF-8 without a byte-order mark, whatever encoding
  it came in (UTF-8 with or without a BOM, UTF-16 with or without one, Windows-1252,
  Latin-1; a legacy encoding is read with a warning).
- *delimiter*: the byte between two fields, one of , ; tab | (:func:`sniff_delimiter`).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools

from salesmkt.errors import ResponseDataError
from salesmkt.model.assessment import DataWarning

_DELIMITERS = ",;\t|"


def decode(data: bytes, source: str) -> tuple[bytes, str, list[DataWarning]]:
    """Clean UTF-8 bytes (no BOM) and the encoding the file was in."""
    warnings: list[DataWarning] = []
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ResponseDataError(
                f"{source}: starts with a UTF-8 mark but byte {exc.start + 3} is not UTF-8"
            ) from None
        return body, "utf-8-sig", warnings
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _from_utf16(data[2:], name, source), name, warnings
    wide = utf16_without_mark(data)
    if wide is not None:
        return _from_utf16(data, wide, source), wide, warnings
    if data.isascii():
        return data, "utf-8", warnings
    try:
        data.decode("utf-8")
        return data, "utf-8", warnings
    except UnicodeDecodeError as exc:
        where = exc.start
    return _from_legacy(data, where, source)


def utf16_without_mark(data: bytes) -> str | None:
    """The UTF-16 encoding of a text without a byte-order mark, judged by its first
    4,000 bytes (every other byte is NUL), or ``None``."""
    head = data[:4000]
    if len(head) >= 4:
        odd, even = head[1::2], head[0::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def plain_utf8_start(data: bytes) -> int | None:
    """Where the text of a file starting with ``data`` starts when the file may be UTF-8
    as it stands (after a UTF-8 byte-order mark: 3; else 0); ``None`` for a workbook,
    UTF-16 or a legacy Excel file, which :func:`decode` (or the workbook reader) must
    see whole."""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return None
    if data.startswith(codecs.BOM_UTF8):
        return len(codecs.BOM_UTF8)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    return None if utf16_without_mark(data) is not None else 0


def _from_legacy(data: bytes, where: int, source: str) -> tuple[bytes, str, list[DataWarning]]:
    """Text that is not UTF-8 (first bad byte at ``where``): Excel's legacy encoding, with
    a warning, since a guessed encoding can still garble accented names."""
    try:
        text = data.decode("cp1252")
        encoding, label = "cp1252", "Windows-1252 (Excel's legacy 'CSV' format)"
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined: Latin-1 takes anything
        text = data.decode("latin-1")
        encoding, label = "latin-1", "Latin-1"
    line = data.count(b"\n", 0, where) + 1
    warning = DataWarning(
        code="encoding",
        message=(
            f"{source} is not UTF-8 (first at line {line}); read it as {label}. "
            "Check accented names; save as 'CSV UTF-8' to be sure."
        ),
    )
    return text.encode("utf-8"), encoding, [warning]


def _from_utf16(data: bytes, encoding: str, source: str) -> bytes:
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResponseDataError(
            f"{source}: looks like UTF-16 text but byte {exc.start} is not valid UTF-16"
        ) from None


def sniff_delimiter(sample: str, tab_first: bool) -> str:
    """The delimiter that splits the header and the first rows most consistently.

    ``csv.Sniffer`` (restricted to , ; tab |) proposes; its choice is kept when it gives
    at least two columns and the rows mostly agree with the header's width, otherwise
    the most consistent candidate wins (ties: the wider header).
    """
    cut = sample.rfind("\n")
    sample = sample[: cut + 1] if cut > 0 else sample
    scores = {delim: _consistency(sample, delim) for delim in _DELIMITERS}
    plausible = [d for d, (agree, width) in scores.items() if width >= 2 and agree >= 0.9]
    if len(plausible) == 1:
        # The one plausible delimiter wins whatever the sniffer proposes (kept if it is
        # that one, else the best plausible one): its sniff of 64 KB of text, some 12 ms
        # of every file's opening, is not needed.
        return plausible[0]
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in plausible:
        return sniffed
    if plausible:
        return max(plausible, key=lambda d: (scores[d], d == "\t" and tab_first))
    if sniffed:
        return sniffed
    best = max(_DELIMITERS, key=lambda d: scores[d][1])
    return best if scores[best][1] >= 2 else ("\t" if tab_first else ",")


def _consistency(sample: str, delim: str) -> tuple[float, int]:
    """How many of the sample's first 50 rows holding anything have the first one's
    width (a share), and that width (0.0 unless it is 2 or more). The reader stops at
    the 50th such row: reading the whole 64 KB sample for each delimiter took some 9 ms
    of every file's opening."""
    reader = csv.reader(io.StringIO(sample), delimiter=delim)
    rows = list(itertools.islice((r for r in reader if any(c.strip() for c in r)), 50))
    if not rows or len(rows[0]) < 2:
        return (0.0, len(rows[0]) if rows else 0)
    width = len(rows[0])
    return (sum(len(r) == width for r in rows) / len(rows), width)
