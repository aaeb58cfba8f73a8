"""Perception gaps, measurement quality and borderline stages, filled into the assessment.

Vocabulary:
- *compared groups*: the questionnaire's ``compare`` pair, *first* and *second* (Sales
  and Marketing in ``alignment``). Every gap is first − second: positive means the first
  group rates higher. Cliff's delta, Hedges' g, Welch's t and the gap's confidence
  interval share that orientation.
- *target*: anything that carries the gap fields (:class:`~salesmkt.model.assessment.GapFields`):
  an item, a dimension (a respondent's dimension score is the mean of their answered
  items in it) or the total.
- *family*: targets whose p-values are adjusted together (``--adjust``): the items form
  one family, the dimensions another; the total is a family of one.
- *flag*: a gap that is practically large, |gap| ≥ the threshold (``--gap-threshold``,
  per item). Dimension scores are item means, so they use the same threshold; the total
  is a sum of items, so its threshold is the item threshold × the number of items.
  Whether the data *back* a flag is a separate question: ``ci_excludes_zero``.
- *midpoint*: ``Settings.midpoint`` or the middle of the answer scale (3 on 1–5).
- *quadrant* (items and dimensions): ``shared_strength`` when both groups' means are at
  or above the midpoint and the gap is not flagged, ``shared_pain`` when both are below
  it and not flagged, ``split`` when the gap is flagged, ``mixed`` otherwise (the
  groups sit on either side of the midpoint with a gap below the threshold).
- *borderline*: a group's (or the organisation's) score whose bootstrap interval holds a
  stage edge; the share of bootstrap resamples per stage says how sure the stage is.
- *reliability*: Cronbach's alpha of the whole scale, pooled over the shown groups and
  per compared group, reported from RELIABILITY_MIN_N complete answer sets up.
- *suppressed*: a group with fewer than ``Settings.min_group_size`` respondents. Nothing
  at all is computed from its answers: the gap fields stay ``None`` and
  ``not_estimable`` says ``suppressed: fewer than K respondents in <group>``.
- *not estimable*: the data cannot support a figure (a group missing, n < 2, no variance);
  the figure is ``None`` and ``not_estimable`` says why. Nothing here writes NaN or inf.

The statistics themselves come from :mod:`salesmkt.analysis.statistics`; this module decides which
numbers are compared, applies the anonymity rule and words the findings. It is pure: it
fills the assessment it is given and never prints. numpy is imported inside functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from salesmkt.analysis.statistics.adjust import adjust_p
from salesmkt.analysis.statistics.agreement import agreement_of_tallies
from salesmkt.analysis.statistics.bootstrap import (
    bootstrap_equal_weight_with_shares,
    bootstrap_mean_with_shares,
)
from salesmkt.analysis.statistics.reliability import (
    Moments,
    alpha_from_moments,
    complete_rows,
    cronbach_alpha,
    gather_moments,
)
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.analysis.statistics.two_groups import compare_groups
from salesmkt.model.assessment import (
    AGREEMENT_FLOOR,
    RELIABILITY_FLOOR,
    AgreementResult,
    Assessment,
    Borderline,
    GapFields,
    Quadrant,
    ReliabilityResult,
    Settings,
    TotalGap,
    ad_m_limit,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    from salesmkt.definitions.questionnaire import Questionnaire

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]
    BoolArray = NDArray[np.bool_]

__all__ = [
    "ADJUST_METHODS",
    "GAP_TOLERANCE",
    "RELIABILITY_MIN_N",
    "GapData",
    "adjust_family",
    "fill_assessment",
    "fill_gap",
    "midpoint_of",
    "possessive",
    "quadrant",
    "suppressed_reason",
]

ADJUST_METHODS = ("holm", "bh", "none")
# Absolute slack when comparing a gap with its threshold: 3.3 − 2.3 is 0.9999999999999996
# in floating point, and that is a 1-point gap.
GAP_TOLERANCE = 1e-9
# Below this many complete answer sets Cronbach's alpha swings wildly (it can land far
# below 0 by chance), so it is not reported.
RELIABILITY_MIN_N = 10
# Above this many answers the reliability figures come from summed moments
# (statistics.reliability.alpha_from_moments) instead of cronbach_alpha, whose per-item
# copies of the matrix cost 6 s at 100,000 respondents. Both give the same numbers.
FAST_RELIABILITY_CELLS = 100_000

Kind = Literal["item", "dimension", "total"]


@dataclass(frozen=True)
class GapData:
    """The per-respondent arrays the gaps are computed from.

    ``items``: respondents × items in questionnaire order, reverse items already recoded,
    NaN = no answer. ``group_code[r]`` indexes ``group_ids``. ``totals`` and ``dims``
    (respondents × dimensions in questionnaire order) are derived from ``items`` when
    not given: the total is prorated (mean of the answered items × the item count), a
    dimension score is the mean of the answered items of that dimension.

    ``valid`` / ``dims_valid`` (same shapes, True = answered) may mark the missing cells
    instead of NaN, for callers that keep 0 in unanswered cells; cells marked False are
    treated as missing whatever they hold.
    """

    items: FloatArray
    group_code: IntArray
    group_ids: Sequence[str]
    totals: FloatArray | None = None
    dims: FloatArray | None = None
    valid: BoolArray | None = None
    dims_valid: BoolArray | None = None


# -- small helpers -----------------------------------------------------------------------


def possessive(name: str) -> str:
    """'Marketing's', but 'Sales'' (a name ending in s takes the apostrophe alone)."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def suppressed_reason(k_min: int, label: str) -> str:
    return f"suppressed: fewer than {k_min} respondents in {label}"


def midpoint_of(q: Questionnaire, settings: Settings) -> float:
    """The quadrant midpoint: ``settings.midpoint`` or the middle of the answer scale."""
    if settings.midpoint is not None:
        return float(settings.midpoint)
    return q.scale.midpoint


def _label(q: Questionnaire, group_id: str) -> str:
    try:
        return q.group(group_id).label
    except KeyError:
        return group_id


def _check_adjust(method: str) -> Literal["holm", "bh", "none"]:
    from salesmkt.errors import UsageError

    if method == "holm":
        return "holm"
    if method == "bh":
        return "bh"
    if method == "none":
        return "none"
    raise UsageError(f"--adjust must be holm, bh or none, not {method!r}")


_GAP_FIELDS = tuple(GapFields.model_fields)
_TOTAL_FIELDS = tuple(TotalGap.model_fields)


def _reset(target: GapFields) -> None:
    """Clear every gap field, so a target never mixes old and new figures."""
    names = _TOTAL_FIELDS if isinstance(target, TotalGap) else _GAP_FIELDS
    fields = type(target).model_fields
    for name in names:
        setattr(target, name, fields[name].get_default(call_default_factory=True))


# -- one target --------------------------------------------------------------------------


def quadrant(
    mean_first: float | None, mean_second: float | None, flagged: bool, midpoint: float
) -> Quadrant | None:
    """Where an item or dimension sits: shared strength, shared pain, split or mixed."""
    if mean_first is None or mean_second is None:
        return None
    if flagged:
        return "split"
    if mean_first >= midpoint and mean_second >= midpoint:
        return "shared_strength"
    if mean_first < midpoint and mean_second < midpoint:
        return "shared_pain"
    return "mixed"


def fill_gap(
    target: GapFields,
    first: ArrayLike | Tally,
    second: ArrayLike | Tally,
    *,
    compare: tuple[str, str],
    threshold: float,
    midpoint: float | None = None,
    labels: tuple[str, str] | None = None,
    seed: int = 2006,
    n_boot: int = 2000,
    kind: Kind = "item",
) -> None:
    """Compare the first group's values with the second's and fill ``target``.

    ``first``/``second`` are per-respondent scores (missing values are dropped), or their
    tallies (:class:`salesmkt.analysis.statistics.Tally`).
    Hedges' g is filled for dimensions and the total, Welch's t for the total (a
    :class:`TotalGap`); ``quadrant`` for items and dimensions. ``p_adjusted`` is left to
    :func:`adjust_family`.
    """
    _reset(target)
    names = labels or compare
    stats = compare_groups(
        first,
        second,
        seed=seed,
        n_boot=n_boot,
        welch=kind == "total",
        hedges=kind != "item",
        x_name=names[0],
        y_name=names[1],
    )
    stats.fill(target)
    if stats.gap is not None:
        target.flagged = abs(stats.gap) >= threshold - GAP_TOLERANCE
        if target.flagged and stats.gap != 0:
            target.direction = compare[0] if stats.gap > 0 else compare[1]
    if kind != "total" and midpoint is not None:
        target.quadrant = quadrant(stats.mean_x, stats.mean_y, target.flagged, midpoint)


def adjust_family(targets: Sequence[GapFields], method: str) -> None:
    """Set ``p_adjusted`` across one family of targets (holm, bh or none)."""
    adjusted = adjust_p([t.p_value for t in targets], _check_adjust(method))
    for target, p in zip(targets, adjusted, strict=True):
        target.p_adjusted = p


# -- the respondents, split by group -------------------------------------------------------


def _derived(data: GapData, q: Questionnaire) -> tuple[FloatArray, FloatArray, BoolArray | None]:
    """Totals, dimension scores and which dimension scores exist (None: NaN marks them);
    derived from the items when not given."""
    import numpy as np

    if data.totals is not None and data.dims is not None:
        return (
            np.asarray(data.totals, dtype=np.float64),
            np.asarray(data.dims, dtype=np.float64),
            data.dims_valid,
        )
    items = data.items if data.valid is None else np.where(data.valid, data.items, np.nan)
    valid = ~np.isnan(items)
    filled = np.where(valid, items, 0.0)
    if data.totals is not None:
        totals = np.asarray(data.totals, dtype=np.float64)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            # sum × k first, then ÷ answered: a whole-number total stays exact.
            totals = filled.sum(axis=1) * items.shape[1] / valid.sum(axis=1)
    if data.dims is not None:
        return totals, np.asarray(data.dims, dtype=np.float64), data.dims_valid
    dims = np.full((items.shape[0], len(q.dimensions)), np.nan)
    for j, dim in enumerate(q.dimensions):
        cols = [i for i, it in enumerate(q.items) if it.dimension == dim.id]
        if cols:
            count = valid[:, cols].sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                dims[:, j] = np.where(count > 0, filled[:, cols].sum(axis=1) / count, np.nan)
    return totals, dims, None


class _Groups:
    """Who is in which group, which groups are shown, and the compared pair.

    ``rows[c]`` lists group c's respondents (ascending) for every shown group; suppressed
    groups get no entry: nothing is computed from their answers.
    """

    def __init__(self, data: GapData, q: Questionnaire, settings: Settings) -> None:
        import numpy as np

        self.ids = list(data.group_ids)
        code = np.asarray(data.group_code, dtype=np.int64)
        self.code = code
        self.n = np.bincount(code[code >= 0], minlength=len(self.ids)).astype(np.int64)
        self.k_min = settings.min_group_size
        self.suppressed = (self.n > 0) & (self.n < self.k_min)
        self.labels = {gid: _label(q, gid) for gid in self.ids}
        self.rows = {c: np.flatnonzero(code == c) for c in self.shown()}
        self.blocker: str | None = None
        self.pair: tuple[int, int] | None = None
        if len(q.compare) != 2:
            self.blocker = "this questionnaire compares no two groups"
            return
        pair: list[int] = []
        for gid in q.compare:
            label = _label(q, gid)
            c = self.ids.index(gid) if gid in self.ids else -1
            if c < 0 or self.n[c] == 0:
                self.blocker = f"there are no {label} respondents"
                return
            if self.suppressed[c]:
                self.blocker = suppressed_reason(self.k_min, label)
                return
            pair.append(c)
        self.pair = (pair[0], pair[1])

    def shown(self) -> list[int]:
        """Groups with respondents whose figures may be shown."""
        return [c for c in range(len(self.ids)) if self.n[c] > 0 and not self.suppressed[c]]

    def index(self, gid: str) -> int | None:
        return self.ids.index(gid) if gid in self.ids else None


def _group_values(
    column: FloatArray, valid: BoolArray | None, rows: IntArray
) -> tuple[FloatArray, BoolArray | None]:
    """The answered values of ``column`` on ``rows`` (finite and, with ``valid``, marked
    valid), and which of the rows they are (None: all of them)."""
    import numpy as np

    x = column.take(rows)
    ok = np.isfinite(x)
    if valid is not None:
        ok &= valid.take(rows)
    if ok.all():
        return x, None
    return x[ok], ok


def _tally_of(x: FloatArray) -> Tally:
    import numpy as np

    # Hash-based np.unique: a million answers are counted without being sorted.
    values, counts = np.unique(x, return_counts=True)
    return Tally.trusted(values, counts.astype(np.int64))


def _tallies(
    column: FloatArray, valid: BoolArray | None, groups: _Groups, which: Sequence[int]
) -> dict[int, Tally]:
    """Per group in ``which``: the tally of its answered values in ``column`` (exactly
    ``Tally.of`` of those values)."""
    return {c: _tally_of(_group_values(column, valid, groups.rows[c])[0]) for c in which}


class _ItemTallies:
    """Every shown group's tally of every item, and how many of its respondents answered
    at least one item; shared by the item gaps and the agreement indices."""

    def __init__(self, data: GapData, groups: _Groups) -> None:
        import numpy as np

        shown = groups.shown()
        self.by_group: dict[int, list[Tally]] = {c: [] for c in shown}
        anything = {c: np.zeros(groups.rows[c].size, dtype=bool) for c in shown}
        for j in range(data.items.shape[1]):
            column = data.items[:, j]
            valid = None if data.valid is None else data.valid[:, j]
            for c in shown:
                x, ok = _group_values(column, valid, groups.rows[c])
                self.by_group[c].append(_tally_of(x))
                if ok is None:
                    anything[c][:] = True
                else:
                    anything[c] |= ok
        self.answered = {c: int(np.count_nonzero(anything[c])) for c in shown}


# -- the whole assessment ----------------------------------------------------------------


def fill_assessment(a: Assessment, data: GapData, q: Questionnaire, settings: Settings) -> None:
    """Fill every gap, quality and borderline figure of ``a`` from the raw arrays.

    Items and dimensions are matched by id (``a.items`` / ``a.dimensions`` as scoring
    built them); ``a.total_gap`` is created when the questionnaire compares two groups.
    Replaces ``borderline``, ``reliability`` and ``agreement``.
    """
    method = _check_adjust(settings.adjust)
    if data.items.ndim != 2 or data.items.shape[1] != len(q.items):
        raise ValueError(
            f"items must be respondents × {len(q.items)} items, got shape {data.items.shape}"
        )
    if len(data.group_code) != data.items.shape[0]:
        raise ValueError("group_code needs one entry per respondent")
    item_index = {it.id: j for j, it in enumerate(q.items)}
    dim_index = {d.id: j for j, d in enumerate(q.dimensions)}
    for it in a.items:
        if it.id not in item_index:
            raise ValueError(f"item {it.id!r} is not in questionnaire {q.id!r}")
    for d in a.dimensions:
        if d.id not in dim_index:
            raise ValueError(f"dimension {d.id!r} is not in questionnaire {q.id!r}")

    groups = _Groups(data, q, settings)
    totals, dims, dims_valid = _derived(data, q)
    items = _ItemTallies(data, groups)
    compared = [c for gid in q.compare if (c := groups.index(gid)) is not None and c in groups.rows]
    total_tallies = _tallies(totals, None, groups, compared)
    if len(q.compare) == 2 and a.total_gap is None:
        a.total_gap = TotalGap()
    if groups.pair is None:
        for t in [*a.items, *a.dimensions, *([a.total_gap] if a.total_gap else [])]:
            _reset(t)
            t.not_estimable = groups.blocker
    else:
        _fill_pair(
            a,
            groups,
            groups.pair,
            q,
            settings,
            items,
            item_index,
            total_tallies,
            dims,
            dims_valid,
            dim_index,
        )
        adjust_family(a.items, method)
        adjust_family(a.dimensions, method)
        if a.total_gap is not None:
            adjust_family([a.total_gap], method)
    a.borderline = _borderline_results(q, settings, total_tallies, groups)
    a.reliability = _reliability_results(q, data, groups)
    a.agreement = _agreement_results(q, groups, items)


def _fill_pair(
    a: Assessment,
    groups: _Groups,
    pair: tuple[int, int],
    q: Questionnaire,
    settings: Settings,
    items: _ItemTallies,
    item_index: dict[str, int],
    total_tallies: dict[int, Tally],
    dims: FloatArray,
    dims_valid: BoolArray | None,
    dim_index: dict[str, int],
) -> None:
    first, second = pair
    compare = (q.compare[0], q.compare[1])
    labels = (groups.labels[compare[0]], groups.labels[compare[1]])
    seed, n_boot = settings.seed, settings.n_boot
    midpoint = midpoint_of(q, settings)
    for it in a.items:
        j = item_index[it.id]
        fill_gap(
            it,
            items.by_group[first][j],
            items.by_group[second][j],
            compare=compare,
            labels=labels,
            threshold=settings.gap_threshold,
            midpoint=midpoint,
            seed=seed,
            n_boot=n_boot,
            kind="item",
        )
    for d in a.dimensions:
        j = dim_index[d.id]
        valid = None if dims_valid is None else dims_valid[:, j]
        by = _tallies(dims[:, j], valid, groups, pair)
        fill_gap(
            d,
            by[first],
            by[second],
            compare=compare,
            labels=labels,
            threshold=settings.gap_threshold,
            midpoint=midpoint,
            seed=seed,
            n_boot=n_boot,
            kind="dimension",
        )
    if a.total_gap is not None:
        fill_gap(
            a.total_gap,
            total_tallies[first],
            total_tallies[second],
            compare=compare,
            labels=labels,
            threshold=settings.gap_threshold * len(q.items),
            seed=seed,
            n_boot=n_boot,
            kind="total",
        )


# -- borderline stages -------------------------------------------------------------------


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
    from salesmkt.wording import fmt_score

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


def _borderline_results(
    q: Questionnaire, settings: Settings, totals: dict[int, Tally], groups: _Groups
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


# -- reliability -------------------------------------------------------------------------


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


def _reliability_results(
    q: Questionnaire, data: GapData, groups: _Groups
) -> list[ReliabilityResult]:
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


def _alpha_of_groups(
    q: Questionnaire, data: GapData, groups: _Groups, shown: list[int]
) -> Callable[[str, int | None], ReliabilityResult]:
    """``alpha(scope, c)``: Cronbach's alpha of shown group ``c`` (None: of every shown
    group together), published under ``scope``.

    Large data (more than FAST_RELIABILITY_CELLS answers) go through moments that add up
    across groups; smaller data through cronbach_alpha itself. Both paths give the same
    figures.
    """
    import numpy as np

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
        return cronbach_alpha(_answers(data, rows), ids, scope=scope)

    return alpha


def _answers(data: GapData, rows: IntArray) -> FloatArray:
    """The rows' answers, respondents × items, NaN where not answered."""
    import numpy as np

    out: FloatArray = data.items[rows]
    if data.valid is not None:
        out[~data.valid[rows]] = np.nan
    return out


# -- agreement ---------------------------------------------------------------------------


def _agreement_results(
    q: Questionnaire, groups: _Groups, items: _ItemTallies
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
            out.append(
                AgreementResult(
                    group=gid, n=n, not_estimable=suppressed_reason(groups.k_min, label)
                )
            )
            continue
        if n_options < 2:
            out.append(
                AgreementResult(group=gid, n=n, not_estimable="not estimable: a one-point scale")
            )
            continue
        # r_wg(J) and AD_M do not depend on where the scale starts; statistics expects 1..A.
        tallies = items.by_group[c]
        if lo != 1:
            tallies = [Tally.trusted(t.values - (lo - 1), t.counts) for t in tallies]
        agr = agreement_of_tallies(tallies, items.answered[c], n_options, group=gid)
        notes: list[str] = []
        if agr.low:
            why: list[str] = []
            if agr.rwg_below_floor:
                why.append(f"r_wg(J) {agr.rwg_j:.2f} is below {AGREEMENT_FLOOR:.2f}")
            limit = ad_m_limit(n_options)
            if agr.ad_m is not None and agr.ad_m > limit:
                why.append(f"AD_M {agr.ad_m:.2f} is above {limit:.2f}")
            notes.append(
                f"{possessive(label)} mean hides a split team: {' and '.join(why)}, so its "
                "members answer very differently"
            )
        if agr.note:
            notes.append(agr.note)
        agr.note = "; ".join(notes) or None
        out.append(agr)
    return out
