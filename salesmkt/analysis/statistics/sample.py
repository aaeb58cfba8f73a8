"""Samples as the statistics see them: clean vectors, answer matrices and tallies.

Vocabulary:
- *tally*: a sample held as its distinct values (ascending) and how often each occurs
  (:class:`Tally`). Every function of the statistics core that takes a 1-D sample also
  takes a tally of it and gives exactly the same result, so callers that can count
  answers cheaply (a ``bincount`` over a million Likert answers) never build the sample.
- *clean vector*: a 1-D sample with its non-finite entries dropped (treated as missing).
- *answer matrix*: respondents (rows) x items (columns), NaN (or inf) = not answered.
- *reasons*: the ``"not estimable: ..."`` explanations a result collects; joined once,
  in first-seen order, without repeats.

Survey scores take few distinct values, so working on the tally makes ranks, means,
variances and the bootstrap cost O(distinct values) after one pass over the data, and
makes every result exactly independent of input order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pydantic import ConfigDict

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]

__all__ = [
    "MODEL_CONFIG",
    "Tally",
    "as_matrix",
    "as_tally",
    "clean_vector",
    "finite",
    "join_reasons",
]

# The statistics' own models refuse NaN and inf: a last line of defence behind finite().
MODEL_CONFIG = ConfigDict(allow_inf_nan=False)


def finite(value: float | None) -> float | None:
    """Last-resort guard: overflow or 0/0 in extreme inputs becomes None, never NaN/inf."""
    if value is None:
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def join_reasons(reasons: list[str]) -> str | None:
    # dict.fromkeys keeps first-seen order while dropping repeats.
    return "; ".join(dict.fromkeys(reasons)) if reasons else None


def clean_vector(values: ArrayLike, name: str) -> FloatArray:
    import numpy as np

    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr[np.isfinite(arr)]


def as_matrix(matrix: ArrayLike) -> FloatArray:
    import numpy as np

    arr = np.asarray(matrix, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"matrix must be 2-D (respondents x items), got shape {arr.shape}")
    # inf is no more an answer than NaN is; treat both as missing.
    return np.where(np.isfinite(arr), arr, np.nan)


class Tally:
    """A 1-D sample as its distinct values (ascending, finite) and their counts.

    ``Tally(values, counts)`` takes distinct values in any order (repeated values are
    merged, zero counts dropped); :meth:`of` counts a sample, dropping non-finite entries
    as every function here does. ``n``, ``mean`` and ``ss`` (the sum of squared deviations
    from the mean) are computed once, as exactly as the data allow.
    """

    __slots__ = ("counts", "mean", "n", "ss", "values")

    values: FloatArray
    counts: IntArray
    n: int
    mean: float | None
    ss: float

    def __init__(self, values: ArrayLike, counts: ArrayLike) -> None:
        import numpy as np

        vals = np.asarray(values, dtype=np.float64)
        raw = np.asarray(counts)
        if vals.ndim != 1 or raw.shape != vals.shape:
            raise ValueError(
                f"a tally needs 1-D values and counts of one length, got shapes {vals.shape} "
                f"and {raw.shape}"
            )
        if not np.isfinite(vals).all():
            raise ValueError("tally values must be finite")
        whole = raw.dtype.kind in "biu" or (
            raw.dtype.kind == "f" and bool(np.isfinite(raw).all() and (raw == np.rint(raw)).all())
        )
        if raw.size and not whole:
            raise ValueError("tally counts must be whole numbers")
        cnt = raw.astype(np.int64)
        if (cnt < 0).any():
            raise ValueError("tally counts must not be negative")
        if vals.size > 1 and not (np.diff(vals) > 0).all():
            vals, where = np.unique(vals, return_inverse=True)
            cnt = np.bincount(where, weights=cnt, minlength=vals.size).astype(np.int64)
        keep = cnt > 0
        if not keep.all():
            vals, cnt = vals[keep], cnt[keep]
        self._set(vals, cnt)

    @classmethod
    def of(cls, sample: ArrayLike, name: str = "x") -> Tally:
        """The tally of a 1-D sample; NaN and inf count as missing and are dropped."""
        import numpy as np

        vals, counts = np.unique(clean_vector(sample, name), return_counts=True)
        return cls.trusted(vals, counts.astype(np.int64))

    @classmethod
    def trusted(cls, values: FloatArray, counts: IntArray) -> Tally:
        """A tally from strictly increasing finite values and positive int64 counts, unchecked.

        For callers that built exactly that (``np.unique``, or a ``bincount`` over
        whole-number answers with the empty bins dropped); anything else gives wrong figures.
        """
        out = cls.__new__(cls)
        out._set(values, counts)
        return out

    def _set(self, values: FloatArray, counts: IntArray) -> None:
        # Adding 0.0 turns a -0.0 into 0.0, so the sign of a zero never depends on which
        # of two equal values a caller's counting kept.
        self.values = values + 0.0
        self.counts = counts
        self.n = int(counts.sum())
        self.mean = None
        self.ss = 0.0
        if self.n:
            # Shifting by the smallest value makes a constant group's mean exactly that value
            # (n*v/n can be off by an ulp) and its sum of squares exactly 0.
            base = float(self.values[0])
            shifted = self.values - base
            self.mean = base + float(counts @ shifted) / self.n
            dev = self.values - self.mean
            self.ss = float(counts @ (dev * dev))

    @property
    def distinct(self) -> int:
        return int(self.values.size)

    @property
    def var(self) -> float | None:
        return self.ss / (self.n - 1) if self.n >= 2 else None

    def key(self) -> tuple[int, int]:
        return (self.n, self.distinct)

    def same_as(self, other: Tally) -> bool:
        """True when both tallies describe the same sample."""
        import numpy as np

        return (
            self.key() == other.key()
            and bool(np.array_equal(self.values, other.values))
            and bool(np.array_equal(self.counts, other.counts))
        )


def as_tally(sample: ArrayLike | Tally, name: str) -> Tally:
    return sample if isinstance(sample, Tally) else Tally.of(sample, name)
