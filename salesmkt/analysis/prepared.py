"""The scored respondents as arrays: recoded answers, totals, dimension means, groups.

Vocabulary:
- *recoded answer*: an answer after reverse items are turned round (``min + max −
  answer``), so a higher number always means a closer Sales–Marketing relationship.
- *filled* / *valid*: the recoded answers with 0 where a respondent gave no answer, and
  which cells were answered; every later sum is a plain sum over ``filled``.
- *total*: a respondent's score, the sum of recoded answers; a respondent who skipped
  some items is *prorated*: total = mean of the answered items × the number of items.
- *dimension mean*: a respondent's mean over the answered items of one dimension (0 in
  ``dims_filled`` and False in ``dims_valid`` when they answered none of them).
- *unscoreable*: a respondent with no answer at all; left out of every figure and listed
  in ``excluded`` with the reason, never dropped silently.
- *group code*: a respondent's group as an index into ``group_ids`` (the questionnaire's
  groups in their declared order, then any others in alphabetical order).

Matrices are Fortran-ordered (one contiguous column per item, what the per-column
``bincount`` of :mod:`salesmkt.analysis.cells` wants). No per-respondent Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from salesmkt.errors import AnalysisError
from salesmkt.model.assessment import Excluded

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.intake.responses import ResponseTable

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]
    BoolArray = NDArray[np.bool_]

__all__ = ["Prepared", "prepare"]


@dataclass
class Prepared:
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


def _recoded(table: ResponseTable) -> tuple[FloatArray, BoolArray]:
    """The recoded answers with 0 where missing (``filled``), and which were answered."""
    q = table.questionnaire
    if q.scale.type != "numeric" or q.scale.min is None or q.scale.max is None:
        raise AnalysisError(
            f"questionnaire {q.id!r} uses a choice scale: its answers name an owner, not a "
            "score, so 'score' cannot total them"
        )
    if list(table.answers.columns) != q.item_ids:
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
    return answers, valid


def _unscoreable(table: ResponseTable, keep: BoolArray) -> list[Excluded]:
    """The respondents without a single answer, each named with the reason."""
    excluded: list[Excluded] = []
    if keep.all():
        return excluded
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
    return excluded


def _dimension_means(
    q: Questionnaire, filled: FloatArray, valid: BoolArray
) -> tuple[FloatArray, BoolArray]:
    """Each respondent's mean over the answered items of each dimension (0 where none),
    and whether they answered any item of it."""
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
    return dims_filled, dims_valid


def prepare(table: ResponseTable) -> Prepared:
    """The per-respondent arrays of a checked responses table (unscoreable rows left out)."""
    q = table.questionnaire
    filled, valid = _recoded(table)
    answered = np.count_nonzero(valid, axis=1)
    keep = answered > 0
    excluded = _unscoreable(table, keep)
    k = len(q.item_ids)
    sums = filled.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # sum × k first, then ÷ answered: a whole-number result stays exact.
        total = sums * k / answered
    dims_filled, dims_valid = _dimension_means(q, filled, valid)
    group_code, group_ids = _group_codes(table)
    if not keep.all():
        filled, valid, answered, total = filled[keep], valid[keep], answered[keep], total[keep]
        dims_filled, dims_valid, group_code = dims_filled[keep], dims_valid[keep], group_code[keep]
    return Prepared(
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
