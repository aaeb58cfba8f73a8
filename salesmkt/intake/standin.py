"""A column that stands for an object array of its cells and builds them only when asked.

Vocabulary:
- *stand-in* (:class:`CellsStandIn`): an object the reading path hands on where the gate
  and the response table expect a 1-D object array (``dtype`` object, one Python string
  or None a cell), while the cells themselves are not built yet. A subclass says how
  many cells there are (``len``) and how to build them (:meth:`CellsStandIn.cells`,
  once); it may answer some questions itself (a cell, a slice, a comparison) without
  building them.
- *cells*: the object array it stands for. Anything the stand-in does not answer itself
  (``tolist``, ``np.asarray``, iteration, any numpy attribute) is asked of the cells, so
  a reader gets the very values the array would hold.

Two stand-ins share this: the lazy free-text column (:mod:`.freetext`, read on first
use) and the coded column (:mod:`.coded`, a code per row into its distinct cells).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt


class CellsStandIn:
    """What every stand-in answers alike (see the module's vocabulary): its ``dtype``,
    ``shape`` and ``size`` at once; the array protocol, iteration, ``tolist``,
    comparisons and every other attribute from its cells."""

    dtype = np.dtype(object)
    ndim = 1

    def cells(self) -> npt.NDArray[Any]:
        """Every cell, built the first time."""
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    @property
    def shape(self) -> tuple[int]:
        return (len(self),)

    @property
    def size(self) -> int:
        return len(self)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> npt.NDArray[Any]:
        cells = self.cells()
        return cells if dtype is None else cells.astype(dtype)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.cells())

    def tolist(self) -> list[Any]:
        cells: list[Any] = self.cells().tolist()
        return cells

    def __eq__(self, other: object) -> Any:
        return self.cells() == other

    def __ne__(self, other: object) -> Any:
        return self.cells() != other

    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # its own fields, before __init__ (a copy): never read
            raise AttributeError(name)
        return getattr(self.cells(), name)
