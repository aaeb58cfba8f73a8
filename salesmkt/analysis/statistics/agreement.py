"""Agreement: how alike the members of one group answer a multi-item scale.

Vocabulary:
- *r_wg(J)*: James, Demaree & Wolf's within-group agreement over J items against a
  uniform null (random answering over the A answer options, sigma2_EU = (A^2 - 1) / 12),
  truncated to 0 when the answers vary at least as much as random answering would.
- *r*wg(J)*: Lindell, Brandt & Whitney's (1999) multi-item index, 1 - s2 / sigma2_E with
  s2 the mean item variance: no Spearman-Brown step, so it does not creep towards 1 as
  items are added (r_wg(J) with 20 items is near 0.99 for answers that plainly
  disagree). It runs from 1 (perfect agreement) through 0 (random answering) to -1 (a
  team split between the scale's ends). Reported against two nulls: the *uniform*
  (sigma2_EU = (A^2 - 1) / 12) and the *slightly skewed* one of LeBreton & Senter
  (2008), answers leaning one way as lenient raters do (:data:`SLIGHT_SKEW`: shares
  .05/.15/.20/.35/.25, variance 1.34, on 5 points; other scales get none).
- *ICC(1), ICC(2)* (:func:`icc_oneway`): from a one-way ANOVA of one score across
  groups with mean squares MSB and MSW, ICC(1) = (MSB - MSW) / (MSB + (n0 - 1) MSW) (the
  share of the spread that lies between groups) and ICC(2) = (MSB - MSW) / MSB (the
  reliability of a group's mean), n0 = (N - sum n_g^2 / N) / (G - 1) the group size
  for unequal groups (Bliese 2000).
- *AD_M*: Burke's average deviation, the mean over items of the mean absolute deviation
  from the item mean.
- *low agreement*: r*wg(J) (uniform null) below the model's ``AGREEMENT_FLOOR`` or AD_M above
  ``ad_m_limit(A)`` (:mod:`salesmkt.model.assessment` holds both thresholds).
- *per-item deletion*: each item's variance and deviation use whoever answered that item,
  and items with fewer than 2 answers are skipped: agreement is a per-item property, and
  dropping whole respondents would throw away most of a small team's answers.

Answers are expected on 1..A; callers shift other scales first (the indices do not
depend on where the scale starts). The result is the assessment's own
:class:`~salesmkt.model.assessment.AgreementResult`: no second model to translate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from salesmkt.analysis.statistics.sample import Tally, as_matrix, finite, join_reasons
from salesmkt.analysis.statistics.special import ufunc
from salesmkt.l10n import _
from salesmkt.model.assessment import AgreementResult, ad_m_limit

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "SLIGHT_SKEW",
    "ad_m",
    "agreement",
    "agreement_of_tallies",
    "icc_oneway",
    "rwg_j",
    "rwg_star_j",
]

#: LeBreton & Senter's (2008) slightly skewed null distribution (share per answer,
#: lowest first): variance 1.34 on 5 points.
SLIGHT_SKEW: dict[int, tuple[float, ...]] = {5: (0.05, 0.15, 0.20, 0.35, 0.25)}


def skewed_null_variance(n_options: int) -> float | None:
    """The variance of the slightly skewed null on A points, or None when not defined."""
    shares = SLIGHT_SKEW.get(n_options)
    if shares is None:
        return None
    mean = sum((i + 1) * p for i, p in enumerate(shares))
    return sum(p * ((i + 1) - mean) ** 2 for i, p in enumerate(shares))


def _item_tallies(matrix: ArrayLike) -> tuple[list[Tally], int]:
    """Per-item tallies of the answered values (pairwise deletion), and how many respondents
    answered at least one item."""
    import numpy as np

    data = as_matrix(matrix)
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
    return finite(j * (1.0 - ratio) / (j * (1.0 - ratio) + ratio)), False


def _mean_item_variance(items: Sequence[Tally]) -> float | None:
    usable = _usable(items)
    if not usable:
        return None
    return sum(t.ss / (t.n - 1) for t in usable) / len(usable)


def _rwg_star(items: Sequence[Tally], null_variance: float | None) -> float | None:
    mean_var = _mean_item_variance(items)
    if mean_var is None or null_variance is None:
        return None
    return finite(1.0 - mean_var / null_variance)


def rwg_star_j(matrix: ArrayLike, n_options: int) -> float | None:
    """Lindell, Brandt & Whitney's r*wg(J) against the uniform null: 1 - s2 / sigma2_EU with
    s2 the mean item variance (items with fewer than 2 answers skipped); None when no item
    has 2 answers."""
    items, _ = _item_tallies(matrix)
    return _rwg_star(items, _null_variance(n_options))


def icc_oneway(samples: Sequence[Tally]) -> tuple[float, float, float, float, float] | None:
    """ICC(1), ICC(2), F, its p-value and n0 of a one-way ANOVA across groups (see the
    module docstring); None when there are fewer than 2 groups, N - G < 1, or no
    variance between or within groups."""
    groups = [s for s in samples if s.n > 0]
    g = len(groups)
    n = sum(s.n for s in groups)
    if g < 2 or n - g < 1:
        return None
    grand = sum(s.n * (s.mean or 0.0) for s in groups) / n
    ssb = sum(s.n * ((s.mean or 0.0) - grand) ** 2 for s in groups)
    ssw = sum(s.ss for s in groups)
    msb, msw = ssb / (g - 1), ssw / (n - g)
    if not msb > 0.0 or not msw > 0.0:
        return None
    n0 = (n - sum(s.n * s.n for s in groups) / n) / (g - 1)
    f = msb / msw
    denominator = msb + (n0 - 1.0) * msw
    icc1, icc2 = finite((msb - msw) / denominator) if denominator > 0 else None, (msb - msw) / msb
    p = finite(float(ufunc("fdtrc")(g - 1, n - g, f)))
    if icc1 is None or p is None or not math.isfinite(f):
        return None
    return icc1, icc2, f, p, n0


def _adm_from_tallies(items: Sequence[Tally]) -> float | None:
    import numpy as np

    usable = _usable(items)
    if not usable:
        return None
    total = 0.0
    for t in usable:
        assert t.mean is not None
        total += float(t.counts @ np.abs(t.values - t.mean)) / t.n
    return finite(total / len(usable))


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


def agreement(matrix: ArrayLike, n_options: int, *, group: str) -> AgreementResult:
    """Within-group agreement of ``group``'s answers: r_wg(J), AD_M and the low-agreement
    flag, as the assessment publishes them (:class:`AgreementResult`).

    ``low_agreement`` is True when AD_M > ad_m_limit(n_options) (0.8333 on 5 points) or
    r*wg(J) (uniform null) is below AGREEMENT_FLOOR, False when both are estimable and fine, None
    otherwise. ``n`` counts respondents who answered at least one item; ``note`` holds the
    statistical remarks (truncation, skipped items, answers off the scale) and
    ``not_estimable`` why neither index exists.
    """
    items, n = _item_tallies(matrix)
    return agreement_of_tallies(items, n, n_options, group=group)


def agreement_of_tallies(
    items: Sequence[Tally], n: int, n_options: int, *, group: str
) -> AgreementResult:
    """``agreement`` from each item's tally of answers (items in order, empty ones too) and
    ``n``, the number of respondents who answered at least one item: the same figures as
    ``agreement`` on the matrix those tallies count."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    sigma2 = _null_variance(n_options)
    rwg, truncated = _rwg_from_tallies(items, n_options)
    adm = _adm_from_tallies(items)
    out = AgreementResult(
        group=group,
        n=n,
        rwg_j=rwg,
        rwg_star_j=_rwg_star(items, sigma2),
        rwg_star_j_skewed=_rwg_star(items, skewed_null_variance(n_options)),
        ad_m=adm,
    )

    if rwg is None and adm is None:
        out.not_estimable = _("not estimable: no item was answered by at least 2 respondents")
    flags: list[bool] = []
    if adm is not None:
        flags.append(adm > ad_m_limit(n_options))
    if out.rwg_star_j is not None:
        flags.append(out.rwg_below_floor)
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
    out.note = join_reasons(notes)
    return out
