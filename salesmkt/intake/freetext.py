"""A free-text column of a text file's body read only when its cells are asked for.

Vocabulary:
- *free text*: a column whose first cells are long (comments; see
  :func:`.spelling.is_free_text`). Nothing is computed on it: ``score`` needs no more
  of it than whether its first cells are long or blank.
- *lazy column* (:class:`FreeText`): such a column left out of pyarrow's main read of the
  body (which then only tokenises its bytes, never copying or unescaping them) and read
  by a second, narrow read of the same text the first time its cells are asked for; its
  first :data:`HEAD_CELLS` cells are read with the body, for the checks that look at a
  column's first cells only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.intake.standin import CellsStandIn

HEAD_CELLS = 5000
"""Cells of a lazy column read with the body: the most any check looks at first (the
group share of a column looks at 5,000, the comment guess at 2,000)."""


class FreeText(CellsStandIn):
    """A text column (object dtype, one Python string per cell) whose cells are read by
    ``read`` the first time something asks for more than its first cells (``head``).

    Beside what every stand-in answers (:class:`.standin.CellsStandIn`), it answers
    slices of its first cells at once; any other use reads the cells, once."""

    def __init__(self, read: Callable[[], npt.NDArray[Any]], n: int, head: npt.NDArray[Any]):
        self._read: Callable[[], npt.NDArray[Any]] | None = read
        self._n = n
        self.head = head
        self._cells: npt.NDArray[Any] | None = None

    @property
    def read_yet(self) -> bool:
        """Whether the cells were read."""
        return self._cells is not None

    def cells(self) -> npt.NDArray[Any]:
        """Every cell, read the first time."""
        if self._cells is None:
            assert self._read is not None
            cells = self._read()
            if len(cells) != self._n:  # the reader checks; a second guard costs nothing
                raise RuntimeError("a lazy column read back a different number of cells")
            self._cells, self._read = cells, None
        return self._cells

    def take(self, index: npt.NDArray[np.intp]) -> FreeText:
        """The cells at ``index`` (ascending row numbers) as a lazy column too: read
        the first time they are asked for, as this column's cells then taken. Its first
        cells are the ones of ``index`` that lie in this column's first cells."""
        within = int(np.searchsorted(index, len(self.head)))
        head = self.head[index[:within]]
        return FreeText(lambda: self.cells()[index], len(index), head)

    def blanked(self, drop: npt.NDArray[np.bool_]) -> FreeText:
        """A lazy copy of this column with the ``drop`` rows blanked (None)."""

        def read() -> npt.NDArray[Any]:
            out = self.cells().copy()
            out[drop] = None
            return out

        head = self.head.copy()
        head[drop[: len(head)]] = None
        return FreeText(read, self._n, head)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, key: Any) -> Any:
        if (
            isinstance(key, slice)
            and key.step in (None, 1)
            and key.start in (None, 0)
            and key.stop is not None
            and 0 <= key.stop <= len(self.head)
        ):
            return self.head[key]
        return self.cells()[key]
