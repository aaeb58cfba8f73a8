"""Pure statistics core for salesmkt: group gaps, effect sizes, bootstrap, reliability, agreement.

Nothing here prints, reads files or knows about the CLI. Every public function takes plain
numbers (1-D score vectors or respondent x item matrices) and returns a pydantic model or a
plain value.

Vocabulary
----------
x / y
    The two compared groups, in that order. By convention x is Sales and y is Marketing, but
    this module only knows "first" and "second"; callers may pass display names
    (``x_name``/``y_name``) so that ``reason`` strings can say "marketing" instead of "y".
gap
    ``mean(x) - mean(y)``. Positive means x (Sales) rates higher. Cliff's delta, Hedges' g and
    Welch's t share this orientation, and the gap's confidence interval is an interval for
    this signed difference.
not estimable
    The data cannot support the number (an empty group, fewer than 2 respondents, no
    variance, every answer identical...). A bootstrap interval over answers with no variance
    counts as not estimable too: its zero width would claim a certainty the data lack. The
    field is then ``None`` and the model's ``reason`` says why, e.g.
    ``"not estimable: fewer than 2 respondents in marketing"``. Nothing in this module
    returns NaN or inf and nothing raises on degenerate *data*; ``ValueError`` is reserved
    for caller mistakes (wrong shape, mismatched labels, bad parameters). The models also
    reject NaN/inf at validation time as a last line of defence.
band
    Romano et al.'s (2006) verbal label for |Cliff's delta|: negligible < 0.147 <= small
    < 0.33 <= medium < 0.474 <= large.
tally
    A sample held as its distinct values (ascending) and how often each occurs
    (:class:`Tally`). Every function that takes a 1-D sample also takes a tally of it and
    gives exactly the same result, so callers that can count answers cheaply (a
    ``bincount`` over a million Likert answers) never build the sample itself.

Inputs and missing data
-----------------------
* 1-D vectors (``compare_groups``, the bootstrap helpers) are expected clean. Non-finite
  entries are nevertheless treated as missing and dropped rather than allowed to poison a
  result.
* Matrices are respondents (rows) x items (columns) and may hold NaN for unanswered items.
  ``cronbach_alpha`` uses **listwise** deletion (alpha compares variances that must come from
  the same people, so a row with any NaN is dropped). The agreement indices use **per-item**
  (pairwise) deletion: each item's variance / deviation uses whoever answered that item,
  and items with fewer than 2 answers are skipped, because agreement is a per-item property
  and dropping whole respondents would throw away most of a small team's answers.

Design notes
------------
* numpy and scipy are imported inside functions so that ``import salesmkt.analysis.statistics`` (for
  the models alone) stays fast and numpy-free.
* Every computation works on the sample's tally (``np.unique(values, return_counts=True)``
  or one given by the caller). Survey scores take few distinct values, so this makes
  ranks, means, variances, the rank test's tie correction and the bootstrap cost
  O(distinct values) after one pass over the data, and makes results exactly independent
  of input order.
* Ranks are kept as *doubled* average ranks (always integers), so rank sums, U and the
  permutation statistic are exact integers: swapping x and y negates Cliff's delta exactly
  and ties in the permutation test are compared without float tolerance.
* Bootstrap: resampling n values with replacement is the same as drawing multinomial counts
  over the distinct values with probabilities counts/n; the resample mean is then
  ``counts_draw @ vals / n``. Memory and time scale with n_boot x distinct values, not
  n_boot x n, so 1,000,000 Likert answers bootstrap in milliseconds. When nearly every value
  is distinct (continuous data) drawing indices directly is cheaper and is used instead; it
  costs time proportional to n_boot x n (about 12 s for n = 1,000,000, n_boot = 2000).
  Draws are chunked either way, so memory stays bounded.
* Random numbers come from ``numpy.random.default_rng(seed)``; the same inputs and seed give
  identical output. The bootstrap and the permutation test each start their own generator
  from ``seed``, so changing ``n_boot`` does not move the p-value. Groups are resampled in a
  canonical, content-defined order, so swapping x and y reuses the same draws and exactly
  negates the gap interval.
* Percentile intervals use linear interpolation between order statistics (numpy's default
  percentile rule), written out so that negating the sample negates the interval exactly.
  Two identical samples have no canonical order, so their gap interval is taken from the
  draws and their mirror image together: it is symmetric about 0 and swapping the groups
  negates it exactly, as for any other pair.
* No ``scipy.stats`` (about a second to import): the asymptotic Mann-Whitney p is the
  tie-corrected normal approximation written out from the pooled tie blocks, and Welch's
  p comes from ``scipy.special.stdtr``, the function ``scipy.stats.ttest_ind`` itself
  uses. The tests keep ``scipy.stats`` as the oracle for both.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from salesmkt.model.assessment import AGREEMENT_FLOOR, RELIABILITY_FLOOR, ad_m_limit

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]

__all__ = [
    "CONFIDENCE_LEVEL",
    "ROMANO_MEDIUM",
    "ROMANO_NEGLIGIBLE",
    "ROMANO_SMALL",
    "Agreement",
    "CliffsBand",
    "GapStats",
    "ItemTotal",
    "MeanCI",
    "Reliability",
    "Tally",
    "ad_m",
    "adjust_p",
    "agreement",
    "agreement_of_tallies",
    "bootstrap_band_shares",
    "bootstrap_equal_weight_mean",
    "bootstrap_equal_weight_shares",
    "bootstrap_equal_weight_with_shares",
    "bootstrap_mean",
    "bootstrap_mean_with_shares",
    "compare_groups",
    "cronbach_alpha",
    "romano_band",
    "rwg_j",
]

# Two-sided confidence level of every bootstrap interval in this module.
CONFIDENCE_LEVEL = 0.95

# Romano, Kromrey, Coraggio & Skowronek (2006) cut-offs for |Cliff's delta|.
ROMANO_NEGLIGIBLE = 0.147
ROMANO_SMALL = 0.33
ROMANO_MEDIUM = 0.474

# Exact permutation p-values use a dynamic programme whose table has
# (k + 1) x (max doubled-rank sum + 1) cells; above these sizes we fall back to Monte Carlo.
_EXACT_MAX_CELLS = 4_000_000
_EXACT_MAX_WORK = 150_000_000
# Upper bound on int64 cells held at once by a chunk of multinomial bootstrap draws.
_BOOT_CHUNK_CELLS = 2_000_000
# Bootstrap draws are a pure function of the sample, the seed, n_boot and what the same
# generator drew before. Assessing one data set asks for the same draws up to three times
# (a total's gap interval, each group's borderline bands, the organisation's), and one set
# for a million respondents' totals (about 200 distinct values) costs 30 ms, so the most
# recent sets are kept: the figures are those of drawing again.
_KEPT_DRAWS = 12
_kept_draws: dict[tuple[object, ...], tuple[FloatArray, Mapping[str, Any]]] = {}

CliffsBand = Literal["negligible", "small", "medium", "large"]
PMethod = Literal["permutation", "asymptotic"]
AdjustMethod = Literal["holm", "bh", "none"]

_MODEL_CONFIG = ConfigDict(allow_inf_nan=False)


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


class GapStats(BaseModel):
    """Comparison of group x with group y (gap = mean(x) - mean(y))."""

    model_config = _MODEL_CONFIG

    n_x: int
    n_y: int
    mean_x: float | None = None
    mean_y: float | None = None
    gap: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_excludes_zero: bool | None = None
    p_value: float | None = None
    p_method: PMethod | None = None
    mann_whitney_u: float | None = None
    cliffs_delta: float | None = None
    cliffs_band: CliffsBand | None = None
    hedges_g: float | None = None
    welch_t: float | None = None
    welch_df: float | None = None
    welch_p: float | None = None
    reason: str | None = None


class MeanCI(BaseModel):
    """A mean with its bootstrap percentile interval."""

    model_config = _MODEL_CONFIG

    n: int
    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None


class ItemTotal(BaseModel):
    """Item analysis for one item of a scale."""

    model_config = _MODEL_CONFIG

    index: int
    item_id: str
    corrected_item_total: float | None = None
    alpha_if_dropped: float | None = None
    reason: str | None = None


class Reliability(BaseModel):
    """Cronbach's alpha of a scale with per-item diagnostics (listwise deletion)."""

    model_config = _MODEL_CONFIG

    n: int
    k: int
    alpha: float | None = None
    items: list[ItemTotal] = []
    n_excluded: int = 0
    reason: str | None = None
    warning: str | None = None


class Agreement(BaseModel):
    """Within-group agreement of one group's answers to a multi-item scale."""

    model_config = _MODEL_CONFIG

    n: int
    rwg_j: float | None = None
    ad_m: float | None = None
    low_agreement: bool | None = None
    reason: str | None = None
    note: str | None = None


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _finite(value: float | None) -> float | None:
    """Last-resort guard: overflow or 0/0 in extreme inputs becomes None, never NaN/inf."""
    if value is None:
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def _join(reasons: list[str]) -> str | None:
    # dict.fromkeys keeps first-seen order while dropping repeats.
    return "; ".join(dict.fromkeys(reasons)) if reasons else None


def _clean_vector(values: ArrayLike, name: str) -> FloatArray:
    import numpy as np

    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr[np.isfinite(arr)]


def _matrix(matrix: ArrayLike) -> FloatArray:
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

        vals, counts = np.unique(_clean_vector(sample, name), return_counts=True)
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


def _tally(sample: ArrayLike | Tally, name: str) -> Tally:
    return sample if isinstance(sample, Tally) else Tally.of(sample, name)


def _canonical_order(a: Tally, b: Tally) -> bool:
    """True when ``a`` comes first in the content-defined order used for random draws.

    Resampling the groups in an order that depends on their content rather than on argument
    position makes compare_groups(y, x) reuse exactly the draws of compare_groups(x, y).
    """
    import numpy as np

    if a.key() != b.key():
        return a.key() < b.key()
    diff = np.flatnonzero(a.values != b.values)
    if diff.size:
        i = int(diff[0])
        return bool(a.values[i] < b.values[i])
    diff = np.flatnonzero(a.counts != b.counts)
    if diff.size:
        i = int(diff[0])
        return bool(a.counts[i] < b.counts[i])
    return True  # identical samples: see _fill_bootstrap_ci


def _boot_means(s: Tally, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """Bootstrap resample means (see module doc), drawn in memory-bounded chunks.

    Multinomial counts over the distinct values cost about one binomial draw per distinct
    value per resample; drawing n indices directly costs n cheap draws. Both sample the same
    distribution, so the cheaper one is used: multinomial for survey scores (few distinct
    values), direct indices when nearly every value is distinct.
    """
    import numpy as np

    out = np.empty(n_boot, dtype=np.float64)
    base = float(s.values[0])
    shifted = s.values - base
    # Measured: a binomial draw costs roughly ten times an index draw plus gather.
    if s.distinct * 10 <= s.n:
        pvals = s.counts / s.n
        rows = max(1, min(n_boot, _BOOT_CHUNK_CELLS // s.distinct))
        for start in range(0, n_boot, rows):
            size = min(rows, n_boot - start)
            draws = rng.multinomial(s.n, pvals, size=size)
            out[start : start + size] = base + (draws @ shifted) / s.n
        return out
    data = np.repeat(shifted, s.counts)  # sorted, so the result ignores input order
    rows = max(1, min(n_boot, _BOOT_CHUNK_CELLS // s.n))
    for start in range(0, n_boot, rows):
        size = min(rows, n_boot - start)
        idx = rng.integers(0, s.n, size=(size, s.n))
        out[start : start + size] = base + data[idx].sum(axis=1) / s.n
    return out


def _fingerprint(s: Tally) -> tuple[bytes, bytes]:
    return s.values.tobytes(), s.counts.tobytes()


def _keep_draws(key: tuple[object, ...], draws: FloatArray, state: Mapping[str, Any]) -> None:
    draws.flags.writeable = False  # shared by later callers
    while _kept_draws and len(_kept_draws) >= _KEPT_DRAWS:
        del _kept_draws[next(iter(_kept_draws))]  # the oldest
    if _KEPT_DRAWS > 0:
        _kept_draws[key] = (draws, state)


def _seeded_means(seed: int, n_boot: int, s: Tally) -> FloatArray:
    """Bootstrap means of ``s`` from a generator fresh from ``seed`` (kept draws are reused,
    see _KEPT_DRAWS)."""
    return _seeded_draws(seed, n_boot, s)[0]


def _seeded_pair(
    seed: int, n_boot: int, first: Tally, second: Tally
) -> tuple[FloatArray, FloatArray]:
    """Bootstrap means of ``first`` from a generator fresh from ``seed``, then of ``second``
    from the same generator."""
    b1, rng = _seeded_draws(seed, n_boot, first)
    key = (seed, n_boot, _BOOT_CHUNK_CELLS, _fingerprint(first), _fingerprint(second))
    kept = _kept_draws.get(key)
    if kept is not None:
        return b1, kept[0]
    b2 = _boot_means(second, n_boot, rng)
    _keep_draws(key, b2, rng.bit_generator.state)
    return b1, b2


def _seeded_draws(seed: int, n_boot: int, s: Tally) -> tuple[FloatArray, np.random.Generator]:
    """``_seeded_means`` and the generator, left where drawing them leaves it."""
    import numpy as np

    rng = np.random.default_rng(seed)
    key = (seed, n_boot, _BOOT_CHUNK_CELLS, _fingerprint(s))
    kept = _kept_draws.get(key)
    if kept is not None:
        draws, state = kept
        rng.bit_generator.state = state
        return draws, rng
    draws = _boot_means(s, n_boot, rng)
    _keep_draws(key, draws, rng.bit_generator.state)
    return draws, rng


def _percentile_interval(draws: FloatArray, level: float = CONFIDENCE_LEVEL) -> tuple[float, float]:
    """Linear-interpolation percentile interval, symmetric so that -draws gives -interval."""
    import numpy as np

    z = np.sort(draws)
    b = z.size
    h = (1.0 - level) / 2.0 * (b - 1)
    i = math.floor(h)
    f = h - i
    j = b - 1 - i
    lo = float(z[i])
    hi = float(z[j])
    if f > 0.0 and i + 1 < b:
        lo = lo + f * (float(z[i + 1]) - lo)
        hi = hi - f * (hi - float(z[j - 1]))
    return lo, hi


def _check_boot_params(n_boot: int) -> None:
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")


def romano_band(delta: float) -> CliffsBand:
    """Romano et al. (2006) label for Cliff's delta: |d|<.147 negligible, <.33 small,
    <.474 medium, else large."""
    if not math.isfinite(delta):
        raise ValueError(f"delta must be finite, got {delta}")
    d = abs(delta)
    if d < ROMANO_NEGLIGIBLE:
        return "negligible"
    if d < ROMANO_SMALL:
        return "small"
    if d < ROMANO_MEDIUM:
        return "medium"
    return "large"


# --------------------------------------------------------------------------------------------
# Rank machinery (Mann-Whitney U, Cliff's delta, permutation test)
# --------------------------------------------------------------------------------------------


class _PooledRanks:
    """Pooled distinct values with x/y counts and doubled average ranks (integers)."""

    def __init__(self, sx: Tally, sy: Tally) -> None:
        import numpy as np

        allv = np.union1d(sx.values, sy.values)
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


def _exact_permutation_p(pr: _PooledRanks, k: int, t_obs: int) -> float | None:
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
    pr: _PooledRanks, k: int, t_obs: int, n_perm: int, seed: int
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


# --------------------------------------------------------------------------------------------
# Group comparison
# --------------------------------------------------------------------------------------------


def compare_groups(
    x: ArrayLike | Tally,
    y: ArrayLike | Tally,
    *,
    seed: int = 2006,
    n_boot: int = 2000,
    permutation_max_n: int = 30,
    n_perm: int = 9999,
    welch: bool = True,
    hedges: bool = True,
    x_name: str = "x",
    y_name: str = "y",
) -> GapStats:
    """Compare the scores of group x with group y (1-D samples, or their tallies).

    * gap = mean(x) - mean(y) with a 95% bootstrap percentile interval (x and y resampled
      independently, ``n_boot`` times, multinomial shortcut).
    * p_value: two-sided Mann-Whitney U test. When min(n_x, n_y) <= ``permutation_max_n`` it
      is a permutation test of |U - n_x n_y / 2| -- exact (full enumeration of the
      permutation distribution, by dynamic programming) when the table is small enough,
      otherwise Monte Carlo with ``n_perm`` resamples; both report ``"permutation"``.
      Larger groups use the tie-corrected normal approximation with continuity correction
      (``"asymptotic"``, as ``scipy.stats.mannwhitneyu(method="asymptotic")``):
      z = (|U - n_x n_y / 2| - 1/2) / sigma with
      sigma^2 = n_x n_y / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))), t the sizes of the
      tie blocks, and p = erfc(z / sqrt(2)), capped at 1.
    * cliffs_delta = 2U/(n_x n_y) - 1 with U the Mann-Whitney U of x (average ranks), i.e.
      P(x > y) - P(x < y), computed from ranks without forming pairs.
    * hedges_g: Cohen's d with pooled SD times J = 1 - 3 / (4(n_x + n_y) - 9).
    * welch_t / welch_df / welch_p: Welch's unequal-variance t test, two-sided
      (p = 2 * stdtr(df, -|t|), as ``scipy.stats.ttest_ind(equal_var=False)``).

    What is estimable when:

    * means and gap: one respondent per group;
    * everything else: two per group;
    * p_value: also some difference between any two answers (all answers identical gives
      no rank information; Cliff's delta is then exactly 0, every pair being a tie);
    * ci, hedges_g, welch_*: also variance within at least one group (two constant groups
      would give a zero-width interval and an infinite standardised difference).

    Fields that the data cannot support are None and ``reason`` explains; ``x_name`` and
    ``y_name`` only label those explanations.
    """
    _check_boot_params(n_boot)
    if n_perm < 1:
        raise ValueError(f"n_perm must be >= 1, got {n_perm}")
    if permutation_max_n < 0:
        raise ValueError(f"permutation_max_n must be >= 0, got {permutation_max_n}")

    sx = _tally(x, "x")
    sy = _tally(y, "y")
    result = GapStats(n_x=sx.n, n_y=sy.n, mean_x=_finite(sx.mean), mean_y=_finite(sy.mean))
    reasons: list[str] = []

    for s, name in ((sx, x_name), (sy, y_name)):
        if s.n == 0:
            reasons.append(f"not estimable: no respondents in {name}")
        elif s.n < 2:
            reasons.append(f"not estimable: fewer than 2 respondents in {name}")
    if sx.mean is not None and sy.mean is not None:
        result.gap = _finite(sx.mean - sy.mean)
    if sx.n < 2 or sy.n < 2:
        result.reason = _join(reasons)
        return result

    pr = _PooledRanks(sx, sy)
    nm = sx.n * sy.n
    centred = pr.u2_x - nm  # 2U - n_x n_y: exact, antisymmetric under swapping x and y
    result.mann_whitney_u = _finite(pr.u2_x / 2)
    delta = _finite(centred / nm)
    result.cliffs_delta = delta
    result.cliffs_band = romano_band(delta) if delta is not None else None

    _fill_p_value(result, sx, sy, pr, abs(centred), seed, permutation_max_n, n_perm, reasons)
    _fill_bootstrap_ci(result, sx, sy, seed, n_boot, reasons)
    if hedges:
        _fill_hedges(result, sx, sy, reasons)
    if welch:
        _fill_welch(result, sx, sy, reasons)

    result.reason = _join(reasons)
    return result


def _asymptotic_p(pr: _PooledRanks, t_obs: int) -> float | None:
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
    return _finite(min(1.0, math.erfc(z / math.sqrt(2.0))))


def _fill_p_value(
    result: GapStats,
    sx: Tally,
    sy: Tally,
    pr: _PooledRanks,
    t_obs: int,
    seed: int,
    permutation_max_n: int,
    n_perm: int,
    reasons: list[str],
) -> None:
    if pr.distinct == 1:
        reasons.append("p_value not estimable: all answers identical, the rank test has no data")
        return
    k = min(sx.n, sy.n)
    if k <= permutation_max_n:
        p = _exact_permutation_p(pr, k, t_obs)
        if p is None:
            p = _monte_carlo_permutation_p(pr, k, t_obs, n_perm, seed)
        result.p_value = _finite(p)
        result.p_method = "permutation"
    else:
        result.p_value = _asymptotic_p(pr, t_obs)
        result.p_method = "asymptotic"
    if result.p_value is None:
        result.p_method = None
        reasons.append("p_value not estimable: numerically unstable")


def _fill_bootstrap_ci(
    result: GapStats,
    sx: Tally,
    sy: Tally,
    seed: int,
    n_boot: int,
    reasons: list[str],
) -> None:
    import numpy as np

    if sx.distinct == 1 and sy.distinct == 1:
        # Every resample would reproduce the observed gap: a zero-width interval would claim
        # certainty that two or three identical answers cannot give.
        reasons.append("ci not estimable: no variance within either group")
        return
    if _canonical_order(sx, sy):
        bx, by = _seeded_pair(seed, n_boot, sx, sy)
    else:
        by, bx = _seeded_pair(seed, n_boot, sy, sx)
    diff = bx - by
    if sx.same_as(sy):
        # Two identical samples have no content-defined order, so both calls draw the same
        # way and plain draws would give the same interval for x - y and for y - x. With
        # the mirror image added the interval is symmetric about 0, so swapping negates
        # it exactly (the difference of two resamples of one sample is symmetric anyway).
        diff = np.concatenate((diff, -diff))
    lo, hi = _percentile_interval(diff)
    result.ci_low, result.ci_high = _finite(lo), _finite(hi)
    if result.ci_low is None or result.ci_high is None:
        result.ci_low = result.ci_high = None
        reasons.append("ci not estimable: numerically unstable")
        return
    result.ci_excludes_zero = result.ci_low > 0.0 or result.ci_high < 0.0


def _fill_hedges(result: GapStats, sx: Tally, sy: Tally, reasons: list[str]) -> None:
    assert sx.mean is not None and sy.mean is not None
    df = sx.n + sy.n - 2
    pooled_var = (sx.ss + sy.ss) / df
    if pooled_var <= 0.0:
        reasons.append("hedges_g not estimable: zero variance in both groups")
        return
    j = 1.0 - 3.0 / (4.0 * (sx.n + sy.n) - 9.0)
    result.hedges_g = _finite(j * (sx.mean - sy.mean) / math.sqrt(pooled_var))
    if result.hedges_g is None:
        reasons.append("hedges_g not estimable: numerically unstable")


def _fill_welch(result: GapStats, sx: Tally, sy: Tally, reasons: list[str]) -> None:
    assert sx.mean is not None and sy.mean is not None
    assert sx.var is not None and sy.var is not None
    a = sx.var / sx.n
    b = sy.var / sy.n
    se2 = a + b
    if se2 <= 0.0:
        reasons.append("welch_t not estimable: zero variance in both groups")
        return
    # scipy.special, not scipy.stats: the same function ttest_ind calls, without the
    # second it takes to import scipy.stats.
    from scipy.special import stdtr

    t = (sx.mean - sy.mean) / math.sqrt(se2)
    denominator = a * a / (sx.n - 1) + b * b / (sy.n - 1)
    if not denominator > 0.0 or not math.isfinite(t):
        # Variances so small that their squares underflow: no usable degrees of freedom.
        reasons.append("welch_t not estimable: variance too close to zero")
        return
    df = se2 * se2 / denominator
    p = 2.0 * float(stdtr(df, -abs(t)))
    t_f, df_f, p_f = _finite(t), _finite(df), _finite(min(1.0, p))
    if t_f is None or df_f is None or p_f is None:
        reasons.append("welch_t not estimable: numerically unstable")
        return
    result.welch_t, result.welch_df, result.welch_p = t_f, df_f, p_f


# --------------------------------------------------------------------------------------------
# Multiple comparisons
# --------------------------------------------------------------------------------------------


def adjust_p(pvalues: Sequence[float | None], method: AdjustMethod) -> list[float | None]:
    """Adjust p-values for multiple comparisons.

    ``"holm"``: Holm's step-down (family-wise error), made monotone by a running maximum.
    ``"bh"``: Benjamini-Hochberg step-up (false discovery rate), made monotone by a running
    minimum from the largest p; identical to ``scipy.stats.false_discovery_control``.
    ``"none"``: returned unchanged.

    None entries (tests that were not estimable) stay None and do not count toward m; a NaN
    is treated like None. Adjusted values are capped at 1. A finite p outside [0, 1] is a
    caller bug and raises ValueError.
    """
    if method not in ("holm", "bh", "none"):
        raise ValueError(f"unknown adjustment method {method!r}")
    out: list[float | None] = [None] * len(pvalues)
    present: list[tuple[float, int]] = []
    for i, p in enumerate(pvalues):
        if p is None or math.isnan(p):
            continue
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p-value at position {i} is outside [0, 1]: {p}")
        present.append((float(p), i))
    m = len(present)
    if m == 0:
        return out
    # Sorting (p, position) pairs keeps ties in input order; monotonicity makes them equal.
    present.sort()
    ps = [p for p, _ in present]
    order = [i for _, i in present]
    if method == "none":
        adj = ps
    elif method == "holm":
        adj = []
        running = 0.0
        for rank, p in enumerate(ps):
            running = max(running, min(1.0, (m - rank) * p))
            adj.append(running)
    else:
        adj = [0.0] * m
        running = 1.0
        for rank in range(m - 1, -1, -1):
            running = min(running, m * ps[rank] / (rank + 1))
            adj[rank] = running
    for i, a in zip(order, adj, strict=True):
        out[i] = a
    return out


# --------------------------------------------------------------------------------------------
# Bootstrap of means and of an equal-weight combination
# --------------------------------------------------------------------------------------------


def _band_shares(
    draws: FloatArray, edges: Sequence[float], labels: Sequence[str]
) -> dict[str, float]:
    import numpy as np

    _check_bands(edges, labels)
    e = [float(v) for v in edges]
    shares: dict[str, float] = {}
    for i, label in enumerate(labels):
        lo, hi = e[i], e[i + 1]
        last = i == len(labels) - 1
        inside = (draws >= lo) & ((draws <= hi) if last else (draws < hi))
        shares[label] = float(np.count_nonzero(inside)) / draws.size
    return shares


def _check_bands(edges: Sequence[float], labels: Sequence[str]) -> None:
    # Checked even when the data are degenerate, so a bad call fails loudly every time.
    if len(labels) != len(edges) - 1:
        raise ValueError(f"need len(edges) - 1 labels: {len(edges)} edges, {len(labels)} labels")
    e = [float(v) for v in edges]
    if any(not math.isfinite(v) for v in e) or any(b <= a for a, b in itertools.pairwise(e)):
        raise ValueError(f"edges must be finite and strictly increasing: {list(edges)}")


class _Boot:
    """Bootstrap draws of a statistic, or the reason there are none."""

    def __init__(self, n: int, estimate: float | None) -> None:
        self.n = n
        self.estimate = estimate
        self.draws: FloatArray | None = None
        self.reason: str | None = None

    def mean_ci(self) -> MeanCI:
        mean = _finite(self.estimate)
        if self.draws is None:
            return MeanCI(n=self.n, mean=mean, reason=self.reason)
        lo, hi = _percentile_interval(self.draws)
        lo_f, hi_f = _finite(lo), _finite(hi)
        if lo_f is None or hi_f is None:
            return MeanCI(n=self.n, mean=mean, reason="ci not estimable: numerically unstable")
        return MeanCI(n=self.n, mean=mean, ci_low=lo_f, ci_high=hi_f)

    def shares(self, edges: Sequence[float], labels: Sequence[str]) -> dict[str, float]:
        _check_bands(edges, labels)
        return {} if self.draws is None else _band_shares(self.draws, edges, labels)


def _single_boot(x: ArrayLike | Tally, seed: int, n_boot: int) -> _Boot:

    _check_boot_params(n_boot)
    s = _tally(x, "x")
    out = _Boot(s.n, s.mean)
    if s.n == 0:
        out.reason = "not estimable: no respondents"
    elif s.n < 2:
        out.reason = "ci not estimable: fewer than 2 respondents"
    elif s.distinct == 1:
        out.reason = "ci not estimable: all answers identical"
    else:
        out.draws = _seeded_means(seed, n_boot, s)
    return out


def bootstrap_mean(x: ArrayLike | Tally, *, seed: int = 2006, n_boot: int = 2000) -> MeanCI:
    """Mean of x with a 95% bootstrap percentile interval.

    The mean needs one respondent; the interval needs two and some variance (identical
    answers would give a zero-width interval, which overstates what a few answers show).
    """
    return _single_boot(x, seed, n_boot).mean_ci()


def bootstrap_band_shares(
    x: ArrayLike | Tally,
    edges: Sequence[float],
    labels: Sequence[str],
    *,
    seed: int = 2006,
    n_boot: int = 2000,
) -> dict[str, float]:
    """Share of bootstrap resample means of x that fall in each band.

    Band i is [edges[i], edges[i+1]); the last band is closed on the right. Resample means
    outside [edges[0], edges[-1]] count toward no band, so shares then sum to less than 1.
    When ``bootstrap_mean`` would give no interval (fewer than 2 respondents, identical
    answers) an empty dict is returned: callers treat {} as "not estimable". The same seed
    gives the same draws as ``bootstrap_mean``, so shares and interval agree.
    """
    return _single_boot(x, seed, n_boot).shares(edges, labels)


def bootstrap_mean_with_shares(
    x: ArrayLike | Tally,
    edges: Sequence[float],
    labels: Sequence[str],
    *,
    seed: int = 2006,
    n_boot: int = 2000,
) -> tuple[MeanCI, dict[str, float]]:
    """``bootstrap_mean`` and ``bootstrap_band_shares`` from one set of draws (the same
    figures as the two calls, for half the work)."""
    boot = _single_boot(x, seed, n_boot)
    return boot.mean_ci(), boot.shares(edges, labels)


def _equal_weight_boot(x: ArrayLike | Tally, y: ArrayLike | Tally, seed: int, n_boot: int) -> _Boot:

    _check_boot_params(n_boot)
    sx = _tally(x, "x")
    sy = _tally(y, "y")
    estimate = None
    if sx.mean is not None and sy.mean is not None:
        estimate = (sx.mean + sy.mean) / 2.0
    out = _Boot(sx.n + sy.n, estimate)
    for s, name in ((sx, "x"), (sy, "y")):
        if s.n == 0:
            out.reason = f"not estimable: no respondents in {name}"
            return out
    for s, name in ((sx, "x"), (sy, "y")):
        if s.n < 2:
            out.reason = f"ci not estimable: fewer than 2 respondents in {name}"
            return out
    if sx.distinct == 1 and sy.distinct == 1:
        out.reason = "ci not estimable: all answers identical within each group"
        return out
    first, second = (sx, sy) if _canonical_order(sx, sy) else (sy, sx)
    b1, b2 = _seeded_pair(seed, n_boot, first, second)
    out.draws = (b1 + b2) / 2.0
    return out


def bootstrap_equal_weight_mean(
    x: ArrayLike | Tally, y: ArrayLike | Tally, *, seed: int = 2006, n_boot: int = 2000
) -> MeanCI:
    """(mean(x) + mean(y)) / 2 with a 95% bootstrap interval, x and y resampled independently.

    Each group counts half whatever its size, so a large sales force cannot outvote a small
    marketing team. ``n`` is n_x + n_y. The result does not depend on which group is x.
    """
    return _equal_weight_boot(x, y, seed, n_boot).mean_ci()


def bootstrap_equal_weight_shares(
    x: ArrayLike | Tally,
    y: ArrayLike | Tally,
    edges: Sequence[float],
    labels: Sequence[str],
    *,
    seed: int = 2006,
    n_boot: int = 2000,
) -> dict[str, float]:
    """Band shares (as ``bootstrap_band_shares``) of the equal-weight statistic
    (mean(x*) + mean(y*)) / 2; {} when ``bootstrap_equal_weight_mean`` has no interval.
    The same seed gives the same draws as ``bootstrap_equal_weight_mean``."""
    return _equal_weight_boot(x, y, seed, n_boot).shares(edges, labels)


def bootstrap_equal_weight_with_shares(
    x: ArrayLike | Tally,
    y: ArrayLike | Tally,
    edges: Sequence[float],
    labels: Sequence[str],
    *,
    seed: int = 2006,
    n_boot: int = 2000,
) -> tuple[MeanCI, dict[str, float]]:
    """``bootstrap_equal_weight_mean`` and ``bootstrap_equal_weight_shares`` from one set
    of draws."""
    boot = _equal_weight_boot(x, y, seed, n_boot)
    return boot.mean_ci(), boot.shares(edges, labels)


# --------------------------------------------------------------------------------------------
# Reliability
# --------------------------------------------------------------------------------------------


def _alpha_of(cols: FloatArray) -> float | None:
    """Cronbach's alpha of complete data (rows x k), None when k < 2 or no total variance."""
    import numpy as np

    k = cols.shape[1]
    if k < 2 or cols.shape[0] < 2:
        return None
    item_vars = cols.var(axis=0, ddof=1)
    total_var = float(cols.sum(axis=1).var(ddof=1))
    if total_var <= 0.0:
        return None
    return _finite(k / (k - 1) * (1.0 - float(np.sum(item_vars)) / total_var))


def _pearson(a: FloatArray, b: FloatArray) -> float | None:
    da = a - a.mean()
    db = b - b.mean()
    saa = float(da @ da)
    sbb = float(db @ db)
    if saa <= 0.0 or sbb <= 0.0:
        return None
    r = _finite(float(da @ db) / math.sqrt(saa * sbb))
    return None if r is None else max(-1.0, min(1.0, r))


def cronbach_alpha(matrix: ArrayLike, item_ids: Sequence[str]) -> Reliability:
    """Cronbach's alpha with corrected item-total correlations and alpha-if-dropped.

    alpha = k / (k - 1) * (1 - sum(var_i) / var_total), variances with ddof=1. Rows with any
    missing answer are dropped first (listwise deletion; ``n_excluded`` counts them). The
    corrected item-total correlation is the Pearson correlation of an item with the sum of
    the *other* items. ``warning`` is set when alpha < RELIABILITY_FLOOR (the model's).
    """
    import numpy as np

    data = _matrix(matrix)
    k = data.shape[1]
    if len(item_ids) != k:
        raise ValueError(f"{len(item_ids)} item ids for a matrix with {k} columns")
    complete = data[~np.isnan(data).any(axis=1)]
    n = int(complete.shape[0])
    excluded = int(data.shape[0]) - n
    base = Reliability(n=n, k=k, n_excluded=excluded)

    reasons: list[str] = []
    if k < 2:
        reasons.append("not estimable: fewer than 2 items")
    if n < 2:
        dropped = f" (listwise deletion dropped {excluded})" if excluded else ""
        reasons.append(f"not estimable: fewer than 2 complete respondents{dropped}")

    items: list[ItemTotal] = []
    for i, item_id in enumerate(item_ids):
        items.append(_item_total(complete, i, str(item_id)))
    base.items = items
    if reasons:
        base.reason = _join(reasons)
        return base

    alpha = _alpha_of(complete)
    if alpha is None:
        base.reason = "not estimable: every complete respondent has the same total score"
        return base
    base.alpha = alpha
    if alpha < RELIABILITY_FLOOR:
        msg = f"alpha {alpha:.2f} is below {RELIABILITY_FLOOR:.2f}"
        if alpha < 0:
            msg += ": items correlate negatively on average; check coding and data entry"
        else:
            msg += ": the items may not measure one common construct"
        base.warning = msg
    return base


def _item_total(complete: FloatArray, i: int, item_id: str) -> ItemTotal:
    import numpy as np

    n, k = complete.shape
    out = ItemTotal(index=i, item_id=item_id)
    if n < 2 or k < 2:
        out.reason = "not estimable: needs 2 items and 2 complete respondents"
        return out
    rest = np.delete(complete, i, axis=1)
    reasons: list[str] = []
    out.corrected_item_total = _pearson(complete[:, i], rest.sum(axis=1))
    if out.corrected_item_total is None:
        reasons.append("item-total not estimable: no variance in the item or in the rest")
    if k - 1 < 2:
        reasons.append("alpha_if_dropped not estimable: one item would remain")
    else:
        out.alpha_if_dropped = _alpha_of(rest)
        if out.alpha_if_dropped is None:
            reasons.append("alpha_if_dropped not estimable: no variance in the remaining total")
    out.reason = _join(reasons)
    return out


# --------------------------------------------------------------------------------------------
# Agreement
# --------------------------------------------------------------------------------------------


def _item_tallies(matrix: ArrayLike) -> tuple[list[Tally], int]:
    """Per-item tallies of the answered values (pairwise deletion), and how many respondents
    answered at least one item."""
    import numpy as np

    data = _matrix(matrix)
    items = [Tally.of(data[:, j]) for j in range(data.shape[1])]
    n = int(np.count_nonzero(~np.isnan(data).all(axis=1))) if data.shape[1] else 0
    return items, n


def _usable(items: Sequence[Tally]) -> list[Tally]:
    # Agreement is a per-item property: an item needs 2 answers to show any.
    return [t for t in items if t.n >= 2]


def _null_variance(n_options: int) -> float:
    if n_options < 2:
        raise ValueError(f"n_options must be >= 2, got {n_options}")
    return (n_options * n_options - 1) / 12.0


def _rwg_from_tallies(items: Sequence[Tally], n_options: int) -> tuple[float | None, bool]:
    """r_wg(J) and whether it was truncated to 0."""
    sigma2 = _null_variance(n_options)
    usable = _usable(items)
    if not usable:
        return None, False
    j = len(usable)
    mean_var = sum(t.ss / (t.n - 1) for t in usable) / j
    ratio = mean_var / sigma2
    if ratio >= 1.0:
        # Observed disagreement at or beyond random answering: r_wg(J) is truncated to 0
        # (the raw formula would go negative or explode near ratio = 1 + 1/(J-1)).
        return 0.0, ratio > 1.0
    return _finite(j * (1.0 - ratio) / (j * (1.0 - ratio) + ratio)), False


def _adm_from_tallies(items: Sequence[Tally]) -> float | None:
    import numpy as np

    usable = _usable(items)
    if not usable:
        return None
    total = 0.0
    for t in usable:
        assert t.mean is not None
        total += float(t.counts @ np.abs(t.values - t.mean)) / t.n
    return _finite(total / len(usable))


def rwg_j(matrix: ArrayLike, n_options: int) -> float | None:
    """James, Demaree & Wolf's r_wg(J) against a uniform null, sigma2_EU = (A^2 - 1) / 12.

    s2_j is each item's variance (ddof=1) over those who answered it; items with fewer than 2
    answers are skipped and J counts the rest. With s2 the mean of the s2_j and
    q = s2 / sigma2_EU: r_wg(J) = J(1 - q) / (J(1 - q) + q), truncated to 0 when q >= 1.
    None when no item has 2 answers.
    """
    items, _ = _item_tallies(matrix)
    return _rwg_from_tallies(items, n_options)[0]


def ad_m(matrix: ArrayLike) -> float | None:
    """Burke's average deviation: mean over items of the mean absolute deviation from the
    item mean, per item over those who answered it (items with < 2 answers skipped)."""
    items, _ = _item_tallies(matrix)
    return _adm_from_tallies(items)


def agreement(matrix: ArrayLike, n_options: int) -> Agreement:
    """Within-group agreement: r_wg(J), AD_M and a low-agreement flag.

    ``low_agreement`` is True when AD_M > ad_m_limit(n_options) (0.8333 on 5 points) or
    r_wg(J) < AGREEMENT_FLOOR, False when both are estimable and fine, None otherwise
    (the thresholds are the assessment model's).
    ``n`` counts respondents who answered at least one item.
    """
    items, n = _item_tallies(matrix)
    return agreement_of_tallies(items, n, n_options)


def agreement_of_tallies(items: Sequence[Tally], n: int, n_options: int) -> Agreement:
    """``agreement`` from each item's tally of answers (items in order, empty ones too) and
    ``n``, the number of respondents who answered at least one item: the same figures as
    ``agreement`` on the matrix those tallies count."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    sigma2 = _null_variance(n_options)
    rwg, truncated = _rwg_from_tallies(items, n_options)
    adm = _adm_from_tallies(items)
    out = Agreement(n=n, rwg_j=rwg, ad_m=adm)

    if rwg is None and adm is None:
        out.reason = "not estimable: no item was answered by at least 2 respondents"
    flags: list[bool] = []
    if adm is not None:
        flags.append(adm > ad_m_limit(n_options))
    if rwg is not None:
        flags.append(rwg < AGREEMENT_FLOOR)
    if any(flags):
        out.low_agreement = True
    elif len(flags) == 2:
        out.low_agreement = False

    notes: list[str] = []
    if truncated:
        notes.append(
            "rwg_j truncated to 0: answers vary more than random answering would "
            f"(null variance {sigma2:.3f})"
        )
    skipped = len(items) - len(_usable(items))
    if skipped:
        notes.append(f"{skipped} item(s) with fewer than 2 answers skipped")
    answered = [t for t in items if t.n]
    if answered and (
        min(float(t.values[0]) for t in answered) < 1
        or max(float(t.values[-1]) for t in answered) > n_options
    ):
        notes.append(f"some answers lie outside 1..{n_options}")
    out.note = _join(notes)
    return out
