"""Comparing two groups: the gap, its interval, the rank test and the effect sizes.

Vocabulary:
- *x / y*: the two compared groups, in that order. By convention x is Sales and y is
  Marketing, but this module only knows "first" and "second"; callers may pass display
  names (``x_name``/``y_name``) so that ``reason`` strings say "marketing" instead of "y".
- *gap*: ``mean(x) - mean(y)``; positive means x (Sales) rates higher. Cliff's delta,
  Hedges' g and Welch's t share this orientation, and the gap's confidence interval is
  an interval for this signed difference: Welch's 95% t interval (:mod:`.intervals`;
  it replaced the percentile bootstrap, which covers only about 90% at 9 vs 5).
  ``n_boot`` is still checked, for callers that pass it on, but draws nothing here.
- *p value*: the two-sided Mann-Whitney U test, by permutation for small groups and by
  the normal approximation for large ones (:mod:`.ranks` says when and how).
- *Cliff's delta*: 2U / (n_x n_y) - 1 with U the Mann-Whitney U of x (average ranks),
  i.e. P(x > y) - P(x < y), computed from ranks without forming pairs.
- *band*: Romano et al.'s (2006) verbal label for |Cliff's delta|: negligible < 0.147 <=
  small < 0.33 <= medium < 0.474 <= large.
- *Hedges' g*: Cohen's d with the pooled SD, times J = 1 - 3 / (4(n_x + n_y) - 9).
- *Welch*: the unequal-variance t test, two-sided, p = 2 * stdtr(df, -|t|) as
  ``scipy.stats.ttest_ind(equal_var=False)`` computes it (``scipy.special.stdtr``, the
  same function, without the second it takes to import ``scipy.stats``).
- *mde*: the minimum detectable gap in scale points, :func:`.intervals.detectable_effect`
  times the pooled SD: gaps smaller than this are likely to go unseen with these groups.
- *estimable*: means and gap need one respondent per group; everything else two per
  group. The p value also needs some difference between any two answers (all answers
  identical give no rank information; Cliff's delta is then exactly 0, every pair being a
  tie). The interval, Hedges' g and Welch's t also need variance within at least one
  group (two constant groups would give a zero-width interval and an infinite
  standardised difference). A figure the data cannot support is None and ``reason``
  says why.

:class:`GapStats` is the statistics' own result rather than the assessment's
:class:`~salesmkt.model.assessment.GapFields`: it also carries the group sizes and means
(the quadrant of an item needs the means), and it serves two published models, the gap
fields of an assessment (:meth:`GapStats.fill`, the one mapping) and the change between
two survey waves (:mod:`salesmkt.analysis.compare`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from salesmkt.analysis.statistics.bootstrap import check_boot_params
from salesmkt.analysis.statistics.intervals import detectable_effect, t_interval
from salesmkt.analysis.statistics.ranks import PMethod, PooledRanks, mann_whitney_p
from salesmkt.analysis.statistics.sample import (
    MODEL_CONFIG,
    Tally,
    as_tally,
    finite,
    join_reasons,
)
from salesmkt.analysis.statistics.special import ufunc
from salesmkt.l10n import _
from salesmkt.model.assessment import GapFields, TotalGap

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "ROMANO_MEDIUM",
    "ROMANO_NEGLIGIBLE",
    "ROMANO_SMALL",
    "CliffsBand",
    "GapStats",
    "compare_groups",
    "romano_band",
]

# Romano, Kromrey, Coraggio & Skowronek (2006) cut-offs for |Cliff's delta|.
ROMANO_NEGLIGIBLE = 0.147
ROMANO_SMALL = 0.33
ROMANO_MEDIUM = 0.474

CliffsBand = Literal["negligible", "small", "medium", "large"]


class GapStats(BaseModel):
    """Comparison of group x with group y (gap = mean(x) - mean(y))."""

    model_config = MODEL_CONFIG

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
    mde: float | None = None
    reason: str | None = None

    def fill(self, target: GapFields) -> None:
        """Copy these figures into an assessment target's gap fields: the one mapping from
        the statistics' result to the published model.

        ``ci`` is the (low, high) pair, ``effect_size`` the band, ``not_estimable`` the
        reason; Welch's t goes to a :class:`TotalGap` only. The group sizes and means stay
        behind, and so do the fields that are the caller's judgement rather than a
        statistic (``flagged``, ``direction``, ``quadrant``, ``p_adjusted``).
        """
        target.gap = self.gap
        if self.ci_low is not None and self.ci_high is not None:
            target.ci = (self.ci_low, self.ci_high)
            target.ci_excludes_zero = self.ci_excludes_zero
        target.p_value = self.p_value
        target.p_method = self.p_method
        target.mann_whitney_u = self.mann_whitney_u
        target.cliffs_delta = self.cliffs_delta
        target.effect_size = self.cliffs_band
        target.hedges_g = self.hedges_g
        target.mde = self.mde
        if isinstance(target, TotalGap):
            target.welch_t, target.welch_df, target.welch_p = (
                self.welch_t,
                self.welch_df,
                self.welch_p,
            )
        target.not_estimable = self.reason


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

    Every figure, and when it is estimable, is described in the module docstring. The
    p value is a permutation test when min(n_x, n_y) <= ``permutation_max_n`` (Monte
    Carlo with ``n_perm`` resamples when exact enumeration is too large); ``welch`` and
    ``hedges`` say whether to compute those. Fields that the data cannot support are None
    and ``reason`` explains; ``x_name`` and ``y_name`` only label those explanations.
    """
    _check_params(n_boot, n_perm, permutation_max_n)
    sx = as_tally(x, "x")
    sy = as_tally(y, "y")
    result = GapStats(n_x=sx.n, n_y=sy.n, mean_x=finite(sx.mean), mean_y=finite(sy.mean))
    reasons: list[str] = []

    for s, name in ((sx, x_name), (sy, y_name)):
        if s.n == 0:
            reasons.append(_("not estimable: no respondents in {name}").format(name=name))
        elif s.n < 2:
            reasons.append(_("not estimable: fewer than 2 respondents in {name}").format(name=name))
    if sx.mean is not None and sy.mean is not None:
        result.gap = finite(sx.mean - sy.mean)
    if sx.n < 2 or sy.n < 2:
        result.reason = join_reasons(reasons)
        return result

    pr = PooledRanks(sx, sy)
    nm = sx.n * sy.n
    centred = pr.u2_x - nm  # 2U - n_x n_y: exact, antisymmetric under swapping x and y
    result.mann_whitney_u = finite(pr.u2_x / 2)
    delta = finite(centred / nm)
    result.cliffs_delta = delta
    result.cliffs_band = romano_band(delta) if delta is not None else None

    _fill_p_value(result, pr, abs(centred), seed, permutation_max_n, n_perm, reasons)
    _fill_interval(result, sx, sy, reasons)
    _fill_mde(result, sx, sy)
    if hedges:
        _fill_hedges(result, sx, sy, reasons)
    if welch:
        _fill_welch(result, sx, sy, reasons)

    result.reason = join_reasons(reasons)
    return result


def _check_params(n_boot: int, n_perm: int, permutation_max_n: int) -> None:
    check_boot_params(n_boot)
    if n_perm < 1:
        raise ValueError(f"n_perm must be >= 1, got {n_perm}")
    if permutation_max_n < 0:
        raise ValueError(f"permutation_max_n must be >= 0, got {permutation_max_n}")


def _fill_p_value(
    result: GapStats,
    pr: PooledRanks,
    t_obs: int,
    seed: int,
    permutation_max_n: int,
    n_perm: int,
    reasons: list[str],
) -> None:
    if pr.distinct == 1:
        reasons.append(_("p_value not estimable: all answers identical, the rank test has no data"))
        return
    p, method = mann_whitney_p(
        pr, t_obs, seed=seed, permutation_max_n=permutation_max_n, n_perm=n_perm
    )
    if p is None:
        reasons.append(_("p_value not estimable: numerically unstable"))
        return
    result.p_value, result.p_method = p, method


def _fill_interval(result: GapStats, sx: Tally, sy: Tally, reasons: list[str]) -> None:
    if sx.distinct == 1 and sy.distinct == 1:
        # A zero-width interval would claim certainty that two or three identical answers
        # cannot give.
        reasons.append(_("ci not estimable: no variance within either group"))
        return
    ci, why = t_interval((sx, sy), (1.0, -1.0))
    if ci is None:
        reasons.append(why or _("ci not estimable"))
        return
    result.ci_low, result.ci_high = ci
    result.ci_excludes_zero = result.ci_low > 0.0 or result.ci_high < 0.0


def _fill_mde(result: GapStats, sx: Tally, sy: Tally) -> None:
    """The minimum detectable gap in scale points: the standardised one times the pooled SD
    (None without variance)."""
    d = detectable_effect(sx.n, sy.n)
    pooled_var = (sx.ss + sy.ss) / (sx.n + sy.n - 2)
    if d is not None and pooled_var > 0.0:
        result.mde = finite(d * math.sqrt(pooled_var))


def _fill_hedges(result: GapStats, sx: Tally, sy: Tally, reasons: list[str]) -> None:
    assert sx.mean is not None and sy.mean is not None
    df = sx.n + sy.n - 2
    pooled_var = (sx.ss + sy.ss) / df
    if pooled_var <= 0.0:
        reasons.append(_("hedges_g not estimable: zero variance in both groups"))
        return
    j = 1.0 - 3.0 / (4.0 * (sx.n + sy.n) - 9.0)
    result.hedges_g = finite(j * (sx.mean - sy.mean) / math.sqrt(pooled_var))
    if result.hedges_g is None:
        reasons.append(_("hedges_g not estimable: numerically unstable"))


def _fill_welch(result: GapStats, sx: Tally, sy: Tally, reasons: list[str]) -> None:
    assert sx.mean is not None and sy.mean is not None
    assert sx.var is not None and sy.var is not None
    a = sx.var / sx.n
    b = sy.var / sy.n
    se2 = a + b
    if se2 <= 0.0:
        reasons.append(_("welch_t not estimable: zero variance in both groups"))
        return
    t = (sx.mean - sy.mean) / math.sqrt(se2)
    denominator = a * a / (sx.n - 1) + b * b / (sy.n - 1)
    if not denominator > 0.0 or not math.isfinite(t):
        # Variances so small that their squares underflow: no usable degrees of freedom.
        reasons.append(_("welch_t not estimable: variance too close to zero"))
        return
    df = se2 * se2 / denominator
    # scipy.special's stdtr, the function ttest_ind calls, without importing scipy.stats.
    p = 2.0 * float(ufunc("stdtr")(df, -abs(t)))
    t_f, df_f, p_f = finite(t), finite(df), finite(min(1.0, p))
    if t_f is None or df_f is None or p_f is None:
        reasons.append(_("welch_t not estimable: numerically unstable"))
        return
    result.welch_t, result.welch_df, result.welch_p = t_f, df_f, p_f
