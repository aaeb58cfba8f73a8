"""Borderline stages: a score whose bootstrap interval holds a stage edge.

Vocabulary:
- *stage edge*: the lowest score of a stage (an *inner* edge separates two stages).
- *borderline*: a compared group's (or the organisation's) score whose 95% bootstrap
  interval holds an inner stage edge; the score *sits on* the nearest such edge.
- *shares*: the share of bootstrap resample means per stage, which says how sure the
  stage is; resample means outside every stage are counted apart.
- *the organisation*: the equal-weight mean of the compared groups' mean totals (each
  resampled on its own, see :mod:`salesmkt.analysis.statistics.bootstrap`), judged only
  when both groups are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from salesmkt.analysis.gapdata import Groups, possessive
from salesmkt.analysis.statistics.bootstrap import (
    bootstrap_equal_weight_with_shares,
    bootstrap_mean_with_shares,
)
from salesmkt.model.assessment import Borderline
from salesmkt.wording import fmt_score

if TYPE_CHECKING:
    from salesmkt.analysis.statistics.sample import Tally
    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.model.assessment import Settings

__all__ = ["borderline_results"]


def _share_text(share: float) -> str:
    if share <= 0:
        return "0%"
    pct = round(share * 100)
    if pct == 0:
        return "<1%"
    if pct == 100 and share < 1:
        return ">99%"
    return f"{pct}%"


def _crosses(ci: tuple[float, float], inner: Sequence[float]) -> bool:
    return any(ci[0] < e <= ci[1] for e in inner)


def _borderline(
    q: Questionnaire,
    who: str,
    name: str,
    score: float,
    ci: tuple[float, float],
    shares: dict[str, float],
) -> Borderline | None:
    """A Borderline entry when the interval holds an inner stage edge, else None."""

    ordered = sorted(q.stages, key=lambda s: s.min)
    edges = q.stage_edges
    crossed = [i for i in range(1, len(edges) - 1) if ci[0] < edges[i] <= ci[1]]
    if not crossed or not shares:
        return None
    # Of the edges inside the interval, the score "sits on" the nearest one.
    at = min(crossed, key=lambda i: (abs(edges[i] - score), i))
    below, above = ordered[at - 1], ordered[at]
    parts = [(_share_text(shares[s.id]), s.label) for s in ordered if shares.get(s.id, 0) > 0]
    outside = 1.0 - sum(shares.values())
    if outside > 1e-9:
        parts.append((_share_text(outside), "outside every stage"))
    listed = ", ".join(
        f"{pct} of resamples {what}" if i == 0 else f"{pct} {what}"
        for i, (pct, what) in enumerate(parts)
    )
    message = (
        f"{possessive(name)} {fmt_score(score, edges)} sits on the "
        f"{below.label}/{above.label} edge: {listed}"
    )
    return Borderline(
        who=who, score=score, ci=ci, edge=float(edges[at]), shares=shares, message=message
    )


def borderline_results(
    q: Questionnaire, settings: Settings, totals: dict[int, Tally], groups: Groups
) -> list[Borderline]:
    """Borderline entries for each compared group shown and for the organisation.

    ``totals`` holds the tallies of the shown compared groups' totals. The organisation's
    score is the equal-weight mean of the compared groups (each resampled on its own), so
    it is judged only when both are shown.
    """
    if len(q.stages) < 2 or len(q.compare) != 2:
        return []
    edges = q.stage_edges
    inner = edges[1:-1]
    ids = [s.id for s in sorted(q.stages, key=lambda s: s.min)]
    seed, n_boot = settings.seed, settings.n_boot
    out: list[Borderline] = []
    values: dict[str, Tally] = {}
    for gid in q.compare:
        c = groups.index(gid)
        if c is None or c not in totals:
            continue
        values[gid] = totals[c]
        est, shares = bootstrap_mean_with_shares(totals[c], edges, ids, seed=seed, n_boot=n_boot)
        if est.mean is None or est.ci_low is None or est.ci_high is None:
            continue
        ci = (est.ci_low, est.ci_high)
        if _crosses(ci, inner):
            entry = _borderline(q, gid, groups.labels[gid], est.mean, ci, shares)
            if entry is not None:
                out.append(entry)
    if groups.pair is not None and len(values) == 2:
        xa, xb = values[q.compare[0]], values[q.compare[1]]
        est, shares = bootstrap_equal_weight_with_shares(
            xa, xb, edges, ids, seed=seed, n_boot=n_boot
        )
        if est.mean is not None and est.ci_low is not None and est.ci_high is not None:
            ci = (est.ci_low, est.ci_high)
            if _crosses(ci, inner):
                entry = _borderline(q, "overall", "The organisation", est.mean, ci, shares)
                if entry is not None:
                    out.append(entry)
    return out
