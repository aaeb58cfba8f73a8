"""Distinct values of a column without pandas: ``factorize`` and ``duplicated``.

Vocabulary:
- *codes* and *uniques*: each cell as the index of its value in ``uniques``, the
  distinct values in order of first appearance; a *missing* cell (None, a float NaN,
  pandas' NA or NaT) gets the code -1 and is not among the uniques. These are exactly
  ``pandas.factorize(values)``'s codes and uniques (tests/test_perf_nopandas.py checks
  it against pandas with hypothesis), so that ``score`` can do without importing pandas
  (0.2-0.45 s of every run).
- *repeated*: the cells whose value occurs more than once, as
  ``pandas.Series(values).duplicated(keep=False)`` marks them (Python float NaNs are
  one value there, other NaNs only equal to themselves).

Object columns go through a Python dict, which knows the same equality as pandas' hash
table for these values (``==`` with equal hashes: ``1``, ``1.0`` and ``True`` are one
value, the first seen kept); only NaN differs (one NaN is not equal to another), which is
why missing cells are sorted out per distinct value, after the pass. Numeric columns go
through :func:`numpy.unique` (0.0 and -0.0 are one value there too).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["duplicated", "factorize"]

_MISSING_TYPES = frozenset({"NAType", "NaTType"})
"""pandas' missing-value scalars, known by their type's name so as not to import pandas."""


def is_missing(value: Any) -> bool:
    """Whether pandas counts ``value`` as missing in an object column."""
    if value is None:
        return True
    if isinstance(value, float):  # numpy's float64 too
        return math.isnan(value)
    if isinstance(value, np.floating | np.datetime64 | np.timedelta64):
        return bool(np.isnan(value))
    return type(value).__name__ in _MISSING_TYPES


def factorize(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]]:
    """``pandas.factorize(values)`` of a one-dimensional array: codes (-1 where missing)
    and the distinct values in order of first appearance, of ``values``' dtype."""
    if values.dtype != object:
        return _factorize_numbers(values)
    codes, uniques = _first_seen(values.tolist())
    missing = [i for i, u in enumerate(uniques) if is_missing(u)]
    if missing:  # rare: renumber the rest in order, the missing ones -1
        renumber = np.full(len(uniques), -1, dtype=np.intp)
        present = np.ones(len(uniques), dtype=bool)
        present[missing] = False
        renumber[present] = np.arange(int(present.sum()), dtype=np.intp)
        codes = renumber[codes]
        uniques = [u for i, u in enumerate(uniques) if present[i]]
    out = np.empty(len(uniques), dtype=object)
    out[:] = uniques
    return codes, out


def _factorize_numbers(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]]:
    """:func:`factorize` of a numeric (or boolean) array."""
    present = ~np.isnan(values) if values.dtype.kind in "fc" else np.ones(len(values), bool)
    where = np.flatnonzero(present)
    # kind="stable" is numpy's default with return_index: the first of equal values wins.
    _, first, inverse = np.unique(values[where], return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # distinct values by first appearance
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order), dtype=np.intp)
    codes = np.full(len(values), -1, dtype=np.intp)
    codes[where] = rank[inverse.reshape(-1)]
    return codes, values[where[first[order]]]


def duplicated(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """``pandas.Series(values).duplicated(keep=False)`` of an object array: whether each
    cell's value occurs elsewhere too (missing values of one kind count as one value)."""
    codes, uniques = _first_seen(values.tolist())
    # Every Python float NaN is one value (pandas' hash table makes an exception to
    # "NaN is not equal to itself" for exact floats only): their codes become one.
    nans = [i for i, u in enumerate(uniques) if type(u) is float and u != u]
    if len(nans) > 1:
        merge = np.arange(len(uniques), dtype=np.intp)
        merge[nans] = nans[0]
        codes = merge[codes]
    counts = np.bincount(codes, minlength=len(uniques))
    repeated: npt.NDArray[np.bool_] = counts[codes] > 1
    return repeated


def _first_seen(cells: list[Any]) -> tuple[npt.NDArray[np.intp], list[Any]]:
    """Each cell's index among the distinct cells in order of first appearance (dict
    equality), and those cells. Two passes that run in C, no Python call per cell: the
    reader shares one string object between the cells holding it, so most lookups
    succeed on identity."""
    uniques = list(dict.fromkeys(cells))
    index = {u: i for i, u in enumerate(uniques)}
    codes = np.fromiter(map(index.__getitem__, cells), dtype=np.intp, count=len(cells))
    return codes, uniques
