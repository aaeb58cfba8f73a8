"""Reading an ``.xlsx`` workbook safely: its zip checked before anything is inflated,
its XML parsed by defusedxml, every cell turned into text.

Vocabulary:
- *zip bomb*: a small file whose members declare (or would inflate to) far more than a
  spreadsheet holds; refused from the zip's directory alone (:func:`check_zip`).
- *formula with no saved result*: a cell some writers leave holding only ``=…``; read
  with ``data_only`` it would be blank, so it is reported at its cell instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from salesmkt.errors import ResponseDataError
from salesmkt.intake.rawfile import RawRows, ResponsesFile, column_letter
from salesmkt.model.assessment import DataWarning

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


class Workbook(ResponsesFile):
    """The first sheet of an .xlsx workbook, every cell turned into text."""

    def __init__(self, path: Path, source: str) -> None:
        self.encoding = "xlsx"
        self.delimiter = None
        self.warnings = []
        self.path = path
        self.source = source
        self.formulas = False
        rows = self._first_sheet(path, source)
        width = max((len(r) for r in rows), default=0)
        if not any(any(r) for r in rows):
            raise ResponseDataError(f"{source}: the first sheet is empty")
        self.cells = [
            np.array([r[c] if c < len(r) else "" for r in rows], dtype=object) for c in range(width)
        ]
        self.rownum = np.arange(1, len(rows) + 1, dtype=np.int64)

    def _first_sheet(self, path: Path, source: str) -> list[list[str]]:
        """The first sheet's rows as text; a warning names any other sheets left unread."""
        # Imported here: only workbooks need them, and openpyxl is slow to import.
        import zipfile

        import openpyxl
        from defusedxml.common import DefusedXmlException  # type: ignore[import-untyped]

        self.formulas = check_zip(path, source)
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except DefusedXmlException as exc:
            raise _refused_xml(source, exc) from None
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            cause: BaseException | None = exc
            while cause is not None:  # openpyxl rewraps what its XML parser raised
                if isinstance(cause, DefusedXmlException):
                    raise _refused_xml(source, cause) from None
                cause = cause.__cause__ or cause.__context__
            raise ResponseDataError(f"{source}: not a readable .xlsx workbook ({exc})") from None
        try:
            sheets = book.worksheets
            if not sheets:
                raise ResponseDataError(f"{source}: the workbook has no sheets")
            sheet = sheets[0]
            try:
                rows = [[_xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            except DefusedXmlException as exc:
                raise _refused_xml(source, exc) from None
            if len(sheets) > 1:
                others = ", ".join(repr(s.title) for s in sheets[1:])
                self.warnings.append(
                    DataWarning(
                        code="sheets",
                        message=f"{source}: read the first sheet {sheet.title!r} only; "
                        f"ignored {others}",
                    )
                )
        finally:
            book.close()
        return rows

    def head(self) -> RawRows:
        return RawRows(self.cells, self.rownum, None)

    def body(self, start: int, numeric: Sequence[int], lo: float, hi: float) -> RawRows:
        if self.formulas:
            self._check_formulas(start)
        return RawRows([c[start:] for c in self.cells], self.rownum[start:], None)

    def _check_formulas(self, start: int) -> None:
        """Refuse the data rows' cells that hold a formula with no saved result (read as
        blank, they would silently count as unanswered): the workbook is opened once
        more, keeping formulas, only when a worksheet holds one."""
        import openpyxl

        book = openpyxl.load_workbook(self.path, read_only=True, data_only=False)
        try:
            found: list[str] = []
            for r, row in enumerate(book.worksheets[0].iter_rows(values_only=True)):
                if r < start:
                    continue
                for c, value in enumerate(row):
                    if (
                        isinstance(value, str)
                        and value.startswith("=")
                        and c < len(self.cells)
                        and self.cells[c][r] == ""
                    ):
                        found.append(f"{self.source}:{r + 1}:{column_letter(c)}: {FORMULA_PROBLEM}")
        finally:
            book.close()
        if found:
            raise ResponseDataError(
                f"{self.source}: {len(found)} problem(s) failed the data-quality gate: "
                "cells hold a formula with no saved result",
                found,
            )


def _refused_xml(source: str, exc: BaseException) -> ResponseDataError:
    """The one-line refusal of a workbook whose XML declares entities or a DTD."""
    return ResponseDataError(
        f"{source}: the workbook's XML declares a DTD or entities "
        f"({type(exc).__name__}), which a spreadsheet never writes; refused as unsafe"
    )


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
