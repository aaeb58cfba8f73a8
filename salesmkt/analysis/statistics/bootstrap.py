"""The bootstrap: resample means, percentile intervals and stage-band shares.

Vocabulary:
- *draws*: ``n_boot`` resample means of one sample (or of a statistic of two samples);
  a *percentile interval* is read off them at :data:`CONFIDENCE_LEVEL` (two-sided 95%).
- *equal-weight mean*: (mean(x) + mean(y)) / 2, each group resampled on its own, so a
  large sales force cannot outvote a small marketing team.
- *band shares*: the share of draws that fall in each stage band ``[edges[i],
  edges[i+1])`` (the last band closed on the right).
- *kept draws*: the most recent sets of draws, reused when the same sample, seed and
  ``n_boot`` ask again; the figures are exactly those of drawing again.

How:
- Resampling n values with replacement is the same as drawing multinomial counts over
  the distinct values with probabilities counts/n; the resample mean is then
  ``counts_draw @ vals / n``. Memory and time scale with n_boot x distinct values, not
  n_boot x n, so 1,000,000 Likert answers bootstrap in milliseconds. When nearly every
  value is distinct (continuous data) drawing indices directly is cheaper and is used
  instead; it costs time proportional to n_boot x n (about 12 s for n = 1,000,000,
  n_boot = 2000). Draws are chunked either way, so memory stays bounded.
- Random numbers come from ``numpy.random.default_rng(seed)``; the same inputs and seed
  give identical output. Every call starts its own generator from ``seed`` (the
  permutation test in :mod:`.ranks` too), so changing ``n_boot`` does not move a
  p-value. Two groups are resampled in a canonical, content-defined order, so swapping
  x and y reuses the same draws and exactly negates a gap interval.
- Percentile intervals use linear interpolation between order statistics (numpy's
  default percentile rule), written out so that negating the sample negates the interval
  exactly. Two identical samples have no canonical order, so their gap interval is taken
  from the draws and their mirror image together: it is symmetric about 0 and swapping
  the groups negates it exactly, as for any other pair.
- An interval needs two respondents and some variance: identical answers would give a
  zero-width interval, which overstates what a few answers show.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from salesmkt.analysis.statistics.sample import MODEL_CONFIG, Tally, as_tally, finite
from salesmkt.l10n import _

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    FloatArray = NDArray[np.float64]

__all__ = [
    "CONFIDENCE_LEVEL",
    "MeanCI",
    "bootstrap_band_shares",
    "bootstrap_equal_weight_mean",
    "bootstrap_equal_weight_shares",
    "bootstrap_equal_weight_with_shares",
    "bootstrap_mean",
    "bootstrap_mean_with_shares",
    "check_boot_params",
    "difference_interval",
    "percentile_interval",
]

# Two-sided confidence level of every bootstrap interval of the statistics core.
CONFIDENCE_LEVEL = 0.95

# Upper bound on int64 cells held at once by a chunk of multinomial bootstrap draws.
_BOOT_CHUNK_CELLS = 2_000_000
# Bootstrap draws are a pure function of the sample, the seed, n_boot and what the same
# generator drew before. Assessing one data set asks for the same draws up to three times
# (a total's gap interval, each group's borderline bands, the organisation's), and one set
# for a million respondents' totals (about 200 distinct values) costs 30 ms, so the most
# recent sets are kept: the figures are those of drawing again.
_KEPT_DRAWS = 12
_kept_draws: dict[tuple[object, ...], tuple[FloatArray, Mapping[str, Any]]] = {}


class MeanCI(BaseModel):
    """A mean with its bootstrap percentile interval."""

    model_config = MODEL_CONFIG

    n: int
    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None


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
    return True  # identical samples: see difference_interval


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


def percentile_interval(draws: FloatArray, level: float = CONFIDENCE_LEVEL) -> tuple[float, float]:
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


def check_boot_params(n_boot: int) -> None:
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")


def difference_interval(sx: Tally, sy: Tally, *, seed: int, n_boot: int) -> tuple[float, float]:
    """Percentile interval of mean(x*) - mean(y*), x and y resampled independently.

    The groups are drawn in their canonical order, so swapping them reuses the same draws
    and negates the interval exactly. Callers check first that there is variance to
    resample; the ends may be non-finite for extreme inputs (callers apply ``finite``).
    """
    import numpy as np

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
    return percentile_interval(diff)


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
        mean = finite(self.estimate)
        if self.draws is None:
            return MeanCI(n=self.n, mean=mean, reason=self.reason)
        lo, hi = percentile_interval(self.draws)
        lo_f, hi_f = finite(lo), finite(hi)
        if lo_f is None or hi_f is None:
            return MeanCI(n=self.n, mean=mean, reason=_("ci not estimable: numerically unstable"))
        return MeanCI(n=self.n, mean=mean, ci_low=lo_f, ci_high=hi_f)

    def shares(self, edges: Sequence[float], labels: Sequence[str]) -> dict[str, float]:
        _check_bands(edges, labels)
        return {} if self.draws is None else _band_shares(self.draws, edges, labels)


def _single_boot(x: ArrayLike | Tally, seed: int, n_boot: int) -> _Boot:

    check_boot_params(n_boot)
    s = as_tally(x, "x")
    out = _Boot(s.n, s.mean)
    if s.n == 0:
        out.reason = _("not estimable: no respondents")
    elif s.n < 2:
        out.reason = _("ci not estimable: fewer than 2 respondents")
    elif s.distinct == 1:
        out.reason = _("ci not estimable: all answers identical")
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

    check_boot_params(n_boot)
    sx = as_tally(x, "x")
    sy = as_tally(y, "y")
    estimate = None
    if sx.mean is not None and sy.mean is not None:
        estimate = (sx.mean + sy.mean) / 2.0
    out = _Boot(sx.n + sy.n, estimate)
    for s, name in ((sx, "x"), (sy, "y")):
        if s.n == 0:
            out.reason = _("not estimable: no respondents in {name}").format(name=name)
            return out
    for s, name in ((sx, "x"), (sy, "y")):
        if s.n < 2:
            out.reason = _("ci not estimable: fewer than 2 respondents in {name}").format(name=name)
            return out
    if sx.distinct == 1 and sy.distinct == 1:
        out.reason = _("ci not estimable: all answers identical within each group")
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
