"""Measurement quality: is the total reliable, and does each group agree within itself?

Vocabulary:
- *reliability*: Cronbach's alpha of the whole scale, pooled over the shown groups and
  per compared group, reported from :data:`RELIABILITY_MIN_N` complete answer sets up;
  below the model's ``RELIABILITY_FLOOR`` (``ReliabilityResult.below_floor``) a warning
  says, in words, for whom the total is not a reliable measure.
- *agreement*: r_wg(J) and AD_M for every group with respondents. When agreement is low
  (``AgreementResult.low``) the note says that the group's mean hides a split team, and
  which index shows it.
- *suppressed*: a group below the anonymity threshold gets its ``n`` and the reason only.

The figures come from :mod:`salesmkt.analysis.statistics.reliability` and
:mod:`salesmkt.analysis.statistics.agreement` in the published models themselves; this
module decides whose answers are measured, by which path, and words the findings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from salesmkt.analysis.gapdata import (
    GapData,
    Groups,
    ItemTallies,
    answer_rows,
    possessive,
    suppressed_reason,
)
from salesmkt.analysis.statistics.agreement import agreement_of_tallies
from salesmkt.analysis.statistics.reliability import (
    Moments,
    alpha_from_moments,
    complete_rows,
    cronbach_alpha,
    gather_moments,
)
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.model.assessment import (
    AGREEMENT_FLOOR,
    RELIABILITY_FLOOR,
    AgreementResult,
    ReliabilityResult,
    ad_m_limit,
)

if TYPE_CHECKING:
    from salesmkt.definitions.questionnaire import Questionnaire

__all__ = [
    "FAST_RELIABILITY_CELLS",
    "RELIABILITY_MIN_N",
    "agreement_results",
    "reliability_results",
]

# Below this many complete answer sets Cronbach's alpha swings wildly (it can land far
# below 0 by chance), so it is not reported.
RELIABILITY_MIN_N = 10
# Above this many answers the reliability figures come from summed moments
# (statistics.reliability.alpha_from_moments) instead of cronbach_alpha, whose per-item
# copies of the matrix cost 6 s at 100,000 respondents. Both give the same numbers.
FAST_RELIABILITY_CELLS = 100_000


# -- reliability -------------------------------------------------------------------------


def reliability_results(q: Questionnaire, data: GapData, groups: Groups) -> list[ReliabilityResult]:
    """Cronbach's alpha pooled over the shown groups, and per compared group."""
    shown = groups.shown()
    if not shown:
        return []
    alpha = _alpha_of_groups(q, data, groups, shown)
    out = [_reliability_result("these respondents", alpha("pooled", None))]
    for gid in q.compare:
        found = groups.index(gid)
        if found is None or groups.n[found] == 0:
            continue
        c = found
        label = groups.labels[gid]
        if groups.suppressed[c]:
            out.append(
                ReliabilityResult(
                    scope=gid,
                    n=int(groups.n[c]),
                    not_estimable=suppressed_reason(groups.k_min, label),
                )
            )
            continue
        out.append(_reliability_result(f"{label} respondents", alpha(gid, c)))
    return out


def _reliability_result(who: str, rel: ReliabilityResult) -> ReliabilityResult:
    """What is published of one alpha: nothing from too few answer sets, and a warning
    in words when it is below the floor."""
    if rel.n < RELIABILITY_MIN_N and rel.not_estimable is None:
        return ReliabilityResult(
            scope=rel.scope,
            n=rel.n,
            not_estimable=(
                f"not estimable: {rel.n} complete answer sets; Cronbach's alpha needs at "
                f"least {RELIABILITY_MIN_N}"
            ),
        )
    if rel.below_floor:
        assert rel.alpha is not None
        why = (
            "the items correlate negatively on average: check reverse-scored items and data entry"
            if rel.alpha < 0
            else "the items may not measure one common thing for them"
        )
        rel.warning = (
            f"Cronbach's alpha {rel.alpha:.2f} is below {RELIABILITY_FLOOR:.2f}: the total is "
            f"not a reliable measure for {who}; {why}."
        )
    return rel


def _alpha_of_groups(
    q: Questionnaire, data: GapData, groups: Groups, shown: list[int]
) -> Callable[[str, int | None], ReliabilityResult]:
    """``alpha(scope, c)``: Cronbach's alpha of shown group ``c`` (None: of every shown
    group together), published under ``scope``.

    Large data (more than FAST_RELIABILITY_CELLS answers) go through moments that add up
    across groups; smaller data through cronbach_alpha itself. Both paths give the same
    figures.
    """

    ids = q.item_ids
    large = int(sum(groups.n[c] for c in shown)) * len(ids) > FAST_RELIABILITY_CELLS
    moments: dict[int, Moments] = {}
    pooled: Moments | None = None
    if large and len(ids) >= 2:
        shift = q.scale.midpoint if q.scale.min is not None and q.scale.max is not None else 0.0
        complete = complete_rows(data.items, data.valid)
        moments = {c: gather_moments(data.items, groups.rows[c], complete, shift) for c in shown}
        for c in shown:
            pooled = moments[c] if pooled is None else pooled + moments[c]

    def alpha(scope: str, c: int | None) -> ReliabilityResult:
        m = pooled if c is None else moments.get(c)
        if m is not None and m.n >= 2:
            return alpha_from_moments(m, ids, scope=scope)
        rows = groups.rows[c] if c is not None else np.concatenate([groups.rows[g] for g in shown])
        return cronbach_alpha(answer_rows(data, rows), ids, scope=scope)

    return alpha


# -- agreement ---------------------------------------------------------------------------


def agreement_results(
    q: Questionnaire, groups: Groups, items: ItemTallies
) -> list[AgreementResult]:
    """r_wg(J) and AD_M for every group with respondents (suppressed ones: n only)."""
    lo, hi = q.scale.min, q.scale.max
    if lo is None or hi is None:
        return []
    n_options = hi - lo + 1
    out: list[AgreementResult] = []
    for c, gid in enumerate(groups.ids):
        n = int(groups.n[c])
        if n == 0:
            continue
        label = groups.labels[gid]
        if groups.suppressed[c]:
            why = suppressed_reason(groups.k_min, label)
            out.append(AgreementResult(group=gid, n=n, not_estimable=why))
        elif n_options < 2:
            why = "not estimable: a one-point scale"
            out.append(AgreementResult(group=gid, n=n, not_estimable=why))
        else:
            # r_wg(J) and AD_M do not depend on where the scale starts; statistics
            # expects 1..A.
            tallies = items.by_group[c]
            if lo != 1:
                tallies = [Tally.trusted(t.values - (lo - 1), t.counts) for t in tallies]
            agr = agreement_of_tallies(tallies, items.answered[c], n_options, group=gid)
            notes = [_split_team(agr, label, n_options), agr.note]
            agr.note = "; ".join(note for note in notes if note) or None
            out.append(agr)
    return out


def _split_team(agr: AgreementResult, label: str, n_options: int) -> str | None:
    """The sentence that says a low-agreement group's mean hides a split team."""
    if not agr.low:
        return None
    why: list[str] = []
    if agr.rwg_below_floor:
        why.append(f"r_wg(J) {agr.rwg_j:.2f} is below {AGREEMENT_FLOOR:.2f}")
    limit = ad_m_limit(n_options)
    if agr.ad_m is not None and agr.ad_m > limit:
        why.append(f"AD_M {agr.ad_m:.2f} is above {limit:.2f}")
    return (
        f"{possessive(label)} mean hides a split team: {' and '.join(why)}, so its "
        "members answer very differently"
    )
