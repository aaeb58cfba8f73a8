"""A text column of mostly distinct cells (respondent ids) kept as pyarrow read it.

Vocabulary:
- *arrow text* (:class:`ArrowText`): a column pyarrow read as plain text (no cell null),
  held as its one string array: the cells' bytes one after the other and an offset per
  cell, some 12 bytes a respondent id where a Python string takes about 60 (65 MB for a
  million ids). The object array it stands for (its *cells*) is built only when asked.
- *clean*: every byte is printable ASCII other than a space (33 to 127), so that
  :func:`.spelling.tidy` would hand the column back as it is; read from the bytes.
- *surely distinct*: no cell is used twice, settled from the bytes (:meth:`ArrowText.
  surely_distinct`); when it cannot be settled that way the gate builds the cells and
  takes its usual way, so that every message is worded as before.

Why: ``score`` reads the ids only to check that none is used twice and to name the few
respondents a warning is about, yet held them as a million Python strings from the
read to the end of the run (a sixth of its peak memory at a million respondents).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.intake.standin import CellsStandIn

__all__ = ["ArrowText"]


class ArrowText(CellsStandIn):
    """A text column held as a pyarrow string array (see the module's vocabulary).

    Beside what every stand-in answers (:class:`.standin.CellsStandIn`), it answers a
    cell, a slice and an index or mask of rows (each built from the arrow array, the
    whole column not built), :meth:`take` (as arrow text again) and :meth:`arrow`.

    The contract of :meth:`arrow`: a pyarrow ``string`` (or ``large_string``) array whose
    ``to_pylist()`` equals ``cells().tolist()`` cell for cell (None where a cell is None),
    so that a writer may take the column's text from it rather than build arrow again
    from a million Python strings."""

    def __init__(self, text: Any) -> None:
        self._arrow = text
        self._cells: npt.NDArray[Any] | None = None

    @classmethod
    def of_chunks(cls, chunks: list[Any]) -> ArrowText:
        """The column of a pyarrow text column's chunks, made one array (as
        ``large_string`` if its bytes overflow ``string``'s 32-bit offsets)."""
        import pyarrow as pa

        if not chunks:
            return cls(pa.chunked_array([], type=pa.string()).combine_chunks())
        if len(chunks) == 1:
            return cls(chunks[0])
        column = pa.chunked_array(chunks)
        size = sum(_data_bytes(c) for c in chunks)
        if size >= 1 << 31:
            column = column.cast(pa.large_string())
        return cls(column.combine_chunks())

    def arrow(self) -> Any:
        """The cells as a pyarrow text array (see the class's contract)."""
        return self._arrow

    def cells(self) -> npt.NDArray[Any]:
        """Every cell, built the first time."""
        if self._cells is None:
            self._cells = _objects(self._arrow.to_pylist())
        return self._cells

    def tolist(self) -> list[Any]:
        if self._cells is not None:
            return super().tolist()
        cells: list[Any] = self._arrow.to_pylist()
        return cells

    def __len__(self) -> int:
        return len(self._arrow)

    def take(self, index: npt.NDArray[np.integer[Any]]) -> ArrowText:
        """The cells at ``index`` (row numbers, none negative) as arrow text too:
        ascending rows (the rows a table keeps) are gathered from the bytes with numpy,
        others by arrow (whose compute module costs 50 ms to import)."""
        rows = np.asarray(index, dtype=np.int64)
        if len(rows) < 2 or bool((rows[1:] > rows[:-1]).all()):
            gathered = _gathered(self._arrow, rows)
            if gathered is not None:
                return ArrowText(gathered)
        return ArrowText(self._arrow.take(_arrow_rows(rows)))

    def __getitem__(self, key: Any) -> Any:
        if self._cells is not None:
            return self._cells[key]
        n = len(self)
        if isinstance(key, int | np.integer):
            at = int(key) + n if key < 0 else int(key)
            if not 0 <= at < n:
                raise IndexError(f"index {int(key)} is out of bounds for {n} cells")
            return self._arrow[at].as_py()
        if isinstance(key, slice):
            start, stop, step = key.indices(n)
            if step == 1:
                return _objects(self._arrow.slice(start, max(stop - start, 0)).to_pylist())
            return self._rows(np.arange(start, stop, step))
        if isinstance(key, np.ndarray) and key.ndim == 1:
            if key.dtype == bool:
                if len(key) != n:
                    raise IndexError(f"a mask of {len(key)} for {n} cells")
                return self._rows(np.flatnonzero(key))
            if key.dtype.kind in "iu":
                rows = key.astype(np.int64)
                rows = np.where(rows < 0, rows + n, rows)
                if len(rows) and (rows.min() < 0 or rows.max() >= n):
                    raise IndexError(f"an index out of bounds for {n} cells")
                return self._rows(rows)
        return self.cells()[key]

    def _rows(self, rows: npt.NDArray[np.integer[Any]]) -> npt.NDArray[Any]:
        """The cells at ``rows`` (in range, none negative) as an object array."""
        if len(rows) <= 1000:  # a few (the respondents a warning names): one by one
            return _objects([self._arrow[int(r)].as_py() for r in rows])
        return _objects(self.take(rows)._arrow.to_pylist())

    def clean(self) -> bool:
        """Whether every byte is printable ASCII other than a space (so that
        :func:`.spelling.tidy` would leave each cell as it is); False says nothing."""
        data = _data(self._arrow)
        if data is None:
            return False
        # Bytes 33 to 127 (printable ASCII, no space) become 0 to 94; every other byte
        # wraps round above 94: one subtraction and one maximum.
        return not len(data) or int(np.subtract(data, np.uint8(33)).max()) <= 94

    def surely_distinct(self) -> bool:
        """Whether no cell is used twice, read from arrow: when every cell has as many
        bytes (8 or fewer), each cell's bytes read as one number, which must ascend or,
        sorted, differ from their neighbours (exact, no hashing); else the cells must
        ascend (each compared with the one before, by arrow) or arrow's distinct cells
        be as many as the cells."""
        n = len(self)
        if n < 2:
            return True
        keys = _fixed_keys(self._arrow)
        if keys is not None:
            if bool((keys[1:] > keys[:-1]).all()):
                return True
            keys.sort()
            return not bool((keys[1:] == keys[:-1]).any())
        import pyarrow.compute as pc

        ascending = pc.greater(self._arrow.slice(1), self._arrow.slice(0, n - 1))
        if ascending.null_count == 0 and pc.all(ascending).as_py():
            return True
        return len(pc.unique(self._arrow)) == n


def _arrow_rows(index: npt.NDArray[np.integer[Any]]) -> Any:
    """Row numbers as an arrow ``int64`` array over their bytes: ``pyarrow.array``
    imports pandas (it checks its argument against pandas' types)."""
    import pyarrow as pa

    rows = np.ascontiguousarray(index, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(rows)])


def _objects(cells: list[Any]) -> npt.NDArray[Any]:
    out = np.empty(len(cells), dtype=object)
    out[:] = cells
    return out


def _offsets(text: Any) -> npt.NDArray[np.int64] | None:
    """A text array's ``len + 1`` offsets into its data (None if some cell is null)."""
    if text.null_count:
        return None
    wide = str(text.type) == "large_string"
    kind = np.dtype(np.int64 if wide else np.int32)
    found = np.frombuffer(
        text.buffers()[1], dtype=kind, count=len(text) + 1, offset=kind.itemsize * text.offset
    )
    return found.astype(np.int64, copy=False)


def _data_bytes(text: Any) -> int:
    """Bytes a text array's cells hold together."""
    if not len(text):
        return 0
    offsets = _offsets(text)
    if offsets is None:
        import pyarrow.compute as pc

        return int(pc.sum(pc.binary_length(text)).as_py() or 0)
    return int(offsets[-1] - offsets[0])


def _data(text: Any) -> npt.NDArray[np.uint8] | None:
    """The cells' bytes one after the other (None if some cell is null)."""
    offsets = _offsets(text)
    if offsets is None:
        return None
    first, end = int(offsets[0]), int(offsets[-1])
    buffer = text.buffers()[2]
    if buffer is None or end == first:
        return np.zeros(0, dtype=np.uint8)
    return np.frombuffer(buffer, dtype=np.uint8, count=end - first, offset=first)


def _fixed_keys(text: Any) -> npt.NDArray[np.uint64] | None:
    """Each cell's bytes as one number (the bytes read big-endian, zeros after them, so
    that the numbers order as the cells do), when every cell has as many bytes, one
    to eight; else None."""
    offsets = _offsets(text)
    if offsets is None:
        return None
    n = len(text)
    width = int(offsets[1] - offsets[0])
    if not 0 < width <= 8 or int(offsets[-1] - offsets[0]) != n * width:
        return None
    if bool((np.diff(offsets) != width).any()):
        return None
    data = _data(text)
    assert data is not None
    keys = np.zeros((n, 8), dtype=np.uint8)
    keys[:, :width] = data.reshape(n, width)
    return keys.view(">u8").ravel().astype(np.uint64)


def _gathered(text: Any, rows: npt.NDArray[np.int64]) -> Any:
    """The cells of a text array at ``rows`` (ascending, none repeated) as a new text
    array made from the bytes (a mask of the bytes kept); None if some cell is null."""
    import pyarrow as pa

    offsets = _offsets(text)
    data = _data(text)
    if offsets is None or data is None:
        return None
    lengths = np.diff(offsets)
    wide = str(text.type) == "large_string"
    starts = np.zeros(len(rows) + 1, dtype=np.int64 if wide else np.int32)
    width = int(lengths[0]) if len(lengths) else 0
    if width and len(data) == width * len(text) and not (lengths != width).any():
        # One width: each cell one fixed-size item (a gather of items, not of rows of a
        # byte matrix, which numpy copies a byte at a time: ten times slower).
        kept = data.view(np.dtype((np.void, width)))[rows].view(np.uint8)
        np.multiply(np.arange(len(rows) + 1, dtype=starts.dtype), width, out=starts)
    else:
        keep = np.zeros(len(text), dtype=bool)
        keep[rows] = True
        kept = data[np.repeat(keep, lengths)]
        np.cumsum(lengths[rows], out=starts[1:])
    buffers = [None, pa.py_buffer(starts), pa.py_buffer(kept)]
    return pa.Array.from_buffers(text.type, len(rows), buffers)
