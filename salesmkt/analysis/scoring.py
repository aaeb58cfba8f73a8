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
numpy array operations (``bincount``, one ``lexsort`` for medians, min and max).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from salesmkt import __version__
from salesmkt.definitions.questionnaire import Questionnaire, normalise
from salesmkt.errors import AnalysisError, InvalidFileError, NotFoundError, UsageError
from salesmkt.model.assessment import (
    SCHEMA_VERSION,
    Assessment,
    DimensionResult,
    Excluded,
    GroupResult,
    ItemResult,
    Overall,
    QuestionnaireRef,
    Respondents,
    SegmentResult,
    Settings,
    StageDisagreement,
    StageRef,
    TotalGap,
)

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from salesmkt.intake.responses import ResponseTable
    from salesmkt.intake.source import ResponseSource

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]
    BoolArray = NDArray[np.bool_]

# Decimals kept before a score is classified into a stage or compared with a threshold.
STAGE_DECIMALS = 9
# A --by column with more distinct values than this is not a category (a timestamp…).
MAX_SEGMENT_VALUES = 50
BLANK_SEGMENT = "(blank)"


class ScoreResult:
    """The assessment plus the per-respondent table behind it.

    ``respondents`` (row, respondent, group, segments, answered, total, stage and the
    dimension means) is built on first use: JSON and terminal output never need it.
    ``table`` is the responses table that was scored (its comments feed the report).
    """

    def __init__(
        self,
        assessment: Assessment,
        respondents: Callable[[], pd.DataFrame],
        table: ResponseTable,
    ) -> None:
        self.assessment = assessment
        self.table = table
        self._build = respondents
        self._frame: pd.DataFrame | None = None

    @property
    def respondents(self) -> pd.DataFrame:
        if self._frame is None:
            self._frame = self._build()
        return self._frame


# -- small helpers ---------------------------------------------------------------------


def _num(value: Any) -> float | None:
    """A plain float, or None for NaN/inf/None (the assessment never holds NaN)."""
    if value is None:
        return None
    out = float(value)
    return out if np.isfinite(out) else None


def _round_for_stage(value: float) -> float:
    return round(value, STAGE_DECIMALS)


def _stage_ref(q: Questionnaire, value: float | None) -> StageRef | None:
    if value is None or not q.stages:
        return None
    stage = q.stage_for(_round_for_stage(value))
    return StageRef(id=stage.id, label=stage.label) if stage else None


def _group_label(q: Questionnaire, group_id: str) -> str:
    if group_id == "all" and not q.groups:
        return "All respondents"
    try:
        return q.group(group_id).label
    except KeyError:
        return group_id


def _plural(n: int, word: str = "respondent") -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# -- per-cell statistics -----------------------------------------------------------------


@dataclass
class _Cells:
    """Figures for every cell at once; NaN where a figure does not exist."""

    n: IntArray
    total_sum: FloatArray
    mean: FloatArray
    median: FloatArray
    sd: FloatArray
    lo: FloatArray
    hi: FloatArray
    dim_sum: FloatArray  # cells × dimensions
    dim_n: FloatArray
    item_sum: FloatArray  # cells × items
    item_n: FloatArray

    @property
    def dim_mean(self) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.dim_n > 0, self.dim_sum / self.dim_n, np.nan)

    @property
    def item_mean(self) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.item_n > 0, self.item_sum / self.item_n, np.nan)


def _column_sums(
    key: IntArray, ncells: int, n: IntArray, filled: FloatArray, valid: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Per cell and column: sum and count of the answered values.

    One ``bincount`` per column (columns are contiguous: the matrices are Fortran-ordered),
    a loop over the 20-odd columns, never over respondents. Counts subtract the (few)
    missing answers from the cell sizes.
    """
    cols = filled.shape[1]
    sums = np.zeros((ncells, cols))
    counts = np.zeros((ncells, cols))
    for j in range(cols):
        sums[:, j] = np.bincount(key, weights=filled[:, j], minlength=ncells)
        counts[:, j] = n - np.bincount(key[~valid[:, j]], minlength=ncells)
    return sums, counts


def _small_ints(key: IntArray, ncells: int) -> NDArray[np.integer[Any]]:
    """The key in the narrowest integer type, so a stable sort runs as a radix sort."""
    if ncells <= np.iinfo(np.int16).max:
        return key.astype(np.int16)
    return key


def _cell_stats(key: IntArray, ncells: int, prep: _Prepared) -> _Cells:
    total = prep.total
    n = np.bincount(key, minlength=ncells).astype(np.int64)
    total_sum = np.bincount(key, weights=total, minlength=ncells).astype(np.float64, copy=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total_sum / n, np.nan)
        dev = total - mean[key]
        ss = np.bincount(key, weights=dev * dev, minlength=ncells)
        sd = np.where(n >= 2, np.sqrt(ss / (n - 1)), np.nan)
    # Group the totals by cell with one stable (radix) sort; then each cell's median,
    # min and max come from its own slice (a loop over cells, not respondents).
    by_cell = total[np.argsort(_small_ints(key, ncells), kind="stable")]
    ends = np.cumsum(n)
    lo = np.full(ncells, np.nan)
    hi = np.full(ncells, np.nan)
    median = np.full(ncells, np.nan)
    for c in np.flatnonzero(n):
        chunk = by_cell[ends[c] - n[c] : ends[c]]
        lo[c], hi[c], median[c] = chunk.min(), chunk.max(), np.median(chunk)
    dim_sum, dim_n = _column_sums(key, ncells, n, prep.dims_filled, prep.dims_valid)
    item_sum, item_n = _column_sums(key, ncells, n, prep.filled, prep.valid)
    return _Cells(n, total_sum, mean, median, sd, lo, hi, dim_sum, dim_n, item_sum, item_n)


def _group_result(
    q: Questionnaire, cells: _Cells, c: int, group_id: str, suppressed: bool
) -> GroupResult:
    n = int(cells.n[c])
    result = GroupResult(id=group_id, label=_group_label(q, group_id), n=n, suppressed=suppressed)
    if suppressed or n == 0:
        return result
    mean = _num(cells.mean[c])
    dim_mean = cells.dim_mean[c]
    item_mean = cells.item_mean[c]
    result.mean = mean
    result.median = _num(cells.median[c])
    result.sd = _num(cells.sd[c])
    result.min = _num(cells.lo[c])
    result.max = _num(cells.hi[c])
    result.stage = _stage_ref(q, mean)
    result.dimension_means = {d.id: _num(dim_mean[j]) for j, d in enumerate(q.dimensions)}
    result.item_means = {it.id: _num(item_mean[j]) for j, it in enumerate(q.items)}
    return result


# -- gaps --------------------------------------------------------------------------------
# Every perception-gap figure (items, dimensions, total), the borderline stages,
# reliability and agreement come from salesmkt.analysis.gaps.fill_assessment once the assessment
# is built; _items, _dimensions and _total_gap below only say when no gap can exist.


# -- the main entry point ----------------------------------------------------------------


@dataclass
class _Prepared:
    """Per-respondent arrays of the scored respondents, in file order (matrices
    Fortran-ordered)."""

    keep: BoolArray
    filled: FloatArray  # recoded answers, 0 where missing
    valid: BoolArray  # answered?
    answered: IntArray
    total: FloatArray
    dims_filled: FloatArray  # respondents × dimensions: dimension means, 0 where none
    dims_valid: BoolArray
    group_code: IntArray
    group_ids: list[str]
    excluded: list[Excluded] = field(default_factory=list)

    def dims(self) -> FloatArray:
        """Dimension means with NaN where a respondent answered none of its items."""
        out: FloatArray = np.where(self.dims_valid, self.dims_filled, np.nan)
        return out


def _group_codes(table: ResponseTable) -> tuple[IntArray, list[str]]:
    import pandas as pd

    q = table.questionnaire
    codes, uniques = pd.factorize(table.group, use_na_sentinel=True)
    if (codes < 0).any():
        raise AnalysisError(f"{table.source}: a respondent has no group")
    names = [str(u) for u in uniques]
    declared = [g.id for g in q.groups] or ["all"]
    group_ids = declared + sorted(set(names) - set(declared))
    lookup = np.array([group_ids.index(name) for name in names], dtype=np.int64)
    return lookup[codes], group_ids


def _prepare(table: ResponseTable) -> _Prepared:
    q = table.questionnaire
    if q.scale.type != "numeric" or q.scale.min is None or q.scale.max is None:
        raise AnalysisError(
            f"questionnaire {q.id!r} uses a choice scale: its answers name an owner, not a "
            "score, so 'score' cannot total them"
        )
    item_ids = q.item_ids
    if list(table.answers.columns) != item_ids:
        raise AnalysisError(
            f"{table.source}: the answers table does not hold the items of {q.id!r} in order"
        )
    # A private Fortran-ordered copy: each item is one contiguous column (what the
    # per-column bincounts want), and the table's own data are never modified.
    answers = np.array(table.answers.to_numpy(dtype=np.float64), dtype=np.float64, order="F")
    reverse = [j for j, it in enumerate(q.items) if it.reverse]
    if reverse:
        answers[:, reverse] = (q.scale.min + q.scale.max) - answers[:, reverse]
    valid = ~np.isnan(answers)
    np.copyto(answers, 0.0, where=~valid)
    filled = answers
    answered = np.count_nonzero(valid, axis=1)
    keep = answered > 0
    excluded: list[Excluded] = []
    if not keep.all():
        lost = np.flatnonzero(~keep)  # only the (few) unscoreable rows are visited
        rows = table.rows.to_numpy()[lost]
        codes = table.respondent.to_numpy()[lost] if table.respondent is not None else None
        groups = table.group.to_numpy()[lost]
        for i in range(len(lost)):
            excluded.append(
                Excluded(
                    row=int(rows[i]),
                    respondent=None if codes is None else str(codes[i]),
                    group=str(groups[i]),
                    reason="no scored answers",
                )
            )
    k = len(item_ids)
    sums = filled.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # sum × k first, then ÷ answered: a whole-number result stays exact.
        total = sums * k / answered
    nrows = len(filled)
    dims_filled = np.zeros((nrows, len(q.dimensions)), order="F")
    dims_valid = np.zeros((nrows, len(q.dimensions)), dtype=bool, order="F")
    for j, dim in enumerate(q.dimensions):
        cols = [i for i, it in enumerate(q.items) if it.dimension == dim.id]
        if not cols:
            continue
        dim_sum = np.zeros(nrows)
        dim_count = np.zeros(nrows, dtype=np.int64)
        for c in cols:
            dim_sum += filled[:, c]
            dim_count += valid[:, c]
        dims_valid[:, j] = dim_count > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            dims_filled[:, j] = np.where(dim_count > 0, dim_sum / dim_count, 0.0)
    group_code, group_ids = _group_codes(table)
    if not keep.all():
        filled, valid, answered, total = filled[keep], valid[keep], answered[keep], total[keep]
        dims_filled, dims_valid, group_code = dims_filled[keep], dims_valid[keep], group_code[keep]
    return _Prepared(
        keep,
        filled,
        valid,
        answered,
        total,
        dims_filled,
        dims_valid,
        group_code,
        group_ids,
        excluded,
    )


def score_table(table: ResponseTable, settings: Settings) -> ScoreResult:
    """Score a checked responses table: every figure of the assessment, vectorised."""
    q = table.questionnaire
    k_min = settings.min_group_size
    if k_min < 1:
        raise UsageError("--min-group-size must be at least 1")
    prep = _prepare(table)
    ngroups = len(prep.group_ids)
    cells = _cell_stats(prep.group_code, ngroups, prep)
    suppressed_group = (cells.n > 0) & (cells.n < k_min)
    notes: list[str] = []

    groups = [
        _group_result(q, cells, c, gid, bool(suppressed_group[c]))
        for c, gid in enumerate(prep.group_ids)
        if cells.n[c] > 0
    ]
    for c, gid in enumerate(prep.group_ids):
        if suppressed_group[c]:
            notes.append(
                f"{_group_label(q, gid)}: {_plural(int(cells.n[c]))}, below the anonymity "
                f"threshold of {k_min}; its figures are withheld."
            )
    shown = ~suppressed_group & (cells.n > 0)
    if suppressed_group.any():
        left_out = ", ".join(
            _group_label(q, g) for c, g in enumerate(prep.group_ids) if suppressed_group[c]
        )
        notes.append(
            f"Overall, pooled, item and dimension figures leave out {left_out}, so that "
            "no withheld figure can be worked out by subtraction."
        )

    overall = _overall(q, cells, prep.group_ids, shown, suppressed_group, k_min)
    items = _items(q, cells, prep, shown, suppressed_group, settings)
    dimensions = _dimensions(q, cells, prep, shown, suppressed_group, settings)
    total_gap = _total_gap(q, cells, prep, suppressed_group, settings)
    disagreement = _stage_disagreement(q, groups)

    hidden_rows = np.zeros(len(prep.total), dtype=bool)
    hidden_rows |= suppressed_group[prep.group_code]
    segments: list[SegmentResult] = []
    # Two spellings of one column ("region", "Region") give one breakdown.
    columns = dict.fromkeys(_segment_column(table, by) for by in settings.by)
    for column in columns:
        seg_results, seg_hidden, seg_notes = _segments(table, prep, column, settings)
        segments += seg_results
        hidden_rows |= seg_hidden
        notes += seg_notes

    excluded = list(table.excluded) + prep.excluded
    scored = len(prep.total)
    assessment = Assessment(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        source_file=table.source,
        questionnaire=QuestionnaireRef(id=q.id, version=q.version, title=q.title),
        compare=list(q.compare),
        stages=_scoring_key(q),
        settings=settings,
        respondents=Respondents(
            total=int(table.rows_read),
            scored=scored,
            prorated=int((prep.answered < len(q.items)).sum()),
            excluded=sorted(excluded, key=lambda e: e.row),
        ),
        overall=overall,
        groups=groups,
        dimensions=dimensions,
        items=items,
        total_gap=total_gap,
        stage_disagreement=disagreement,
        segments=segments,
        suppressed=notes,
        warnings=list(table.warnings),
    )
    from salesmkt.analysis.gapdata import GapData
    from salesmkt.analysis.gaps import fill_assessment

    fill_assessment(
        assessment,
        GapData(
            items=prep.filled,
            group_code=prep.group_code,
            group_ids=prep.group_ids,
            totals=prep.total,
            dims=prep.dims_filled,
            valid=prep.valid,
            dims_valid=prep.dims_valid,
        ),
        q,
        settings,
    )
    return ScoreResult(assessment, lambda: _respondents_frame(table, prep, hidden_rows), table)


def _scoring_key(q: Questionnaire) -> list[dict[str, object]]:
    """The stages as plain data; an open-ended last band ends at the highest total."""
    top = q.total_range[1]
    key: list[dict[str, object]] = []
    for i, s in enumerate(q.stages):
        high = s.max if s.max is not None or i + 1 < len(q.stages) else top
        key.append({"id": s.id, "label": s.label, "min": s.min, "max": high})
    return key


def _overall(
    q: Questionnaire,
    cells: _Cells,
    group_ids: list[str],
    shown: BoolArray,
    suppressed: BoolArray,
    k_min: int,
) -> Overall:
    n_shown = int(cells.n[shown].sum())
    pooled = _num(cells.total_sum[shown].sum() / n_shown) if n_shown else None
    result = Overall(pooled_mean=pooled)
    reason: str | None = None
    if len(q.compare) == 2:
        means: list[float] = []
        for gid in q.compare:
            c = group_ids.index(gid) if gid in group_ids else -1
            label = _group_label(q, gid)
            if c < 0 or cells.n[c] == 0:
                reason = f"there are no {label} respondents"
            elif suppressed[c]:
                reason = f"{label} is below the anonymity threshold of {k_min}"
            else:
                means.append(float(cells.mean[c]))
            if reason:
                break
        if reason is None:
            result.score = _num(sum(means) / 2)
            result.method = "equal-weight"
    else:
        reason = "this questionnaire compares no two groups"
    if reason is not None:
        result.method = "pooled"
        result.score = pooled
        result.note = f"The overall score is the pooled respondent mean because {reason}."
    if suppressed.any():
        extra = "The pooled mean leaves out groups whose figures are withheld."
        result.note = f"{result.note} {extra}" if result.note else extra
    result.stage = _stage_ref(q, result.score)
    return result


def _compared(q: Questionnaire, group_ids: list[str]) -> tuple[int, int] | None:
    if len(q.compare) != 2 or not all(g in group_ids for g in q.compare):
        return None
    return group_ids.index(q.compare[0]), group_ids.index(q.compare[1])


def _gap_blocker(
    q: Questionnaire, cells: _Cells, pair: tuple[int, int] | None, suppressed: BoolArray
) -> str | None:
    """Why no gap can be shown at all (a compared group missing or withheld)."""
    if len(q.compare) != 2:
        return "this questionnaire compares no two groups"
    if pair is None:
        return "a compared group has no respondents"
    for c, gid in zip(pair, q.compare, strict=True):
        if cells.n[c] == 0:
            return f"there are no {_group_label(q, gid)} respondents"
        if suppressed[c]:
            return f"{_group_label(q, gid)} is below the anonymity threshold"
    return None


def _items(
    q: Questionnaire,
    cells: _Cells,
    prep: _Prepared,
    shown: BoolArray,
    suppressed: BoolArray,
    settings: Settings,
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
            mean=_num(sums[j] / counts[j]) if counts[j] else None,
        )
        for c, gid in enumerate(prep.group_ids):
            if cells.n[c] == 0:
                continue
            res.means_by_group[gid] = None if suppressed[c] else _num(item_mean[c, j])
            if not suppressed[c]:
                res.n_by_group[gid] = int(cells.item_n[c, j])
        res.not_estimable = blocker
        out.append(res)
    return out


def _dimensions(
    q: Questionnaire,
    cells: _Cells,
    prep: _Prepared,
    shown: BoolArray,
    suppressed: BoolArray,
    settings: Settings,
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
            mean=_num(sums[j] / counts[j]) if counts[j] else None,
        )
        for c, gid in enumerate(prep.group_ids):
            if cells.n[c] > 0:
                res.means_by_group[gid] = None if suppressed[c] else _num(dim_mean[c, j])
        res.not_estimable = blocker
        out.append(res)
    return out


def _total_gap(
    q: Questionnaire, cells: _Cells, prep: _Prepared, suppressed: BoolArray, settings: Settings
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
        headline = (
            f"{_group_label(q, q.compare[0])} sees {a.label}, "
            f"{_group_label(q, q.compare[1])} sees {b.label}"
        )
    return StageDisagreement(stages=stages, differs=differs, headline=headline)


# -- --by segments -----------------------------------------------------------------------


def _segment_column(table: ResponseTable, by: str) -> str:
    columns = [str(c) for c in table.segments.columns]
    if by in columns:
        return by
    matches = [c for c in columns if normalise(c) == normalise(by)]
    if len(matches) == 1:
        return matches[0]
    if normalise(by) == normalise(table.group_column):
        raise UsageError(
            f"--by {by}: that is the group column; every figure is already shown per group"
        )
    known = ", ".join(repr(c) for c in columns) or "none"
    raise UsageError(f"--by {by}: {table.source} has no such column; other columns are: {known}")


def _complementary(n: IntArray, primary: BoolArray, k_min: int) -> BoolArray:
    """Add cells to the withheld set until no column total gives a withheld cell away.

    ``n`` and ``primary`` are segments × groups. A group's own total is published, so
    in every column the withheld cells must together hold at least ``k_min``
    respondents (two cells or more): while they do not, the smallest shown non-empty
    cell of that column is withheld too. Rows need no such step because a segment's
    own figures are computed from its shown cells only.
    """
    sup = primary.copy()
    for g in range(n.shape[1]):  # loops over groups (a handful), never respondents
        col_n, col_sup = n[:, g], sup[:, g]
        while col_sup.any() and col_n[col_sup].sum() < k_min:
            candidates = np.flatnonzero(~col_sup & (col_n > 0))
            if len(candidates) == 0:
                break
            col_sup[candidates[np.argmin(col_n[candidates])]] = True
        sup[:, g] = col_sup
    return sup


def _segments(
    table: ResponseTable, prep: _Prepared, by: str, settings: Settings
) -> tuple[list[SegmentResult], BoolArray, list[str]]:
    import pandas as pd

    q = table.questionnaire
    k_min = settings.min_group_size
    column = _segment_column(table, by)
    raw = table.segments[column].astype(object)
    values = raw.where(raw.notna(), "").astype(str).str.strip()
    values = values.where(values != "", BLANK_SEGMENT).to_numpy()
    if not prep.keep.all():
        values = values[prep.keep]
    codes, uniques = pd.factorize(values, sort=True)
    nseg = len(uniques)
    if nseg > MAX_SEGMENT_VALUES:
        raise UsageError(
            f"--by {by}: column {column!r} has {nseg} different values; --by expects a "
            f"category with at most {MAX_SEGMENT_VALUES} (region, business unit, wave)"
        )
    ngroups = len(prep.group_ids)
    key = codes.astype(np.int64) * ngroups + prep.group_code
    cells = _cell_stats(key, nseg * ngroups, prep)
    n = cells.n.reshape(nseg, ngroups)
    seg_n = n.sum(axis=1)
    seg_small = seg_n < k_min
    primary = (n > 0) & ((n < k_min) | seg_small[:, None])
    sup = _complementary(n, primary, k_min)
    notes: list[str] = []
    results: list[SegmentResult] = []
    for s, value in enumerate(uniques):
        label = f"{column} = {value}"
        if seg_small[s]:
            notes.append(
                f"{label}: {_plural(int(seg_n[s]))}, below the anonymity threshold of "
                f"{k_min}; its figures are withheld."
            )
        groups: list[GroupResult] = []
        for g, gid in enumerate(prep.group_ids):
            c = s * ngroups + g
            if n[s, g] == 0:
                continue
            groups.append(_group_result(q, cells, c, gid, bool(sup[s, g])))
            if seg_small[s]:
                continue
            glabel = _group_label(q, gid)
            if primary[s, g]:
                notes.append(
                    f"{label}, {glabel}: {_plural(int(n[s, g]))}, below the anonymity "
                    f"threshold of {k_min}; figures withheld."
                )
            elif sup[s, g]:
                notes.append(
                    f"{label}, {glabel} ({_plural(int(n[s, g]))}) is withheld as well, so "
                    f"that a withheld {glabel} figure cannot be worked out from the "
                    f"{glabel} total."
                )
        shown_cells = np.zeros(nseg * ngroups, dtype=bool)
        shown_cells[s * ngroups : (s + 1) * ngroups] = (n[s] > 0) & ~sup[s]
        overall = Overall()
        if not seg_small[s]:
            overall = _segment_overall(q, cells, prep.group_ids, s, ngroups, shown_cells, sup[s])
        results.append(
            SegmentResult(
                by=column,
                value=str(value),
                n=int(seg_n[s]),
                suppressed=bool(seg_small[s]),
                overall=overall,
                groups=groups,
            )
        )
    hidden = sup.ravel()[key]
    return results, hidden, notes


def _segment_overall(
    q: Questionnaire,
    cells: _Cells,
    group_ids: list[str],
    s: int,
    ngroups: int,
    shown_cells: BoolArray,
    sup_row: BoolArray,
) -> Overall:
    n_shown = int(cells.n[shown_cells].sum())
    pooled = _num(cells.total_sum[shown_cells].sum() / n_shown) if n_shown else None
    result = Overall(pooled_mean=pooled)
    reason: str | None = None
    if len(q.compare) == 2:
        means: list[float] = []
        for gid in q.compare:
            if gid not in group_ids:
                reason = f"there are no {_group_label(q, gid)} respondents"
                break
            g = group_ids.index(gid)
            c = s * ngroups + g
            if cells.n[c] == 0:
                reason = f"there are no {_group_label(q, gid)} respondents here"
                break
            if sup_row[g]:
                reason = f"the {_group_label(q, gid)} figures are withheld"
                break
            means.append(float(cells.mean[c]))
        if reason is None:
            result.score = _num(sum(means) / 2)
    else:
        reason = "this questionnaire compares no two groups"
    if reason is not None:
        result.method = "pooled"
        result.score = pooled
        result.note = f"Pooled respondent mean because {reason}."
    if sup_row.any():
        extra = "Withheld groups are left out of this segment's figures."
        result.note = f"{result.note} {extra}" if result.note else extra
    result.stage = _stage_ref(q, result.score)
    return result


# -- per-respondent table ----------------------------------------------------------------


def _unique_name(name: str, taken: set[str]) -> str:
    candidate, i = name, 2
    while candidate in taken:
        candidate, i = f"{name}_{i}", i + 1
    taken.add(candidate)
    return candidate


def _respondents_frame(table: ResponseTable, prep: _Prepared, hidden: BoolArray) -> pd.DataFrame:
    import pandas as pd

    q = table.questionnaire
    keep = prep.keep
    everyone = bool(keep.all())

    def kept(series: pd.Series) -> pd.Series:
        values = series if everyone else series[keep]
        return values.reset_index(drop=True)

    data: dict[str, Any] = {}
    taken: set[str] = set()
    data[_unique_name("row", taken)] = kept(table.rows).astype(np.int64)
    respondent = (
        kept(table.respondent).astype(object)
        if table.respondent is not None
        else pd.Series([None] * len(prep.total), dtype=object)
    )
    data[_unique_name("respondent", taken)] = respondent
    data[_unique_name("group", taken)] = kept(table.group).astype(str)
    reserved = {"total", "stage", "answered", *(d.id for d in q.dimensions)}
    for col in table.segments.columns:
        name = str(col)
        data[_unique_name(name if name not in reserved else f"{name} (column)", taken)] = kept(
            table.segments[col]
        )
    total = np.where(hidden, np.nan, prep.total)
    data[_unique_name("answered", taken)] = prep.answered.astype(np.int64)
    data[_unique_name("total", taken)] = total
    if q.stages:
        ordered = sorted(q.stages, key=lambda s: s.min)
        edges = np.array([s.min for s in ordered], dtype=np.float64)
        idx = np.searchsorted(edges, np.round(total, STAGE_DECIMALS), side="right") - 1
        idx = np.where(np.isnan(total), -1, idx)
        data[_unique_name("stage", taken)] = pd.Categorical.from_codes(
            idx, categories=[s.id for s in ordered]
        )
    else:
        data[_unique_name("stage", taken)] = pd.Series([None] * len(total), dtype=object)
    dims = prep.dims()
    for j, dim in enumerate(q.dimensions):
        data[_unique_name(dim.id, taken)] = np.where(hidden, np.nan, dims[:, j])
    return pd.DataFrame(data)


# -- files in, assessment out ------------------------------------------------------------


def assess_file(source: ResponseSource, settings: Settings) -> ScoreResult:
    """Load the questionnaire, read and check the responses file, and score it."""
    # The reader brings pandas; a saved assessment JSON is read without it.
    from salesmkt.definitions import questionnaire as qmod
    from salesmkt.intake.responses import read_responses

    q = qmod.load(source.questionnaire)
    table = read_responses(source, q, max_missing=settings.max_missing)
    return score_table(table, settings)


def _not_an_assessment(path: Path, why: str) -> InvalidFileError:
    return InvalidFileError(
        str(path),
        [
            f"{path}: not a salesmkt assessment ({why}); expected the JSON written by "
            "'salesmkt score --format json'"
        ],
    )


def load_assessment_json(path: Path) -> Assessment:
    """Read back what ``score --format json`` wrote, or explain why the file is not that."""
    from pydantic import ValidationError

    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file") from None
    except OSError as exc:
        raise NotFoundError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _not_an_assessment(path, "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _not_an_assessment(
            path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(doc, dict) or "schema_version" not in doc:
        raise _not_an_assessment(path, "no schema_version field")
    version = doc.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION or version < 1:
        raise _not_an_assessment(
            path, f"schema_version {version!r}; this salesmkt reads version {SCHEMA_VERSION}"
        )
    try:
        return Assessment.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise _not_an_assessment(path, f"{where}: {first['msg']}{more}") from None


def looks_like_assessment(path: Path) -> bool:
    """True when the file's content is JSON (an object), whatever its name."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"{")


def load_assessment_or_responses(source: ResponseSource, settings: Settings) -> Assessment:
    """An assessment from either a saved ``score`` JSON or a responses file.

    Decided by content: a file that starts with a JSON object is read as an assessment
    (and must be one); anything else is a responses file, scored with ``settings``.
    """
    if looks_like_assessment(source.path):
        return load_assessment_json(source.path)
    return assess_file(source, settings).assessment
