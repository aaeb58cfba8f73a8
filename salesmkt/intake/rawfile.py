"""The shapes every opened responses file shares, whatever its kind.

Vocabulary:
- *raw rows* (:class:`RawRows`): one array per column, the spreadsheet row number of
  every row and, for text files, the fields per record.
- *responses file* (:class:`ResponsesFile`): an opened file read in two goes, its
  *head* (to find the header and the item columns) and then its *body*.
- *column letter*: the spreadsheet name of a 0-based column index (0 → A, 26 → AA).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.errors import ResponseDataError
from salesmkt.model.assessment import DataWarning

MAX_ROWS = 10_000_000
"""Rows a text file may hold (a workbook holds at most Excel's 1,048,576 anyway)."""

MAX_COLUMNS = 16_384
"""Columns a file may hold: Excel's own limit (XFD)."""

MAX_CELL_CHARS = 32_767
"""Characters one cell may hold: Excel's own limit, so no spreadsheet writes more."""

Factorized = tuple[npt.NDArray[np.signedinteger[Any]], list[str]]
"""A text column as a code per row and the distinct cells the codes point into (a cell
may be listed twice: every code still points at its own text). The codes are ``intp``
or pyarrow's own ``int32`` dictionary indices, used as they come."""

Flagged = tuple[int, int, str]
"""A cell the reader could not read as written: (data row index, column index, why)."""


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class RawRows:
    """Rows of a file: one array per column (text, or float for fast-path item columns)."""

    cells: list[npt.NDArray[Any]]
    rownum: npt.NDArray[np.int64]  # spreadsheet row number per row
    fields: npt.NDArray[np.int64] | None  # fields per record (text files only)
    flagged: list[Flagged] = field(default_factory=list)  # problems for the gate
    # Item columns read as text whose distinct cells the reader already knows (pyarrow's
    # dictionary): column index → (code per row, distinct cells), so that the scale
    # parses each distinct cell without hashing the column again.
    factorized: dict[int, Factorized] = field(default_factory=dict)


class ResponsesFile:
    """An opened responses file: its head first, then its body once the items are known."""

    encoding: str = "utf-8"
    delimiter: str | None = None
    warnings: list[DataWarning]

    def head(self) -> RawRows:
        raise NotImplementedError

    def body(self, start: int, numeric: Sequence[int], lo: float, hi: float) -> RawRows:
        """Rows from record ``start`` on; ``numeric`` columns may come back as floats."""
        raise NotImplementedError


def check_width(raw: RawRows, source: str) -> None:
    """Refuse a file wider than :data:`MAX_COLUMNS` or a head cell longer than
    :data:`MAX_CELL_CHARS` (the body's text columns are checked by :func:`check_cells`)."""
    if len(raw.cells) > MAX_COLUMNS:
        raise ResponseDataError(
            f"{source}: the file has {len(raw.cells):,} columns, over the limit of {MAX_COLUMNS:,}"
        )
    check_cells(raw.cells, raw.rownum, source)


def check_cells(
    columns: Sequence[npt.NDArray[Any]], rownum: npt.NDArray[np.int64], source: str
) -> None:
    """Refuse the first text cell longer than :data:`MAX_CELL_CHARS`, at its cell."""
    for c, column in enumerate(columns):
        if column.dtype.kind != "O" or not len(column):
            continue
        lengths = np.fromiter(map(len, column.tolist()), dtype=np.int64, count=len(column))
        if lengths.max() > MAX_CELL_CHARS:
            r = int(np.argmax(lengths > MAX_CELL_CHARS))
            raise ResponseDataError(
                f"{source}:{rownum[r]}:{column_letter(c)}: the cell holds "
                f"{int(lengths[r]):,} characters, over the limit of {MAX_CELL_CHARS:,} "
                "(a quote left open, or not a survey export?)"
            )


def check_rows(raw: RawRows, source: str) -> None:
    """Refuse a file longer than :data:`MAX_ROWS`."""
    if len(raw.rownum) > MAX_ROWS:
        raise ResponseDataError(
            f"{source}: the file has {len(raw.rownum):,} rows, over the limit of {MAX_ROWS:,}"
        )
