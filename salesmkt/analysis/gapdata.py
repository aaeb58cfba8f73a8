"""The respondents behind the gap, quality and borderline figures, split by group.

Vocabulary:
- *gap data* (:class:`GapData`): the per-respondent arrays the figures are computed from
  (answers, group codes, and optionally totals and dimension scores).
- *shown group*: a group with respondents that is not suppressed; only shown groups'
  answers are ever looked at. *Suppressed*: fewer than ``Settings.min_group_size``
  respondents; such a group shows its ``n`` and nothing else, and
  :func:`suppressed_reason` says why.
- *compared pair*: the questionnaire's ``compare`` groups, when both are shown; otherwise
  a *blocker* says, in words, why no gap can be computed.
- *skipped dimension*: a scored respondent who answered none of a dimension's items.
  They are not prorated into it: they have no score there and are left out of its mean
  (their total is still prorated from the items they did answer, within
  ``--max-missing``), and :func:`skipped_dimension_warnings` says so, one warning each.
- *tally*: a group's answered values of one column, counted
  (:class:`~salesmkt.analysis.statistics.sample.Tally`); an *answered* respondent gave
  at least one answer.

numpy is imported inside functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from salesmkt.analysis.statistics.sample import Tally
from salesmkt.l10n import _

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.model.assessment import DataWarning, Settings

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]
    BoolArray = NDArray[np.bool_]

__all__ = [
    "INT8_VALUES",
    "SKIPPED_DIMENSION",
    "GapData",
    "Groups",
    "ItemTallies",
    "Ratio",
    "answer_counts",
    "answer_rows",
    "cell_ratio_tallies",
    "count_base",
    "counts_fit",
    "derived_scores",
    "group_tallies",
    "item_answer_counts",
    "possessive",
    "ratio_tallies",
    "skipped_dimension_warnings",
    "suppressed_reason",
    "tally_of_counts",
]

#: The warning code of a respondent who skipped every item of a dimension.
SKIPPED_DIMENSION = "skipped-dimension"


@dataclass(frozen=True)
class Ratio:
    """Per-respondent scores held as whole-number parts: ``float64(num × scale) /
    float64(den)`` where ``den`` > 0 (no score where it is 0). A total is the sum of the
    answers × the item count over the answers given; a dimension mean the sum of its
    answers over their count."""

    num: NDArray[Any]  # integers
    den: NDArray[Any]  # integers, ≥ 0
    scale: int = 1

    def values(self, num: IntArray, den: IntArray) -> FloatArray:
        """The scores of these parts, divided as the scores were."""
        top = num.astype(np.int64) * self.scale
        out: FloatArray = top.astype(np.float64) / den.astype(np.float64)
        return out


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
    treated as missing whatever they hold. With ``valid``, ``items`` may hold whole
    numbers as int8 (scoring does: 1 byte a cell, not 8); readers cast to float64 before
    any arithmetic or NaN, so every figure is the same. ``blank_zero`` (int8 ``items``,
    no ``valid``): a cell is answered exactly where it is not 0, so the marks are read
    off ``items`` a column at a time (:meth:`valid_column`) instead of being held.
    """

    items: NDArray[Any]  # float64, or int8 whole numbers (with ``valid``)
    group_code: IntArray
    group_ids: Sequence[str]
    totals: FloatArray | None = None
    dims: FloatArray | None = None
    valid: BoolArray | None = None
    dims_valid: BoolArray | None = None
    # Per item, groups × int8 values: :func:`answer_counts` of ``items`` by
    # ``group_code`` already taken (scoring's per-group cells), read instead of counting
    # again; it must come from these very arrays.
    item_counts: Sequence[IntArray] | None = None
    # Instead of ``dims``: dimension j's scores as a float64 column, made when asked
    # (scoring's :meth:`~salesmkt.analysis.prepared.Prepared.dim_column`: no respondents ×
    # dimensions float64 matrix is held). Read only with ``totals`` and ``dims_valid``.
    dim_column: Callable[[int], FloatArray] | None = None
    # The same scores as whole-number parts (:class:`Ratio`), when the answers are whole
    # numbers: their tallies are then counted from the parts (:func:`ratio_tallies`).
    # ``total_ratio`` must give ``totals``; ``dim_ratio(j)`` dimension j's scores, its
    # respondents with a count above 0 being those ``dims_valid`` marks.
    total_ratio: Ratio | None = None
    dim_ratio: Callable[[int], Ratio | None] | None = None
    blank_zero: bool = False
    # Per group (every shown one at least): the tally of its ``totals``, already taken
    # (scoring's cells count them for the median), read instead of counting again; it
    # must come from these very arrays.
    total_tallies: Mapping[int, Tally] | None = None
    # Each respondent's number of answered items (the marks counted by row), if the
    # caller holds it (scoring's ``Prepared.answered``): who answered every item, or
    # none, is read off it instead of off the items.
    answered: NDArray[Any] | None = None

    @property
    def marked(self) -> bool:
        """Whether the missing cells are marked (``valid`` or blank zero), not NaN."""
        return self.valid is not None or self.blank_zero

    def valid_column(self, j: int) -> BoolArray | None:
        """Item ``j``'s answered marks (None: NaN marks the missing cells)."""
        if self.valid is not None:
            return self.valid[:, j]
        if self.blank_zero:
            out: BoolArray = self.items[:, j] != 0
            return out
        return None

    def valid_matrix(self) -> BoolArray | None:
        """The answered marks, respondents × items, built when blank zero (None: NaN
        marks the missing cells); for the readers of the whole matrix."""
        if self.valid is None and self.blank_zero:
            out: BoolArray = np.not_equal(self.items, 0, order="F")
            return out
        return self.valid


def possessive(name: str) -> str:
    """'Marketing's', but 'Sales'' (a name ending in s takes the apostrophe alone)."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def suppressed_reason(k_min: int, label: str) -> str:
    return _("suppressed: fewer than {k} respondents in {group}").format(k=k_min, group=label)


def _label(q: Questionnaire, group_id: str) -> str:
    try:
        return q.group(group_id).label
    except KeyError:
        return group_id


def derived_scores(
    data: GapData, q: Questionnaire
) -> tuple[FloatArray, Callable[[int], FloatArray], BoolArray | None]:
    """Totals, dimension j's scores as ``dims(j)``, and which dimension scores exist
    (None: NaN marks them); derived from the items when not given."""
    if data.totals is not None and data.dim_column is not None and data.dims is None:
        return np.asarray(data.totals, dtype=np.float64), data.dim_column, data.dims_valid
    totals, dims, dims_valid = _derived_matrices(data, q)
    return totals, lambda j: dims[:, j], dims_valid


def _derived_matrices(
    data: GapData, q: Questionnaire
) -> tuple[FloatArray, FloatArray, BoolArray | None]:
    """:func:`derived_scores` with the dimension scores as one matrix."""
    if data.totals is not None and data.dims is not None:
        return (
            np.asarray(data.totals, dtype=np.float64),
            np.asarray(data.dims, dtype=np.float64),
            data.dims_valid,
        )
    marks = data.valid_matrix()
    items = data.items if marks is None else np.where(marks, data.items, np.nan)
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


class Groups:
    """Who is in which group, which groups are shown, and the compared pair.

    ``rows[c]`` lists group c's respondents (ascending) for every shown group; suppressed
    groups get no entry: nothing is computed from their answers.
    """

    def __init__(self, data: GapData, q: Questionnaire, settings: Settings) -> None:

        self.ids = list(data.group_ids)
        code = np.asarray(data.group_code, dtype=np.int64)
        self.code = code
        self._codes_as: dict[np.dtype[Any], NDArray[Any]] = {}
        self._all_grouped: bool | None = None
        # Codes below 0 (no group) are not counted; without any, no copy of the rest.
        counted = code if code.size == 0 or int(code.min()) >= 0 else code[code >= 0]
        self.n = np.bincount(counted, minlength=len(self.ids)).astype(np.int64)
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
                self.blocker = _("there are no {group} respondents").format(group=label)
                return
            if self.suppressed[c]:
                self.blocker = suppressed_reason(self.k_min, label)
                return
            pair.append(c)
        self.pair = (pair[0], pair[1])

    def code_as(self, dtype: np.dtype[Any]) -> NDArray[Any]:
        """The group codes in the integer type ``dtype`` (which holds every code), made
        once per type: the tallies of seven scores read them."""
        held = self._codes_as.get(dtype)
        if held is None:
            held = self.code if dtype == self.code.dtype else self.code.astype(dtype)
            self._codes_as[dtype] = held
        return held

    def all_grouped(self) -> bool:
        """Whether every respondent's code names a group (found once)."""
        if self._all_grouped is None:
            code = self.code
            self._all_grouped = code.size == 0 or (
                int(code.min()) >= 0 and int(code.max()) < len(self.ids)
            )
        return self._all_grouped

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

    x = column.take(rows)
    ok = np.isfinite(x)
    if valid is not None:
        ok &= valid.take(rows)
    if ok.all():
        return x, None
    return x[ok], ok


def _tally_of(x: FloatArray) -> Tally:

    # Hash-based np.unique: a million answers are counted without being sorted.
    values, counts = np.unique(x, return_counts=True)
    return Tally.trusted(values.astype(np.float64, copy=False), counts.astype(np.int64))


def group_tallies(
    column: FloatArray, valid: BoolArray | None, groups: Groups, which: Sequence[int]
) -> dict[int, Tally]:
    """Per group in ``which``: the tally of its answered values in ``column`` (exactly
    ``Tally.of`` of those values)."""
    return {c: _tally_of(_group_values(column, valid, groups.rows[c])[0]) for c in which}


# ratio_tallies counts in one bincount while groups × numerators × denominators stays
# below this many bins.
_MAX_RATIO_BINS = 1 << 22


def ratio_tallies(ratio: Ratio, groups: Groups, which: Sequence[int]) -> dict[int, Tally] | None:
    """:func:`group_tallies` of the scores ``ratio`` holds (those with ``den`` > 0), or
    None when its parts span too many bins or some respondent is in no group.

    Each respondent's (group, numerator, denominator) is counted in one ``bincount``
    over every respondent; each distinct pair is divided once, and pairs that give the
    same float (2/4 and 1/2) are merged: the values ``np.unique`` of the scores gives,
    ascending, with their counts. Integer counting and the very division of the
    scores, so the same tallies bit for bit, without a float column, a gather or a sort
    per group."""
    return cell_ratio_tallies(
        ratio, groups.code, len(groups.ids), which, groups.code_as, groups.all_grouped
    )


def cell_ratio_tallies(
    ratio: Ratio,
    code: NDArray[Any],
    ncells: int,
    which: Sequence[int],
    code_as: Callable[[np.dtype[Any]], NDArray[Any]] | None = None,
    all_grouped: Callable[[], bool] | None = None,
) -> dict[int, Tally] | None:
    """:func:`ratio_tallies` of the cells ``code`` gives each respondent (0 … ncells − 1;
    None when some code is outside them, or the bins are too many). ``code_as`` and
    ``all_grouped`` give the codes in a narrower type and whether every code names a
    cell, if the caller holds them (:class:`Groups` does)."""
    if len(code) == 0 or ncells == 0:
        return None
    lo, hi = int(ratio.num.min()), int(ratio.num.max())
    span, width = hi - lo + 1, int(ratio.den.max()) + 1
    if ratio.den.min() < 0 or ncells * span * width >= _MAX_RATIO_BINS:
        return None
    grouped = all_grouped() if all_grouped is not None else _all_in(code, ncells)
    if not grouped:
        return None  # respondents in no group: the float path leaves them out
    codes = code_as if code_as is not None else code.astype
    key = _ratio_bins(ratio, codes, ncells, lo, span, width)
    counts = np.bincount(key, minlength=ncells * span * width)
    counts = counts.reshape(ncells, span, width)
    out: dict[int, Tally] = {}
    for c in which:
        num, den = np.nonzero(counts[c, :, 1:])  # den 0: no score
        freq = counts[c, num, den + 1]
        values = ratio.values(num + lo, den + 1)
        unique, where = np.unique(values, return_inverse=True)
        merged = np.zeros(len(unique), dtype=np.int64)
        np.add.at(merged, where, freq)
        out[c] = Tally.trusted(unique, merged)
    return out


def _all_in(code: NDArray[Any], ncells: int) -> bool:
    """Whether every code is a cell, 0 … ncells − 1."""
    return code.size == 0 or (int(code.min()) >= 0 and int(code.max()) < ncells)


def _ratio_bins(
    ratio: Ratio,
    code_as: Callable[[np.dtype[Any]], NDArray[Any]],
    ncells: int,
    lo: int,
    span: int,
    width: int,
) -> NDArray[Any]:
    """Each respondent's bin of :func:`ratio_tallies`: (group × span + numerator − lo) ×
    width + denominator, built in place in the narrowest integer type that holds every
    bin (int16 for a few groups: a quarter of int64's memory traffic; ``bincount``
    widens it once, in C). Whole numbers, so the same bins in any type that holds them.
    ``code_as(dtype)``: the group codes in that type."""
    # the type holds every bin and every numerator (lo … lo + span − 1)
    small = narrowest_int(max(ncells * span * width, abs(lo) + span), np.int16)
    key: NDArray[Any] = np.subtract(ratio.num, lo, dtype=small)  # numerator − lo: 0 … span − 1
    key *= width
    key += ratio.den
    key += np.multiply(code_as(small), span * width, dtype=small)
    return key


def narrowest_int(bound: int, smallest: type[np.signedinteger[Any]] = np.int8) -> np.dtype[Any]:
    """The narrowest signed integer type, ``smallest`` at least, that holds every whole
    number from 0 to ``bound`` (int64 beyond int32): sums, counts and bin numbers held
    small for less memory traffic, and the same whole numbers in any type that holds them."""
    kinds = (np.int8, np.int16, np.int32)
    for kind in kinds[kinds.index(smallest) :]:
        if bound <= np.iinfo(kind).max:
            return np.dtype(kind)
    return np.dtype(np.int64)


#: Bins per cell of :func:`answer_counts`: one per int8 value, −128 … 127.
INT8_VALUES = 256
# answer_counts is used while cells × bins stays small (a few MB of counts).
_MAX_COUNT_BINS = 1 << 22


def counts_fit(ncells: int) -> bool:
    """Whether :func:`answer_counts` may count ``ncells`` cells (its bins stay small)."""
    return (ncells + 1) * INT8_VALUES < _MAX_COUNT_BINS


def count_base(key: IntArray, ncells: int) -> IntArray:
    """Each respondent's first bin in :func:`answer_counts` (a key outside 0 … ncells−1
    counts in a spare cell, never read)."""
    cell = np.where((key >= 0) & (key < ncells), key, ncells)
    # Bin 0 is "no answer"; answer v of cell c goes to bin 1 + 256c + (v + 128).
    base: IntArray = cell * INT8_VALUES + 129
    return base


def answer_counts(base: IntArray, ncells: int, column: NDArray[Any], valid: BoolArray) -> IntArray:
    """Per cell (rows) and int8 value −128 … 127 (columns): how many respondents gave
    that answer in ``column`` (cells from :func:`count_base`; unanswered cells skipped).

    One ``bincount`` over whole numbers replaces a gather, a sort or hash and a sum per
    cell; the counts are exact, and so is every sum taken from them."""
    bins = base + column
    bins *= valid  # no answer: bin 0
    counts = np.bincount(bins, minlength=1 + (ncells + 1) * INT8_VALUES)
    out: IntArray = counts[1 : 1 + ncells * INT8_VALUES].reshape(ncells, INT8_VALUES)
    return out


# Bins of one packed bincount in item_answer_counts: few enough to stay in cache, and
# every bin number fits int16.
_PACKED_BINS = 1 << 15


def item_answer_counts(
    key: IntArray,
    ncells: int,
    items: NDArray[Any],
    valid: BoolArray | None,
    *,
    blank_zero: bool = False,
) -> list[IntArray]:
    """:func:`answer_counts` of every column of ``items`` (int8 answers; cells from
    ``key`` as :func:`count_base` places them), the same counts for less work.

    Answers span few values (1-5 on the alignment scale), so each answer becomes a small
    code (0 for no answer, 1 + its distance from the lowest value) and the codes of
    several items and the cell are packed into one bin number: one ``bincount`` counts
    every combination for a few items at once, and each item's counts are the sums over
    the others. Whole-number counting throughout, so the counts are exact.

    ``blank_zero``: the caller guarantees that every unanswered cell holds 0 (scoring's
    recoded answers do). With no negative number in the grid, each answer is then taken
    as its own code, a blank's 0 as "no answer", with no column shifted or masked; that
    holds when no answered cell holds 0, which the counts show (each column's count of
    0s must be its count of blanks), else the columns are counted again the usual way.
    ``valid`` None: the marks are ``items != 0`` (the caller's blank zero), read a column
    at a time."""
    n, k = items.shape
    marks = _column_marks(items, valid)
    if n == 0 or k == 0 or items.dtype != np.int8:
        return _counts_one_by_one(key, ncells, items, marks)
    lo, hi = int(items.min()), int(items.max())
    if (blank_zero or valid is None) and lo >= 0:
        found = _packed_counts(key, ncells, items, marks, 1, hi, direct=True)
        if found is not None and valid is None:  # the blanks are the 0s, as counted
            return [_count_row(f, ncells, 1, hi) for f in found]
        blanks = [n - np.count_nonzero(marks(j)) for j in range(k)]
        if found is not None and all(
            int(f[:, 0].sum()) == b for f, b in zip(found, blanks, strict=True)
        ):
            return [_count_row(f, ncells, 1, hi) for f in found]
    found = _packed_counts(key, ncells, items, marks, lo, hi, direct=False)
    if found is None:
        return _counts_one_by_one(key, ncells, items, marks)
    return [_count_row(f, ncells, lo, hi) for f in found]


def _column_marks(items: NDArray[Any], valid: BoolArray | None) -> Callable[[int], BoolArray]:
    """Column ``j`` of ``valid``, or of ``items != 0`` without it (blank zero)."""
    if valid is not None:
        return lambda j: valid[:, j]
    return lambda j: items[:, j] != 0


def _packed_counts(
    key: IntArray,
    ncells: int,
    items: NDArray[Any],
    valid: Callable[[int], BoolArray],
    lo: int,
    hi: int,
    *,
    direct: bool,
) -> list[IntArray] | None:
    """Per column of ``items``: counts by cell (``ncells`` and a spare one) and code
    (0: no answer, v − lo + 1 for answer v), a few columns per packed ``bincount``; None
    when not even one column fits :data:`_PACKED_BINS`. ``direct``: each cell already
    holds its code (see :func:`item_answer_counts`)."""
    k = items.shape[1]
    codes = hi - lo + 2  # a code per value, and 0 for no answer
    cells = ncells + 1  # and a spare cell for keys outside 0 … ncells−1
    per_bincount = 0
    while per_bincount < k and cells * codes ** (per_bincount + 1) <= _PACKED_BINS:
        per_bincount += 1
    if per_bincount == 0:
        return None
    # Every bin number is below _PACKED_BINS = 2**15: int16 arithmetic, a quarter of the
    # memory traffic of int64 (bincount widens it once, in C).
    cell = _spare_cell(key, ncells, np.dtype(np.int16))
    out: list[IntArray] = []
    for first in range(0, k, per_bincount):
        cols = range(first, min(k, first + per_bincount))
        packed = cell.copy()
        for j in cols:
            packed *= codes
            if direct:
                packed += items[:, j]
                continue
            code = np.subtract(items[:, j], lo - 1, dtype=np.int16)
            code *= valid(j)
            packed += code
        shape = (cells,) + (codes,) * len(cols)
        counts = np.bincount(packed, minlength=math.prod(shape)).reshape(shape)
        for at in range(len(cols)):
            others = tuple(1 + a for a in range(len(cols)) if a != at)
            out.append(counts.sum(axis=others) if others else counts)
    return out


def _spare_cell(key: IntArray, ncells: int, dtype: np.dtype[Any]) -> NDArray[Any]:
    """``key`` in ``dtype`` (which holds 0 … ncells) with every key outside 0 … ncells − 1
    made ``ncells`` (the spare cell); when none is outside, ``key`` cast at once, with no
    masks and no respondent-sized int64 temporary (40 MB at five million)."""
    if _all_in(key, ncells):
        return key.astype(dtype)
    return np.where((key >= 0) & (key < ncells), key, ncells).astype(dtype)


def _count_row(found: IntArray, ncells: int, lo: int, hi: int) -> IntArray:
    """One column's :func:`answer_counts` from its counts by cell and code."""
    row: IntArray = np.zeros((ncells, INT8_VALUES), dtype=np.int64)
    row[:, lo + 128 : hi + 129] = found[:ncells, 1:]
    return row


def _counts_one_by_one(
    key: IntArray, ncells: int, items: NDArray[Any], valid: Callable[[int], BoolArray]
) -> list[IntArray]:
    base = count_base(key, ncells)
    return [answer_counts(base, ncells, items[:, j], valid(j)) for j in range(items.shape[1])]


def tally_of_counts(row: IntArray) -> Tally:
    """The tally of one cell's row of :func:`answer_counts` (what ``np.unique`` of its
    answers gives: the values present, ascending, and their counts)."""
    present = np.flatnonzero(row)
    return Tally.trusted((present - 128).astype(np.float64), row[present].astype(np.int64))


class ItemTallies:
    """Every shown group's tally of every item, and how many of its respondents answered
    at least one item; shared by the item gaps and the agreement indices."""

    def __init__(self, data: GapData, groups: Groups) -> None:
        shown = groups.shown()
        self.by_group: dict[int, list[Tally]] = {c: [] for c in shown}
        self._given = data.item_counts
        if data.items.dtype == np.int8 and data.marked and counts_fit(len(groups.ids)):
            self._count(data, groups, shown)
            return
        anything = {c: np.zeros(groups.rows[c].size, dtype=bool) for c in shown}
        for j in range(data.items.shape[1]):
            column = data.items[:, j]
            valid = data.valid_column(j)
            for c in shown:
                x, ok = _group_values(column, valid, groups.rows[c])
                self.by_group[c].append(_tally_of(x))
                if ok is None:
                    anything[c][:] = True
                else:
                    anything[c] |= ok
        self.answered = {c: int(np.count_nonzero(anything[c])) for c in shown}

    def _count(self, data: GapData, groups: Groups, shown: list[int]) -> None:
        """Whole-number answers: one ``bincount`` per item for every group at once."""
        items = data.items
        ncells = len(groups.ids)
        known = self._known_counts(items.shape[1], ncells)
        base = count_base(groups.code, ncells) if known is None else None
        for j in range(items.shape[1]):
            if base is None:
                assert known is not None
                counts = known[j]
            else:
                valid = data.valid_column(j)
                assert valid is not None
                counts = answer_counts(base, ncells, items[:, j], valid)
            for c in shown:
                self.by_group[c].append(tally_of_counts(counts[c]))
        # Respondents who answered nothing are few (scoring leaves none), so they are
        # counted and taken from each group's size: the same count as of those who did.
        none = _answered_nothing(data)
        code = groups.code[none]
        blank = np.bincount(code[(code >= 0) & (code < ncells)], minlength=ncells)
        self.answered = {c: int(groups.n[c]) - int(blank[c]) for c in shown}

    _given: Sequence[IntArray] | None = None

    def _known_counts(self, items: int, ncells: int) -> Sequence[IntArray] | None:
        """The counts scoring already took (``GapData.item_counts``), if they fit."""
        known = self._given
        if known is None or len(known) != items:
            return None
        if any(c.shape != (ncells, INT8_VALUES) for c in known):
            return None
        return known


def skipped_dimension_warnings(
    q: Questionnaire,
    dims_valid: BoolArray,
    rows: Sequence[int],
    respondents: Sequence[str | None] | None,
) -> list[DataWarning]:
    """One warning per scored respondent who answered no item of some dimension
    (``dims_valid``: scored respondents × dimensions, True = at least one answer;
    ``rows`` their file rows, ``respondents`` their codes)."""
    from salesmkt.model.assessment import DataWarning

    labels = [d.label for d in q.dimensions]
    # A dimension without items has no score for anyone: nobody skipped it.
    has_items = np.array([any(it.dimension == d.id for it in q.items) for d in q.dimensions])
    missing = ~dims_valid & has_items
    out: list[DataWarning] = []
    for r in np.flatnonzero(missing.any(axis=1)).tolist():
        skipped = [labels[j] for j in np.flatnonzero(missing[r]).tolist()]
        rid = respondents[r] if respondents is not None else None
        who = _("row {row}").format(row=rows[r])
        who += " " + _("(respondent {id})").format(id=rid) if rid else ""
        names = ", ".join(skipped)
        out.append(
            DataWarning(
                code="skipped-dimension",  # SKIPPED_DIMENSION, literal for the docs check
                message=_(
                    "{who} answered no item of {dimensions}: left out of that dimension's mean "
                    "(not prorated into it); the total is prorated from the other answers"
                ).format(who=who, dimensions=names),
                row=int(rows[r]),
                respondent=rid or None,
            )
        )
    return out


def answer_rows(data: GapData, rows: IntArray) -> FloatArray:
    """The rows' answers, respondents × items, NaN where not answered."""

    out: FloatArray = data.items[rows].astype(np.float64, copy=False)
    if data.valid is not None:
        out[~data.valid[rows]] = np.nan
    elif data.blank_zero:
        out[out == 0] = np.nan
    return out


def _answered_nothing(data: GapData) -> BoolArray:
    """Which respondents answered no item (``data`` with marked missing cells)."""
    if data.answered is not None:
        held: BoolArray = np.equal(data.answered, 0)
        return held
    if data.valid is not None:
        nothing: BoolArray = ~np.logical_or.reduce(data.valid, axis=1)
        return nothing
    # Blank zero: the columns' bits or-ed together in place (nonzero where any answer
    # is), with no respondents × items marks and no column of them made.
    anything = np.zeros(data.items.shape[0], dtype=data.items.dtype)
    for j in range(data.items.shape[1]):
        np.bitwise_or(anything, data.items[:, j], out=anything)
    none: BoolArray = anything == 0
    return none
