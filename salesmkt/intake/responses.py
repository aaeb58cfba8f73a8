"""Reading survey responses: a file in, a checked table of answers out.

Vocabulary:
- *responses file*: one row per respondent, one column per item, plus a *group column*
  (sales, marketing…) and any other columns. CSV/TSV/text in any common encoding, or
  ``.xlsx``.
- *response table* (:class:`ResponseTable`): the respondents that passed the
  data-quality gate, one row each: their answers (NaN when missing), group, respondent
  id, spreadsheet row, *segments* (other columns, as text, for ``--by``) and
  *comments* (free-text columns); with the respondents *excluded* and the *warnings*.

:func:`read_responses` runs these steps, each the job of one module:

1. :mod:`.files` opens the file (any encoding, or a workbook) and reads its head;
2. :mod:`.layout` finds the header and any sub-header rows under it;
3. :mod:`.columns` matches the item columns (and the ``--map`` file), then the
   respondent and group columns, by the names in :mod:`.headers`;
4. :mod:`.files` reads the body, item columns as plain numbers when the head allows;
5. :mod:`.scale` reads every answer; :mod:`.gate` finds the problems and decides who
   is excluded;
6. this module builds the table of the respondents kept.

Speed (a million respondents must score in seconds): no Python loop ever runs per row
on the way to a clean file. Item columns are first read as plain numbers, and kept
when every cell is blank or a whole number on the scale; otherwise they are read as
text and mapped through a table of every distinct spelling per column
(``pandas.factorize``), so only the few distinct spellings go through Python. Ragged
rows are found by counting delimiters outside quotes with numpy, not by parsing twice.
Only the cells and rows that are wrong are visited one by one, to word their messages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import ResponseDataError, UsageError
from salesmkt.intake.columns import (
    find_group,
    find_respondent,
    is_comment,
    load_mapping,
    match_items,
)
from salesmkt.intake.files import open_responses
from salesmkt.intake.gate import (
    STRAIGHT_LINE_MIN_POINTS,
    duplicate_ids,
    parse_cells,
    ragged_problems,
    resolve_groups,
    straight_lining,
)
from salesmkt.intake.headers import GROUP_COLUMN_NAMES, RESPONDENT_COLUMN_NAMES, ItemMatcher
from salesmkt.intake.layout import Column, column_letter, find_layout
from salesmkt.intake.scale import AnswerScale, parse_answers
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import DataWarning, Excluded

__all__ = [
    "GROUP_COLUMN_NAMES",
    "RESPONDENT_COLUMN_NAMES",
    "AnswerScale",
    "ResponseTable",
    "column_letter",
    "parse_answers",
    "read_responses",
]

_PLAIN_NUMBER = re.compile(r"^(?:[+-]?\d+(?:\.\d*)?)?$")


@dataclass
class ResponseTable:
    """The respondents that passed the gate, and what happened to the others."""

    source: str
    questionnaire: Questionnaire
    answers: pd.DataFrame
    group: pd.Series
    respondent: pd.Series | None
    segments: pd.DataFrame
    comments: pd.DataFrame
    rows: pd.Series
    columns: dict[str, str]
    group_column: str
    rows_read: int
    excluded: list[Excluded] = field(default_factory=list)
    warnings: list[DataWarning] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str | None = ","
    header_rows: int = 1


def read_responses(
    source: ResponseSource, questionnaire: Questionnaire, *, max_missing: float = 0.2
) -> ResponseTable:
    """Read a responses file, match its columns, and run the data-quality gate.

    Raises :class:`ResponseDataError` when the columns cannot be matched (always) or when
    the gate finds problems and ``drop_invalid`` is false; its ``problems`` list every
    one as ``file:row:column: message``. With ``drop_invalid`` the respondents concerned
    are left out and named in ``excluded`` instead. Respondents missing more than
    ``max_missing`` (a fraction of the items) are always excluded; completely empty rows
    are skipped with a warning and not counted in ``rows_read``.
    """
    path, mapping, drop_invalid = source.path, source.mapping, source.drop_invalid
    group_column, respondent_column = source.group_column, source.respondent_column
    name = str(path)
    if not 0 <= max_missing <= 1:
        raise UsageError(f"max_missing must be a fraction between 0 and 1, got {max_missing}")
    has_groups = bool(questionnaire.groups)
    if group_column is not None and not has_groups:
        raise UsageError(
            f"questionnaire {questionnaire.id!r} has no groups, so a group column does not apply"
        )
    scale = AnswerScale(questionnaire)
    matcher = ItemMatcher(questionnaire)
    group_names = questionnaire.group_lookup()
    item_map = load_mapping(mapping, questionnaire) if mapping is not None else {}

    opened = open_responses(path, name)
    head = opened.head()
    layout, warnings = find_layout(head, name, matcher, scale, group_names)
    warnings = opened.warnings + warnings
    items = match_items(layout, questionnaire, matcher, item_map, name)
    # Try the numeric fast path only when the first rows give no reason to expect text.
    first_cells = [
        str(cell) for c in items.values() for cell in head.cells[c.index][layout.data_start :]
    ]
    plain = all(_PLAIN_NUMBER.match(cell) for cell in first_cells)
    numeric = [c.index for c in items.values()] if plain and not scale.choice else []
    lo, hi = questionnaire.scale.min or 0, questionnaire.scale.max or 0
    body = opened.body(layout.data_start, numeric, lo, hi)
    data = body.cells
    rownum = body.rownum
    n = len(rownum)

    used = {c.index for c in items.values()}
    resp_col = find_respondent(layout, used, respondent_column, name)
    if resp_col is not None:
        used.add(resp_col.index)
    grp_col: Column | None = None
    if has_groups:
        grp_col = find_group(layout, data, used, group_column, group_names, questionnaire, name)
        used.add(grp_col.index)

    cells = parse_cells(data, layout, items, questionnaire, scale)
    for col in items.values():  # parsed: let the item cells go (half the memory at 1M rows)
        data[col.index] = data[col.index][:0]
    if not cells.content.any():
        raise ResponseDataError(f"{name}: the file has a header but no data rows")
    empty = np.flatnonzero(~cells.content)
    if len(empty):
        shown = ", ".join(str(rownum[i]) for i in empty[:20])
        more = f" and {len(empty) - 20} more" if len(empty) > 20 else ""
        warnings.append(
            DataWarning(
                code="empty-rows",
                message=f"{name}: skipped {len(empty)} empty row(s): {shown}{more}",
                row=int(rownum[empty[0]]),
            )
        )

    problems = list(cells.problems)
    if body.fields is not None:
        problems += ragged_problems(cells, body.fields, data, layout)
    group_ids: npt.NDArray[Any] | None = None
    if grp_col is not None:
        group_ids, found = resolve_groups(cells, grp_col, questionnaire)
        problems += found
    if resp_col is not None:
        problems += duplicate_ids(cells, resp_col, rownum)
    problems.sort(key=lambda p: (p[0], p[1]))

    if problems and not drop_invalid:
        rows_hit = len({r for r, _, _ in problems})
        raise ResponseDataError(
            f"{name}: {len(problems)} problem(s) in {rows_hit} row(s) failed the data-quality "
            "gate; fix them, or rerun with --drop-invalid to exclude those respondents",
            [f"{name}:{rownum[r]}:{text}" for r, _, text in problems],
        )

    # -- exclusions ------------------------------------------------------------------
    k = len(questionnaire.items)
    reasons: dict[int, list[str]] = {}
    for r, _, text in problems:
        reasons.setdefault(r, []).append(text)
    invalid = cells.invalid
    missing = k - cells.answered
    allowed = math.floor(max_missing * k + 1e-9)
    for r in np.flatnonzero(cells.content & (missing > allowed) & ~invalid).tolist():
        m = int(missing[r])
        reasons.setdefault(r, []).append(
            f"{m} of {k} answers missing ({m / k:.0%}); at most {allowed} "
            f"({max_missing:.0%}) may be missing"
        )
    resp_ids = cells.text[resp_col.index] if resp_col is not None else None
    group_raw = cells.text[grp_col.index] if grp_col is not None else None
    excluded: list[Excluded] = []
    for r in sorted(reasons):
        excluded.append(
            Excluded(
                row=int(rownum[r]),
                respondent=(str(resp_ids[r]) or None) if resp_ids is not None else None,
                group=(str(group_ids[r]) or str(group_raw[r]) or None)
                if group_raw is not None and group_ids is not None
                else None,
                reason="; ".join(reasons[r]),
            )
        )
    keep = cells.content.copy()
    keep[list(reasons)] = False
    kept = np.flatnonzero(keep)
    every = len(kept) == n

    values = cells.values
    if not every:  # compact in place, one item at a time: no second copy of the grid
        for j in range(len(values)):
            values[j, : len(kept)] = values[j, kept]
        values = values[:, : len(kept)]
    answers = pd.DataFrame(values.T, columns=questionnaire.item_ids, copy=False)
    index = answers.index

    def take(column: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return column if every else column[kept]

    group_of = take(group_ids) if group_ids is not None else np.full(len(kept), "all", dtype=object)
    # copy=False: these arrays are the table's own from here on (pandas 3 copies by default).
    group = pd.Series(group_of, index=index, dtype=object, name="group", copy=False)
    respondent = (
        pd.Series(take(resp_ids), index=index, dtype=object, name="respondent", copy=False)
        if resp_ids is not None
        else None
    )
    rows = pd.Series(take(rownum), index=index, dtype=np.int64, name="row", copy=False)
    if len(questionnaire.scale.points) >= STRAIGHT_LINE_MIN_POINTS:
        counts = take(cells.answered)
        warnings += straight_lining(values, counts, rows, respondent, questionnaire)

    rest = [
        c
        for c in layout.columns
        if c.index not in used and c.index in cells.text
        and (c.header or (cells.text[c.index] != "").any())
    ]  # fmt: skip
    comment_cols = [c for c in rest if is_comment(c, cells.text[c.index])]
    segment_cols = [c for c in rest if c not in comment_cols]

    def frame(cols: list[Column]) -> pd.DataFrame:
        names = _unique_names(cols)
        body = {name: take(cells.text[c.index]) for name, c in zip(names, cols, strict=True)}
        return pd.DataFrame(body, index=index, columns=names, dtype=object)

    return ResponseTable(
        source=name,
        questionnaire=questionnaire,
        answers=answers,
        group=group,
        respondent=respondent,
        segments=frame(segment_cols),
        comments=frame(comment_cols),
        rows=rows,
        columns={item_id: items[item_id].header for item_id in questionnaire.item_ids},
        group_column=grp_col.header if grp_col is not None else "",
        rows_read=int(cells.content.sum()),
        excluded=excluded,
        warnings=warnings,
        encoding=opened.encoding,
        delimiter=opened.delimiter,
        header_rows=layout.header_rows,
    )


def _unique_names(columns: list[Column]) -> list[str]:
    seen: dict[str, int] = {}
    names: list[str] = []
    for col in columns:
        base = col.header or f"column {column_letter(col.index)}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return names
