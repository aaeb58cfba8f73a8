"""Leaders reported within the function they lead (``--leaders-function COLUMN``).

Vocabulary:
- *leader*: a respondent of a group outside the compared pair (for ``alignment``: the
  Leadership group, the executives and heads). Such a group is often smaller than the
  anonymity threshold, so by default (*separate*) its figures are withheld.
- *function column*: a column of the responses file that names, for each leader, the
  function they lead, matched like the group column (id, label or alias: ``Sales``,
  ``Marketing``, ``Vertrieb``…). A leader whose cell names a compared group is counted
  in that group; any other leader stays in their own group (withheld below K as ever).
  Cells of respondents who are not leaders are ignored.

Nothing here lowers the threshold: a function with its leaders is withheld below K like
any group. One caution, documented: publishing the same survey both ways (leaders apart
and leaders within their function) lets a reader work out the leaders' answers by
subtraction; choose one way per survey.

One ``factorize`` of the column and a lookup per distinct value: linear in respondents.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from salesmkt.analysis.segments import segment_column
from salesmkt.definitions.questionnaire import normalise
from salesmkt.errors import UsageError

if TYPE_CHECKING:
    from salesmkt.intake.responses import ResponseTable

__all__ = ["pool_leaders"]


def pool_leaders(table: ResponseTable, column: str) -> ResponseTable:
    """The table with each leader's group replaced by the compared group that the
    function column names for them (see the module docstring)."""
    import pandas as pd

    q = table.questionnaire
    if len(q.compare) != 2:
        raise UsageError(
            f"--leaders-function: questionnaire {q.id!r} compares no two groups to pool "
            "leaders into"
        )
    try:
        name = segment_column(table, column)
    except UsageError as exc:
        message = exc.message.replace(f"--by {column}", f"--leaders-function {column}")
        raise UsageError(message) from None

    raw = table.segments[name].astype(object)
    codes, uniques = pd.factorize(raw.where(raw.notna(), ""), use_na_sentinel=True)
    lookup = q.group_lookup()
    targets = [lookup.get(normalise(str(u))) for u in uniques]
    compared = set(q.compare)
    function = pd.Series(
        [t if t in compared else None for t in targets] + [None], dtype=object
    ).to_numpy()[codes]
    leader = ~table.group.astype(str).isin(compared).to_numpy()
    move = leader & pd.notna(function)
    if not move.any():
        return table
    group = table.group.astype(object).copy()
    group[move] = function[move]
    # A shallow copy, not dataclasses.replace: replace reads every field, and reading
    # ``answers`` builds the float64 frame (160 MB at a million respondents) that scoring
    # does without, and reading ``comments`` tidies text nobody may ask for.
    pooled = copy.copy(table)
    pooled.group = group
    return pooled
