"""Segments: every group figure again for each value of a ``--by`` column.

Vocabulary:
- *segment*: the respondents with one value of a ``--by`` column (region, business unit,
  wave); a blank value is its own segment, ``(blank)``. A column with more than
  :data:`MAX_SEGMENT_VALUES` values is not a category and is refused.
- *breakdown*: the cells of one ``--by`` column, segments × groups (:class:`_Breakdown`).
- *withheld*: a cell below the anonymity threshold ``K`` (*primary*), every cell of a
  segment below ``K``, and cells withheld so that another withheld cell cannot be worked
  out by subtraction from a group's published total (*complementary suppression*).
- *segment overall*: the segment's overall score, from its shown cells only: the
  equal-weight mean of the compared groups when both are shown, else the pooled mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

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
from salesmkt.definitions.questionnaire import normalise
from salesmkt.errors import UsageError
from salesmkt.l10n import _
from salesmkt.model.assessment import GroupResult, Overall, SegmentResult

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesmkt.analysis.prepared import Prepared
    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.intake.responses import ResponseTable

    IntArray = NDArray[np.int64]
    BoolArray = NDArray[np.bool_]
    FloatArray = NDArray[np.float64]

__all__ = [
    "BLANK_SEGMENT",
    "MAX_SEGMENT_VALUES",
    "segment_cells",
    "segment_column",
    "segments",
]

# A --by column with more distinct values than this is not a category (a timestamp…).
MAX_SEGMENT_VALUES = 50
BLANK_SEGMENT = "(blank)"


def segment_column(table: ResponseTable, by: str) -> str:
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


@dataclass
class _Breakdown:
    """The cells of one ``--by`` column: segment s, group g is cell ``s * ngroups + g``."""

    column: str
    values: list[object]  # the segment values, sorted
    key: IntArray  # each respondent's cell
    cells: Cells
    n: IntArray  # segments × groups
    small: BoolArray  # per segment: below the anonymity threshold
    primary: BoolArray  # segments × groups: withheld for its own size
    withheld: BoolArray  # primary plus complementary
    k_min: int


def _breakdown(
    table: ResponseTable,
    prep: Prepared,
    by: str,
    k_min: int,
    favourable_from: float | None = None,
) -> _Breakdown:
    import pandas as pd

    column = segment_column(table, by)
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
    cells = cell_stats(key, nseg * ngroups, prep, favourable_from)
    n = cells.n.reshape(nseg, ngroups)
    small = n.sum(axis=1) < k_min
    primary = (n > 0) & ((n < k_min) | small[:, None])
    withheld = _complementary(n, primary, k_min)
    return _Breakdown(column, list(uniques), key, cells, n, small, primary, withheld, k_min)


def segment_cells(
    table: ResponseTable, prep: Prepared, by: str, k_min: int
) -> tuple[str, list[str], IntArray, BoolArray]:
    """A ``--by`` column's name as found, its segment values, the respondents per segment
    and group (segments × groups) and which of those cells are withheld (primary and
    complementary), exactly as the breakdown withholds them."""
    b = _breakdown(table, prep, by, k_min)
    return b.column, [str(v) for v in b.values], b.n, b.withheld


def primary_rows(table: ResponseTable, prep: Prepared, by: str, k_min: int) -> BoolArray:
    """Which scored respondents are in a segment or cell withheld for its own size (not
    only to protect another cell)."""
    b = _breakdown(table, prep, by, k_min)
    rows: BoolArray = b.primary.reshape(-1)[b.key]
    return rows


def segments(
    table: ResponseTable,
    prep: Prepared,
    by: str,
    k_min: int,
    favourable_from: float | None = None,
) -> tuple[list[SegmentResult], BoolArray, list[str]]:
    """The segments of ``--by`` column ``by``, which respondents' figures they withhold,
    and notes in words on what was withheld and why (never a withheld cell's size)."""
    q = table.questionnaire
    b = _breakdown(table, prep, by, k_min, favourable_from)
    ngroups = len(prep.group_ids)
    notes: list[str] = []
    results: list[SegmentResult] = []
    for s, value in enumerate(b.values):
        groups, seg_notes = _segment_groups(q, prep.group_ids, b, s)
        notes += seg_notes
        shown_cells = np.zeros(b.n.size, dtype=bool)
        shown_cells[s * ngroups : (s + 1) * ngroups] = (b.n[s] > 0) & ~b.withheld[s]
        overall = Overall()
        if not b.small[s]:
            overall = _segment_overall(
                q, b.cells, prep.group_ids, s, ngroups, shown_cells, b.withheld[s]
            )
        results.append(
            SegmentResult(
                by=b.column,
                value=str(value),
                n=None if b.small[s] else int(b.n[s].sum()),
                n_fewer_than=k_min if b.small[s] else None,
                suppressed=bool(b.small[s]),
                overall=overall,
                groups=groups,
            )
        )
    hidden = b.withheld.ravel()[b.key]
    return results, hidden, notes


def _segment_groups(
    q: Questionnaire, group_ids: list[str], b: _Breakdown, s: int
) -> tuple[list[GroupResult], list[str]]:
    """Segment ``s``'s group results, and the notes on what it withholds."""
    label = f"{b.column} = {b.values[s]}"
    k_min = b.k_min
    notes: list[str] = []
    if b.small[s]:
        notes.append(
            _(
                "{segment}: fewer than {k} respondents, below the anonymity threshold of "
                "{k}; its figures are withheld."
            ).format(segment=label, k=k_min)
        )
    groups: list[GroupResult] = []
    for g, gid in enumerate(group_ids):
        if b.n[s, g] == 0:
            continue
        primary = bool(b.primary[s, g])
        groups.append(
            group_result(
                q,
                b.cells,
                s * len(group_ids) + g,
                gid,
                bool(b.withheld[s, g]),
                k_min if primary else None,
            )
        )
        if b.small[s]:
            continue
        glabel = group_label(q, gid)
        if primary:
            notes.append(
                _(
                    "{segment}, {group}: fewer than {k} respondents, below the anonymity "
                    "threshold of {k}; figures withheld."
                ).format(segment=label, group=glabel, k=k_min)
            )
        elif b.withheld[s, g]:
            notes.append(
                _(
                    "{segment}, {group} is withheld as well, so that a withheld {group} "
                    "figure cannot be worked out from the {group} total."
                ).format(segment=label, group=glabel)
            )
    return groups, notes


def _segment_overall(
    q: Questionnaire,
    cells: Cells,
    group_ids: list[str],
    s: int,
    ngroups: int,
    shown_cells: BoolArray,
    sup_row: BoolArray,
) -> Overall:
    n_shown = int(cells.n[shown_cells].sum())
    pooled = num(cells.total_sum[shown_cells].sum() / n_shown) if n_shown else None

    def mean_or_reason(gid: str) -> float | str | Withheld:
        if gid not in group_ids:
            return _("there are no {group} respondents").format(group=group_label(q, gid))
        g = group_ids.index(gid)
        c = s * ngroups + g
        if cells.n[c] == 0:
            return _("there are no {group} respondents here").format(group=group_label(q, gid))
        if sup_row[g]:
            return Withheld(
                _("the {group} figures are withheld here").format(group=group_label(q, gid))
            )
        return float(cells.mean[c])

    withheld = _("Withheld groups are left out of this segment's figures.")
    result = combine_overall(
        q,
        pooled,
        mean_or_reason,
        pooled_note=_("Pooled respondent mean because {reason}."),
        withheld_note=withheld if sup_row.any() else None,
    )
    if cells.fav_sum is not None:
        result.favourable = share(cells.fav_sum[shown_cells], cells.item_n[shown_cells])
    return result
