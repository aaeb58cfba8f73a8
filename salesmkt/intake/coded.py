"""A text column held as a code per row into its distinct cells, not as a Python string
per row.

Vocabulary:
- *coded column* (:class:`CodedText`): a column pyarrow read dictionary-encoded (an item
  answered with labels, the group, a segment such as the region), kept as its codes
  (``int32``, pyarrow's own) and its *words* (the distinct cells, each one Python
  string; a word may be listed twice, every code still points at its own text).
- *cells*: the column as the object array it stands for, ``words[codes]``: built only
  when something asks for more than the coded column answers itself.

Why: a million respondents' label answers reached the gate as twenty object arrays of
a million cells (160 MB of pointers, 0.2 CPU s of gathers) that nothing read, since the
scale parses each word once from the codes; the group column was hashed a million times
over to find its few spellings. The gate reads the codes and words instead
(:func:`.spelling.tidy`, :func:`.gate.parse_cells`, the group check); anything else
reads the cells, built once, and gets the very values the object array would hold.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.intake.standin import CellsStandIn

__all__ = ["CodedText", "as_cells"]


class CodedText(CellsStandIn):
    """A text column as ``codes`` into ``words`` (see the module's vocabulary).

    Beside what every stand-in answers (:class:`.standin.CellsStandIn`), it answers a
    cell, a slice or a fancy index (gathered from the words, the whole column not built)
    and a comparison with one string (made once per word); any other use builds the
    cells, once."""

    def __init__(self, codes: npt.NDArray[np.signedinteger[Any]], words: list[str]) -> None:
        self.codes = codes
        self.words = words
        self._table: npt.NDArray[Any] | None = None
        self._cells: npt.NDArray[Any] | None = None

    def table(self) -> npt.NDArray[Any]:
        """The words as an object array (codes index it)."""
        if self._table is None:
            table = np.empty(len(self.words), dtype=object)
            table[:] = self.words
            self._table = table
        return self._table

    def cells(self) -> npt.NDArray[Any]:
        """Every cell, built the first time."""
        if self._cells is None:
            self._cells = self.table()[self.codes]
        return self._cells

    def with_words(self, words: list[str]) -> CodedText:
        """The same codes into other ``words`` (one for each of this column's)."""
        return CodedText(self.codes, words)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, key: Any) -> Any:
        if self._cells is not None:
            return self._cells[key]
        if isinstance(key, int | np.integer):
            return self.words[int(self.codes[key])]
        if isinstance(key, slice | np.ndarray):
            return self.table()[self.codes[key]]
        return self.cells()[key]

    def __eq__(self, other: object) -> Any:
        if isinstance(other, str):
            return (self.table() == other)[self.codes]
        return super().__eq__(other)

    def __ne__(self, other: object) -> Any:
        if isinstance(other, str):
            return (self.table() != other)[self.codes]
        return super().__ne__(other)


def as_cells(column: Any) -> npt.NDArray[Any]:
    """``column`` as the object array it stands for (a coded column's cells built)."""
    if isinstance(column, CodedText):
        return column.cells()
    result: npt.NDArray[Any] = column
    return result
