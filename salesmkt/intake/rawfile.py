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
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.model.assessment import DataWarning


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
