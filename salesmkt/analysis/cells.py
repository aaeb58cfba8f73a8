"""Cells: every per-group (or per-group-within-segment) figure at once.

Vocabulary:
- *cell*: the respondents of one group (or, with ``--by``, of one group within one
  segment value); a cell *key* gives every respondent's cell index.
- *cell figures* (:class:`Cells`): size, sum, mean, median, SD, min and max of the
  totals, and sums and counts of the dimension means and of the recoded answers, one
  row per cell; NaN where a figure does not exist (an empty cell, n < 2 for the SD).
- *group mean* of a dimension or item: the mean over the cell's respondents who have
  one (dimension means average the respondents' own dimension means).
- *stage*: the band a score falls in; scores are rounded to :data:`STAGE_DECIMALS`
  decimals first so float noise (39.99999999998) cannot move a score across a band edge.
- *suppressed*: a cell whose figures are withheld: its :class:`GroupResult` shows no
  figure and not even its exact ``n`` (``n_fewer_than`` says "fewer than K" for a cell
  withheld for its own size).
- *favourable*: an answer in the favourable points of the scale
  (:mod:`salesmkt.analysis.favourable`); ``fav_sum`` counts them per cell and item.

No per-respondent Python loops: ``bincount`` over columns, one stable (radix) sort
for medians, minimum and maximum, then a loop over cells.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from salesmkt.analysis.gapdata import cell_ratio_tallies, counts_fit, item_answer_counts
from salesmkt.l10n import _
from salesmkt.model.assessment import GroupResult, Overall, StageRef

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesmkt.analysis.prepared import Prepared
    from salesmkt.analysis.statistics.sample import Tally
    from salesmkt.definitions.questionnaire import Questionnaire

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]
    BoolArray = NDArray[np.bool_]

__all__ = [
    "STAGE_DECIMALS",
    "Cells",
    "Withheld",
    "cell_stats",
    "combine_overall",
    "group_label",
    "group_result",
    "hides_split",
    "num",
    "plural",
    "share",
    "stage_ref",
]

# Decimals kept before a score is classified into a stage or compared with a threshold.
STAGE_DECIMALS = 9


# -- small helpers ---------------------------------------------------------------------


def num(value: Any) -> float | None:
    """A plain float, or None for NaN/inf/None (the assessment never holds NaN)."""
    if value is None:
        return None
    out = float(value)
    return out if np.isfinite(out) else None


def _round_for_stage(value: float) -> float:
    return round(value, STAGE_DECIMALS)


def stage_ref(q: Questionnaire, value: float | None) -> StageRef | None:
    if value is None or not q.stages:
        return None
    stage = q.stage_for(_round_for_stage(value))
    return StageRef(id=stage.id, label=stage.label) if stage else None


def group_label(q: Questionnaire, group_id: str) -> str:
    if group_id == "all" and not q.groups:
        return _("All respondents")
    try:
        return q.group(group_id).label
    except KeyError:
        return group_id


def plural(n: int, word: str = "respondent") -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# -- per-cell statistics -----------------------------------------------------------------


@dataclass(kw_only=True)
class Cells:
    """Figures for every cell at once; NaN where a figure does not exist (made by name
    only: fourteen arrays of the same shapes are too easy to pass in the wrong order)."""

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
    fav_sum: FloatArray | None = None  # cells × items: favourable answers
    # Per item, cells × int8 values: the answer counts of gapdata.answer_counts, when
    # the answers are int8 (the gaps' item tallies of the same cells read them again).
    item_counts: list[IntArray] | None = None
    # Per cell with respondents: the tally of its totals, when they were counted from
    # their whole-number parts (the median, minimum and maximum are read off it, and the
    # gaps' totals of the same cells read it again).
    total_tallies: dict[int, Tally] | None = None

    @property
    def dim_mean(self) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.dim_n > 0, self.dim_sum / self.dim_n, np.nan)

    @property
    def item_mean(self) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.item_n > 0, self.item_sum / self.item_n, np.nan)


def _column_sums(
    key: IntArray,
    ncells: int,
    n: IntArray,
    filled: NDArray[Any],
    valid: BoolArray,
) -> tuple[FloatArray, FloatArray]:
    """Per cell and column: sum and count of the answered values.

    One ``bincount`` per column (columns are contiguous: the matrices are Fortran-ordered),
    a loop over the 20-odd columns, never over respondents. Counts subtract the (few)
    missing answers from the cell sizes.
    """
    return _sums_of_columns(key, ncells, n, filled.shape[1], lambda j: filled[:, j], valid)


def _sums_of_columns(
    key: IntArray,
    ncells: int,
    n: IntArray,
    cols: int,
    column: Callable[[int], NDArray[Any]],
    valid: BoolArray,
) -> tuple[FloatArray, FloatArray]:
    """:func:`_column_sums` of the columns ``column(0)`` … ``column(cols − 1)``, each
    made when it is summed (the dimension means: see
    :class:`~salesmkt.analysis.prepared.DimScores`)."""
    sums = np.zeros((ncells, cols))
    counts = np.zeros((ncells, cols))
    for j in range(cols):
        sums[:, j] = np.bincount(key, weights=column(j), minlength=ncells)
        counts[:, j] = n - np.bincount(key[~valid[:, j]], minlength=ncells)
    return sums, counts


def _answer_sums(
    key: IntArray, ncells: int, n: IntArray, prep: Prepared, start: float | None
) -> tuple[FloatArray, FloatArray, FloatArray | None, list[IntArray] | None]:
    """Per cell and item: sum and count of the answers, and (with ``start``, the lowest
    favourable point) the count of favourable answers.

    Whole-number (int8) answers are counted per cell and value
    (:func:`~salesmkt.analysis.gapdata.item_answer_counts`: a few items per ``bincount``);
    sums and counts are then exact sums of whole numbers, the same floats as the
    weighted ``bincount`` of :func:`_column_sums` gives."""
    filled = prep.filled
    if filled.dtype != np.int8 or not counts_fit(ncells):
        valid = prep.valid  # built here if not held: these paths are not scoring's own
        from salesmkt.analysis.favourable import favourable_matrix

        sums, counts = _column_sums(key, ncells, n, filled, valid)
        if start is None:
            return sums, counts, None, None
        fav_sums = _column_sums(key, ncells, n, favourable_matrix(prep, start), valid)[0]
        return sums, counts, fav_sums, None
    values = np.arange(-128, 128, dtype=np.float64)
    cols = filled.shape[1]
    sums = np.zeros((ncells, cols))
    counts = np.zeros((ncells, cols))
    fav = None if start is None else np.zeros((ncells, cols))
    favourable = values >= (start if start is not None else np.inf)
    # prepare leaves 0 in every unanswered cell
    from salesmkt.analysis.prepared import Prepared

    # Scoring's arrays may hold no marks (blank zero: None, read off the answers a column
    # at a time); another holder of the arrays gives its marks.
    marks = prep.marks if isinstance(prep, Prepared) else prep.valid
    tallies = item_answer_counts(key, ncells, filled, marks, blank_zero=True)
    for j, tally in enumerate(tallies):
        # + 0.0: a cell without answers sums to 0.0, never -0.0.
        sums[:, j] = tally @ values + 0.0
        counts[:, j] = tally.sum(axis=1)
        if fav is not None:
            fav[:, j] = tally[:, favourable].sum(axis=1)
    return sums, counts, fav, tallies


def _small_ints(key: IntArray, ncells: int) -> NDArray[np.integer[Any]]:
    """The key in the narrowest integer type, so a stable sort runs as a radix sort."""
    if ncells <= np.iinfo(np.int16).max:
        return key.astype(np.int16)
    return key


def cell_stats(
    key: IntArray, ncells: int, prep: Prepared, favourable_from: float | None = None
) -> Cells:
    """Every cell's figures; ``favourable_from`` (the lowest favourable point of the
    scale, :func:`~salesmkt.analysis.favourable.favourable_from`) adds the per-cell
    counts of favourable answers."""
    total = prep.total
    n = np.bincount(key, minlength=ncells).astype(np.int64)
    total_sum = np.bincount(key, weights=total, minlength=ncells).astype(np.float64, copy=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total_sum / n, np.nan)
        # total − mean, squared, in one array (the same operations as ``dev * dev`` of
        # ``total - mean[key]``, without their two other respondent-sized temporaries)
        dev = mean[key]
        np.subtract(total, dev, out=dev)
        np.multiply(dev, dev, out=dev)
        ss = np.bincount(key, weights=dev, minlength=ncells)
        sd = np.where(n >= 2, np.sqrt(ss / (n - 1)), np.nan)
    lo = np.full(ncells, np.nan)
    hi = np.full(ncells, np.nan)
    median = np.full(ncells, np.nan)
    tallies = _total_tallies(key, ncells, n, prep)
    if tallies is not None:
        for c, tally in tallies.items():
            lo[c], hi[c], median[c] = tally.values[0], tally.values[-1], _median_of(tally)
    else:
        for c, chunk in _totals_by_cell(total, key, ncells, n):
            lo[c], hi[c], median[c] = chunk.min(), chunk.max(), _median(chunk)
    dim_sum, dim_n = _dimension_sums(key, ncells, n, prep)
    item_sum, item_n, fav_sum, counts = _answer_sums(key, ncells, n, prep, favourable_from)
    return Cells(
        n=n,
        total_sum=total_sum,
        mean=mean,
        median=median,
        sd=sd,
        lo=lo,
        hi=hi,
        dim_sum=dim_sum,
        dim_n=dim_n,
        item_sum=item_sum,
        item_n=item_n,
        fav_sum=fav_sum,
        item_counts=counts,
        total_tallies=tallies,
    )


def _dimension_sums(
    key: IntArray, ncells: int, n: IntArray, prep: Prepared
) -> tuple[FloatArray, FloatArray]:
    """:func:`_sums_of_columns` of the dimension means, each column made in turn in one
    buffer (freed on return, before the answers are counted)."""
    column = np.empty(len(prep.total))

    def dim_column(j: int) -> FloatArray:
        return prep.dim_column(j, column)

    dims = prep.dims_valid.shape[1]
    return _sums_of_columns(key, ncells, n, dims, dim_column, prep.dims_valid)


def _total_tallies(
    key: IntArray, ncells: int, n: IntArray, prep: Prepared
) -> dict[int, Tally] | None:
    """Each cell's tally of its totals, counted from their whole-number parts
    (:func:`~salesmkt.analysis.gapdata.cell_ratio_tallies`: the very divisions, so the
    same floats), or None when the totals are not held as parts, the parts span too
    many bins, or some total has no parts (a tally must hold every total of its cell).

    A tally's values are the cell's distinct totals, ascending: its minimum, maximum
    and median come without a copy, a sort or a partition of every total, and one
    ``bincount`` counts every cell at once."""
    from salesmkt.analysis.prepared import Prepared

    ratio = prep.total_ratio() if isinstance(prep, Prepared) else None
    if ratio is None:
        return None
    cells = np.flatnonzero(n).tolist()
    found = cell_ratio_tallies(ratio, key, ncells, cells)
    if found is None or any(found[c].n != n[c] for c in cells):
        return None
    return found


def _median_of(tally: Tally) -> float:
    """:func:`_median` of the sample ``tally`` counts: the middle value (or the mean of
    the two middle values) of its values in ascending order, found from the running
    counts; the same float, as both take ``np.mean`` of the same one or two values."""
    n = tally.n
    k = n // 2
    middle = [k] if n % 2 else [k - 1, k]
    # the value at sorted position p is the first whose running count exceeds p
    at = np.searchsorted(np.cumsum(tally.counts), middle, side="right")
    return float(np.mean(tally.values[at]))


# Up to this many cells with respondents, each cell's totals are picked out by a mask
# (a pass over the keys per cell); beyond, by one sort of every respondent.
_MASKED_CELLS = 4


def _totals_by_cell(
    total: FloatArray, key: IntArray, ncells: int, n: IntArray
) -> Iterator[tuple[int, FloatArray]]:
    """Each cell with respondents and its totals, in file order: the same values in the
    same order either way (a stable sort keeps file order within a cell), so the same
    median, minimum and maximum. Few cells are picked out one at a time, each a copy
    of its own totals (no respondent-sized index and copy of every total at once, 16 MB
    at a million respondents); many with one stable (radix) sort, each cell's totals
    then a slice (a loop over cells, not respondents)."""
    cells = np.flatnonzero(n)
    if cells.size <= _MASKED_CELLS:
        for c in cells.tolist():
            yield c, total[key == c]
        return
    by_cell = total[np.argsort(_small_ints(key, ncells), kind="stable")]
    ends = np.cumsum(n)
    for c in cells.tolist():
        yield c, by_cell[ends[c] - n[c] : ends[c]]


def _median(values: FloatArray) -> float:
    """``np.median`` of a 1-D array, the same float: the mean of the middle value (or
    the two middle values) of the partitioned values, as numpy takes it (so a lone -0.0
    gives 0.0, as there); NaN when any value is NaN. By hand because ``np.median``
    imports ``numpy.ma`` (some 10 ms of every start-up)."""
    n = values.size
    if np.isnan(values).any():
        return math.nan
    k = n // 2
    if n % 2:
        return float(np.mean(np.partition(values, k)[k : k + 1]))
    return float(np.mean(np.partition(values, [k - 1, k])[k - 1 : k + 1]))


def share(favourable: FloatArray, answered: FloatArray) -> float | None:
    """Favourable answers over answers (None when nothing was answered)."""
    total = float(answered.sum())
    return num(float(favourable.sum()) / total) if total > 0 else None


def group_result(
    q: Questionnaire,
    cells: Cells,
    c: int,
    group_id: str,
    suppressed: bool,
    fewer_than: int | None = None,
) -> GroupResult:
    """One cell's figures; a suppressed cell shows none, not even its exact ``n``
    (``fewer_than``: the threshold it is below, None for a cell withheld only to protect
    another)."""
    n = int(cells.n[c])
    result = GroupResult(id=group_id, label=group_label(q, group_id), suppressed=suppressed)
    if suppressed:
        result.n_fewer_than = fewer_than
        return result
    result.n = n
    if n == 0:
        return result
    mean = num(cells.mean[c])
    dim_mean = cells.dim_mean[c]
    item_mean = cells.item_mean[c]
    result.mean = mean
    result.median = num(cells.median[c])
    result.sd = num(cells.sd[c])
    result.min = num(cells.lo[c])
    result.max = num(cells.hi[c])
    result.stage = stage_ref(q, mean)
    result.dimension_means = {d.id: num(dim_mean[j]) for j, d in enumerate(q.dimensions)}
    result.item_means = {it.id: num(item_mean[j]) for j, it in enumerate(q.items)}
    if cells.fav_sum is not None:
        result.favourable = share(cells.fav_sum[c], cells.item_n[c])
    return result


@dataclass(frozen=True)
class Withheld:
    """A compared group whose figures are withheld, and why (in words)."""

    reason: str


def _stage_index(q: Questionnaire, value: float) -> int | None:
    ref = stage_ref(q, value)
    ordered = [s.id for s in sorted(q.stages, key=lambda s: s.min)]
    return ordered.index(ref.id) if ref is not None and ref.id in ordered else None


def hides_split(q: Questionnaire, means: dict[str, float]) -> str | None:
    """The sentence saying the average hides the split, when the compared groups' means
    sit more than one stage apart (else None)."""
    (a, ma), (b, mb) = means.items()
    ia, ib = _stage_index(q, ma), _stage_index(q, mb)
    if ia is None or ib is None or abs(ia - ib) < 2:
        return None
    sa, sb = stage_ref(q, ma), stage_ref(q, mb)
    assert sa is not None and sb is not None
    return _(
        "{first} sees {first_stage} and {second} sees {second_stage}, "
        "{n} stages apart: the organisation average hides the split."
    ).format(
        first=group_label(q, a),
        first_stage=sa.label,
        second=group_label(q, b),
        second_stage=sb.label,
        n=abs(ia - ib),
    )


def combine_overall(
    q: Questionnaire,
    pooled: float | None,
    mean_or_reason: Callable[[str], float | str | Withheld],
    *,
    pooled_note: str,
    withheld_note: str | None,
) -> Overall:
    """The overall score: the compared groups weighted equally, else the pooled mean.

    ``mean_or_reason`` gives a compared group's mean, why it has none (the first reason
    found makes the score the pooled mean, said in ``pooled_note``, which holds
    ``{reason}``), or :class:`Withheld`: then the organisation stage cannot be estimated
    (score and stage stay None, ``not_estimable`` says why). ``withheld_note`` is added
    when withheld groups are left out.
    """
    result = Overall(pooled_mean=pooled)
    reason: str | None = None
    if len(q.compare) == 2:
        means: dict[str, float] = {}
        for gid in q.compare:
            got = mean_or_reason(gid)
            if isinstance(got, Withheld):
                result.not_estimable = _(
                    "The organisation stage cannot be estimated: {reason}; only the "
                    "groups shown are reported."
                ).format(reason=got.reason)
                return result
            if isinstance(got, str):
                reason = got
                break
            means[gid] = got
        if reason is None:
            result.score = num(sum(means.values()) / 2)
            result.method = "equal-weight"
            result.hides_split = hides_split(q, means)
    else:
        reason = _("this questionnaire compares no two groups")
    if reason is not None:
        result.method = "pooled"
        result.score = pooled
        result.note = pooled_note.format(reason=reason)
    if withheld_note:
        result.note = f"{result.note} {withheld_note}" if result.note else withheld_note
    result.stage = stage_ref(q, result.score)
    return result
