"""Measurement quality: is the total reliable, and does each group agree within itself?

Vocabulary:
- *reliability*: Cronbach's alpha with its Feldt interval and McDonald's omega, of the
  whole scale and of each dimension (``Assessment.reliability_dimensions``): pooled
  *within* the shown groups (the covariance about each group's own means, so a gap
  between the groups cannot pass for reliability) and per compared group, each from
  the respondents who answered every item of that scope (``n``), reported from
  :data:`RELIABILITY_MIN_N` of them up; below the model's ``RELIABILITY_FLOOR``
  (``ReliabilityResult.below_floor``) a warning says, in words, for whom the total is
  not a reliable measure.
- *agreement*: r_wg(J), r*wg(J) (uniform and slightly skewed nulls) and AD_M for every
  group with respondents. When agreement is low (``AgreementResult.low``: r*wg(J) below
  the floor or AD_M above its limit) the note says that the group's mean hides a split
  team, and which index shows it.
- *aggregation*: ICC(1) and ICC(2) of the respondents' totals over the shown groups
  (one-way ANOVA, :func:`aggregation_result`): whether a group's mean stands for its
  members.
- *suppressed*: a group below the anonymity threshold gets its ``n`` and the reason only.

The figures come from :mod:`salesmkt.analysis.statistics.reliability` and
:mod:`salesmkt.analysis.statistics.agreement` in the published models themselves; this
module decides whose answers are measured, by which path, and words the findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
from salesmkt.analysis.statistics.agreement import agreement_of_tallies, icc_oneway
from salesmkt.analysis.statistics.reliability import (
    Moments,
    alpha_from_cov,
    alpha_from_moments,
    answered_cells,
    block_moments,
    cronbach_alpha,
    feldt_interval,
    gather_moments,
    none_missing,
    omega_totals,
    pack_missing,
    within_group_cov,
)
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.l10n import _, number, reader_language
from salesmkt.model.assessment import (
    AGREEMENT_FLOOR,
    RELIABILITY_FLOOR,
    AggregationResult,
    AgreementResult,
    ReliabilityResult,
    ad_m_limit,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesmkt.definitions.questionnaire import Questionnaire

    BoolArray = NDArray[np.bool_]
    IntArray = NDArray[np.int64]
    UIntArray = NDArray[np.uint64]
    FloatArray = NDArray[np.float64]

# Omegas still to fit: each result with the covariance matrix its omega comes from. The
# fits are made together at the end (statistics.reliability.omega_totals), which gives
# the same figures as one at a time for a fraction of the time.
_Omegas = list[tuple[ReliabilityResult, "FloatArray"]]

__all__ = [
    "FAST_RELIABILITY_CELLS",
    "RELIABILITY_MIN_N",
    "ScaleMoments",
    "aggregation_result",
    "agreement_results",
    "dimension_reliability",
    "missing_bits",
    "reliability_results",
    "scale_moments",
]

# Below this many complete answer sets Cronbach's alpha swings wildly (it can land far
# below 0 by chance), so it is not reported.
RELIABILITY_MIN_N = 10
# Above this many answers the reliability figures come from summed moments
# (statistics.reliability.alpha_from_moments) instead of cronbach_alpha, whose per-item
# copies of the matrix cost 6 s at 100,000 respondents. Both give the same numbers.
FAST_RELIABILITY_CELLS = 100_000


# -- reliability -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleMoments:
    """Every shown group's moments of its complete answer sets over all items, which
    respondents answered every item, and the common shift (see
    :class:`~salesmkt.analysis.statistics.reliability.Moments`): gathered once and shared
    by the whole scale's figures and every dimension's. ``partial`` lists (ascending)
    the respondents who did not answer every item, ``skipped`` which items each of them
    skipped (:func:`~salesmkt.analysis.statistics.reliability.pack_missing`)."""

    by_group: dict[int, Moments]
    complete: BoolArray
    shift: float
    partial: IntArray
    skipped: UIntArray
    _split: dict[int, tuple[IntArray, UIntArray]] = field(default_factory=dict, compare=False)

    def partial_by_group(self, groups: Groups) -> dict[int, tuple[IntArray, UIntArray]]:
        """``partial`` and ``skipped`` of each group in ``by_group`` (its rows in the
        same ascending order), split once: every dimension reads them."""
        if not self._split:
            code = groups.code[self.partial]
            for c in self.by_group:
                mine = code == c
                self._split[c] = (self.partial[mine], self.skipped[mine])
        return self._split


def scale_moments(q: Questionnaire, data: GapData, groups: Groups) -> ScaleMoments:
    """Gather :class:`ScaleMoments` (one pass over the shown groups' answers)."""
    shift = q.scale.midpoint if q.scale.min is not None and q.scale.max is not None else 0.0
    complete, partial, skipped = _completeness(data)
    rows = groups.rows
    by_group = {c: gather_moments(data.items, rows[c], complete, shift) for c in groups.shown()}
    return ScaleMoments(by_group, complete, shift, partial, skipped)


def _completeness(data: GapData) -> tuple[BoolArray, IntArray, UIntArray]:
    """Which respondents answered every item, the others (ascending), and the items each
    of them skipped (:func:`pack_missing`)."""
    if data.answered is not None:
        # Each respondent's count of answers, held: complete where it is every item.
        complete = np.equal(data.answered, data.items.shape[1])
        partial = np.flatnonzero(~complete)
        return complete, partial, missing_bits(data, partial)
    if data.valid is None and data.blank_zero:
        # The marks are items != 0: complete rows found a column at a time and only the
        # partial rows' marks made, never a respondents × items matrix of them.
        complete = np.ones(data.items.shape[0], dtype=bool)
        given = np.empty_like(complete)  # one column's marks, made in place
        for j in range(data.items.shape[1]):
            np.not_equal(data.items[:, j], 0, out=given)
            complete &= given
        partial = np.flatnonzero(~complete)
        return complete, partial, missing_bits(data, partial)
    answered = answered_cells(data.items, data.valid)
    complete = np.logical_and.reduce(answered, axis=1)
    partial = np.flatnonzero(~complete)
    return complete, partial, pack_missing(~answered[partial])


# missing_bits packs a column at a time up to this many items (one 64-bit word a row).
_WORD = 64


def missing_bits(data: GapData, rows: IntArray) -> UIntArray:
    """:func:`pack_missing` of the unanswered cells of ``rows`` (ascending), the same
    bits: with at most :data:`_WORD` items, each item's answers of those rows taken and
    its unanswered ones or-ed in as bit j, with no rows × items copy of the answers or
    marks (the packing of one was half of the moments' set-up at a million)."""
    items = data.items
    k = items.shape[1]
    if k > _WORD or not data.marked:
        answers = items[rows]
        marks = answers != 0 if data.valid is None and data.blank_zero else None
        if data.valid is not None:
            marks = data.valid[rows]
        return pack_missing(~answered_cells(answers, marks))
    bits: UIntArray = np.zeros((rows.size, 1), dtype=np.dtype("<u8"))
    word = bits[:, 0]
    column = np.empty(rows.size, dtype=items.dtype)
    gone = np.empty(rows.size, dtype=bool)
    for j in range(k):
        items[:, j].take(rows, out=column)
        if data.valid is not None:
            data.valid[:, j].take(rows, out=gone)
            np.logical_not(gone, out=gone)
            if items.dtype.kind == "f":
                gone |= ~np.isfinite(column)
        else:  # blank zero
            np.equal(column, 0, out=gone)
        word |= gone.view(np.uint8).astype(np.uint64) << np.uint64(j)
    return bits


def reliability_results(
    q: Questionnaire, data: GapData, groups: Groups, full: ScaleMoments | None = None
) -> list[ReliabilityResult]:
    """Cronbach's alpha pooled within the shown groups, and per compared group."""
    shown = groups.shown()
    if not shown:
        return []
    full = full or scale_moments(q, data, groups)
    moments = full.by_group
    alpha = _alpha_of_groups(q, data, groups, shown, moments)
    cols = list(range(len(q.item_ids)))
    omegas: _Omegas = []
    pooled = _pooled_within(moments, q.item_ids, shown, omegas)
    out = [_reliability_result(_("these respondents"), pooled)]
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
        rel = _with_interval(alpha(gid, c), moments[c], len(cols), omegas)
        out.append(_reliability_result(_("{group} respondents").format(group=label), rel))
    _fit_omegas(omegas)
    return out


def dimension_reliability(
    q: Questionnaire, data: GapData, groups: Groups, full: ScaleMoments | None = None
) -> list[ReliabilityResult]:
    """Alpha, its interval and omega of each dimension with 2 items or more: pooled within
    the shown groups and per shown compared group."""
    shown = groups.shown()
    out: list[ReliabilityResult] = []
    if not shown:
        return out
    full = full or scale_moments(q, data, groups)
    omegas: _Omegas = []
    for dim in q.dimensions:
        cols = [j for j, it in enumerate(q.items) if it.dimension == dim.id]
        if len(cols) < 2:
            continue
        ids = [q.items[j].id for j in cols]  # not q.item_ids[j]: a new list per item
        moments = _dimension_moments(data, groups, full, cols)
        scopes = [(_pooled_within(moments, ids, shown, omegas), _("these respondents"))]
        for gid in q.compare:
            c = groups.index(gid)
            if c is not None and c in moments and moments[c].n >= 2:
                rel = alpha_from_cov(moments[c].cov, moments[c].n, ids, scope=gid)
                rel.method = "one group"
                rel = _with_interval(rel, moments[c], len(cols), omegas)
                scopes.append((rel, groups.labels[gid]))
        for rel, who in scopes:
            rel.dimension = dim.id
            rel.items = []  # item diagnostics belong to the whole scale
            who_on = _("{who} on {dimension}").format(who=who, dimension=dim.label)
            out.append(_reliability_result(who_on, rel))
    _fit_omegas(omegas)
    return out


def _dimension_moments(
    data: GapData, groups: Groups, full: ScaleMoments, cols: list[int]
) -> dict[int, Moments]:
    """Each shown group's moments of its complete answer sets over the columns ``cols``.

    A respondent who answered every item is complete on ``cols`` too, so their share is
    the block of the whole scale's moments; only those who skipped some item elsewhere
    but none of ``cols`` are gathered again (few, where the whole matrix is many), found
    from the bits of the items they skipped (each group's, split once for every
    dimension: :attr:`ScaleMoments.partial_by_group`) and taken in ascending order, as
    the sums were always made."""
    block = np.ix_(cols, cols)
    out: dict[int, Moments] = {}
    for c, m in full.by_group.items():
        sub = Moments(m.n, m.rows, m.s1[cols], m.s2[block])
        partial, skipped = full.partial_by_group(groups)[c]
        rows = partial[none_missing(skipped, cols)]
        if rows.size:
            sub = sub + block_moments(data.items, rows, cols, full.shift)
            sub.rows = m.rows
        out[c] = sub
    return out


def _pooled_within(
    moments: dict[int, Moments], ids: list[str], shown: list[int], omegas: _Omegas
) -> ReliabilityResult:
    """Alpha of the covariance pooled within the shown groups (see the module docstring)."""
    pooled = within_group_cov([moments[c] for c in shown])
    n = sum(moments[c].n for c in shown)
    if pooled is None:
        return ReliabilityResult(
            scope="pooled",
            n=n,
            method="pooled within groups",
            not_estimable="not estimable: too few complete respondents within the groups",
        )
    cov, n, df = pooled
    rel = alpha_from_cov(cov, n, ids, scope="pooled")
    rel.method = "pooled within groups"
    if rel.alpha is not None:
        rel.alpha_ci = feldt_interval(rel.alpha, df, len(ids))
        omegas.append((rel, cov))
    return rel


def _with_interval(
    rel: ReliabilityResult, m: Moments, k: int, omegas: _Omegas
) -> ReliabilityResult:
    """One group's alpha with its Feldt interval (df = n − 1), and its omega to fit."""
    rel.method = "one group"
    if rel.alpha is not None and m.n >= 2:
        rel.alpha_ci = feldt_interval(rel.alpha, m.n - 1, k)
        omegas.append((rel, m.cov))
    return rel


def _fit_omegas(omegas: _Omegas) -> None:
    """Fit every omega asked for, together (see _Omegas)."""
    if not omegas:
        return
    for (rel, _cov), omega in zip(omegas, omega_totals([cov for _rel, cov in omegas]), strict=True):
        rel.omega = omega


def _reliability_result(who: str, rel: ReliabilityResult) -> ReliabilityResult:
    """What is published of one alpha: nothing from too few answer sets, and a warning
    in words when it is below the floor."""
    if rel.n < RELIABILITY_MIN_N and rel.not_estimable is None:
        return ReliabilityResult(
            scope=rel.scope,
            n=rel.n,
            dimension=rel.dimension,
            method=rel.method,
            not_estimable=_(
                "not estimable: {n} complete answer sets; Cronbach's alpha needs at least {k}"
            ).format(n=rel.n, k=RELIABILITY_MIN_N),
        )
    if rel.below_floor:
        assert rel.alpha is not None
        why = (
            _(
                "the items correlate negatively on average: check reverse-scored items and "
                "data entry"
            )
            if rel.alpha < 0
            else _("the items may not measure one common thing for them")
        )
        warning = (
            _(
                "Cronbach's alpha {alpha} is below {floor}: the total is not a reliable "
                "measure for {who}; {why}."
            )
            if rel.dimension is None
            else _(
                "Cronbach's alpha {alpha} is below {floor}: the dimension score is not a "
                "reliable measure for {who}; {why}."
            )
        )
        rel.warning = warning.format(
            alpha=number(f"{rel.alpha:.2f}"),
            floor=number(f"{RELIABILITY_FLOOR:.2f}"),
            who=who,
            why=why,
        )
    return rel


def _alpha_of_groups(
    q: Questionnaire,
    data: GapData,
    groups: Groups,
    shown: list[int],
    gathered: dict[int, Moments],
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
        moments = gathered
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
        why.append(
            _("r*wg(J) {value} is below {floor}").format(
                value=number(f"{agr.rwg_star_j:.2f}"), floor=number(f"{AGREEMENT_FLOOR:.2f}")
            )
        )
    limit = ad_m_limit(n_options)
    if agr.ad_m is not None and agr.ad_m > limit:
        why.append(
            _("AD_M {value} is above {limit}").format(
                value=number(f"{agr.ad_m:.2f}"), limit=number(f"{limit:.2f}")
            )
        )
    whose = possessive(label) if reader_language() is None else _("{group}'s").format(group=label)
    return _(
        "{whose} mean hides a split team: {reasons}, so its members answer very differently"
    ).format(whose=whose, reasons=_(" and ").join(why))


# -- aggregation -------------------------------------------------------------------------


def aggregation_result(totals: dict[int, Tally], groups: Groups) -> AggregationResult | None:
    """ICC(1) and ICC(2) of the totals over the shown groups (None with fewer than 2)."""
    shown = [c for c in groups.shown() if c in totals and totals[c].n > 0]
    if len(shown) < 2:
        return None
    samples = [totals[c] for c in shown]
    out = AggregationResult(groups=len(shown), n=sum(s.n for s in samples))
    found = icc_oneway(samples)
    if found is None:
        out.not_estimable = _("not estimable: no variance between or within the groups")
        return out
    out.icc1, out.icc2, out.f, out.p_value, __ = found
    if out.icc2 < AGREEMENT_FLOOR:
        out.note = _(
            "ICC(2) {icc2} is below {floor}: the group means do not "
            "reliably tell the groups apart, so read the group stages with care"
        ).format(icc2=number(f"{out.icc2:.2f}"), floor=number(f"{AGREEMENT_FLOOR:.2f}"))
    return out
