"""The scored respondents as arrays: recoded answers, totals, dimension means, groups.

Vocabulary:
- *recoded answer*: an answer after reverse items are turned round (``min + max −
  answer``), so a higher number always means a closer Sales–Marketing relationship.
- *filled* / *valid*: the recoded answers with 0 where a respondent gave no answer, and
  which cells were answered; every later sum is a plain sum over ``filled``. ``filled``
  is int8 when every answer is a small whole number (always, for a scale's answers), else
  float64; readers cast to float64 before any float arithmetic.
- *blank zero*: int8 answers of which no given one is 0 (a scale whose lowest point is 1
  or more): ``valid`` is then ``filled != 0``, so it is not held (20 MB at a million
  respondents and twenty items) but read a column at a time
  (the readers in scoring) or built when asked (:attr:`Prepared.valid`).
- *total*: a respondent's score, the sum of recoded answers; a respondent who skipped
  some items is *prorated*: total = mean of the answered items × the number of items.
- *dimension mean*: a respondent's mean over the answered items of one dimension (0 in
  ``dims_filled`` and False in ``dims_valid`` when they answered none of them). Held as
  what it is made of (:class:`DimScores`: each dimension's whole-number sum and count of
  answers, 3 bytes a cell instead of 8) and divided one dimension at a time when read.
- *unscoreable*: a respondent with no answer at all; left out of every figure and listed
  in ``excluded`` with the reason, never dropped silently.
- *group code*: a respondent's group as an index into ``group_ids`` (the questionnaire's
  groups in their declared order, then any others in alphabetical order).

Matrices are Fortran-ordered (one contiguous column per item, what the per-column
``bincount`` of :mod:`salesmkt.analysis.cells` wants). No per-respondent Python loops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from salesmkt.analysis.gapdata import Ratio, narrowest_int
from salesmkt.errors import AnalysisError
from salesmkt.model.assessment import Excluded

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.intake.responses import ResponseTable

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]
    BoolArray = NDArray[np.bool_]
    # Recoded answers: int8 when every answer is a small whole number, else float64.
    AnswerGrid = NDArray[np.int8] | NDArray[np.float64]

__all__ = ["DimScores", "Prepared", "prepare"]


@dataclass(frozen=True)
class DimScores:
    """Each respondent's dimension means (respondents × dimensions, 0 where none), held
    either as the means themselves (``means``) or, for whole-number answers, as each
    dimension's integer ``sums`` and ``counts`` of answers: 3 bytes a cell instead of 8
    (18 MB instead of 48 at a million respondents and six dimensions). A column is the
    float64 division ``sum / count`` made when it is read: the division scoring always
    made, of the same whole numbers, so the same float."""

    means: FloatArray | None = None
    sums: NDArray[Any] | None = None
    counts: NDArray[Any] | None = None

    @property
    def shape(self) -> tuple[int, int]:
        held = self.means if self.means is not None else self.sums
        assert held is not None
        return (held.shape[0], held.shape[1])

    def column(self, j: int, out: FloatArray | None = None) -> FloatArray:
        """Dimension ``j``'s means (0 where a respondent answered none of its items),
        written into ``out`` if given (a reader of one column after another reuses one
        buffer: at five million respondents a new 40 MB column is new pages, some 5 ms
        of page faults each)."""
        if self.means is not None:
            held: FloatArray = self.means[:, j]
            if out is None:
                return held
            np.copyto(out, held)
            return out
        assert self.sums is not None and self.counts is not None
        # float64(sum) / float64(count), as the division of the integer arrays computes
        # it; a count of 0 (whose sum is 0) is divided by 1 instead, giving the 0.0 held
        # for "none", with no mask and no mixed-type loop. The division casts both
        # parts to float64 as it goes (in numpy's small buffers): the same floats
        # divided, without two float64 columns made first (16 MB at a million).
        counts = self.counts[:, j]
        # max(count, 1) for counts, which are never below 0: count + (count == 0), two
        # vectorised passes (numpy's maximum with a scalar on int8 is not: 6x the time)
        count = counts + (counts == 0)
        found: FloatArray = np.divide(self.sums[:, j], count, out=out, dtype=np.float64)
        return found

    def ratio(self, j: int) -> Ratio | None:
        """Dimension ``j``'s means as whole-number parts (None when the means are held)."""
        if self.sums is None or self.counts is None:
            return None
        return Ratio(self.sums[:, j], self.counts[:, j])

    def matrix(self) -> FloatArray:
        """Every column (Fortran-ordered), as one float64 matrix."""
        if self.means is not None:
            return self.means
        out: FloatArray = np.zeros(self.shape, order="F")
        for j in range(out.shape[1]):
            out[:, j] = self.column(j)
        return out

    def take(self, rows: BoolArray) -> DimScores:
        """The scores of the respondents ``rows`` marks."""
        if self.means is not None:
            return DimScores(means=self.means[rows])
        assert self.sums is not None and self.counts is not None
        return DimScores(sums=self.sums[rows], counts=self.counts[rows])


@dataclass
class Prepared:
    """Per-respondent arrays of the scored respondents, in file order (matrices
    Fortran-ordered)."""

    keep: BoolArray
    filled: AnswerGrid  # recoded answers, 0 where missing (int8 or float64)
    # Answered? None where it is ``filled != 0`` (blank zero): read :attr:`valid`.
    marks: BoolArray | None
    answered: NDArray[Any]  # answers given (int8 for whole-number answers of 127 items or fewer)
    total: FloatArray
    dim_scores: DimScores  # respondents × dimensions: dimension means, 0 where none
    dims_valid: BoolArray
    group_code: IntArray
    group_ids: list[str]
    excluded: list[Excluded] = field(default_factory=list)
    # Each respondent's sum of recoded answers when they are whole numbers (in the
    # narrowest integer type that holds them), else None: with ``answered``, the parts
    # of ``total`` (see :meth:`total_ratio`).
    row_sums: NDArray[Any] | None = None

    @property
    def blank_zero(self) -> bool:
        """Whether exactly the unanswered cells of ``filled`` hold 0 (``marks`` not held)."""
        return self.marks is None

    @property
    def valid(self) -> BoolArray:
        """Which cells were answered, respondents × items (Fortran-ordered); built from
        ``filled`` when not held, for the few readers of the whole matrix."""
        if self.marks is not None:
            return self.marks
        out: BoolArray = np.not_equal(self.filled, 0, order="F")
        return out

    @property
    def dims_filled(self) -> FloatArray:
        """The dimension means as one float64 matrix (0 where none), built when read:
        readers of one dimension at a time take :meth:`dim_column` instead."""
        return self.dim_scores.matrix()

    def dim_column(self, j: int, out: FloatArray | None = None) -> FloatArray:
        """Dimension ``j``'s means, 0 where a respondent answered none of its items
        (into ``out`` if given: see :meth:`DimScores.column`)."""
        return self.dim_scores.column(j, out)

    def dim_ratio(self, j: int) -> Ratio | None:
        """Dimension ``j``'s means as whole-number parts, if held so (see :class:`Ratio`)."""
        return self.dim_scores.ratio(j)

    def total_ratio(self) -> Ratio | None:
        """The totals as whole-number parts, if the answers are whole numbers: each
        total is ``float64(sum × k) / float64(answered)``, as :func:`prepare` divides."""
        if self.row_sums is None:
            return None
        return Ratio(self.row_sums, self.answered, self.filled.shape[1])

    def dims(self) -> FloatArray:
        """Dimension means with NaN where a respondent answered none of its items."""
        out: FloatArray = np.where(self.dims_valid, self.dims_filled, np.nan)
        return out


def _group_codes(table: ResponseTable) -> tuple[IntArray, list[str]]:
    q = table.questionnaire
    codes, uniques = _factorized_groups(table)
    if (codes < 0).any():
        raise AnalysisError(f"{table.source}: a respondent has no group")
    names = [str(u) for u in uniques]
    # The reader's codes may name groups no kept row is in, and one group twice.
    used = np.bincount(codes, minlength=len(names)) > 0
    present = {name for name, u in zip(names, used.tolist(), strict=True) if u}
    declared = [g.id for g in q.groups] or ["all"]
    group_ids = declared + sorted(present - set(declared))
    lookup = np.array(
        [group_ids.index(name) if name in present else -1 for name in names], dtype=np.int64
    )
    return lookup[codes], group_ids


def _factorized_groups(table: ResponseTable) -> tuple[NDArray[np.intp], Any]:
    """The table's groups as codes into names: the reader's own while the group column
    is as read (some names perhaps unused or repeated), else ``pandas.factorize``'s,
    computed without pandas while the values are the reader's array
    (:func:`.distinct.factorize`), by pandas once the Series was built or replaced."""
    from salesmkt.intake.distinct import factorize
    from salesmkt.intake.responses import column_codes, column_held, column_values

    known = column_codes(table, "group")
    if known is not None:  # the reader's codes: no million strings hashed again
        return known[0], known[1]
    if column_held(table, "group"):
        values = column_values(table, "group")
        assert values is not None
        return factorize(values)
    import pandas as pd

    codes, uniques = pd.factorize(table.group, use_na_sentinel=True)
    return codes, uniques


def _recoded(table: ResponseTable) -> tuple[AnswerGrid, BoolArray | None]:
    """The recoded answers with 0 where missing (``filled``), and which were answered
    (None where that is ``filled != 0``: see *blank zero*).

    ``filled`` holds small integers (int8, 1 byte a cell instead of 8) when every answer
    is a whole number that int8 holds exactly, as the scale's answers are; otherwise it
    falls back to float64. Either way every figure read from it is the same.
    """
    q = table.questionnaire
    if q.scale.type != "numeric" or q.scale.min is None or q.scale.max is None:
        raise AnalysisError(
            f"questionnaire {q.id!r} uses a choice scale: its answers name an owner, not a "
            "score, so 'score' cannot total them"
        )
    mirror = q.scale.min + q.scale.max
    reverse = [it.reverse for it in q.items]
    codes = _codes(table)
    if codes is not None and len(codes) == len(reverse):
        small = _recoded_codes(codes, reverse, mirror, marks=False)
        if small is not None:
            return small
    answers = table.answers
    if list(answers.columns) != q.item_ids:
        raise AnalysisError(
            f"{table.source}: the answers table does not hold the items of {q.id!r} in order"
        )
    if _whole_int8(q.scale.min) and _whole_int8(q.scale.max):
        small = _recoded_into(answers, reverse, mirror, np.int8)
        if small is not None:
            filled, valid = small
            return filled, None if _blank_zero(filled, valid) else valid
    out = _recoded_into(answers, reverse, mirror, np.float64)
    assert out is not None  # float64 holds every answer
    return out


def _codes(table: ResponseTable) -> NDArray[np.int8] | None:
    """The table's answers as the reader's int8 codes (items × rows), if it holds them."""
    from salesmkt.intake.responses import answer_codes

    return answer_codes(table)


def _recoded_codes(
    codes: NDArray[np.int8], reverse: list[bool], mirror: float, *, marks: bool = True
) -> tuple[AnswerGrid, BoolArray | None] | None:
    """:func:`_recoded_into` from int8 codes (:data:`BLANK_CODE` unless answered) without
    a float64 column: the same whole numbers, so the same figures. None when a recoded
    answer would not fit int8 (the float path decides then). Without ``marks`` the
    answered marks are None when no given answer recodes to 0 (blank zero): each
    column's marks are made in one reused buffer and checked there, so no respondents ×
    items matrix of them is made at all."""
    from salesmkt.intake.scale import BLANK_CODE

    if not float(mirror).is_integer():
        return None
    k, n = codes.shape
    filled = np.empty((n, k), dtype=np.int8, order="F")
    ok = np.empty(n, dtype=bool)
    blank_zero = True
    for j, rev in enumerate(reverse):
        col, out = codes[j], filled[:, j]
        np.not_equal(col, BLANK_CODE, out=ok)
        if rev:
            value = int(mirror) - col.astype(np.int16)
            value *= ok
            if value.min(initial=0) < -128 or value.max(initial=0) > 127:
                return None
            out[...] = value
        else:
            np.copyto(out, col)
            out *= ok
        # out is 0 wherever ok is False, so equal counts mean out != 0 is exactly ok.
        blank_zero = blank_zero and np.count_nonzero(out) == np.count_nonzero(ok)
    if blank_zero and not marks:
        return filled, None
    valid = np.empty((n, k), dtype=bool, order="F")
    for j in range(k):
        np.not_equal(codes[j], BLANK_CODE, out=valid[:, j])
    return filled, valid


def _blank_zero(filled: AnswerGrid, valid: BoolArray) -> bool:
    """Whether ``valid`` is ``filled != 0`` (int8 answers, 0 in every unanswered cell,
    none given as 0): equal counts suffice, as no unanswered cell holds anything else."""
    if filled.dtype != np.int8:
        return False
    k = filled.shape[1]
    return all(np.count_nonzero(filled[:, j]) == np.count_nonzero(valid[:, j]) for j in range(k))


def _validity(filled: AnswerGrid, marks: BoolArray | None) -> Callable[[int], BoolArray]:
    """Column ``j`` of the answered marks, held or read off ``filled`` (blank zero: into
    one reused column, which the next call overwrites; callers add it up at once)."""
    if marks is not None:
        return lambda j: marks[:, j]
    given = np.empty(filled.shape[0], dtype=bool)

    def column(j: int) -> BoolArray:
        np.not_equal(filled[:, j], 0, out=given)
        return given

    return column


def _whole_int8(value: float) -> bool:
    return float(value).is_integer() and -128 <= value <= 127


def _recoded_into(
    answers: pd.DataFrame, reverse: list[bool], mirror: float, dtype: type[np.generic]
) -> tuple[AnswerGrid, BoolArray] | None:
    """Recode column by column into a new Fortran-ordered grid of ``dtype``; None when
    some answer does not survive the cast to ``dtype`` exactly."""
    filled: AnswerGrid = np.empty(answers.shape, dtype=dtype, order="F")
    valid = np.empty(answers.shape, dtype=bool, order="F")
    for j, rev in enumerate(reverse):
        # One column at a time, read and never written: a view of the table's own grid
        # when that is float64, else a one-column float64 copy (never the whole grid).
        col = answers.iloc[:, j].to_numpy(dtype=np.float64)
        ok = valid[:, j]
        np.equal(col, col, out=ok)  # False only for NaN: no answer
        # The same float operation as on the whole grid: mirror − answer.
        value = mirror - col if rev else col
        out = filled[:, j]
        if dtype is np.float64:
            out[...] = np.where(ok, value, 0.0)
            continue
        with np.errstate(invalid="ignore", over="ignore"):
            np.copyto(out, value, casting="unsafe")  # a NaN casts to anything: zeroed next
        out *= ok
        if not _held_exactly(out, value, ok):
            return None
    return filled, valid


def _held_exactly(small: NDArray[Any], value: FloatArray, ok: BoolArray) -> bool:
    """Whether the int8 column holds every answered float exactly (NaN is never equal
    to anything, so the equal cells must be exactly the answered ones). A −0.0, which
    int8 would turn into 0, counts as not held: it could change the sign of a zero sum."""
    if np.count_nonzero(small == value) != np.count_nonzero(ok):
        return False
    negative = np.signbit(value)
    return not (negative.any() and np.logical_and(negative, value == 0).any())


def _unscoreable(table: ResponseTable, keep: BoolArray) -> list[Excluded]:
    """The respondents without a single answer, each named with the reason."""
    excluded: list[Excluded] = []
    if keep.all():
        return excluded
    from salesmkt.intake.responses import column_values

    lost = np.flatnonzero(~keep)  # only the (few) unscoreable rows are visited
    rows = _values(table, "rows")[lost]
    respondent = column_values(table, "respondent")
    codes = respondent[lost] if respondent is not None else None
    groups = _values(table, "group")[lost]
    for i in range(len(lost)):
        excluded.append(
            Excluded(
                row=int(rows[i]),
                respondent=None if codes is None else str(codes[i]),
                group=str(groups[i]),
                reason="no scored answers",
            )
        )
    return excluded


def _values(table: ResponseTable, name: str) -> NDArray[Any]:
    """The values of the table's ``group`` or ``rows`` (never None)."""
    from salesmkt.intake.responses import column_values

    values = column_values(table, name)
    assert values is not None
    return values


def _dimension_means(
    q: Questionnaire, filled: AnswerGrid, valid: Callable[[int], BoolArray]
) -> tuple[DimScores, BoolArray]:
    """Each respondent's mean over the answered items of each dimension (0 where none),
    and whether they answered any item of it."""
    nrows = len(filled)
    ndims = len(q.dimensions)
    dims_valid = np.zeros((nrows, ndims), dtype=bool, order="F")
    members = [[i for i, it in enumerate(q.items) if it.dimension == d.id] for d in q.dimensions]
    # Whole-number answers are summed as integers: every partial sum is a whole number
    # float64 holds exactly, so the mean is the same float either way; they are kept as
    # sums and counts (see DimScores), in the narrowest type that holds any of them.
    whole = filled.dtype.kind == "i"
    widest = max((len(m) for m in members), default=0)
    if whole:
        sum_type = narrowest_int(widest * 128)
        sums = np.zeros((nrows, ndims), dtype=sum_type, order="F")
        counts = np.zeros((nrows, ndims), dtype=narrowest_int(widest), order="F")
    else:
        means = np.zeros((nrows, ndims), order="F")
    for j, cols in enumerate(members):
        if not cols:
            continue
        dim_sum: NDArray[Any] = sums[:, j] if whole else np.zeros(nrows)
        dim_count = counts[:, j] if whole else np.zeros(nrows, dtype=np.int32)
        for c in cols:
            dim_sum += filled[:, c]
            dim_count += valid(c)
        answered = dims_valid[:, j]
        np.greater(dim_count, 0, out=answered)
        if not whole:
            with np.errstate(invalid="ignore", divide="ignore"):
                np.divide(dim_sum, dim_count, out=means[:, j], where=answered)
    scores = DimScores(sums=sums, counts=counts) if whole else DimScores(means=means)
    return scores, dims_valid


def _row_sums(filled: AnswerGrid) -> FloatArray | IntArray:
    """Each respondent's sum of recoded answers (exact integers for whole answers)."""
    if filled.dtype.kind == "i":
        out: IntArray = filled.sum(axis=1, dtype=np.int64)
        return out
    sums: FloatArray = filled.sum(axis=1)
    return sums


def _whole_row_parts(
    q: Questionnaire, filled: AnswerGrid, valid: Callable[[int], BoolArray], dims: DimScores
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Each respondent's sum of whole-number answers and count of answers, in the
    narrowest integer types that hold them: the dimensions' own sums and counts added
    up (six columns, not twenty), and the columns of items in no dimension. Integer
    sums, so the same whole numbers as a sum of every column in any order."""
    assert dims.sums is not None and dims.counts is not None
    k = filled.shape[1]
    sums = np.zeros(filled.shape[0], dtype=narrowest_int(k * 128))
    answered = np.zeros(filled.shape[0], dtype=narrowest_int(k))
    ids = [d.id for d in q.dimensions]
    if len(set(ids)) == len(ids):  # each item in one dimension at most
        for j in range(dims.sums.shape[1]):
            sums += dims.sums[:, j]
            answered += dims.counts[:, j]
    for c, it in enumerate(q.items):
        if it.dimension not in ids or len(set(ids)) != len(ids):
            sums += filled[:, c]
            answered += valid(c)
    return sums, answered


def prepare(table: ResponseTable) -> Prepared:
    """The per-respondent arrays of a checked responses table (unscoreable rows left out)."""
    q = table.questionnaire
    filled, marks = _recoded(table)
    k = len(q.item_ids)
    valid = _validity(filled, marks)
    dim_scores, dims_valid = _dimension_means(q, filled, valid)
    row_sums: NDArray[Any] | None = None
    if dim_scores.sums is not None:
        # Whole numbers: the row sums and answer counts from the dimensions' parts,
        # held narrow (int16 and int8 at 20 items, not int64).
        row_sums, answered = _whole_row_parts(q, filled, valid, dim_scores)
        sums: NDArray[Any] = np.multiply(row_sums, k, dtype=np.int64)
    else:
        assert marks is not None  # float answers: their marks are always held
        answered = np.count_nonzero(marks, axis=1)
        sums = _row_sums(filled) * k
    keep = answered > 0
    excluded = _unscoreable(table, keep)
    with np.errstate(invalid="ignore", divide="ignore"):
        # sum × k first, then ÷ answered: a whole-number result stays exact.
        total = sums / answered
    del sums
    group_code, group_ids = _group_codes(table)
    if not keep.all():
        filled, answered, total = filled[keep], answered[keep], total[keep]
        marks = None if marks is None else marks[keep]
        dim_scores, dims_valid, group_code = (
            dim_scores.take(keep),
            dims_valid[keep],
            group_code[keep],
        )
        row_sums = None if row_sums is None else row_sums[keep]
    return Prepared(
        keep,
        filled,
        marks,
        answered,
        total,
        dim_scores,
        dims_valid,
        group_code,
        group_ids,
        excluded,
        row_sums,
    )
