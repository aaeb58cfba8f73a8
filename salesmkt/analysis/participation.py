"""Participation: the response rate per group and segment, from a headcount file.

Vocabulary:
- *invited*: the people asked to answer, from ``--headcount``
  (:mod:`salesmkt.intake.headcount`); *responded*: the scored respondents of that group
  (and segment); *rate*: responded / invited.
- *low*: a rate below :data:`~salesmkt.model.assessment.PARTICIPATION_FLOOR` (60%);
  each low rate adds a ``low-participation`` warning, since the figures then may not
  speak for the whole group.
- *withheld*: a group, or group within a segment, that the figures withhold (below the
  anonymity threshold, or withheld so another cannot be worked out by subtraction):
  its responded count and rate are withheld too, since rate × invited is its size.

Counts come from one ``bincount`` over the group codes (and the breakdown's cell
counts for segments): linear in respondents.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from salesmkt.analysis.cells import group_label
from salesmkt.analysis.segments import segment_cells
from salesmkt.definitions.questionnaire import normalise
from salesmkt.errors import SalesmktError
from salesmkt.intake.headcount import Headcount, HeadcountError
from salesmkt.l10n import _, number
from salesmkt.model.assessment import PARTICIPATION_FLOOR, DataWarning, Participation

if TYPE_CHECKING:
    from salesmkt.analysis.prepared import Prepared
    from salesmkt.intake.responses import ResponseTable

__all__ = ["participation"]


def participation(
    table: ResponseTable, prep: Prepared, entries: Sequence[Headcount], k_min: int
) -> tuple[list[Participation], list[DataWarning]]:
    """One :class:`Participation` per headcount entry, and a warning per low rate."""
    counts = np.bincount(prep.group_code, minlength=len(prep.group_ids))
    cells = _segment_counts(table, prep, entries, k_min)
    results: list[Participation] = []
    for e in entries:
        if e.column is None:
            c = prep.group_ids.index(e.group) if e.group in prep.group_ids else -1
            n = int(counts[c]) if c >= 0 else 0
            withheld = 0 < n < k_min
            by, value = None, None
        else:
            by, value, n, withheld = _cell(cells, prep.group_ids, e)
        if n > e.invited:
            raise HeadcountError(
                f"more {e.group} respondents were scored than the {e.invited} invited",
                location=e.where,
            )
        rate = n / e.invited
        results.append(
            Participation(
                group=e.group,
                by=by,
                value=value,
                invited=e.invited,
                responded=None if withheld else n,
                rate=None if withheld else rate,
                low=not withheld and rate < PARTICIPATION_FLOOR,
                withheld=withheld,
            )
        )
    return results, _warnings(table, results)


_Cells = tuple[str, dict[str, int], "np.ndarray", "np.ndarray"]


def _segment_counts(
    table: ResponseTable, prep: Prepared, entries: Sequence[Headcount], k_min: int
) -> _Cells | None:
    column = next((e.column for e in entries if e.column is not None), None)
    if column is None:
        return None
    try:
        name, values, n, withheld = segment_cells(table, prep, column, k_min)
    except SalesmktError as exc:
        where = next(e.where for e in entries if e.column is not None)
        raise HeadcountError(f"segment column {column!r}: {exc.message}", location=where) from None
    index = {normalise(v): s for s, v in enumerate(values)}
    return name, index, n, withheld


def _cell(cells: _Cells | None, group_ids: list[str], e: Headcount) -> tuple[str, str, int, bool]:
    """The column, value, responded count and withheld flag of a segment entry."""
    assert cells is not None and e.value is not None
    name, index, n, withheld = cells
    s = index.get(normalise(e.value))
    g = group_ids.index(e.group) if e.group in group_ids else -1
    if s is None or g < 0:
        return name, e.value, 0, False
    return name, e.value, int(n[s, g]), bool(withheld[s, g])


def _warnings(table: ResponseTable, results: list[Participation]) -> list[DataWarning]:
    q = table.questionnaire
    out: list[DataWarning] = []
    for p in results:
        if not p.low or p.rate is None:
            continue
        where = group_label(q, p.group) + (f" ({p.by} = {p.value})" if p.by else "")
        out.append(
            DataWarning(
                code="low-participation",
                message=_(
                    "{where}: {rate} of the {invited} invited responded, below "
                    "{floor}; low participation limits what the figures say about this group"
                ).format(
                    where=where,
                    rate=number(f"{p.rate:.0%}"),
                    invited=p.invited,
                    floor=number(f"{PARTICIPATION_FLOOR:.0%}"),
                ),
            )
        )
    return out
