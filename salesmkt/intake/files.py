"""Opening a responses file and reading its cells as text.

Vocabulary:
- *responses file*: CSV, TSV or other delimited text in any common encoding (UTF-8
  with or without a BOM, UTF-16, Windows-1252, Latin-1), or an ``.xlsx`` workbook
  (:mod:`.workbook`; the sheet is chosen by :mod:`.sheets`). Legacy ``.xls``, ``.ods``
  and ``.numbers`` are refused by name.
- *record* and its *fields*: see :mod:`.records`; the text's encoding and delimiter:
  :mod:`.decoding`; the arrow path's read of the body: :mod:`.arrowread`.
- *head* and *body*: a file is read in two goes. The head (its first
  :data:`HEAD_RECORDS` records) is read as text to find the header rows and the item
  columns; the body (every record from the first data row on) is read once they are
  known.
- *scanned file*: a text file of :data:`FROM_FILE` bytes or more that is plain UTF-8
  with LF line ends is looked at a chunk at a time (:mod:`.textscan`) rather than read
  into memory: its head comes from the first chunk and its body from the file itself;
  a file the scan cannot vouch for (another encoding, CR line ends, a quote out of
  place, records the guess rules out) is read whole, as every file is.
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
outside quotes with numpy (:func:`.records.find_records`), not by parsing twice.
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from salesmkt.errors import NotFoundError, ResponseDataError, UsageError
from salesmkt.intake import arrowread, textscan
from salesmkt.intake.arrowread import Body, arrow_column, arrow_table, plain_text, within
from salesmkt.intake.arrowtext import ArrowText
from salesmkt.intake.decoding import decode, plain_utf8_start, sniff_delimiter
from salesmkt.intake.freetext import HEAD_CELLS, FreeText
from salesmkt.intake.rawfile import (
    MAX_CELL_CHARS,
    Factorized,
    RawRows,
    ResponsesFile,
    column_letter,
)
from salesmkt.intake.records import (
    HEAD_RECORDS,
    guessed_records,
    quoted_records,
    scan_records,
    uniform_records,
)
from salesmkt.intake.spelling import is_free_text
from salesmkt.intake.textscan import Scan, scan_text
from salesmkt.intake.workbook import Workbook

__all__ = ["HEAD_RECORDS", "MAX_CELL_LINES", "Rescan", "TextFile", "decode", "open_responses"]

MAX_CELL_LINES = 20
"""Physical lines one quoted cell may span. A cell running over more, or over a line
that looks like a whole record (at least half the header's delimiters), is a quote left
open that swallowed the rows after it: the file is refused, never read short."""

_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
"""The OLE2 stream an encrypted (password-protected) .xlsx keeps its key data in."""


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
    tab_first = path.suffix.lower() in {".tsv", ".tab"}
    try:
        stamp = path.stat()
        large = None
        if stamp.st_size >= FROM_FILE and sheet is None and not exact:
            large = _open_large(path, source, stamp, tab_first)
        if large is not None:
            return large
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
    origin = (path, stamp.st_size, stamp.st_mtime_ns) if len(data) == stamp.st_size else None
    return TextFile(data, source, tab_first=tab_first, exact=exact, origin=origin)


FROM_FILE = 1 << 26
"""Bytes of text from which the arrow path reads the body from the file itself rather
than from the bytes in memory, when the file holds exactly that text (see
:meth:`TextFile._body_reader`)."""

BODY_FROM_FILE = 1 << 23
"""Bytes of text from which the arrow path reads the body from the file itself, the bytes
in memory let go first, though the file was read whole (below :data:`FROM_FILE`): pyarrow
reads it again from the page cache (some 15 ms for 63 MB) while the peak holds the text
once less (a million respondents: 63 MB)."""

Origin = tuple[Path, int, int]
"""The file a text was read from, with its size and modification time (ns) then."""


def _open_large(path: Path, source: str, stamp: os.stat_result, tab_first: bool) -> TextFile | None:
    """A large text file opened without reading it into memory (see
    :mod:`.textscan`), when it is plain UTF-8 with LF line ends, its quotes follow the
    rule and its records can be guessed; ``None`` otherwise (it is then read whole, as
    every file is). The scan is thrown away if the file changed while it was looked
    at."""
    if path.suffix.lower() in {".xls", ".ods", ".numbers"}:
        return None
    with path.open("rb", buffering=0) as handle:
        first = _read_up_to(handle, min(textscan.PREFIX, textscan.CHUNK))
        skip = plain_utf8_start(first)
        if skip is None or first[skip:].isspace() or len(first) - skip < 4:
            return None
        text = first[skip:]
        del first
        if b"\r" in text[:65536]:
            # The scan turns any CR down; in the sniff's sample (line ends not yet made
            # LF) CR line ends (classic Mac) made the csv module fail outright.
            return None
        sep = sniff_delimiter(text[:65536].decode("utf-8", errors="ignore"), tab_first)
        scan = scan_text(handle, text, sep)
        found = os.fstat(handle.fileno())
    origin = (path, stamp.st_size, stamp.st_mtime_ns)
    if scan is None or (found.st_size, found.st_mtime_ns) != origin[1:]:
        return None
    if scan.size + skip != stamp.st_size or scan.size < FROM_FILE:
        return None
    records = scan.lines + (not scan.ends_with_line_feed)
    delimiters = None if scan.quoted else scan.delimiters
    guess = guessed_records(scan.prefix, records, sep, delimiters=delimiters)
    if guess is None:
        return None
    encoding = "utf-8-sig" if skip else "utf-8"
    return TextFile.scanned(source, sep, encoding, origin, skip, scan, guess)


def _read_up_to(handle: io.RawIOBase, size: int) -> bytes:
    """The next ``size`` bytes of ``handle`` (fewer at the end of the file)."""
    parts = []
    left = size
    while left:
        part = handle.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


class Rescan(Exception):  # not an error: a request to start again, caught in responses
    """The body of a text file whose records were taken to have the header's width (see
    :func:`.records.uniform_records`) turned out to be wider: open it again with ``exact``, so
    that its head is read at the file's real width, as it always was."""


class TextFile(ResponsesFile):
    """CSV, TSV or text: decoded to UTF-8, delimiter sniffed, records counted up front.

    Cells are read by pandas' C parser as text (no type guessing, no NA strings). The
    body is first read with the item columns as numbers, which is much faster than
    text; the moment a cell is not a plain in-range whole number (a label, a missing
    code, a typo) it is read again as text and every cell is judged by
    :class:`.scale.AnswerScale`. If the record count ever disagrees with the parser
    (stray quotes), the csv module reads the file instead (the *slow path*).
    """

    def __init__(
        self,
        data: bytes,
        source: str,
        *,
        tab_first: bool,
        exact: bool = False,
        origin: Origin | None = None,
    ) -> None:
        clean, self.encoding, self.warnings = decode(data, source)
        # The file itself holds the clean text after its byte-order mark, if any, when
        # it is UTF-8 with LF line ends: the arrow path may read it from there.
        self._skip = len(data) - len(clean)
        self._prefix: bytes | None = None  # the text's start, while the text is not held
        plain = self.encoding in ("utf-8", "utf-8-sig") and b"\r" not in clean
        from_file = min(FROM_FILE, BODY_FROM_FILE)
        self._origin = origin if plain and len(clean) >= from_file else None
        if b"\r" in clean:  # CRLF, classic Mac CR, or both mixed with LF: all become LF
            clean = clean.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if not clean or clean.isspace():
            raise ResponseDataError(f"{source}: the file is empty")
        self._data: bytes | None = clean
        self._size = len(clean)
        self.source = source
        sample = clean[:65536].decode("utf-8", errors="ignore")
        self.sep = sniff_delimiter(sample, tab_first)
        self.delimiter = self.sep
        uniform: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None
        # The longest record's bytes, when the quote check measured them (a quoted file
        # whose records were guessed): no cell holds more characters.
        self._longest: int | None = None
        if not exact and b'"' in clean:
            quoted = quoted_records(clean, self.sep)
            if quoted is not None:
                starts, counts, self._longest = quoted
                uniform = (starts, counts)
        elif not exact:
            uniform = uniform_records(clean, self.sep)
        # Exact: every record counted. Otherwise only the first ones are, the rest taken
        # to have their width (and ``starts`` lists the first ones only) until the body
        # read confirms it or counts them (:meth:`_exact_records`).
        self._exact = uniform is None
        if uniform is None:
            self.starts, self.counts, self._breaks = scan_records(clean, self.sep)
        else:
            (self.starts, self.counts), self._breaks = uniform, False
        self._start_reading()

    @classmethod
    def scanned(
        cls,
        source: str,
        sep: str,
        encoding: str,
        origin: Origin,
        skip: int,
        scan: Scan,
        guess: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    ) -> TextFile:
        """A large file opened from its :class:`.textscan.Scan` (see :func:`_open_large`):
        its records guessed, its text not held (the head and the body's first cells come
        from the scan's prefix, the body from the file; anything else reads the file
        whole again, see :attr:`data`)."""
        self = cls.__new__(cls)
        self.encoding, self.warnings = encoding, []
        self._skip, self._origin, self.source = skip, origin, source
        self._data, self._prefix, self._size = None, scan.prefix, scan.size
        self.sep = self.delimiter = sep
        self._longest = scan.longest if scan.quoted else None
        self._exact, self._breaks = False, False
        self.starts, self.counts = guess
        self._start_reading()
        return self

    def _start_reading(self) -> None:
        """What every text file starts with once its records are counted or guessed."""
        self.width = int(self.counts.max())
        self._head_read = False
        self._records: list[list[str]] | None = None
        # Columns whose first cells are long free text: the arrow path reads them as
        # plain text, not dictionary-encoded (hashing 2 KB cells that are all distinct
        # costs time and a second copy of them). Only the speed depends on this guess.
        self._free_text: set[int] = set()
        # Columns whose first cells all differ (respondent ids): read as plain text too,
        # as dictionary-encoding a million distinct ids costs pyarrow some 0.06 CPU s
        # and handing them on another 0.03. Only the speed depends on this guess.
        self._distinct: set[int] = set()
        self._items: set[int] = set()
        # Body columns whose every cell the arrow path found within MAX_CELL_CHARS (by
        # pyarrow over each distinct cell): responses need not measure them again.
        self.short_columns: set[int] = set()

    @property
    def data(self) -> bytes:
        """The file's text as clean UTF-8 bytes, until the arrow path let them go; a
        scanned file's text is read whole the first time it is asked for."""
        if self._data is None and self._prefix is not None:
            self._restore()
        if self._data is None:
            raise RuntimeError(f"{self.source}: the body was read already")
        return self._data

    def _text_to(self, end: int) -> bytes:
        """The text's first ``end`` bytes (from a scanned file's prefix when it holds
        them)."""
        if self._data is None and self._prefix is not None and end <= len(self._prefix):
            return self._prefix[:end]
        return self.data[:end]

    def _read(self, offset: int, dtype: dict[int, Any], na: dict[int, list[str]]) -> Any:
        import pandas as pd  # only off the arrow path: score's usual files never load it

        with warnings.catch_warnings():  # a bad read falls back to the csv module
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            return self._read_csv(offset, dtype, na)

    def _read_csv(self, offset: int, dtype: dict[int, Any], na: dict[int, list[str]]) -> Any:
        import pandas as pd

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
        """Every record counted, if they were not (see :func:`.records.uniform_records`); raises
        :class:`Rescan` if the file is wider than its head was read at."""
        if self._exact:
            return
        width = self.width
        self.starts, self.counts, self._breaks = scan_records(self.data, self.sep)
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
            chunk = self._text_to(self._size if n == total else int(self.starts[n]))
            cells = head_cells(chunk, self.sep, self.width, n)
            if cells is not None:
                self._free_text = {c for c, col in enumerate(cells) if is_free_text(col[1:])}
                self._distinct = {c for c, col in enumerate(cells) if _all_distinct(col[1:])}
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
        import pandas as pd

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
        import pandas as pd

        record = f"(?:[^\n]*{re.escape(self.sep)}){{{max(2, (self.width - 1) // 2)}}}"
        for c, col in enumerate(rows.cells):
            if col.dtype != object or not len(col):
                continue
            if isinstance(col, ArrowText):  # pandas' text methods need the cells
                col = col.cells()
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
        import pandas as pd

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

    def _body_reader(self, offset: int) -> Any:
        """What the arrow path reads the text from ``offset`` on from: the file itself
        when it holds that very text (UTF-8, LF line ends), is large and is unchanged
        since it was read, the bytes in memory let go first, so that the text and
        pyarrow's table of it are never held at once (2 GB each for a million 2 KB
        comments), as pyarrow's own file where it can (see :func:`_native`); otherwise
        the bytes in memory (:func:`.arrowread.in_memory`)."""
        if self._origin is not None:
            path, size, mtime = self._origin
            handle = path.open("rb")
            found = os.fstat(handle.fileno())
            if (found.st_size, found.st_mtime_ns) == (size, mtime):
                reader = _native(handle)
                reader.seek(self._skip + offset)
                self._data = None
                return reader
            handle.close()
        return arrowread.in_memory(self.data, offset)

    def _restore(self) -> None:
        """The text in memory again, after :meth:`_body_reader` let it go for a read
        that failed (the other paths read from memory)."""
        if self._data is not None or self._origin is None:
            return
        path, size, mtime = self._origin
        data = path.read_bytes()
        # A scanned file (its prefix held) must be the very file scanned, time and all.
        scanned = self._prefix is not None
        if len(data) != size or (scanned and path.stat().st_mtime_ns != mtime):
            raise ResponseDataError(f"{self.source}: the file changed while it was read")
        self._data, self._prefix = decode(data, self.source)[0], None

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
        offset = int(self.starts[start])
        size = self._size - offset
        lazy = self._lazy_columns(len(counts))
        reread = self._reader_again(offset) if lazy else None
        try:
            heads = self._lazy_heads(offset, lazy)
            # Numeric items as plain text (checked byte by byte, see single_digits); long
            # free text too; the rest dictionary-encoded (few distinct cells).
            plain = set(numeric) | (self._free_text - self._items) | (self._distinct - self._items)
            with self._body_reader(offset) as reader:
                shape = Body(
                    size, len(counts), self.width, self.sep, plain, self._breaks,
                    [c for c in range(self.width) if c not in lazy],
                )  # fmt: skip
                body = arrowread.body_columns(reader, shape, (set(numeric), lo, hi))
            del reader  # it holds the text (a buffer of the bytes in memory) until let go
        except (pa.ArrowException, ValueError, OSError):
            self._restore()
            return None
        if body.rows != len(counts):
            self._restore()
            return None
        # The table is the body from here on: the file's bytes go before its columns
        # become arrays (2 GB of them for a million 2 KB comments).
        self._data = self._prefix = None
        plain = set(numeric)
        items = self._items | plain
        columns, digits = body.columns, body.digits  # each let go once converted
        cells: list[npt.NDArray[Any]] = []
        factorized: dict[int, Factorized] = {}
        for c in range(self.width):
            if c in lazy and reread is not None:
                read = partial(self._lazy_column, reread, size, len(counts), c)
                cells.append(FreeText(read, len(counts), heads[c]))  # type: ignore[arg-type]
                self.short_columns.add(c)  # no record is longer than a cell may be
                continue
            if c in digits:  # an item of single digits, small integers already
                cells.append(digits.pop(c))
                continue
            column = columns.pop(c)
            if c not in items and within(column, MAX_CELL_CHARS):
                self.short_columns.add(c)
            if (c in self._free_text or c in self._distinct) and c not in items:
                cells.append(self._plain_column(c, column.chunks, len(column)))
                del column
                continue
            cell, codes = arrow_column(column, c in plain, c in items, lo, hi)
            del column
            cells.append(cell)  # type: ignore[arg-type]  # a coded column stands for its cells
            if codes is not None:
                factorized[c] = codes
        # pyarrow's pool keeps what the table held; hand it back so that the scoring's
        # arrays reuse it rather than add to the peak.
        pa.default_memory_pool().release_unused()
        return cells, factorized

    def _plain_column(self, c: int, chunks: list[Any], n: int) -> Any:
        """Column ``c``, read as plain text (free text or mostly distinct cells), as what
        the table holds: ids stay arrow's text until their cells are asked for (see
        :mod:`.arrowtext`; responses builds the cells of any other such column), the rest
        an object array."""
        if c in self._distinct and c not in self._free_text:
            return ArrowText.of_chunks(chunks)
        return plain_text(chunks, n)

    def _lazy_columns(self, records: int) -> set[int]:
        """The free-text columns the arrow path leaves out of its main read (see
        :class:`.freetext.FreeText`): none unless :data:`LAZY_FREE_TEXT`, the body is
        long, no quoted cell holds a line break and no record is longer than a cell may
        be (so that no cell of theirs need be measured)."""
        if not LAZY_FREE_TEXT or self._breaks or records <= HEAD_CELLS:
            return set()
        if self._longest is None or self._longest > MAX_CELL_CHARS:
            return set()
        return self._free_text - self._items

    def _lazy_heads(self, offset: int, lazy: set[int]) -> dict[int, npt.NDArray[Any]]:
        """The first :data:`.freetext.HEAD_CELLS` cells of each ``lazy`` column from the
        record at ``offset`` on (records are lines: no line break lies inside quotes)."""
        if not lazy:
            return {}
        text = self._prefix if self._data is None and self._prefix is not None else self.data
        try:
            end = _line_end(text, offset, HEAD_CELLS)
        except ValueError:  # a scanned file's prefix holds fewer lines: the whole text
            text = self.data
            end = _line_end(text, offset, HEAD_CELLS)
        chunk = io.BytesIO(memoryview(text)[offset : end + 1])
        shape = Body(end + 1 - offset, HEAD_CELLS, self.width, self.sep, lazy, include=sorted(lazy))
        table = arrow_table(chunk, shape)
        return {c: plain_text(table.column(str(c)).chunks, HEAD_CELLS) for c in lazy}

    def _reader_again(self, offset: int) -> Callable[[], Any]:
        """What reads the body from ``offset`` on again, for a lazy column: the file, if
        it is the one the arrow path reads (see :meth:`_body_reader`) and is unchanged,
        else the text in memory (kept for that)."""
        if self._origin is None:
            data = self.data
            return lambda: arrowread.in_memory(data, offset)
        path, size, mtime = self._origin
        where = self._skip + offset

        def again() -> Any:
            handle = path.open("rb")
            found = os.fstat(handle.fileno())
            if (found.st_size, found.st_mtime_ns) != (size, mtime):
                handle.close()
                raise ResponseDataError(f"{self.source}: the file changed while it was read")
            reader = _native(handle)
            reader.seek(where)
            return reader

        return again

    def _lazy_column(
        self, reread: Callable[[], Any], size: int, records: int, c: int
    ) -> npt.NDArray[Any]:
        """Column ``c`` of the body read again, alone: pyarrow's narrow read."""
        import pyarrow as pa

        try:
            with reread() as reader:
                table = arrow_table(
                    reader, Body(size, records, self.width, self.sep, {c}, include=[c])
                )
        except (pa.ArrowException, OSError):
            table = None
        if table is None or table.num_rows != records:
            raise ResponseDataError(f"{self.source}: the file changed while it was read")
        chunks = table.column(0).chunks
        del table
        return plain_text(chunks, records)


LAZY_FREE_TEXT = True
"""Whether the arrow path leaves long free-text columns out of its main read and reads
them only when their cells are asked for (:class:`.freetext.FreeText`): the response
table keeps such a column unread until its comments are read (``score`` and ``gaps``
never read them, ``report`` and ``merge`` do)."""


def _all_distinct(cells: npt.NDArray[Any]) -> bool:
    """Whether a column's first cells (at least 16) all differ, as respondent ids do."""
    first = cells.tolist()
    return len(first) >= 16 and len(set(first)) == len(first)


def _line_end(text: bytes, offset: int, lines: int) -> int:
    """Where the ``lines``-th line from ``offset`` on ends in ``text`` (its line feed);
    ValueError when the text holds fewer."""
    end = offset - 1
    for _ in range(lines):
        end = text.index(b"\n", end + 1)
    return end


def _native(handle: BinaryIO) -> Any:
    """The open file ``handle`` as pyarrow's own file (the very file, opened again
    through ``/proc/self/fd``, and ``handle`` closed), so that its reads take neither
    the interpreter lock nor a Python copy of each block (0.5 CPU s for 2 GB); ``handle``
    itself where there is no ``/proc``."""
    import pyarrow as pa

    try:
        native = pa.OSFile(f"/proc/self/fd/{handle.fileno()}")
    except (OSError, pa.ArrowException):
        return handle
    handle.close()
    return native


def head_cells(chunk: bytes, sep: str, width: int, n: int) -> list[npt.NDArray[Any]] | None:
    """The head's ``n`` records as ``width`` text columns (a missing field is ""), read by
    the csv module, or ``None`` when it finds another number of records than the record
    scan did (the caller then reads the file record by record). At most
    :data:`.records.HEAD_RECORDS` records: the csv module is as quick as pandas here, and
    pandas is not loaded for it (its import is a quarter of a small file's ``score``)."""
    try:
        rows = list(csv.reader(io.StringIO(chunk.decode("utf-8"), newline=""), delimiter=sep))
    except csv.Error:  # a cell over the csv module's limit: pandas reads it, the gate refuses
        return _head_cells_by_pandas(chunk, sep, width, n)
    if len(rows) != n:
        return None
    return [
        np.array([r[c] if c < len(r) else "" for r in rows], dtype=object) for c in range(width)
    ]


def _head_cells_by_pandas(
    chunk: bytes, sep: str, width: int, n: int
) -> list[npt.NDArray[Any]] | None:
    import pandas as pd

    try:
        with warnings.catch_warnings():  # a bad read falls back to the csv module
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.BytesIO(chunk), sep=sep, header=None, names=list(range(width)),
                dtype=object, na_filter=False, skip_blank_lines=False, index_col=False,
                engine="c", encoding="utf-8",
            )  # fmt: skip
    except (pd.errors.ParserError, ValueError):
        return None
    if len(frame) != n:
        return None
    return [frame[c].to_numpy(dtype=object) for c in range(width)]
