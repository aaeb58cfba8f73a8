"""Reading an ``.xlsx`` workbook safely and fast: its zip checked before anything is
inflated, its XML refused if it declares a DTD, then every sheet read by calamine.

Vocabulary:
- *zip bomb*: a small file whose members declare (or would inflate to) far more than a
  spreadsheet holds; refused from the zip's directory alone (:func:`check_zip`).
- *DTD*: where XML declares entities (entity bombs, external entities); spreadsheets
  never write one, so a workbook whose XML does is refused (:func:`refuse_dtd`).
- *formula with no saved result*: a cell some writers leave holding only ``=…``; read
  as a value it would be blank, so it is a problem at its cell for the gate (found by a
  second read through openpyxl, whose XML parser is defusedxml).
- *raw values*: cells as calamine gives them (float, int, str, bool, dates, None); the
  head and text columns turn them into the text a CSV export would hold, and the item
  columns of the body become numbers directly when they all are (the *fast path*).
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.errors import ResponseDataError, UsageError
from salesmkt.intake.rawfile import MAX_COLUMNS, MAX_ROWS, RawRows, ResponsesFile

MAX_XLSX_UNPACKED = 200 * 1024 * 1024
"""Bytes an .xlsx workbook may unpack to, all its members together (as the zip declares
them; :mod:`zipfile` never inflates a member past its declared size, so the declared
sizes bound what openpyxl reads)."""

MAX_XLSX_RATIO = 100
"""Compression ratio a large member (over :data:`RATIO_FROM` bytes unpacked) may have."""

RATIO_FROM = 10 * 1024 * 1024
"""Unpacked size from which a member's compression ratio is checked."""

MAX_XLSX_MEMBERS = 10_000
"""Members (files inside the zip) an .xlsx workbook may hold."""

HEAD_ROWS = 64
"""Rows of a sheet read as text to find its header (as :data:`.files.HEAD_RECORDS`)."""

FORMULA_PROBLEM = (
    "a formula with no saved result; open the file in Excel and save it, or paste values"
)


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        text = str(value)
        return text[:-9] if text.endswith(" 00:00:00") else text
    return str(value)


@dataclass
class Sheet:
    """One worksheet of the workbook, its cells as the reader gave them (numbers,
    text, dates, None), turned into text only where text is needed."""

    title: str
    hidden: bool
    rows: list[list[Any]]

    @property
    def empty(self) -> bool:
        return not any(v is not None and v != "" for r in self.rows for v in r)

    def described(self) -> str:
        return f"{self.title!r}" + (" (hidden)" if self.hidden else "")


_as_text = np.frompyfunc(_xlsx_text, 1, 1)


class Workbook(ResponsesFile):
    """An .xlsx workbook: every worksheet read, one of them *in use*.

    Which sheet holds the responses is decided by :mod:`.sheets` from the sheets'
    content (or named with ``--sheet``); until then the first non-empty sheet is in use.
    The head is the first :data:`HEAD_ROWS` rows as text; the body's item columns come
    back as numbers when every cell is a whole number on the scale or blank (as a text
    file's fast path does), every other column as text.
    """

    def __init__(self, path: Path, source: str, sheet: str | None = None) -> None:
        self.encoding = "xlsx"
        self.delimiter = None
        self.warnings = []
        self.path = path
        self.source = source
        self.formulas = check_zip(path, source)
        refuse_dtd(path, source)
        self.sheets = _read_sheets(path, source, sheet)
        if all(s.empty for s in self.sheets):
            where = f"the sheet {self.sheets[0].title!r} is" if sheet else "every sheet is"
            raise ResponseDataError(f"{source}: {where} empty")
        self.use(self.candidates()[0])

    def candidates(self) -> list[int]:
        """The sheets that hold anything, in workbook order."""
        return [i for i, s in enumerate(self.sheets) if not s.empty]

    def use(self, index: int) -> None:
        """Read sheet ``index`` from now on: one array of raw values per column."""
        rows = self.sheets[index].rows
        self.index = index
        columns = itertools.zip_longest(*rows, fillvalue=None)
        self.values = [np.array(c, dtype=object) for c in columns]
        self.rownum = np.arange(1, len(rows) + 1, dtype=np.int64)

    @property
    def title(self) -> str:
        return self.sheets[self.index].title

    def head(self) -> RawRows:
        cells = [_text(c[:HEAD_ROWS]) for c in self.values]
        return RawRows(cells, self.rownum[:HEAD_ROWS], None)

    def body(self, start: int, numeric: Sequence[int], lo: float, hi: float) -> RawRows:
        flagged = self._formula_cells(start) if self.formulas else []
        cells: list[npt.NDArray[Any]] = []
        for i, column in enumerate(self.values):
            fast = _numbers(column[start:], lo, hi) if i in numeric else None
            cells.append(fast if fast is not None else _text(column[start:]))
        return RawRows(cells, self.rownum[start:], None, flagged)

    def _formula_cells(self, start: int) -> list[tuple[int, int, str]]:
        """The data rows' cells that hold a formula with no saved result (read as blank,
        they would silently count as unanswered), as problems for the gate: the workbook
        is opened once more, keeping formulas, only when a worksheet holds one."""
        found: list[tuple[int, int, str]] = []
        for r, row in enumerate(_formula_rows(self.path, self.title)):
            if r < start:
                continue
            for c, value in enumerate(row):
                saved = self.values[c][r] if c < len(self.values) else None
                blank = saved is None or saved == ""
                if isinstance(value, str) and value.startswith("=") and blank:
                    found.append((r - start, c, FORMULA_PROBLEM))
        return found


def _text(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Raw cell values as the text a CSV export of the sheet would hold."""
    return np.asarray(_as_text(values), dtype=object) if len(values) else values.astype(object)


_NUMERIC_TYPES = {float, int, type(None)}  # not bool: TRUE in an item column is no answer


def _numbers(values: npt.NDArray[Any], lo: float, hi: float) -> npt.NDArray[np.float64] | None:
    """The column as floats (NaN for blank) when every cell is blank or a whole number
    from ``lo`` to ``hi``; None otherwise (it is then read as text, answer by answer)."""
    kinds = set(map(type, values))
    if str in kinds:  # empty strings are blank too; any other text is read as text
        values = values.copy()
        values[values == ""] = None
        kinds = set(map(type, values))
    if not kinds <= _NUMERIC_TYPES:
        return None
    out = values.astype(np.float64)  # None becomes NaN
    ok = np.isnan(out) | ((out >= lo) & (out <= hi) & (out == np.floor(out)))
    return out if ok.all() else None


def _read_sheets(path: Path, source: str, named: str | None) -> list[Sheet]:
    """Every worksheet's rows (only ``named`` when given), read with calamine: its
    reader is fast, and the zip and the XML prologs were checked before."""
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        meta = [m for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
        if not meta:
            raise ResponseDataError(f"{source}: the workbook has no worksheets")
        if named is not None:
            meta = [m for m in meta if m.name == named] or _no_such_sheet(source, named, meta)
        sheets = []
        for m in meta:
            rows = book.get_sheet_by_name(m.name).to_python(skip_empty_area=False)
            check_size(rows, source)
            hidden = m.visible != calamine.SheetVisibleEnum.Visible
            sheets.append(Sheet(m.name, hidden, rows))
    except calamine.CalamineError as exc:
        raise ResponseDataError(f"{source}: not a readable .xlsx workbook ({exc})") from None
    return sheets


def _no_such_sheet(source: str, named: str, meta: Sequence[Any]) -> list[Any]:
    titles = ", ".join(repr(m.name) for m in meta)
    raise UsageError(f"--sheet {named!r}: {source} has no such sheet; its sheets are {titles}")


def _formula_rows(path: Path, title: str) -> list[tuple[object, ...]]:
    """The rows of sheet ``title`` with formulas kept as their text (openpyxl, whose XML
    goes through defusedxml)."""
    import openpyxl

    with warnings.catch_warnings():  # "no default style" and the like: nothing to act on
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        return list(book[title].iter_rows(values_only=True))
    finally:
        book.close()


def check_size(rows: Sequence[Sequence[object]], source: str) -> None:
    """Refuse a sheet past the documented row and column limits (:mod:`.rawfile`)."""
    if len(rows) > MAX_ROWS:
        raise ResponseDataError(
            f"{source}: the sheet has {len(rows):,} rows, over the limit of {MAX_ROWS:,}"
        )
    width = max((len(r) for r in rows), default=0)
    if width > MAX_COLUMNS:
        raise ResponseDataError(
            f"{source}: the sheet has {width:,} columns, over the limit of {MAX_COLUMNS:,}"
        )


def _refused_xml(source: str, exc: BaseException) -> ResponseDataError:
    """The one-line refusal of a workbook whose XML declares entities or a DTD."""
    return ResponseDataError(
        f"{source}: the workbook's XML declares a DTD or entities ({exc}), which a "
        "spreadsheet never writes; refused as unsafe"
    )


_PROLOG_SKIP = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def refuse_dtd(path: Path, source: str) -> None:
    """Refuse a workbook any of whose XML members declares a DTD (where entities, and
    so entity bombs and external entities, are declared): spreadsheets never write one.
    A DTD can only stand in the prolog, before the first element, so only the prolog
    of each member is read."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        for m in zf.infolist():
            if m.filename.endswith((".xml", ".rels", ".vml")) and _declares_dtd(zf, m):
                raise _refused_xml(source, ValueError(f"a DTD in {m.filename}"))


def _declares_dtd(zf: Any, member: Any) -> bool:
    """Whether the member's prolog (declaration, comments, processing instructions,
    whitespace) is followed by ``<!DOCTYPE``, read a chunk at a time."""
    buf = b""
    with zf.open(member) as f:
        while True:
            chunk = f.read(1 << 16)
            buf += chunk
            if buf.startswith(b"\xef\xbb\xbf"):
                buf = buf[3:]
            while (skip := _PROLOG_SKIP.match(buf)) and skip.end() > 0:
                buf = buf[skip.end() :]
            if buf.startswith(b"<!DOCTYPE") or buf.startswith(b"<!doctype"):
                return True
            if (buf.startswith(b"<") and not buf.startswith((b"<?", b"<!"))) or not chunk:
                return False
            if len(buf) > 1 << 20:  # a prolog this long is no spreadsheet's
                return True


def check_zip(path: Path, source: str) -> bool:
    """Refuse a zip that would unpack too large, too many members or a member packed
    suspiciously tight (a zip bomb), from the zip's directory alone, before anything is
    inflated. Returns whether a worksheet holds a formula (``<f`` in its XML)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if len(members) > MAX_XLSX_MEMBERS:
                raise ResponseDataError(
                    f"{source}: the workbook holds {len(members):,} files inside its zip, over "
                    f"the limit of {MAX_XLSX_MEMBERS:,}; refused as a possible zip bomb"
                )
            total = sum(m.file_size for m in members)
            if total > MAX_XLSX_UNPACKED:
                raise ResponseDataError(
                    f"{source}: the workbook would unpack to {total / 2**20:,.0f} MB, over the "
                    f"limit of {MAX_XLSX_UNPACKED // 2**20} MB; refused as a possible zip bomb"
                )
            for m in members:
                ratio = m.file_size / max(m.compress_size, 1)
                if m.file_size > RATIO_FROM and ratio > MAX_XLSX_RATIO:
                    raise ResponseDataError(
                        f"{source}: {m.filename} inside the workbook is packed {ratio:,.0f}:1, "
                        f"over the limit of {MAX_XLSX_RATIO}:1; refused as a possible zip bomb"
                    )
            return any(
                _has_formula(zf, m)
                for m in members
                if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
            )
    except zipfile.BadZipFile as exc:
        raise ResponseDataError(f"{source}: not a readable .xlsx workbook ({exc})") from None


def _has_formula(zf: Any, member: Any) -> bool:
    """Whether a worksheet's XML holds a formula element, read in chunks."""
    tail = b""
    with zf.open(member) as f:
        while chunk := f.read(1 << 20):
            if re.search(rb"<(?:\w+:)?f[ >/]", tail + chunk):
                return True
            tail = chunk[-16:]
    return False
