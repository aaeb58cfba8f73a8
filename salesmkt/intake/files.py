"""Opening a responses file and reading its cells as text.

Vocabulary:
- *responses file*: CSV, TSV or other delimited text in any common encoding (UTF-8
  with or without a BOM, UTF-16, Windows-1252, Latin-1), or an ``.xlsx`` workbook
  (:mod:`.workbook`; the sheet is chosen by :mod:`.sheets`). Legacy ``.xls``, ``.ods``
  and ``.numbers`` are refused by name.
- *record*: one line of a text file as the CSV rules see it (a quoted cell may hold line
  breaks); its *fields* are its cells, counted before any parsing so that *ragged*
  records (more or fewer fields than the header) can be reported.
- *head* and *body*: a file is read in two goes. The head (its first
  :data:`HEAD_RECORDS` records) is read as text to find the header rows and the item
  columns; the body (every record from the first data row on) is read once they are
  known.
- *raw rows*: what either read returns (:class:`RawRows`): one array per column, the
  spreadsheet row number of every row and, for text files, the fields per record.
- *numeric columns*: item columns the body may read as plain numbers (the *fast path*);
  they come back as numbers only when every cell is blank or a whole number on the
  scale, otherwise as text like every other column. The arrow path gives them as small
  integers (``int8``, a blank as :data:`.scale.BLANK_CODE`), pandas' as floats (NaN).

Why the reading is hand-rolled rather than ``pandas.read_csv`` defaults: pandas guesses
types and turns "NA", "null" or "None" into missing values; here every cell is read as
text (or, on the fast path, as a number already checked to be on the scale) and the
rest of intake decides what it means. Ragged records are found by counting delimiters
outside quotes with numpy (:func:`find_records`), not by parsing twice.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from salesmkt.errors import NotFoundError, ResponseDataError, UsageError
from salesmkt.intake.rawfile import (
    MAX_CELL_CHARS,
    Factorized,
    RawRows,
    ResponsesFile,
    column_letter,
)
from salesmkt.intake.scale import BLANK_CODE
from salesmkt.intake.spelling import is_free_text
from salesmkt.intake.workbook import Workbook
from salesmkt.model.assessment import DataWarning

HEAD_RECORDS = 64
"""Records read first to find the header, sub-header rows and the item columns."""

MAX_CELL_LINES = 20
"""Physical lines one quoted cell may span. A cell running over more, or over a line
that looks like a whole record (at least half the header's delimiters), is a quote left
open that swallowed the rows after it: the file is refused, never read short."""

_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
"""The OLE2 stream an encrypted (password-protected) .xlsx keeps its key data in."""

_DELIMITERS = ",;\t|"


def open_responses(
    path: Path, source: str, sheet: str | None = None, *, exact: bool = False
) -> ResponsesFile:
    """The file at ``path`` opened as a workbook or as text (``source`` names it);
    ``sheet`` names the worksheet to read (workbooks only); ``exact``: a text file's
    records are all counted up front (see :class:`Rescan`)."""
    if path.is_dir():
        raise ResponseDataError(f"{source}: is a folder, not a responses file")
    if not path.is_file():
        raise NotFoundError(f"{source}: no such file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ResponseDataError(f"{source}: cannot read the file: {exc.strerror}") from None
    # The content decides, not the name: exports are often renamed by hand.
    if data.startswith(b"PK\x03\x04"):
        return Workbook(path, source, sheet)
    if sheet is not None:
        raise UsageError(f"--sheet {sheet!r}: {source} is a text file, not a workbook")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if _ENCRYPTION_INFO in data:  # an encrypted .xlsx is an OLE2 file too
            raise ResponseDataError(
                f"{source}: the workbook is password-protected; save an unprotected copy "
                "(File \N{RIGHTWARDS ARROW} Info \N{RIGHTWARDS ARROW} Protect Workbook) "
                "and read that"
            )
        raise ResponseDataError(
            f"{source}: a legacy Excel workbook (.xls) cannot be read; "
            "save it as .xlsx or CSV UTF-8"
        )
    if path.suffix.lower() in {".xls", ".ods", ".numbers"}:
        raise ResponseDataError(
            f"{source}: {path.suffix} files are not supported; save it as .xlsx or CSV UTF-8"
        )
    return TextFile(data, source, tab_first=path.suffix.lower() in {".tsv", ".tab"}, exact=exact)


class Rescan(Exception):  # not an error: a request to start again, caught in responses
    """The body of a text file whose records were taken to have the header's width (see
    :func:`_uniform_records`) turned out to be wider: open it again with ``exact``, so
    that its head is read at the file's real width, as it always was."""


# -- text files -------------------------------------------------------------------------


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
    head = data[:4000]
    if len(head) >= 4:  # UTF-16 without a BOM: every other byte is NUL
        odd, even = head[1::2], head[0::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return _from_utf16(data, "utf-16-le", source), "utf-16-le", warnings
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return _from_utf16(data, "utf-16-be", source), "utf-16-be", warnings
    if data.isascii():
        return data, "utf-8", warnings
    try:
        data.decode("utf-8")
        return data, "utf-8", warnings
    except UnicodeDecodeError as exc:
        where = exc.start
    return _from_legacy(data, where, source)


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
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    scores: dict[str, tuple[float, int]] = {}
    for delim in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample), delimiter=delim)
        rows = [r for r in reader if any(c.strip() for c in r)][:50]
        if not rows or len(rows[0]) < 2:
            scores[delim] = (0.0, len(rows[0]) if rows else 0)
            continue
        width = len(rows[0])
        scores[delim] = (sum(len(r) == width for r in rows) / len(rows), width)
    plausible = [d for d, (agree, width) in scores.items() if width >= 2 and agree >= 0.9]
    if sniffed in plausible:
        return sniffed
    if plausible:
        return max(plausible, key=lambda d: (scores[d], d == "\t" and tab_first))
    if sniffed:
        return sniffed
    best = max(_DELIMITERS, key=lambda d: scores[d][1])
    return best if scores[best][1] >= 2 else ("\t" if tab_first else ",")


def find_records(data: bytes, delim: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start offset and number of fields of every record, found without parsing.

    Records end at an unquoted LF (a CR before it belongs to the last field and does not
    change the count); a quote toggles quoted mode, so an escaped quote ("") toggles
    twice and leaves it unchanged. Any disagreement with the real parser is caught by
    comparing record counts (see :class:`TextFile`).
    """
    starts, counts, _ = _scan_records(data, delim)
    return starts, counts


def _scan_records(
    data: bytes, delim: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], bool]:
    """:func:`find_records`, and whether any LF lies inside quotes (a multi-line cell, or
    a quote left open: see :meth:`TextFile._check_open_quotes`)."""
    if not data:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), False
    a = np.frombuffer(data, dtype=np.uint8)
    quoted = b'"' in data
    if not quoted:
        return (*_find_plain_records(a, delim), False)
    # Work on the positions of the few special bytes only, not on every byte; found a
    # block at a time, so that the masks cost a block's bytes, not the file's three times
    # over, and only the bytes outside quotes are kept (2 GB of quoted comments made 6 GB
    # of masks, then 1.5 GB of positions inside quotes).
    parts: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]] = []
    inside_before = breaks = False
    for at in range(0, a.size, _SCAN_BLOCK):
        pos, chars = _special_bytes(a[at : at + _SCAN_BLOCK], delim, at)
        is_quote = chars == 34
        # Inside quotes: an odd number of quotes so far (this one included), carried
        # over from the blocks before.
        inside = np.bitwise_xor.accumulate(is_quote.view(np.uint8)).view(bool)
        if inside_before:
            inside = ~inside
        breaks = breaks or bool(np.any(inside & (chars == 10)))
        if len(inside):
            inside_before = bool(inside[-1])
        keep = ~inside & ~is_quote
        parts.append((pos[keep], chars[keep]))
    pos = np.concatenate([p for p, _ in parts])
    chars = np.concatenate([c for _, c in parts])
    del parts
    newline_at = np.flatnonzero(chars == 10)  # indexes into pos
    counts = np.diff(newline_at, prepend=-1) - 1  # delimiters between two newlines
    starts = np.concatenate((np.zeros(1, dtype=np.int64), pos[newline_at] + 1))
    if starts[-1] < len(a):  # a last record without a line end
        after = len(pos) - (int(newline_at[-1]) + 1 if len(newline_at) else 0)
        counts = np.append(counts, after)
    else:
        starts = starts[:-1]
    return starts, counts.astype(np.int64) + 1, breaks


_RECORD_BLOCK = 65_536


def _count_byte(a: npt.NDArray[np.uint8], byte: int) -> int:
    """How often ``byte`` occurs in ``a``, a block at a time (twice the speed of
    ``bytes.count``, and a block's mask rather than the whole text's)."""
    return sum(
        int(np.count_nonzero(a[at : at + _COUNT_BLOCK] == byte))
        for at in range(0, a.size, _COUNT_BLOCK)
    )


_COUNT_BLOCK = 1 << 22


def _uniform_records(
    data: bytes, delim: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """:func:`find_records` of text without quotes, on the guess that every record after
    the first ones has as many fields as the widest of those: the start of the first
    records only, and the fields of every record. ``None`` when the number of delimiters
    in the text rules the guess out (or the text is short: then counting is cheap).

    Counting the delimiters of every record of 400 MB took a second. The guess is
    checked where it matters: the arrow path reads the body at that width and fails on
    any record of another width, and every other path counts the records first."""
    first = 2 * HEAD_RECORDS
    a = np.frombuffer(data, dtype=np.uint8)
    records = _count_byte(a, 10) + (not data.endswith(b"\n"))
    if records <= 4 * first:
        return None
    end = -1
    for _ in range(first):
        end = data.index(b"\n", end + 1)
    starts, counts = _find_plain_records(a[: end + 1], delim)
    width = int(counts.max())
    rest = records - first
    if _count_byte(a, ord(delim)) - int(counts.sum() - first) != rest * (width - 1):
        return None
    return starts, np.concatenate((counts, np.full(rest, width, dtype=np.int64)))


_SCAN_BLOCK = 1 << 24


def _special_bytes(
    block: npt.NDArray[np.uint8], delim: str, at: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """Offsets (from the file's start, ``block`` starting at ``at``) and values of the
    line feeds, delimiters and quotes in ``block``."""
    special = block == 10
    special |= block == ord(delim)
    special |= block == 34
    where = np.flatnonzero(special)
    return where.astype(np.int64) + at, block[where]


def _find_plain_records(
    a: npt.NDArray[np.uint8], delim: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """:func:`find_records` for text without quotes: every LF ends a record and every
    delimiter separates two fields, so the delimiters are counted per record directly
    (half the time of listing all their positions, and none of that list's memory)."""
    newline_at = np.flatnonzero(a == 10)
    starts = np.zeros(newline_at.size + 1, dtype=np.int64)
    starts[1:] = newline_at + 1
    if starts[-1] >= a.size:  # the text ends with a line end
        starts = starts[:-1]
    is_delim = (a == ord(delim)).view(np.uint8)
    counts = np.empty(starts.size, dtype=np.int64)
    # reduceat first casts its whole input to the sum's type, so records are summed a
    # block at a time (a few MB cast, not 8 bytes per byte of the file), into uint16
    # (several times faster than int64). A record with 65,536 delimiters or more would
    # wrap around; then the grand total disagrees and the slow exact sum is used.
    for first in range(0, starts.size, _RECORD_BLOCK):
        block = starts[first : first + _RECORD_BLOCK]
        end = int(starts[first + _RECORD_BLOCK]) if first + _RECORD_BLOCK < starts.size else a.size
        part = is_delim[int(block[0]) : end]
        counts[first : first + block.size] = np.add.reduceat(
            part, block - block[0], dtype=np.uint16
        )
    if int(counts.sum()) != np.count_nonzero(is_delim):
        counts = np.add.reduceat(is_delim, starts, dtype=np.int64)
    return starts, counts + 1


class TextFile(ResponsesFile):
    """CSV, TSV or text: decoded to UTF-8, delimiter sniffed, records counted up front.

    Cells are read by pandas' C parser as text (no type guessing, no NA strings). The
    body is first read with the item columns as numbers, which is much faster than
    text; the moment a cell is not a plain in-range whole number (a label, a missing
    code, a typo) it is read again as text and every cell is judged by
    :class:`.scale.AnswerScale`. If the record count ever disagrees with the parser
    (stray quotes), the csv module reads the file instead (the *slow path*).
    """

    def __init__(self, data: bytes, source: str, *, tab_first: bool, exact: bool = False) -> None:
        clean, self.encoding, self.warnings = decode(data, source)
        if b"\r" in clean:  # CRLF, classic Mac CR, or both mixed with LF: all become LF
            clean = clean.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if not clean or clean.isspace():
            raise ResponseDataError(f"{source}: the file is empty")
        self._data: bytes | None = clean
        self.source = source
        sample = clean[:65536].decode("utf-8", errors="ignore")
        self.sep = sniff_delimiter(sample, tab_first)
        self.delimiter = self.sep
        uniform = None if exact or b'"' in clean else _uniform_records(clean, self.sep)
        # Exact: every record counted. Otherwise only the first ones are, the rest taken
        # to have their width (and ``starts`` lists the first ones only) until the body
        # read confirms it or counts them (:meth:`_exact_records`).
        self._exact = uniform is None
        if uniform is None:
            self.starts, self.counts, self._breaks = _scan_records(clean, self.sep)
        else:
            (self.starts, self.counts), self._breaks = uniform, False
        self.width = int(self.counts.max())
        self._head_read = False
        self._records: list[list[str]] | None = None
        # Columns whose first cells are long free text: the arrow path reads them as
        # plain text, not dictionary-encoded (hashing 2 KB cells that are all distinct
        # costs time and a second copy of them). Only the speed depends on this guess.
        self._free_text: set[int] = set()
        self._items: set[int] = set()
        # Body columns whose every cell the arrow path found within MAX_CELL_CHARS (by
        # pyarrow over each distinct cell): responses need not measure them again.
        self.short_columns: set[int] = set()

    @property
    def data(self) -> bytes:
        """The file's text as clean UTF-8 bytes, until the arrow path let them go."""
        if self._data is None:
            raise RuntimeError(f"{self.source}: the body was read already")
        return self._data

    def _read(self, offset: int, dtype: dict[int, Any], na: dict[int, list[str]]) -> Any:
        with warnings.catch_warnings():  # a bad read falls back to the csv module
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            return self._read_csv(offset, dtype, na)

    def _read_csv(self, offset: int, dtype: dict[int, Any], na: dict[int, list[str]]) -> Any:
        return pd.read_csv(
            io.BytesIO(self.data[offset:]),
            sep=self.sep,
            header=None,
            names=list(range(self.width)),
            dtype=dtype,
            keep_default_na=False,
            na_values=na,
            na_filter=bool(na),
            skip_blank_lines=False,
            index_col=False,
            engine="c",
            quotechar='"',
            doublequote=True,
            encoding="utf-8",
        )

    def _exact_records(self) -> None:
        """Every record counted, if they were not (see :func:`_uniform_records`); raises
        :class:`Rescan` if the file is wider than its head was read at."""
        if self._exact:
            return
        width = self.width
        self.starts, self.counts, self._breaks = _scan_records(self.data, self.sep)
        self.width = int(self.counts.max())
        self._exact = True
        if self._head_read and self.width != width:
            raise Rescan(self.source)

    def _slow(self, first: int, last: int) -> RawRows:
        self._exact_records()
        if self._records is None:
            text = self.data.decode("utf-8")
            self._records = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.sep))
            self.counts = np.array([len(r) for r in self._records], dtype=np.int64)
            self.width = max(int(self.counts.max(initial=0)), self.width)
        rows = self._records[first:last]
        cells = [
            np.array([r[c] if c < len(r) else "" for r in rows], dtype=object)
            for c in range(self.width)
        ]
        rownum = np.arange(first + 1, first + len(rows) + 1, dtype=np.int64)
        return RawRows(cells, rownum, self.counts[first : first + len(rows)])

    def head(self) -> RawRows:
        rows = self._head()
        self._head_read = True
        return rows

    def _head(self) -> RawRows:
        total = len(self.counts)
        n = min(HEAD_RECORDS, total)
        if self._records is None:
            chunk = self.data if n == total else self.data[: self.starts[n]]
            try:
                with warnings.catch_warnings():  # a bad read falls back to the csv module
                    warnings.simplefilter("ignore", pd.errors.ParserWarning)
                    frame = pd.read_csv(
                        io.BytesIO(chunk), sep=self.sep, header=None,
                        names=list(range(self.width)), dtype=object, na_filter=False,
                        skip_blank_lines=False, index_col=False, engine="c", encoding="utf-8",
                    )  # fmt: skip
            except (pd.errors.ParserError, ValueError):
                frame = None
            if frame is not None and len(frame) == n:
                cells = [frame[c].to_numpy(dtype=object) for c in range(self.width)]
                self._free_text = {c for c, col in enumerate(cells) if is_free_text(col[1:])}
                rownum = np.arange(1, n + 1, dtype=np.int64)
                return self._check_open_quotes(RawRows(cells, rownum, self.counts[:n]))
        return self._check_open_quotes(self._slow(0, HEAD_RECORDS))

    def body(
        self, start: int, numeric: Sequence[int], lo: float, hi: float, items: Sequence[int] = ()
    ) -> RawRows:
        """Rows from record ``start`` on (see :class:`.rawfile.ResponsesFile`); ``items``
        are the item columns, whose codes the arrow path hands on when it reads them as
        text (see :class:`.rawfile.RawRows`)."""
        self._items = set(items) | set(numeric)
        return self._check_open_quotes(self._body(start, numeric, lo, hi))

    def _body(self, start: int, numeric: Sequence[int], lo: float, hi: float) -> RawRows:
        total = len(self.counts)
        if self._records is not None:
            return self._slow(start, total)
        if start >= total:
            empty = [np.zeros(0, dtype=object) for _ in range(self.width)]
            return RawRows(empty, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        offset = int(self.starts[start])
        fast = self._read_arrow(start, numeric, lo, hi)
        if fast is not None:
            cells, factorized = fast
            rownum = np.arange(start + 1, total + 1, dtype=np.int64)
            return RawRows(cells, rownum, self.counts[start:], factorized=factorized)
        self._exact_records()  # pandas reads the rest: the records as they really are
        total = len(self.counts)
        frame = self._read_numbers(offset, numeric, lo, hi) if numeric else None
        if frame is None:
            try:
                frame = self._read(offset, dict.fromkeys(range(self.width), object), {})
            except (pd.errors.ParserError, ValueError):
                return self._slow(start, total)
        if len(frame) != total - start:
            return self._slow(start, total)
        cells = [
            frame[c].to_numpy(dtype=np.float64 if frame[c].dtype.kind == "f" else object)
            for c in range(self.width)
        ]
        rownum = np.arange(start + 1, total + 1, dtype=np.int64)
        return RawRows(cells, rownum, self.counts[start:])

    def _check_open_quotes(self, rows: RawRows) -> RawRows:
        """``rows``, unless a quoted cell never closes and swallowed the rows after it.

        Only files with a line break inside quotes (or read by the csv module) are
        checked, and only their text cells holding a line break are looked into: one
        vectorised pass per text column, never a Python loop per row.
        """
        if not (self._breaks or self._records is not None):
            return rows
        record = f"(?:[^\n]*{re.escape(self.sep)}){{{max(2, (self.width - 1) // 2)}}}"
        for c, col in enumerate(rows.cells):
            if col.dtype != object or not len(col):
                continue
            text = pd.Series(col, dtype=object, copy=False)
            multi = text.str.contains("\n", regex=False, na=False).to_numpy(dtype=bool)
            if not multi.any():
                continue
            cells = text[multi]
            lines = cells.str.count("\n").to_numpy() + 1
            runaway = (lines > MAX_CELL_LINES) | cells.str.contains(
                "\n" + record, regex=True, na=False
            ).to_numpy(dtype=bool)
            if runaway.any():
                first = int(np.flatnonzero(runaway)[0])
                row = int(rows.rownum[np.flatnonzero(multi)[first]])
                raise ResponseDataError(
                    f"{self.source}:{row}:{column_letter(c)}: a quoted cell starts here and "
                    f"never closes; it runs on over {int(lines[first])} lines and swallows "
                    "the rows after it. Close the quote (a quote inside a quoted cell is "
                    'written twice: "") and read the file again'
                )
        return rows

    def _read_numbers(self, offset: int, numeric: Sequence[int], lo: float, hi: float) -> Any:
        """The fast path: the body with the ``numeric`` columns as floats, or ``None`` as
        soon as one of their cells is not blank or a whole number from ``lo`` to ``hi``."""
        text_types: dict[int, Any] = dict.fromkeys(range(self.width), object)
        try:
            frame = self._read(
                offset,
                {**text_types, **dict.fromkeys(numeric, np.float64)},
                {c: [""] for c in numeric},
            )
            for c in numeric:
                v = frame[c].to_numpy(dtype=np.float64)
                ok = np.isnan(v) | ((v >= lo) & (v <= hi) & (v == np.floor(v)))
                if not ok.all():
                    return None
        except (pd.errors.ParserError, ValueError):
            return None
        return frame

    def _read_arrow(
        self, start: int, numeric: Sequence[int], lo: float, hi: float
    ) -> tuple[list[npt.NDArray[Any]], dict[int, Factorized]] | None:
        """The body read by pyarrow's multithreaded parser (the *arrow path*), or ``None``
        when it does not apply and pandas reads it as before.

        It applies when every record has the header's width (ragged rows and blank lines
        are pandas' to pad) and pyarrow is installed. Every column is read as text,
        dictionary-encoded, so each column's distinct cells are known without a Python
        loop per row. The ``numeric`` columns come back as small integers when every
        cell is blank or plain digits from ``lo`` to ``hi`` (values pandas' fast path
        gives too), otherwise as text. Any parser error, or a record count that differs
        from the one counted up front, hands the body back to pandas. With the cells come
        the codes of the item columns read as text (label answers): the scale parses
        each distinct cell from them without hashing the column again.
        """
        counts = self.counts[start:]
        if not len(counts) or bool((counts != self.width).any()):
            return None
        try:
            import pyarrow as pa
        except ImportError:
            return None
        try:
            table = self._arrow_table(int(self.starts[start]), numeric)
        except (pa.ArrowException, ValueError, OSError):
            return None
        if table.num_rows != len(counts):
            return None
        # The table is the body from here on: the file's bytes go before its columns
        # become arrays (2 GB of them for a million 2 KB comments).
        self._data = None
        plain = set(numeric)
        items = self._items | plain
        columns = table.columns
        del table  # each column is let go once converted: never the whole table twice
        cells: list[npt.NDArray[Any]] = []
        factorized: dict[int, Factorized] = {}
        for c in range(self.width):
            if c not in items and _longest(columns[c]) <= MAX_CELL_CHARS:
                self.short_columns.add(c)
            if c in self._free_text and c not in items:
                cells.append(columns[c].to_numpy(zero_copy_only=False))
                columns[c] = None
                continue
            cell, codes = _arrow_column(columns[c], c in plain, c in items, lo, hi)
            cells.append(cell)
            if codes is not None:
                factorized[c] = codes
            columns[c] = None
        # pyarrow's pool keeps what the table held; hand it back so that the scoring's
        # arrays reuse it rather than add to the peak.
        pa.default_memory_pool().release_unused()
        return cells, factorized

    def _arrow_table(self, offset: int, numeric: Sequence[int]) -> Any:
        import pyarrow as pa
        from pyarrow import csv as pacsv

        names = [str(c) for c in range(self.width)]
        # Numeric items as plain text (checked byte by byte, see _single_digits); the
        # rest dictionary-encoded (few distinct cells, or each cell once anyway).
        text = pa.dictionary(pa.int32(), pa.string())
        plain = set(numeric) | (self._free_text - self._items)
        types = {name: pa.string() if c in plain else text for c, name in enumerate(names)}
        return pacsv.read_csv(
            io.BytesIO(memoryview(self.data)[offset:]),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=self.sep,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=self._breaks,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,  # decode() already made it UTF-8
            ),
        )


_DIGITS = re.compile(r"[0-9]+")


def _arrow_column(
    column: Any, numeric: bool, item: bool, lo: float, hi: float
) -> tuple[npt.NDArray[Any], Factorized | None]:
    import pyarrow as pa

    """One pyarrow column as a numpy array: small integers for a ``numeric`` column whose
    cells are all blank or whole numbers from ``lo`` to ``hi`` (see :func:`_numbers`),
    otherwise text (each distinct cell one Python string, shared by the rows holding it),
    and then, for an ``item`` column, its codes (see :class:`RawRows`).
    A numeric column comes as plain text: single digits are read straight from its bytes."""
    if not hasattr(column.type, "index_type"):  # plain text, not dictionary-encoded
        digits = _single_digits(column, lo, hi)
        if digits is not None:
            return digits, None
        column = column.dictionary_encode()
    if item and column.num_chunks > 1:
        # One dictionary for the whole column (pyarrow's C remaps each chunk's codes):
        # each distinct answer becomes one Python string and is parsed once, not once
        # per 1 MB block.
        column = column.unify_dictionaries().combine_chunks()
        column = pa.chunked_array([column], type=column.type)
    chunks = [(c.dictionary.to_pylist(), c.indices.to_numpy()) for c in column.chunks]
    if numeric:
        values = [[_plain_value(v, lo, hi) for v in words] for words, _ in chunks]
        if all(v is not None for found in values for v in found):
            return _numbers(values, [idx for _, idx in chunks], lo, hi), None
    parts = [_as_objects(words)[idx] for words, idx in chunks]
    text = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
    return text, _codes(chunks) if item else None


def _numbers(
    values: list[list[float | None]], indices: list[npt.NDArray[Any]], lo: float, hi: float
) -> npt.NDArray[Any]:
    """The cells of a numeric column from each chunk's distinct values and codes: as
    ``int8`` (a blank as :data:`BLANK_CODE`) when the scale fits, else as floats."""
    small = lo > BLANK_CODE and hi <= 127
    kind = np.int8 if small else np.float64
    parts = []
    for found, idx in zip(values, indices, strict=True):
        known = [v if v is not None else math.nan for v in found]
        table = np.array(known, dtype=np.float64)
        if small:
            table = np.where(np.isnan(table), BLANK_CODE, table)
        parts.append(table.astype(kind)[idx])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=kind)


def _longest(column: Any) -> int:
    """The most characters in one cell of a pyarrow text column (plain or dictionary)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if hasattr(column.type, "index_type"):  # each chunk's distinct cells
        column = pa.chunked_array([c.dictionary for c in column.chunks], type=pa.string())
    found = pc.max(pc.utf8_length(column)).as_py() if len(column) else None
    return int(found or 0)


def _codes(chunks: list[tuple[list[str], npt.NDArray[Any]]]) -> Factorized:
    """One code per row into the chunks' distinct cells listed one after the other."""
    if not chunks:
        return np.zeros(0, dtype=np.intp), []
    if len(chunks) == 1:  # pyarrow's own codes (int32) serve as they are
        return chunks[0][1], chunks[0][0]
    shift = np.cumsum([0] + [len(words) for words, _ in chunks[:-1]])
    codes = np.concatenate(
        [idx.astype(np.intp) + int(s) for (_, idx), s in zip(chunks, shift, strict=True)]
    )
    return codes, [word for words, _ in chunks for word in words]


def _single_digits(column: Any, lo: float, hi: float) -> npt.NDArray[np.int8] | None:
    """A text column whose every cell is blank or one digit from ``lo`` to ``hi``, as
    small integers (:data:`BLANK_CODE` for blanks), read from each chunk's offsets and
    bytes; ``None`` otherwise."""
    out = np.empty(len(column), dtype=np.int8)
    at = 0
    for chunk in column.chunks:
        digits = _chunk_digits(chunk, lo, hi)
        if digits is None:
            return None
        out[at : at + len(digits)] = digits
        at += len(digits)
    return out


def _chunk_digits(chunk: Any, lo: float, hi: float) -> npt.NDArray[np.int8] | None:
    """:func:`_single_digits` of one chunk of a pyarrow text column."""
    n = len(chunk)
    if chunk.null_count:
        return None
    if not n:
        return np.zeros(0, dtype=np.int8)
    _, offsets_buf, data_buf = chunk.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=n + 1, offset=4 * chunk.offset)
    lengths = np.diff(offsets)
    if int(lengths.max()) > 1:
        return None
    first, end = int(offsets[0]), int(offsets[-1])
    if end == first:  # every cell blank
        return np.full(n, BLANK_CODE, dtype=np.int8)
    data = np.frombuffer(data_buf, dtype=np.uint8)
    low = int(lo) if 0 <= lo <= 9 else 0
    zero = np.uint8(ord("0") + low)
    blank = None
    if end - first == n:  # one byte each: the bytes are the cells
        digits = data[first:end] - zero
    else:  # a blank cell's start is its neighbour's (or the end): read, then blanked
        blank = lengths == 0
        digits = data[np.minimum(offsets[:-1], end - 1)] - zero
        np.copyto(digits, np.uint8(0), where=blank)
    # Bytes below the scale's lowest digit wrap round to 246 and more: one max checks
    # that every byte is a digit from lo to hi.
    if int(digits.max()) > min(int(hi), 9) - low or lo > 9:
        return None
    values = digits.view(np.int8)
    values += np.int8(low)
    if blank is not None:
        np.copyto(values, np.int8(BLANK_CODE), where=blank)
    return values


def _as_objects(words: list[str]) -> npt.NDArray[Any]:
    out = np.empty(len(words), dtype=object)
    out[:] = words
    return out


def _plain_value(cell: str, lo: float, hi: float) -> float | None:
    """NaN for a blank, the number for plain digits from ``lo`` to ``hi``, else ``None``."""
    if cell == "":
        return math.nan
    if _DIGITS.fullmatch(cell) and lo <= int(cell) <= hi:
        return float(int(cell))
    return None
