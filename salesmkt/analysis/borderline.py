"""Borderline stages: a score whose 95% interval holds a stage edge.

Vocabulary:
- *stage edge*: the lowest score of a stage (an *inner* edge separates two stages).
- *borderline*: a compared group's (or the organisation's) score whose 95% t interval
  (:mod:`salesmkt.analysis.statistics.intervals`, the same interval as
  ``groups[].ci`` and ``overall.ci``) holds an inner stage edge; the score *sits on*
  the nearest such edge.
- *shares*: the share of bootstrap resample means per stage ("of resamples", never a
  probability: the bootstrap says how the mean moves when the same people are drawn
  again); resample means outside every stage are counted apart.
- *few respondents*: fewer than :data:`SHARES_MIN_N` in a group behind the score. The
  bootstrap of so few answers understates the spread, so no shares are given: the note
  says that the stage is uncertain, without percentages.
- *the organisation*: the equal-weight mean of the compared groups' mean totals (each
  resampled on its own, see :mod:`salesmkt.analysis.statistics.bootstrap`), judged only
  when both groups are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from salesmkt.analysis.gapdata import Groups, possessive
from salesmkt.analysis.statistics.bootstrap import (
    bootstrap_band_shares,
    bootstrap_equal_weight_shares,
)
from salesmkt.analysis.statistics.intervals import t_interval
from salesmkt.l10n import _, number, reader_language
from salesmkt.model.assessment import Borderline
from salesmkt.wording import fmt_score

if TYPE_CHECKING:
    from salesmkt.analysis.statistics.sample import Tally
    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.model.assessment import Settings

__all__ = ["SHARES_MIN_N", "borderline_results"]

# Below this many respondents in a group the resample shares are not shown (see above).
SHARES_MIN_N = 8


def _share_text(share: float) -> str:
    if share <= 0:
        return number("0%")
    pct = round(share * 100)
    if pct == 0:
        return number("<1%")
    if pct == 100 and share < 1:
        return number(">99%")
    return number(f"{pct}%")


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
    if not crossed:
        return None
    # Of the edges inside the interval, the score "sits on" the nearest one.
    at = min(crossed, key=lambda i: (abs(edges[i] - score), i))
    below, above = ordered[at - 1], ordered[at]
    if who == "overall":
        whose = _("The organisation's")
    else:  # English's possessive has no gettext form; other languages word it their way
        whose = possessive(name) if reader_language() is None else _("{group}'s").format(group=name)
    head = _("{whose} {score} sits on the {below}/{above} edge").format(
        whose=whose, score=fmt_score(score, edges), below=below.label, above=above.label
    )
    if not shares:
        message = _(
            "{head}: with fewer than {n} respondents in a group the stage is "
            "uncertain (the {level} interval spans {low}–{high})"
        ).format(
            head=head,
            n=SHARES_MIN_N,
            level=number("95%"),
            low=fmt_score(ci[0], edges),
            high=fmt_score(ci[1], edges),
        )
        return Borderline(
            who=who, score=score, ci=ci, edge=float(edges[at]), shares={}, message=message
        )
    parts = [(_share_text(shares[s.id]), s.label) for s in ordered if shares.get(s.id, 0) > 0]
    outside = 1.0 - sum(shares.values())
    if outside > 1e-9:
        parts.append((_share_text(outside), _("outside every stage")))
    listed = ", ".join(
        _("{pct} of resamples {stage}").format(pct=pct, stage=what) if i == 0 else f"{pct} {what}"
        for i, (pct, what) in enumerate(parts)
    )
    message = f"{head}: {listed}"
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
    ids = [s.id for s in sorted(q.stages, key=lambda s: s.min)]
    seed, n_boot = settings.seed, settings.n_boot
    out: list[Borderline] = []
    values: dict[str, Tally] = {}
    for gid in q.compare:
        c = groups.index(gid)
        if c is None or c not in totals:
            continue
        s = totals[c]
        values[gid] = s
        ci, _ = t_interval((s,), (1.0,))
        if s.mean is None or ci is None or not _crosses(ci, edges[1:-1]):
            continue
        few = s.n < SHARES_MIN_N
        shares = {} if few else bootstrap_band_shares(s, edges, ids, seed=seed, n_boot=n_boot)
        entry = _borderline(q, gid, groups.labels[gid], s.mean, ci, shares)
        if entry is not None:
            out.append(entry)
    if groups.pair is not None and len(values) == 2:
        entry = _organisation(q, values[q.compare[0]], values[q.compare[1]], ids, seed, n_boot)
        if entry is not None:
            out.append(entry)
    return out


def _organisation(
    q: Questionnaire, xa: Tally, xb: Tally, ids: list[str], seed: int, n_boot: int
) -> Borderline | None:
    """The organisation's borderline entry (equal-weight score), if its interval holds
    an edge."""
    edges = q.stage_edges
    ci, _ = t_interval((xa, xb), (0.5, 0.5))
    if xa.mean is None or xb.mean is None or ci is None or not _crosses(ci, edges[1:-1]):
        return None
    few = min(xa.n, xb.n) < SHARES_MIN_N
    shares = (
        {} if few else bootstrap_equal_weight_shares(xa, xb, edges, ids, seed=seed, n_boot=n_boot)
    )
    score = (xa.mean + xb.mean) / 2.0
    return _borderline(q, "overall", "The organisation", score, ci, shares)
