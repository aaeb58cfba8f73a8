"""Rank machinery of the group comparison: Mann-Whitney U, Cliff's delta, the rank test.

Vocabulary:
- *pooled ranks*: both groups' answers ranked together, ties sharing their average rank;
  held per distinct value (a *tie block*) with the x and y counts (:class:`PooledRanks`).
- *doubled ranks*: twice the average ranks, always integers, so rank sums, U and the
  permutation statistic are exact integers: swapping x and y negates Cliff's delta
  exactly and ties in the permutation test are compared without float tolerance.
- *t_obs*: the observed test statistic ``|2U - n_x n_y|``, i.e. twice |U - n_x n_y / 2|.
- *p method*: ``"permutation"`` when min(n_x, n_y) <= ``permutation_max_n`` -- exact
  (the permutation distribution enumerated by dynamic programming over tie blocks) when
  the table is small enough, otherwise Monte Carlo with ``n_perm`` resamples --, else
  ``"asymptotic"``: the tie-corrected normal approximation with continuity correction,
  as ``scipy.stats.mannwhitneyu(method="asymptotic")``:
  z = (|U - n_x n_y / 2| - 1/2) / sigma with
  sigma^2 = n_x n_y / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))), t the sizes of the
  tie blocks, and p = erfc(z / sqrt(2)), capped at 1. Written out from the pooled tie
  blocks rather than taken from ``scipy.stats`` (about a second to import).

The Monte Carlo test starts its own generator from ``seed`` (see :mod:`.bootstrap`).

- *average ranks* (:func:`average_ranks`): one sample ranked on its own, ties sharing
  their average rank, NaN last (each NaN its own block), with the tie-block sizes, the
  same arrays as scipy's private ``_rankdata(x, "average", return_ties=True)`` that
  ``scipy.stats.rankdata`` and ``scipy.stats.wilcoxon`` use.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from salesmkt.analysis.statistics.sample import Tally, finite

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]

__all__ = ["PMethod", "PooledRanks", "average_ranks", "mann_whitney_p"]

PMethod = Literal["permutation", "asymptotic"]

# Exact permutation p-values use a dynamic programme whose table has
# (k + 1) x (max doubled-rank sum + 1) cells; above these sizes we fall back to Monte Carlo.
_EXACT_MAX_CELLS = 4_000_000
_EXACT_MAX_WORK = 150_000_000


def average_ranks(values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Average ranks of a 1-D float array (ties share their mean rank, NaN sorts last)
    and the tie-block sizes: at the first sorted position of each block its size, zeros
    elsewhere (so ``sum(t**3 - t)`` is the tie correction).

    Step for step as scipy's ``_rankdata(x, "average", return_ties=True)``, so the arrays
    are the same bits, without importing ``scipy.stats`` (about a second).
    """
    import numpy as np

    n = values.shape[-1]
    if n == 0:
        return np.zeros(0, dtype=np.float64), np.zeros(0, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    # NaN != NaN, so every NaN starts a block of its own, as in scipy.
    starts = np.concatenate([np.ones(1, dtype=bool), ordered[:-1] != ordered[1:]])
    first = np.arange(n)[starts]
    counts = np.diff(first, append=np.asarray([n], dtype=first.dtype))
    block = np.arange(1, n + 1, dtype=np.float64)[starts] + (counts.astype(np.float64) - 1) / 2
    ranks: FloatArray = np.empty(n, dtype=np.float64)
    ranks[order] = np.repeat(block, counts)
    ties: FloatArray = np.zeros(n, dtype=np.float64)
    ties[starts] = counts.astype(np.float64)
    return ranks, ties


def _union(a: FloatArray, b: FloatArray) -> FloatArray:
    """``np.union1d`` of two tallies' values (finite, a zero always +0.0): their
    distinct values, ascending. Written out because ``np.union1d`` goes through
    ``np.unique``, whose first call imports ``numpy.ma`` (some 15 ms) to ask whether
    the array is masked."""
    import numpy as np

    both = np.concatenate((a, b))
    both.sort()
    keep = np.ones(both.size, dtype=bool)
    np.not_equal(both[1:], both[:-1], out=keep[1:])
    out: FloatArray = both[keep]
    return out


class PooledRanks:
    """Pooled distinct values with x/y counts and doubled average ranks (integers)."""

    def __init__(self, sx: Tally, sy: Tally) -> None:
        import numpy as np

        allv = _union(sx.values, sy.values)
        cx = np.zeros(allv.size, dtype=np.int64)
        cy = np.zeros(allv.size, dtype=np.int64)
        cx[np.searchsorted(allv, sx.values)] = sx.counts
        cy[np.searchsorted(allv, sy.values)] = sy.counts
        m = cx + cy
        before = np.cumsum(m) - m
        # Average rank of a tie block starting after `before` items with m members is
        # before + (m + 1) / 2, so twice it is an integer.
        self.doubled: IntArray = 2 * before + m + 1
        self.sizes: IntArray = m
        self.n_x = sx.n
        self.n_y = sy.n
        self.total = sx.n + sy.n
        r2x = int(cx @ self.doubled)
        # 2U_x = 2R_x - n_x(n_x + 1): an exact integer.
        self.u2_x = r2x - sx.n * (sx.n + 1)

    @property
    def distinct(self) -> int:
        return int(self.sizes.size)


def mann_whitney_p(
    pr: PooledRanks, t_obs: int, *, seed: int, permutation_max_n: int, n_perm: int
) -> tuple[float | None, PMethod]:
    """Two-sided Mann-Whitney p of ``t_obs`` and the method that gave it (see the module
    docstring); the p is None when it is numerically unstable."""
    k = min(pr.n_x, pr.n_y)
    if k <= permutation_max_n:
        p = _exact_permutation_p(pr, k, t_obs)
        if p is None:
            p = _monte_carlo_permutation_p(pr, k, t_obs, n_perm, seed)
        return finite(p), "permutation"
    return _asymptotic_p(pr, t_obs), "asymptotic"


def _exact_permutation_p(pr: PooledRanks, k: int, t_obs: int) -> float | None:
    """Exact two-sided permutation p via a DP over tie blocks, or None when too large.

    ways[j, s] counts the ways to pick j pooled respondents whose doubled ranks sum to s;
    a tie block of size m with doubled rank d contributes C(m, c) ways of taking c members.
    """
    import numpy as np

    order = np.argsort(pr.doubled)[::-1]
    smax = 0
    taken = 0
    for g in order:
        if taken >= k:
            break
        c = min(int(pr.sizes[g]), k - taken)
        smax += c * int(pr.doubled[g])
        taken += c
    cells = (k + 1) * (smax + 1)
    work = int(np.minimum(pr.sizes, k).sum()) * cells
    if cells > _EXACT_MAX_CELLS or work > _EXACT_MAX_WORK:
        return None
    ways = np.zeros((k + 1, smax + 1), dtype=np.float64)
    ways[0, 0] = 1.0
    for m_raw, d_raw in zip(pr.sizes.tolist(), pr.doubled.tolist(), strict=True):
        m, d = int(m_raw), int(d_raw)
        new = ways.copy()
        for c in range(1, min(m, k) + 1):
            shift = c * d
            if shift > smax:
                break
            try:
                coef = float(math.comb(m, c))
            except OverflowError:
                return None
            new[c:, shift:] += coef * ways[: k + 1 - c, : smax + 1 - shift]
        ways = new
    dist = ways[k]
    total = float(dist.sum())
    if not math.isfinite(total) or total <= 0.0:
        return None
    sums = np.arange(smax + 1, dtype=np.int64)
    extreme = np.abs(sums - k * (pr.total + 1)) >= t_obs
    return min(1.0, float(dist[extreme].sum()) / total)


def _monte_carlo_permutation_p(
    pr: PooledRanks, k: int, t_obs: int, n_perm: int, seed: int
) -> float:
    """Monte Carlo two-sided permutation p with the (count + 1) / (n_perm + 1) correction.

    Random k-subsets come from Floyd's algorithm, vectorised over resamples, so the cost is
    O(n_perm * k^2) however large the other group is.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    n = pr.total
    chosen = np.empty((n_perm, k), dtype=np.int64)
    for i, j in enumerate(range(n - k, n)):
        t = rng.integers(0, j + 1, size=n_perm)
        seen = (chosen[:, :i] == t[:, None]).any(axis=1)
        chosen[:, i] = np.where(seen, j, t)
    ends = np.cumsum(pr.sizes)
    block = np.searchsorted(ends, chosen, side="right")
    sums = pr.doubled[block].sum(axis=1)
    stat = np.abs(sums - k * (n + 1))
    hits = int(np.count_nonzero(stat >= t_obs))
    return (hits + 1) / (n_perm + 1)


def _asymptotic_p(pr: PooledRanks, t_obs: int) -> float | None:
    """Two-sided tie-corrected normal-approximation p of |U - n_x n_y / 2| (``t_obs`` is
    twice that), with continuity correction; None when the variance vanishes."""
    import numpy as np

    n = pr.total
    sizes = pr.sizes.astype(np.float64)
    # In floating point, as scipy does: t^3 overflows int64 from t = 2.1 million.
    tie_term = float(np.sum(sizes * sizes * sizes - sizes))
    var = pr.n_x * pr.n_y / 12.0 * ((n + 1) - tie_term / (n * (n - 1)))
    if not var > 0.0:
        return None
    z = (t_obs / 2.0 - 0.5) / math.sqrt(var)
    return finite(min(1.0, math.erfc(z / math.sqrt(2.0))))
