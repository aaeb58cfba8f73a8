"""Scoring: from a checked responses table to the assessment.

Vocabulary:
- *recoded answer*: an answer after reverse items are turned round (``min + max −
  answer``), so a higher number always means a closer Sales–Marketing relationship;
  every item and dimension mean below is a mean of recoded answers.
- *total*: a respondent's score, the sum of recoded answers. A respondent who skipped
  some items (at most ``--max-missing``; the reader excludes the rest) is *prorated*:
  total = mean of the answered items × the number of items, i.e. the sum they would have
  reached answering every skipped item at their own average.
- *dimension mean*: a respondent's mean over the answered items of one dimension; a
  group's dimension mean is the mean of its respondents' dimension means.
- *cell*: the respondents of one group (or, with ``--by``, of one group within one
  segment value); every figure is computed per cell in one vectorised pass.
- *suppressed*: a cell below the anonymity threshold ``K`` (``--min-group-size``), or
  withheld so that another suppressed cell cannot be worked out by subtraction
  (*complementary suppression*). A suppressed cell shows its ``n`` and nothing else.
- *overall score*: the mean of the two compared groups' mean totals (equal weight); the
  *pooled mean* weighs every respondent alike. Both leave out suppressed groups.
- *stage*: the band a score falls in; scores are rounded to 9 decimals first so float
  noise (39.99999999998) cannot move a score across a band edge.

No per-respondent Python loops: every per-respondent and per-cell figure comes from
numpy array operations. The stages of the work live in their own modules:
:mod:`~salesmkt.analysis.prepared` (recoded answers and totals per respondent),
:mod:`~salesmkt.analysis.cells` (per-cell figures), :mod:`~salesmkt.analysis.segments`
(``--by``) and :mod:`~salesmkt.analysis.gaps` (every gap, quality and borderline figure);
this module puts them together into the assessment and reads a saved one back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from salesmkt import __version__
from salesmkt.analysis.cells import (
    Cells,
    Withheld,
    cell_stats,
    combine_overall,
    group_label,
    group_result,
    num,
    share,
)
from salesmkt.analysis.favourable import favourable_from
from salesmkt.analysis.gapdata import GapData, skipped_dimension_warnings
from salesmkt.analysis.gaps import fill_assessment
from salesmkt.analysis.leaders import pool_leaders
from salesmkt.analysis.participation import participation
from salesmkt.analysis.prepared import Prepared, prepare
from salesmkt.analysis.privacy import exclusion_note, withhold_exclusions, withhold_warnings
from salesmkt.analysis.respondent_table import ScoreResult as ScoreResult  # re-exported
from salesmkt.analysis.respondent_table import respondent_table
from salesmkt.analysis.segments import primary_rows, segment_column, segments
from salesmkt.definitions import questionnaire_load as qmod
from salesmkt.errors import UsageError
from salesmkt.intake.headcount import Headcount, read_headcount
from salesmkt.l10n import _
from salesmkt.model.assessment import (
    DEFAULT_MIN_GROUP_SIZE,
    SCHEMA_VERSION,
    Assessment,
    DataWarning,
    DimensionResult,
    GroupResult,
    ItemResult,
    Overall,
    QuestionnaireRef,
    Respondents,
    SegmentResult,
    Settings,
    StageBand,
    StageDisagreement,
    StageRef,
    TotalGap,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.intake.responses import ResponseTable
    from salesmkt.intake.source import ResponseSource

    BoolArray = NDArray[np.bool_]


# -- the main entry point ----------------------------------------------------------------


def score_table(
    table: ResponseTable,
    settings: Settings,
    headcount: Sequence[Headcount] = (),
    *,
    quality: bool = True,
) -> ScoreResult:
    """Score a checked responses table: every figure of the assessment, vectorised.

    ``headcount`` (the ``--headcount`` entries) adds the response rates; ``quality=False``
    leaves out the figures only a whole assessment shows (see
    :func:`~salesmkt.analysis.gaps.fill_assessment`)."""

    k_min = settings.min_group_size
    check_thresholds(settings)
    start = favourable_from(table.questionnaire)
    settings = settings.model_copy(update={"favourable_from": start})
    prep = prepare(table)
    cells = cell_stats(prep.group_code, len(prep.group_ids), prep, start)
    suppressed = (cells.n > 0) & (cells.n < k_min)
    notes = _suppression_notes(table.questionnaire, prep.group_ids, suppressed, k_min)

    hidden_rows = np.zeros(len(prep.total), dtype=bool)
    if suppressed.any():  # else nobody is hidden for their group: no gather of the codes
        hidden_rows |= suppressed[prep.group_code]
    breakdowns: list[SegmentResult] = []
    # Two spellings of one column ("region", "Region") give one breakdown.
    columns = dict.fromkeys(segment_column(table, by) for by in settings.by)
    for column in columns:
        seg_results, seg_hidden, seg_notes = segments(table, prep, column, k_min, start)
        breakdowns += seg_results
        hidden_rows |= seg_hidden
        notes += seg_notes

    assessment = _assessment(table, settings, prep, cells, suppressed, breakdowns, notes)
    assessment.warnings += threshold_warnings(settings)
    if settings.leaders_function:
        assessment.suppressed.insert(
            0,
            _(
                "Leaders whose {column} names Sales or Marketing (a compared "
                "group) are reported within that function (--leaders-function)."
            ).format(column=repr(settings.leaders_function)),
        )
    if headcount:
        rates, low = participation(table, prep, headcount, k_min)
        assessment.participation = rates
        assessment.warnings += low
    assessment.warnings += _skipped_dimensions(table, prep)
    _withhold_details(assessment, table, prep, cells, hidden_rows, k_min)
    fill_assessment(
        assessment,
        GapData(
            items=prep.filled,
            group_code=prep.group_code,
            group_ids=prep.group_ids,
            totals=prep.total,
            dim_column=prep.dim_column,
            total_ratio=prep.total_ratio(),
            dim_ratio=prep.dim_ratio,
            valid=prep.marks,
            blank_zero=prep.blank_zero,
            dims_valid=prep.dims_valid,
            item_counts=cells.item_counts,
            total_tallies=cells.total_tallies,
            answered=prep.answered,
        ),
        table.questionnaire,
        settings,
        quality=quality,
    )
    _without_withheld_sizes(assessment)
    return ScoreResult(
        assessment,
        lambda: respondent_table(table, prep, hidden_rows, start),
        _without_withheld_comments(table, prep, suppressed, list(columns), k_min),
    )


def _without_withheld_sizes(assessment: Assessment) -> None:
    """Drop the agreement and reliability entries of withheld groups: they would carry
    the group's exact size (``n``), which is never published (only "fewer than K")."""
    hidden = {g.id for g in assessment.groups if g.suppressed}
    if not hidden:
        return
    assessment.agreement = [a for a in assessment.agreement if a.group not in hidden]
    assessment.reliability = [r for r in assessment.reliability if r.scope not in hidden]


def _skipped_dimensions(table: ResponseTable, prep: Prepared) -> list[DataWarning]:
    """Warnings for scored respondents who answered no item of a dimension (before the
    privacy filter, which drops those about withheld respondents)."""
    # Only the respondents missing some dimension are visited (few, where all are many).
    from salesmkt.intake.responses import column_values

    some = np.flatnonzero(~prep.dims_valid.all(axis=1))
    scored = np.flatnonzero(prep.keep)[some]
    rows = _row_numbers(table)[scored].tolist()
    codes = None
    respondent = column_values(table, "respondent")
    if respondent is not None:
        raw = respondent[scored].tolist()
        codes = [None if v is None or str(v) in ("", "nan") else str(v) for v in raw]
    return skipped_dimension_warnings(table.questionnaire, prep.dims_valid[some], rows, codes)


def _without_withheld_comments(
    table: ResponseTable, prep: Prepared, suppressed: BoolArray, by: list[str], k_min: int
) -> ResponseTable:
    """The table with the comments blanked of respondents in a withheld group, in a
    segment or cell withheld for its own size (``--by``), or unscored, so that the report
    cannot show them. A cell withheld only to protect another (complementary) keeps its
    comments: they are shown by group, never by cell."""
    from salesmkt.intake.responses import blank_comments, has_comments

    if not has_comments(table):
        return table
    hidden = suppressed[prep.group_code].copy()
    for column in by:
        hidden |= primary_rows(table, prep, column, k_min)
    drop = ~prep.keep
    drop[prep.keep] = hidden
    # Blanking cells needs no tidied text (nor the comments' frame): left for later.
    return blank_comments(table, drop)


def _row_numbers(table: ResponseTable) -> NDArray[np.int64]:
    """Each respondent's spreadsheet row (without building the table's Series)."""
    from salesmkt.intake.responses import column_values

    rows = column_values(table, "rows")
    assert rows is not None
    return rows


def _withhold_details(
    assessment: Assessment,
    table: ResponseTable,
    prep: Prepared,
    cells: Cells,
    hidden: BoolArray,
    k_min: int,
) -> None:
    """Drop the warnings and exclusions that concern withheld respondents
    (:mod:`salesmkt.analysis.privacy`)."""
    # Nobody hidden (the common case): no respondent-sized copy of the row numbers.
    hidden_rows = (
        {int(r) for r in _row_numbers(table)[prep.keep][hidden]} if hidden.any() else set()
    )
    assessment.warnings = withhold_warnings(
        assessment.warnings, hidden_rows, len(hidden_rows), k_min
    )
    scored_n = {g.id: 0 for g in table.questionnaire.groups}
    scored_n.update({gid: int(cells.n[c]) for c, gid in enumerate(prep.group_ids)})
    r = assessment.respondents
    r.excluded, dropped = withhold_exclusions(r.excluded, scored_n, k_min)
    assessment.suppressed += exclusion_note(dropped)


def check_thresholds(settings: Settings) -> None:
    """Refuse an anonymity threshold below 1 (UsageError). The command line refuses
    anything below :data:`LOWEST_MIN_GROUP_SIZE`; a library caller may go lower (tests
    do, to see every figure), and every output then carries the warning."""
    if settings.min_group_size < 1:
        raise UsageError("--min-group-size must be at least 1")


def threshold_warnings(settings: Settings) -> list[DataWarning]:
    """A warning when the anonymity threshold is below the field's default of 5."""
    k_min = settings.min_group_size
    if k_min >= DEFAULT_MIN_GROUP_SIZE:
        return []
    return [
        DataWarning(
            code="low-anonymity-threshold",
            message=_(
                "the anonymity threshold is {k}, below the usual {usual}: "
                "figures of very small groups are shown and may point at people"
            ).format(k=k_min, usual=DEFAULT_MIN_GROUP_SIZE),
        )
    ]


def fewer_than(k_min: int) -> str:
    """How a withheld group's size reads: never its exact count."""
    return _("fewer than {k} respondents").format(k=k_min)


def _suppression_notes(
    q: Questionnaire, group_ids: list[str], suppressed: BoolArray, k_min: int
) -> list[str]:
    """What the suppressed groups withhold, in words (never their exact size)."""
    notes = [
        _(
            "{group}: {fewer_than}, below the anonymity threshold of {k}; its figures are withheld."
        ).format(group=group_label(q, gid), fewer_than=fewer_than(k_min), k=k_min)
        for c, gid in enumerate(group_ids)
        if suppressed[c]
    ]
    if suppressed.any():
        left_out = ", ".join(group_label(q, g) for c, g in enumerate(group_ids) if suppressed[c])
        notes.append(
            _(
                "Overall, pooled, item and dimension figures leave out {groups}, so that "
                "no withheld figure can be worked out by subtraction."
            ).format(groups=left_out)
        )
    return notes


def _assessment(
    table: ResponseTable,
    settings: Settings,
    prep: Prepared,
    cells: Cells,
    suppressed: BoolArray,
    breakdowns: list[SegmentResult],
    notes: list[str],
) -> Assessment:
    """The assessment's figures by group; the gaps are filled in afterwards."""
    q = table.questionnaire
    shown = ~suppressed & (cells.n > 0)
    k_min = settings.min_group_size
    groups = [
        group_result(q, cells, c, gid, bool(suppressed[c]), k_min)
        for c, gid in enumerate(prep.group_ids)
        if cells.n[c] > 0
    ]
    excluded = list(table.excluded) + prep.excluded
    return Assessment(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        source_file=table.source,
        questionnaire=QuestionnaireRef(id=q.id, version=q.version, title=q.title),
        compare=list(q.compare),
        stages=_scoring_key(q),
        settings=settings,
        respondents=Respondents(
            total=int(table.rows_read),
            scored=len(prep.total),
            prorated=int((prep.answered < len(q.items)).sum()),
            excluded=sorted(excluded, key=lambda e: e.row),
        ),
        overall=_overall(q, cells, prep.group_ids, shown, suppressed, k_min),
        groups=groups,
        dimensions=_dimensions(q, cells, prep, shown, suppressed),
        items=_items(q, cells, prep, shown, suppressed),
        total_gap=_total_gap(q, cells, prep, suppressed),
        stage_disagreement=_stage_disagreement(q, groups),
        segments=breakdowns,
        suppressed=notes,
        warnings=list(table.warnings),
    )


# -- gaps --------------------------------------------------------------------------------
# Every perception-gap figure (items, dimensions, total), the borderline stages,
# reliability and agreement come from salesmkt.analysis.gaps.fill_assessment once the
# assessment is built; _items, _dimensions and _total_gap below only say when no gap can
# exist.


def _scoring_key(q: Questionnaire) -> list[StageBand]:
    """The stages' bands; an open-ended last band ends at the highest total."""
    top = q.total_range[1]
    key: list[StageBand] = []
    for i, s in enumerate(q.stages):
        high = s.max if s.max is not None or i + 1 < len(q.stages) else top
        key.append(StageBand(id=s.id, label=s.label, min=s.min, max=high))
    return key


def _overall(
    q: Questionnaire,
    cells: Cells,
    group_ids: list[str],
    shown: BoolArray,
    suppressed: BoolArray,
    k_min: int,
) -> Overall:
    n_shown = int(cells.n[shown].sum())
    pooled = num(cells.total_sum[shown].sum() / n_shown) if n_shown else None

    def mean_or_reason(gid: str) -> float | str | Withheld:
        c = group_ids.index(gid) if gid in group_ids else -1
        label = group_label(q, gid)
        if c < 0 or cells.n[c] == 0:
            return _("there are no {group} respondents").format(group=label)
        if suppressed[c]:
            return Withheld(
                _("{group} has {fewer_than}, so its figures are withheld").format(
                    group=label, fewer_than=fewer_than(k_min)
                )
            )
        return float(cells.mean[c])

    withheld = _("The pooled mean leaves out groups whose figures are withheld.")
    result = combine_overall(
        q,
        pooled,
        mean_or_reason,
        pooled_note=_("The overall score is the pooled respondent mean because {reason}."),
        withheld_note=withheld if suppressed.any() else None,
    )
    if cells.fav_sum is not None:
        result.favourable = share(cells.fav_sum[shown], cells.item_n[shown])
    return result


def _compared(q: Questionnaire, group_ids: list[str]) -> tuple[int, int] | None:
    if len(q.compare) != 2 or not all(g in group_ids for g in q.compare):
        return None
    return group_ids.index(q.compare[0]), group_ids.index(q.compare[1])


def _gap_blocker(
    q: Questionnaire, cells: Cells, pair: tuple[int, int] | None, suppressed: BoolArray
) -> str | None:
    """Why no gap can be shown at all (a compared group missing or withheld)."""
    if len(q.compare) != 2:
        return _("this questionnaire compares no two groups")
    if pair is None:
        return _("a compared group has no respondents")
    for c, gid in zip(pair, q.compare, strict=True):
        if cells.n[c] == 0:
            return _("there are no {group} respondents").format(group=group_label(q, gid))
        if suppressed[c]:
            return _("{group} is below the anonymity threshold").format(group=group_label(q, gid))
    return None


def _items(
    q: Questionnaire,
    cells: Cells,
    prep: Prepared,
    shown: BoolArray,
    suppressed: BoolArray,
) -> list[ItemResult]:
    item_mean = cells.item_mean
    sums = cells.item_sum[shown].sum(axis=0)
    counts = cells.item_n[shown].sum(axis=0)
    pair = _compared(q, prep.group_ids)
    blocker = _gap_blocker(q, cells, pair, suppressed)
    out: list[ItemResult] = []
    for j, it in enumerate(q.items):
        res = ItemResult(
            id=it.id,
            text=it.text,
            short=it.short,
            dimension=it.dimension,
            reverse=it.reverse,
            mean=num(sums[j] / counts[j]) if counts[j] else None,
        )
        fav = cells.fav_sum
        if fav is not None:
            res.favourable = share(fav[shown, j], cells.item_n[shown, j])
        for c, gid in enumerate(prep.group_ids):
            if cells.n[c] == 0:
                continue
            res.means_by_group[gid] = None if suppressed[c] else num(item_mean[c, j])
            if fav is not None:
                res.favourable_by_group[gid] = (
                    None if suppressed[c] else share(fav[c, j], cells.item_n[c, j])
                )
            if not suppressed[c]:
                res.n_by_group[gid] = int(cells.item_n[c, j])
        res.not_estimable = blocker
        out.append(res)
    return out


def _dimensions(
    q: Questionnaire,
    cells: Cells,
    prep: Prepared,
    shown: BoolArray,
    suppressed: BoolArray,
) -> list[DimensionResult]:
    dim_mean = cells.dim_mean
    sums = cells.dim_sum[shown].sum(axis=0)
    counts = cells.dim_n[shown].sum(axis=0)
    pair = _compared(q, prep.group_ids)
    blocker = _gap_blocker(q, cells, pair, suppressed)
    out: list[DimensionResult] = []
    for j, dim in enumerate(q.dimensions):
        res = DimensionResult(
            id=dim.id,
            label=dim.label,
            items=[it.id for it in q.items_in(dim.id)],
            mean=num(sums[j] / counts[j]) if counts[j] else None,
        )
        _dimension_favourable(res, q, cells, prep.group_ids, shown, suppressed)
        for c, gid in enumerate(prep.group_ids):
            if cells.n[c] > 0:
                res.means_by_group[gid] = None if suppressed[c] else num(dim_mean[c, j])
        res.not_estimable = blocker
        out.append(res)
    return out


def _dimension_favourable(
    res: DimensionResult,
    q: Questionnaire,
    cells: Cells,
    group_ids: list[str],
    shown: BoolArray,
    suppressed: BoolArray,
) -> None:
    """The dimension's % favourable: all its answers, of the shown groups and by group."""
    fav = cells.fav_sum
    if fav is None:
        return
    cols = [j for j, it in enumerate(q.items) if it.dimension == res.id]
    res.favourable = share(fav[shown][:, cols], cells.item_n[shown][:, cols])
    for c, gid in enumerate(group_ids):
        if cells.n[c] > 0:
            res.favourable_by_group[gid] = (
                None if suppressed[c] else share(fav[c, cols], cells.item_n[c, cols])
            )


def _total_gap(
    q: Questionnaire, cells: Cells, prep: Prepared, suppressed: BoolArray
) -> TotalGap | None:
    if len(q.compare) != 2:
        return None
    pair = _compared(q, prep.group_ids)
    result = TotalGap()
    result.not_estimable = _gap_blocker(q, cells, pair, suppressed)
    return result


def _stage_disagreement(q: Questionnaire, groups: list[GroupResult]) -> StageDisagreement | None:
    if len(q.compare) != 2 or not q.stages:
        return None
    by_id = {g.id: g for g in groups}
    stages: dict[str, StageRef | None] = {}
    for gid in q.compare:
        g = by_id.get(gid)
        stages[gid] = g.stage if g is not None and not g.suppressed else None
    a, b = (stages[g] for g in q.compare)
    differs = a is not None and b is not None and a.id != b.id
    headline = None
    if differs and a is not None and b is not None:
        headline = _("{first} sees {first_stage}, {second} sees {second_stage}").format(
            first=group_label(q, q.compare[0]),
            first_stage=a.label,
            second=group_label(q, q.compare[1]),
            second_stage=b.label,
        )
    return StageDisagreement(stages=stages, differs=differs, headline=headline)


# -- files in, assessment out ------------------------------------------------------------


def assess_file(source: ResponseSource, settings: Settings, *, quality: bool = True) -> ScoreResult:
    """Load the questionnaire, read and check the responses file, and score it
    (``quality``: see :func:`score_table`)."""
    # The reader brings pandas; a saved assessment JSON is read without it.
    from salesmkt.intake.responses import read_responses

    q = qmod.load(source.questionnaire)
    check_thresholds(settings)
    entries = read_headcount(Path(settings.headcount), q) if settings.headcount else []
    table = read_responses(source, q, max_missing=settings.max_missing)
    if settings.leaders_function:
        table = pool_leaders(table, settings.leaders_function)
    return score_table(table, settings, entries, quality=quality)
