"""Perception gaps filled into the assessment, with its quality and borderline figures.

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
  Whether the data *back* a flag is a separate question: ``backed``, the adjusted
  p-value (``--adjust``, Benjamini–Hochberg by default) below :data:`ALPHA`. The verdict
  and the printed adjusted p-value therefore always agree; the 95% interval beside them
  is not adjusted (``ci_excludes_zero`` says whether it holds 0) and every output says so.
- *limits* (:class:`~salesmkt.model.assessment.GapLimits`): for the compared group
  sizes, the smallest p-value the rank test can reach, that p after adjustment, and the
  minimum detectable gap, so "not backed" can be read as "too few people" when it is.
- *intervals of groups and the organisation*: every shown group's mean total and the
  overall score get the same 95% t interval as the gaps (``groups[].ci``,
  ``overall.ci``; :mod:`salesmkt.analysis.statistics.intervals`), and so do the groups
  and the overall score of every ``--by`` segment, from their published n, mean and SD
  (:func:`_segment_intervals`).
- *midpoint*: ``Settings.midpoint`` or the middle of the answer scale (3 on 1–5).
- *quadrant* (items and dimensions): ``shared_strength`` when both groups' means are at
  or above the midpoint and the gap is not flagged, ``shared_pain`` when both are below
  it and not flagged, ``split`` when the gap is flagged, ``mixed`` otherwise (the
  groups sit on either side of the midpoint with a gap below the threshold).
- *suppressed*: a group with fewer than ``Settings.min_group_size`` respondents. Nothing
  at all is computed from its answers: the gap fields stay ``None`` and
  ``not_estimable`` says ``suppressed: fewer than K respondents in <group>``.
- *not estimable*: the data cannot support a figure (a group missing, n < 2, no variance);
  the figure is ``None`` and ``not_estimable`` says why. Nothing here writes NaN or inf.

The statistics themselves come from :mod:`salesmkt.analysis.statistics` (``GapStats.fill``
maps a comparison onto a target); this module decides which numbers are compared,
applies the anonymity rule and judges the flags. :func:`fill_assessment` is the entry
point: it also fills the borderline stages (:mod:`salesmkt.analysis.borderline`) and the
measurement quality (:mod:`salesmkt.analysis.quality`), all from one :class:`GapData`
split by group once (:mod:`salesmkt.analysis.gapdata`). It is pure: it fills the
assessment it is given and never prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal

from salesmkt.analysis.borderline import borderline_results
from salesmkt.analysis.gapdata import (
    GapData,
    Groups,
    ItemTallies,
    Ratio,
    derived_scores,
    group_tallies,
    ratio_tallies,
)
from salesmkt.analysis.quality import (
    aggregation_result,
    agreement_results,
    dimension_reliability,
    reliability_results,
    scale_moments,
)
from salesmkt.analysis.statistics.adjust import adjust_p
from salesmkt.analysis.statistics.intervals import (
    detectable_effect,
    smallest_rank_p,
    t_interval,
    t_interval_of_summaries,
)
from salesmkt.analysis.statistics.two_groups import compare_groups
from salesmkt.errors import UsageError
from salesmkt.l10n import _, number
from salesmkt.model.assessment import (
    Assessment,
    Borderline,
    GapFields,
    GapLimits,
    Quadrant,
    Settings,
    TotalGap,
)
from salesmkt.wording import fmt_p

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    from salesmkt.analysis.statistics.sample import Tally
    from salesmkt.definitions.questionnaire import Questionnaire

    FloatArray = NDArray[np.float64]
    BoolArray = NDArray[np.bool_]

__all__ = [
    "ADJUST_METHODS",
    "GAP_TOLERANCE",
    "adjust_family",
    "fill_assessment",
    "fill_gap",
    "midpoint_of",
    "quadrant",
]

ADJUST_METHODS = ("holm", "bh", "none")
# The level of the "backed by the data" verdict, on the adjusted p-value.
ALPHA = 0.05
ADJUST_NAMES = {"holm": "Holm", "bh": "Benjamini–Hochberg", "none": "no"}
# Absolute slack when comparing a gap with its threshold: 3.3 − 2.3 is 0.9999999999999996
# in floating point, and that is a 1-point gap.
GAP_TOLERANCE = 1e-9

Kind = Literal["item", "dimension", "total"]


# -- small helpers -----------------------------------------------------------------------


def midpoint_of(q: Questionnaire, settings: Settings) -> float:
    """The quadrant midpoint: ``settings.midpoint`` or the middle of the answer scale."""
    if settings.midpoint is not None:
        return float(settings.midpoint)
    return q.scale.midpoint


def _check_adjust(method: str) -> Literal["holm", "bh", "none"]:

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
    tallies (:class:`~salesmkt.analysis.statistics.sample.Tally`).
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
    """Set ``p_adjusted`` across one family of targets (holm, bh or none), and the
    verdict ``backed`` from it."""
    adjusted = adjust_p([t.p_value for t in targets], _check_adjust(method))
    for target, p in zip(targets, adjusted, strict=True):
        target.p_adjusted = p
        target.backed = None if p is None else p < ALPHA


def gap_limits(n_first: int, n_second: int, family: int, method: str) -> GapLimits:
    """What groups of these sizes let the item tests show (see *limits* above)."""
    smallest = smallest_rank_p(n_first, n_second)
    adjusted = None
    if smallest is not None:
        adjusted = smallest if method == "none" else min(1.0, smallest * max(family, 1))
    d = detectable_effect(n_first, n_second)
    out = GapLimits(
        n_first=n_first,
        n_second=n_second,
        family=family,
        adjust=method,
        smallest_p=smallest,
        smallest_p_adjusted=adjusted,
        detectable_sd=d,
    )
    out.message = _limits_message(out)
    return out


def _limits_message(lim: GapLimits) -> str:
    if lim.smallest_p is None or lim.smallest_p_adjusted is None:
        return ""
    text = _("With {n1} and {n2} respondents the smallest p-value an item can reach is {p}").format(
        n1=lim.n_first, n2=lim.n_second, p=fmt_p(lim.smallest_p)
    )
    if lim.adjust != "none":
        name = ADJUST_NAMES.get(lim.adjust, lim.adjust)
        adjusted = fmt_p(lim.smallest_p_adjusted)
        text += " " + _("({p} after {method} for one item among {n})").format(
            p=adjusted, method=name, n=lim.family
        )
    if lim.smallest_p_adjusted >= ALPHA and (lim.adjust == "holm" or lim.smallest_p >= ALPHA):
        text += ": " + _("no item can be backed by the data, whatever its gap")
    elif lim.smallest_p_adjusted >= ALPHA:
        text += ": " + _("an item can be backed only when several items show large gaps together")
    if lim.detectable_sd is not None:
        text += ". " + _(
            "Gaps smaller than about {sd} standard deviations are "
            "likely to go unseen ({power} power), so 'not backed' may mean too few people "
            "rather than no gap"
        ).format(sd=number(f"{lim.detectable_sd:.1f}"), power=number("80%"))
    return text + "."


# -- the whole assessment ----------------------------------------------------------------


def fill_assessment(
    a: Assessment, data: GapData, q: Questionnaire, settings: Settings, *, quality: bool = True
) -> None:
    """Fill every gap, quality and borderline figure of ``a`` from the raw arrays.

    ``quality=False`` leaves the borderline stages, reliability, agreement and aggregation
    empty: a wave scored only to be compared never shows them, and they are most of the
    statistics' time (the omega fits, the moments, the bootstrap).

    Items and dimensions are matched by id (``a.items`` / ``a.dimensions`` as scoring
    built them); ``a.total_gap`` is created when the questionnaire compares two groups.
    Replaces ``borderline``, ``reliability``, ``reliability_dimensions``, ``agreement`` and
    ``aggregation``.
    """
    method = _check_adjust(settings.adjust)
    _check_data(a, data, q)
    groups = Groups(data, q, settings)
    totals, dims, dims_valid = derived_scores(data, q)
    items = ItemTallies(data, groups)
    compared = [c for gid in q.compare if (c := groups.index(gid)) is not None and c in groups.rows]
    # Every group with rows is shown, so the compared groups' tallies are among these.
    shown_totals = _given_totals(data, groups) or _tallies(
        data.total_ratio, lambda: totals, None, groups, groups.shown()
    )
    total_tallies = {c: shown_totals[c] for c in compared}
    if len(q.compare) == 2 and a.total_gap is None:
        a.total_gap = TotalGap()
    if groups.pair is None:
        for t in [*a.items, *a.dimensions, *([a.total_gap] if a.total_gap else [])]:
            _reset(t)
            t.not_estimable = groups.blocker
    else:
        dims_of = _DimScores(dims, dims_valid, data.dim_ratio)
        _fill_pair(a, q, settings, groups, groups.pair, items, total_tallies, dims_of)
        adjust_family(a.items, method)
        adjust_family(a.dimensions, method)
        if a.total_gap is not None:
            adjust_family([a.total_gap], method)
        n1, n2 = (int(groups.n[c]) for c in groups.pair)
        a.gap_limits = gap_limits(n1, n2, len(a.items), method)
    _fill_intervals(a, groups, shown_totals)
    if len(q.compare) == 2:
        _segment_intervals(a, q.compare)
    if not quality:
        return
    borderline = _beside(borderline_results, q, settings, total_tallies, groups)
    full = scale_moments(q, data, groups)
    a.reliability = reliability_results(q, data, groups, full)
    a.reliability_dimensions = dimension_reliability(q, data, groups, full)
    a.agreement = agreement_results(q, groups, items)
    a.aggregation = aggregation_result(shown_totals, groups)
    a.borderline = borderline()


# From this many compared respondents on, the borderline stages run in a thread beside
# the reliability figures (see _beside); below it their draws take a few milliseconds.
_BESIDE_N = 20_000


def _beside(
    run: Callable[[Questionnaire, Settings, dict[int, Tally], Groups], list[Borderline]],
    q: Questionnaire,
    settings: Settings,
    totals: dict[int, Tally],
    groups: Groups,
) -> Callable[[], list[Borderline]]:
    """``run(q, settings, totals, groups)`` (the borderline stages) started in a thread
    while the caller goes on, for large groups; what is returned gives its result, or
    raises its error, when called.

    The borderline stages are mostly bootstrap draws (``Generator.multinomial``), which
    numpy makes without holding the GIL, so on a second core they cost no wall time
    beside the moments and omega fits. The same function on the same inputs, with its
    own generators seeded as always (nothing else draws meanwhile): the same figures.
    """
    if sum(t.n for t in totals.values()) < _BESIDE_N:
        # small groups: at once, where the figures were always computed (first)
        found = run(q, settings, totals, groups)
        return lambda: found
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="borderline")
    future = pool.submit(run, q, settings, totals, groups)
    pool.shutdown(wait=False)  # not a `with`: that would wait here; the thread ends with its task
    return future.result


@dataclass(frozen=True)
class _DimScores:
    """The dimension scores as :func:`derived_scores` gives them (``column(j)``, which
    exist: ``valid``), and their whole-number parts if the gap data hold them."""

    column: Callable[[int], FloatArray]
    valid: BoolArray | None
    ratio: Callable[[int], Ratio | None] | None

    def tallies(self, j: int, groups: Groups, which: Sequence[int]) -> dict[int, Tally]:
        ratio = self.ratio(j) if self.ratio is not None else None
        valid = None if self.valid is None else self.valid[:, j]
        return _tallies(ratio, partial(self.column, j), valid, groups, which)


def _tallies(
    ratio: Ratio | None,
    column: Callable[[], FloatArray],
    valid: BoolArray | None,
    groups: Groups,
    which: Sequence[int],
) -> dict[int, Tally]:
    """Each group's tally of a score: from its whole-number parts when it has them
    (:func:`ratio_tallies`), else from the float column (made only then)."""
    found = ratio_tallies(ratio, groups, which) if ratio is not None else None
    return found if found is not None else group_tallies(column(), valid, groups, which)


def _given_totals(data: GapData, groups: Groups) -> dict[int, Tally] | None:
    """Every shown group's tally of the totals, as the caller counted them
    (``GapData.total_tallies``), or None when some shown group's is not there."""
    given = data.total_tallies
    shown = groups.shown()
    if given is None or not shown or any(c not in given for c in shown):
        return None
    return {c: given[c] for c in shown}


def _fill_intervals(a: Assessment, groups: Groups, tallies: dict[int, Tally]) -> None:
    """The 95% t interval of every shown group's mean total and of the overall score."""
    for g in a.groups:
        c = groups.index(g.id)
        g.ci = None
        if c is not None and c in tallies and not g.suppressed:
            g.ci = t_interval((tallies[c],), (1.0,))[0]
    a.overall.ci = None
    if a.overall.score is None:
        return
    if a.overall.method == "equal-weight" and groups.pair is not None:
        first, second = groups.pair
        a.overall.ci = t_interval((tallies[first], tallies[second]), (0.5, 0.5))[0]
    elif a.overall.method == "pooled" and tallies:
        import numpy as np

        from salesmkt.analysis.statistics.sample import Tally

        shown = [tallies[c] for c in groups.shown()]
        pooled = Tally(
            np.concatenate([t.values for t in shown]), np.concatenate([t.counts for t in shown])
        )
        a.overall.ci = t_interval((pooled,), (1.0,))[0]


def _segment_intervals(a: Assessment, compare: Sequence[str]) -> None:
    """The t intervals of each segment's shown groups and overall score, from the groups'
    published n, mean and SD (the same interval as from their answers)."""
    for seg in a.segments:
        shown: dict[str, tuple[int, float, float]] = {}
        for g in seg.groups:
            g.ci = None
            if g.suppressed or g.n is None:  # withheld: no size, no interval
                continue
            if g.mean is not None and g.sd is not None:
                shown[g.id] = (g.n, g.mean, g.sd * g.sd)
                g.ci = t_interval_of_summaries([shown[g.id]], [1.0])[0]
            elif g.mean is not None and g.n == 1:
                shown[g.id] = (1, g.mean, 0.0)
        seg.overall.ci = None
        if seg.overall.score is None or not shown:
            continue
        if seg.overall.method == "equal-weight" and all(c in shown for c in compare):
            pair = [shown[c] for c in compare]
            seg.overall.ci = t_interval_of_summaries(pair, [0.5, 0.5])[0]
        elif seg.overall.method == "pooled":
            pooled = _pooled_summary(list(shown.values()))
            if abs(pooled[1] - seg.overall.score) < 1e-9 * max(1.0, abs(pooled[1])):
                seg.overall.ci = t_interval_of_summaries([pooled], [1.0])[0]


def _pooled_summary(groups: list[tuple[int, float, float]]) -> tuple[int, float, float]:
    """(n, mean, variance) of several groups taken together: the within and the between
    sums of squares added."""
    n = sum(g[0] for g in groups)
    mean = sum(g[0] * g[1] for g in groups) / n
    ss = sum((g[0] - 1) * g[2] + g[0] * (g[1] - mean) ** 2 for g in groups)
    return n, mean, ss / (n - 1) if n > 1 else 0.0


def _check_data(a: Assessment, data: GapData, q: Questionnaire) -> None:
    """Refuse (ValueError) arrays or targets that do not fit the questionnaire."""
    if data.items.ndim != 2 or data.items.shape[1] != len(q.items):
        raise ValueError(
            f"items must be respondents × {len(q.items)} items, got shape {data.items.shape}"
        )
    if len(data.group_code) != data.items.shape[0]:
        raise ValueError("group_code needs one entry per respondent")
    item_ids = set(q.item_ids)
    dim_ids = {d.id for d in q.dimensions}
    for it in a.items:
        if it.id not in item_ids:
            raise ValueError(f"item {it.id!r} is not in questionnaire {q.id!r}")
    for d in a.dimensions:
        if d.id not in dim_ids:
            raise ValueError(f"dimension {d.id!r} is not in questionnaire {q.id!r}")


def _fill_pair(
    a: Assessment,
    q: Questionnaire,
    settings: Settings,
    groups: Groups,
    pair: tuple[int, int],
    items: ItemTallies,
    total_tallies: dict[int, Tally],
    dims: _DimScores,
) -> None:
    """Every gap between the shown compared pair: items, dimensions and the total."""
    first, second = pair
    compare = (q.compare[0], q.compare[1])
    labels = (groups.labels[compare[0]], groups.labels[compare[1]])
    fill = partial(
        fill_gap, compare=compare, labels=labels, seed=settings.seed, n_boot=settings.n_boot
    )
    threshold = settings.gap_threshold
    midpoint = midpoint_of(q, settings)
    item_index = {it.id: j for j, it in enumerate(q.items)}
    for it in a.items:
        j = item_index[it.id]
        x, y = items.by_group[first][j], items.by_group[second][j]
        fill(it, x, y, threshold=threshold, midpoint=midpoint, kind="item")
    dim_index = {d.id: j for j, d in enumerate(q.dimensions)}
    for d in a.dimensions:
        j = dim_index[d.id]
        by = dims.tallies(j, groups, pair)
        fill(d, by[first], by[second], threshold=threshold, midpoint=midpoint, kind="dimension")
    if a.total_gap is not None:
        x, y = total_tallies[first], total_tallies[second]
        fill(a.total_gap, x, y, threshold=threshold * len(q.items), kind="total")
