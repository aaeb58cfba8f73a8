"""t intervals: a mean, a gap between two means, and any weighted sum of group means.

Vocabulary:
- *linear combination*: sum_i w_i * mean_i over independent groups i; a group's mean
  (w = 1), the gap between two groups (w = 1, -1), the equal-weight organisation score
  (w = 1/2, 1/2) and the change of that score between two waves (1/2, 1/2, -1/2, -1/2)
  are all one.
- *t interval*: estimate +- t(0.975, df) * se with se^2 = sum_i w_i^2 s_i^2 / n_i and
  Welch-Satterthwaite degrees of freedom df = se^4 / sum_i (w_i^2 s_i^2 / n_i)^2 / (n_i - 1).
  With one group it is Student's one-sample interval (df = n - 1), with two groups and
  weights 1, -1 Welch's interval, exactly what
  ``scipy.stats.ttest_ind(x, y, equal_var=False).confidence_interval()`` gives.
- *why not the percentile bootstrap*: at 9 vs 5 respondents the percentile bootstrap
  covers about 89-90% instead of 95% (its intervals are too narrow by a factor of about
  sqrt((n-1)/n) and ignore the t tails); the t interval keeps 93-95% there
  (``benchmarks/bench_coverage.py`` runs the simulation).
- *minimum detectable effect* (:func:`detectable_effect`): the standardised gap (in
  pooled SDs) that a two-sided t test at level alpha detects with 80% power, for the
  group sizes at hand: (t(1 - alpha/2, df) + t(0.80, df)) * sqrt(1/n_x + 1/n_y),
  df = n_x + n_y - 2.

Every group needs two respondents and the combination some variance; otherwise the
interval is None and a reason says why. ``scipy.special.stdtrit`` gives the t quantiles
(the function scipy.stats.t.ppf calls, without importing scipy.stats; taken from the
compiled module alone, :mod:`.special`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from salesmkt.analysis.statistics.sample import Tally, finite
from salesmkt.analysis.statistics.special import ufunc
from salesmkt.l10n import _

__all__ = [
    "CONFIDENCE_LEVEL",
    "detectable_effect",
    "smallest_rank_p",
    "t_interval",
    "t_interval_of_summaries",
]

CONFIDENCE_LEVEL = 0.95
# Up to this many respondents C(n, k) is computed exactly (a float holds it below ~1030).
_EXACT_COMB_MAX = 1000
# Conventional power for the minimum detectable effect.
POWER = 0.80


def _t_quantile(df: float, p: float) -> float:
    return float(ufunc("stdtrit")(df, p))


def t_interval(
    tallies: Sequence[Tally], weights: Sequence[float], level: float = CONFIDENCE_LEVEL
) -> tuple[tuple[float, float] | None, str | None]:
    """The t interval of sum_i w_i * mean_i (see the module docstring), or None and why."""
    if len(tallies) != len(weights) or not tallies:
        raise ValueError("need one weight per group")
    groups = [(s.n, s.mean or 0.0, s.var or 0.0) for s in tallies]
    return t_interval_of_summaries(groups, weights, level)


def t_interval_of_summaries(
    groups: Sequence[tuple[int, float, float]],
    weights: Sequence[float],
    level: float = CONFIDENCE_LEVEL,
) -> tuple[tuple[float, float] | None, str | None]:
    """:func:`t_interval` from each group's (n, mean, variance with ddof = 1)."""
    if len(groups) != len(weights) or not groups:
        raise ValueError("need one weight per group")
    for n, _mean, _var in groups:
        if n < 2:
            return None, _("ci not estimable: fewer than 2 respondents in a group")
    parts = [w * w * var / n for (n, _mean, var), w in zip(groups, weights, strict=True)]
    se2 = sum(parts)
    if not se2 > 0.0:
        return None, _("ci not estimable: no variance within any group")
    # df is scale-free: computed on the parts relative to the largest, so tiny variances
    # whose squares would underflow still give it.
    top = max(parts)
    rel = [p / top for p in parts]
    denominator = sum(r * r / (n - 1) for r, (n, _m, _v) in zip(rel, groups, strict=True))
    if not denominator > 0.0:
        return None, _("ci not estimable: variance too close to zero")
    df = sum(rel) ** 2 / denominator
    estimate = sum(w * mean for (_n, mean, _v), w in zip(groups, weights, strict=True))
    half = _t_quantile(df, 1.0 - (1.0 - level) / 2.0) * math.sqrt(se2)
    lo, hi = finite(estimate - half), finite(estimate + half)
    if lo is None or hi is None:
        return None, _("ci not estimable: numerically unstable")
    return (lo, hi), None


def detectable_effect(n_x: int, n_y: int, alpha: float = 0.05) -> float | None:
    """The minimum detectable standardised gap (pooled SDs) at 80% power, or None when a
    group has fewer than 2 respondents or alpha is not in (0, 1)."""
    if n_x < 2 or n_y < 2 or not 0.0 < alpha < 1.0:
        return None
    df = n_x + n_y - 2
    z = _t_quantile(df, 1.0 - alpha / 2.0) + _t_quantile(df, POWER)
    return finite(z * math.sqrt(1.0 / n_x + 1.0 / n_y))


def smallest_rank_p(n_x: int, n_y: int) -> float | None:
    """The smallest two-sided permutation p-value a rank test can reach for these group
    sizes (untied answers, the groups completely separated): 2 / C(n_x + n_y, n_x),
    capped at 1. Ties only make it larger."""
    if n_x < 1 or n_y < 1:
        return None
    if n_x + n_y <= _EXACT_COMB_MAX:
        return min(1.0, 2 / math.comb(n_x + n_y, n_x))  # exact integer division
    # Through logarithms: C(n, k) overflows a float from about a thousand respondents on.
    log_comb = math.lgamma(n_x + n_y + 1) - math.lgamma(n_x + 1) - math.lgamma(n_y + 1)
    return min(1.0, 2.0 * math.exp(-log_comb))
