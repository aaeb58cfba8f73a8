"""The data-quality gate: the checks run on the data rows before any figure is computed.

Vocabulary:
- *parsed cells* (:class:`ParsedCells`): the data rows after every item cell has been
  read on the scale (values and cell states, see :mod:`.scale`) and every other column
  tidied to text.
- *empty row*: a row with nothing in any cell; skipped with a warning, never counted.
  A *touched* row has at least one item cell that is not blank.
- *problem*: one thing wrong in one cell, kept as ``(row index, column index,
  "column: message")`` so that problems sort into file order and read as
  ``file:row:column: message``. The gate's problems are invalid answers, *ragged* rows
  (more or fewer fields than the header), unknown or blank groups and duplicate
  respondent ids.
- *gate*: by default any problem fails the read with every problem listed;
  ``drop_invalid`` excludes the respondents concerned instead.
- *excluded*: a respondent left out, named with the reasons (:class:`Excluded`): its
  problems, or more than ``max_missing`` (a fraction of the items) of its answers
  missing, which always excludes.
- *straight-lining*: a kept respondent who gave every item the same answer; a warning.

Only the rows and cells that are wrong are visited one by one, to word their messages;
everything else is numpy over whole columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import ResponseDataError
from salesmkt.intake.arrowtext import ArrowText
from salesmkt.intake.coded import CodedText
from salesmkt.intake.columns import Roles
from salesmkt.intake.distinct import duplicated, factorize
from salesmkt.intake.layout import Column, Layout, column_label
from salesmkt.intake.rawfile import Factorized, RawRows, column_letter
from salesmkt.intake.scale import ANSWERED, BLANK, BLANK_CODE, INVALID, AnswerScale
from salesmkt.intake.spelling import is_free_text, join, key, not_blank, quote, tidy
from salesmkt.model.assessment import DataWarning, Excluded

Problem = tuple[int, int, str]
"""(data row index, column index, ``column: message``), sorted into file order."""


@dataclass
class ParsedCells:
    """The data rows of a file, parsed: what the gate looks at."""

    # (items, rows): answers as int8, BLANK_CODE unless answered (every scale whose
    # answers int8 holds), else float64, NaN unless answered.
    values: npt.NDArray[Any]
    states: npt.NDArray[np.int8]  # (items, rows): cell states
    text: dict[int, npt.NDArray[Any]]  # column index → cleaned text of non-item columns
    content: npt.NDArray[np.bool_]  # the row holds anything at all
    extra: npt.NDArray[np.bool_]  # the row has non-empty fields beyond the header
    problems: list[Problem]
    answered: npt.NDArray[np.int64]  # items answered per row
    touched: npt.NDArray[np.bool_]  # some item cell is not blank (answered, coded or invalid)
    invalid: npt.NDArray[np.bool_]  # some item cell is invalid
    # Free-text columns whose ``text`` is still as read, tidied only if shown (see
    # :func:`_text_columns`).
    untidy: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class GroupIds:
    """The group id of every row ("" when unknown or blank), and the same as codes into
    ``names`` (one per distinct spelling in the file, so an id may be listed twice):
    scoring numbers the groups from the codes without hashing a million strings again."""

    ids: npt.NDArray[Any]
    codes: npt.NDArray[np.intp]
    names: list[str]


# -- parsing the data rows --------------------------------------------------------------


def parse_cells(
    data: list[npt.NDArray[Any]],
    layout: Layout,
    items: dict[str, Column],
    questionnaire: Questionnaire,
    scale: AnswerScale,
    factorized: dict[int, Factorized] | None = None,
    free: frozenset[int] = frozenset(),
) -> ParsedCells:
    """Every item cell read on the scale, every other column tidied, and which rows
    hold anything (``data`` is the body's cells, one array per column; ``factorized``
    the codes of the text item columns the reader already has, see :class:`RawRows`).
    Columns in ``free`` (neither an item, the group nor the respondent id) that hold
    long free text are left as read, in ``untidy``."""
    n = len(data[0]) if data else 0
    values, states, problems = _parse_items(
        data, items, questionnaire.item_ids, scale, n, factorized or {}
    )
    answered = (states == ANSWERED).sum(axis=0, dtype=np.int64)
    invalid = (states == INVALID).any(axis=0) if problems else np.zeros(n, dtype=bool)
    if all(data[c.index].dtype.kind in "fi" for c in items.values()):
        touched = answered > 0  # the fast path has only answered and blank cells
    else:
        touched = (states != BLANK).any(axis=0)
    text, content, untidy = _text_columns(data, layout, items, touched, free)
    extra = np.zeros(n, dtype=bool)
    for c in range(layout.width, len(data)):
        extra |= data[c] != ""
    content |= extra
    return ParsedCells(
        values, states, text, content, extra, problems, answered, touched, invalid, untidy
    )


def _parse_items(
    data: list[npt.NDArray[Any]],
    items: dict[str, Column],
    item_ids: list[str],
    scale: AnswerScale,
    n: int,
    factorized: dict[int, Factorized],
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int8], list[Problem]]:
    """Values and cell states (items × rows), and a problem per invalid answer.

    The values are held as int8 (1 byte a cell, not 8) unless some answer does not fit,
    when the grid so far is widened to float64 (see :func:`_widened`)."""
    # Items along the first axis, so each column's values are contiguous and the
    # answers DataFrame can be built without a transposing copy.
    small = scale.choice or (_fits_int8(scale.lo) and _fits_int8(scale.hi))
    values = np.empty((len(item_ids), n), dtype=np.int8 if small else np.float64)
    states = np.empty((len(item_ids), n), dtype=np.int8)
    problems: list[Problem] = []
    for j, item_id in enumerate(item_ids):
        col = items[item_id]
        column = data[col.index]
        if column.dtype.kind in "fi":  # the fast path: already checked to be scale points
            _numbers(column, values[j], states[j])
            continue
        into = (values[j], states[j])
        got, state, found = scale.parse_column(
            column, factorized.get(col.index), small=values.dtype == np.int8, into=into
        )
        if state is not into[1]:  # else written in place already
            states[j] = state
        if got.dtype != values.dtype:
            values = _widened(values, j)
        if got is not into[0]:
            values[j] = got
        label = column_label(col, item_id)
        problems += [(r, col.index, f"{label}: {m}") for r, m in found.items()]
    return values, states, problems


def _fits_int8(bound: float | None) -> bool:
    """Whether a scale bound is a whole number int8 holds above :data:`BLANK_CODE`."""
    return bound is not None and float(bound).is_integer() and BLANK_CODE < bound <= 127


def _widened(values: npt.NDArray[np.int8], filled: int) -> npt.NDArray[np.float64]:
    """The int8 grid as float64 (NaN unless answered), its first ``filled`` items copied."""
    out = np.empty(values.shape, dtype=np.float64)
    for j in range(filled):
        out[j] = values[j]
        np.copyto(out[j], np.nan, where=values[j] == BLANK_CODE)
    return out


def _numbers(
    column: npt.NDArray[Any], values: npt.NDArray[Any], states: npt.NDArray[np.int8]
) -> None:
    """Fill one item's ``values`` (int8 or float64, see :class:`ParsedCells`) and
    ``states`` from a column the reader read as numbers: floats (NaN for a blank) or
    small integers (:data:`.scale.BLANK_CODE` for a blank), on the scale."""
    blank = np.isnan(column) if column.dtype.kind == "f" else column == BLANK_CODE
    if values.dtype.kind == column.dtype.kind == "i":
        values[:] = column
    elif values.dtype.kind == "i":  # float scale points into a grid whose scale fits int8
        np.copyto(values, column, casting="unsafe", where=~blank)
        np.copyto(values, np.int8(BLANK_CODE), where=blank)
    else:
        values[:] = column
        if column.dtype.kind != "f":
            np.copyto(values, np.nan, where=blank)
    states[:] = ANSWERED
    np.copyto(states, BLANK, where=blank)  # no int64 temporary


def _text_columns(
    data: list[npt.NDArray[Any]],
    layout: Layout,
    items: dict[str, Column],
    touched: npt.NDArray[np.bool_],
    free: frozenset[int],
) -> tuple[dict[int, npt.NDArray[Any]], npt.NDArray[np.bool_], set[int]]:
    """The tidied text of every column that is not an item, which rows hold anything
    in an item or in one of these columns, and the free-text columns left untidied.

    Tidying long free text (2 KB comments) cost most of a run that never shows it, so a
    ``free`` column whose first cells are long is kept as read: what is needed of it
    here, whether a cell is blank, does not depend on tidying."""
    content = touched.copy()
    item_columns = {c.index for c in items.values()}
    text: dict[int, npt.NDArray[Any]] = {}
    untidy: set[int] = set()
    for col in layout.columns:
        if col.index in item_columns:
            continue
        if col.index in free and is_free_text(data[col.index]):
            text[col.index] = data[col.index]
            untidy.add(col.index)
        else:
            text[col.index] = tidy(data[col.index])
        # Only rows with no answer can still be empty; comparing a million Python
        # strings to "" costs 10 ms a column.
        if not content.all():
            rest = np.flatnonzero(~content)
            cells = text[col.index][rest]
            content[rest] = not_blank(cells) if col.index in untidy else cells != ""
    return text, content, untidy


def empty_rows(cells: ParsedCells, rownum: npt.NDArray[np.int64], source: str) -> list[DataWarning]:
    """A warning naming the empty rows skipped between data rows (none when there are
    none); a file with no row holding anything fails."""
    if not cells.content.any():
        raise ResponseDataError(f"{source}: the file has a header but no data rows")
    # Empty rows after the last row holding anything are left alone, unnamed: spreadsheet
    # programs save hundreds of formatted but empty rows there (a filled-in template).
    last = int(np.flatnonzero(cells.content)[-1])
    empty = np.flatnonzero(~cells.content[:last])
    if not len(empty):
        return []
    shown = ", ".join(str(rownum[i]) for i in empty[:20])
    more = f" and {len(empty) - 20} more" if len(empty) > 20 else ""
    return [
        DataWarning(
            code="empty-rows",
            message=f"{source}: skipped {len(empty)} empty row(s): {shown}{more}",
            row=int(rownum[empty[0]]),
        )
    ]


# -- the problems -----------------------------------------------------------------------


def find_problems(
    cells: ParsedCells,
    body: RawRows,
    layout: Layout,
    roles: Roles,
    questionnaire: Questionnaire,
) -> tuple[list[Problem], GroupIds | None]:
    """Every problem in file order, and the group id of every row ("" when the group is
    unknown or blank; ``None`` when the questionnaire has no groups)."""
    problems = list(cells.problems)
    problems += [(r, c, f"{_label(layout, c)}: {why}") for r, c, why in body.flagged]
    if body.fields is not None:
        problems += _ragged_problems(cells, body.fields, body.cells, layout)
    group_ids: GroupIds | None = None
    if roles.group is not None:
        group_ids, found = _resolve_groups(cells, roles.group, questionnaire)
        problems += found
    if roles.respondent is not None:
        problems += _duplicate_ids(cells, roles.respondent, body.rownum)
    problems.sort(key=lambda p: (p[0], p[1]))
    return problems, group_ids


def _label(layout: Layout, index: int) -> str:
    """A column as messages name it, headed or beyond the header."""
    if index < len(layout.columns):
        return column_label(layout.columns[index])
    return f"{column_letter(index)} (no header)"


def gate_failure(
    problems: list[Problem], rownum: npt.NDArray[np.int64], source: str
) -> ResponseDataError:
    """The error that fails the read, listing every problem."""
    rows_hit = len({r for r, _, _ in problems})
    return ResponseDataError(
        f"{source}: {len(problems)} problem(s) in {rows_hit} row(s) failed the data-quality "
        "gate; fix them, or rerun with --drop-invalid to exclude those respondents",
        [f"{source}:{rownum[r]}:{text}" for r, _, text in problems],
    )


def _ragged_problems(
    cells: ParsedCells,
    fields: npt.NDArray[np.int64],
    data: list[npt.NDArray[Any]],
    layout: Layout,
) -> list[Problem]:
    out: list[Problem] = []
    width = layout.width
    for r in np.flatnonzero(cells.content & (fields < width)).tolist():
        got = int(fields[r])
        out.append(
            (r, got, f"{column_label(layout.columns[got])}: the row has {got} field(s) but the "
             f"header has {width}; a delimiter is missing or the row was cut short")
        )  # fmt: skip
    # Extra fields that are all empty (trailing delimiters) carry nothing and are let be.
    for r in np.flatnonzero(cells.extra).tolist():
        first = next(c for c in range(width, len(data)) if data[c][r] != "")
        out.append(
            (r, first, f"{column_letter(first)} (no header): the row has {int(fields[r])} "
             f"fields but the header has {width}; extra value {quote(data[first][r])} "
             "(an unquoted delimiter inside a cell?)")
        )  # fmt: skip
    return out


def _resolve_groups(
    cells: ParsedCells, col: Column, questionnaire: Questionnaire
) -> tuple[GroupIds, list[Problem]]:
    """Group id per row ("" when unknown or blank) and a problem per unusable group."""
    lookup_table = questionnaire.group_lookup()
    raw = cells.text[col.index]
    codes, uniques = _group_codes(raw)
    resolved = [lookup_table.get(key(u), "") for u in uniques] + [""]
    ids: npt.NDArray[Any] = np.array(resolved, dtype=object)[codes]
    unknown = np.array([not r for r in resolved])[codes]
    names = join([g.label for g in questionnaire.groups])
    alias = next(
        (a for g in questionnaire.groups for a in g.aliases
         if key(a) not in {key(g.id), key(g.label)}),
        None,
    )  # fmt: skip
    hint = f" (or an alias such as {quote(alias)})" if alias else ""
    out: list[Problem] = []
    for r in np.flatnonzero(cells.content & unknown).tolist():
        text = str(raw[r])
        if not text:
            if not cells.touched[r]:
                continue  # nothing answered: excluded for its missing answers instead
            message = f"the group is blank; expected {names}{hint}"
        else:
            message = f"unknown group {quote(text)}; expected {names}{hint}"
        out.append((r, col.index, f"{column_label(col)}: {message}"))
    return GroupIds(ids, codes, resolved), out


def _group_codes(raw: Any) -> tuple[npt.NDArray[np.intp], list[Any]]:
    """The group column as codes into its spellings (a missing cell coded one past
    them): a coded column's own codes and words (a word perhaps listed twice), else
    the column factorized (a million strings hashed)."""
    if isinstance(raw, CodedText):
        return raw.codes.astype(np.intp), raw.words
    codes, uniques = factorize(raw)
    return np.where(codes < 0, len(uniques), codes), uniques.tolist()


def _duplicate_ids(cells: ParsedCells, col: Column, rownum: npt.NDArray[np.int64]) -> list[Problem]:
    ids = cells.text[col.index]
    if isinstance(ids, ArrowText):
        # Settled on arrow's bytes when no id is used twice; else the cells are built
        # and every message worded as ever.
        if ids.surely_distinct():
            return []
        ids = ids.cells()
    if _ascending(ids):
        return []
    # The common case, no id used twice, is settled by sorting the ids' hashes: about
    # 100 ms for a million ids where a hash table of the strings takes 150. Equal hashes
    # (a repeat, or a collision) lead to the exact check.
    hashes = np.fromiter(map(hash, ids.tolist()), dtype=np.int64, count=len(ids))
    hashes.sort()
    if not (hashes[1:] == hashes[:-1]).any():
        return []
    repeated = duplicated(ids)
    mask = repeated & (ids != "") & cells.content
    rows_of: dict[str, list[int]] = {}
    for r in np.flatnonzero(mask).tolist():
        rows_of.setdefault(str(ids[r]), []).append(r)
    out: list[Problem] = []
    for rid, where in rows_of.items():
        if len(where) < 2:
            continue  # its twin is an empty row
        listed = join([str(rownum[x]) for x in where], "and")
        message = f"{column_label(col)}: respondent id {quote(rid)} is used on rows {listed}"
        out += [(r, col.index, message) for r in where]
    return out


def _ascending(ids: Any) -> bool:
    """Whether each id sorts after the one before (so none is used twice), as exported
    ids often do: one comparison per id, a quarter of hashing and sorting them. The
    first thousand are looked at first; ids that are not all text say no."""
    n = min(1000, len(ids) - 1)
    try:
        return n < 1 or bool((ids[1 : n + 1] > ids[:n]).all() and (ids[1:] > ids[:-1]).all())
    except TypeError:  # a cell that is not text (never from a file's text)
        return False


# -- exclusions -------------------------------------------------------------------------


def exclusion_reasons(
    cells: ParsedCells, problems: list[Problem], items: int, max_missing: float
) -> dict[int, list[str]]:
    """Row index → why that respondent is left out: its problems (there are only any
    left when invalid respondents are dropped) or too many missing answers."""
    reasons: dict[int, list[str]] = {}
    for r, _, text in problems:
        reasons.setdefault(r, []).append(text)
    missing = items - cells.answered
    # The epsilon stops float error (0.58 × 50 = 28.999…) from allowing one answer fewer.
    allowed = math.floor(max_missing * items + 1e-9)
    # A row with an invalid answer is excluded for it already, and its invalid cells
    # would wrongly count as missing here.
    for r in np.flatnonzero(cells.content & (missing > allowed) & ~cells.invalid).tolist():
        m = int(missing[r])
        reasons.setdefault(r, []).append(
            f"{m} of {items} answers missing ({m / items:.0%}); at most {allowed} "
            f"({max_missing:.0%}) may be missing"
        )
    return reasons


def excluded_respondents(
    reasons: dict[int, list[str]],
    cells: ParsedCells,
    roles: Roles,
    groups: GroupIds | None,
    rownum: npt.NDArray[np.int64],
) -> list[Excluded]:
    """The excluded respondents in file order, each named by row, id and group."""
    resp_ids = cells.text[roles.respondent.index] if roles.respondent is not None else None
    group_raw = cells.text[roles.group.index] if roles.group is not None else None
    group_ids = groups.ids if groups is not None else None
    excluded: list[Excluded] = []
    for r in sorted(reasons):
        excluded.append(
            Excluded(
                row=int(rownum[r]),
                respondent=(str(resp_ids[r]) or None) if resp_ids is not None else None,
                # The group's id when known, else the group as written.
                group=(str(group_ids[r]) or str(group_raw[r]) or None)
                if group_raw is not None and group_ids is not None
                else None,
                reason="; ".join(reasons[r]),
            )
        )
    return excluded


# -- straight-lining --------------------------------------------------------------------

STRAIGHT_LINE_MIN_ANSWERS = 5
STRAIGHT_LINE_MIN_POINTS = 4
"""Straight-lining is looked for on rating scales only: on a yes/no or no/partly/yes
checklist, or a choice of owners, giving every item the same answer is a plausible,
careful answer rather than a sign of clicking down one column."""


def straight_lining(
    values: npt.NDArray[Any],
    count: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int64],
    respondent: npt.NDArray[Any] | None,
    questionnaire: Questionnaire,
) -> list[DataWarning]:
    """Respondents who gave every item the same answer (``values`` is items × rows, as
    in :class:`ParsedCells`; ``rows`` and ``respondent`` per row)."""
    lo, hi = _answer_range(values)
    out: list[DataWarning] = []
    for r in np.flatnonzero((count >= STRAIGHT_LINE_MIN_ANSWERS) & (lo == hi)).tolist():
        point = int(lo[r])
        rid = str(respondent[r]) if respondent is not None else None
        who = f"row {rows[r]}" + (f" (respondent {rid})" if rid else "")
        out.append(
            DataWarning(
                code="straight-lining",
                message=(
                    f"{who} gave the same answer, {point} "
                    f"({quote(questionnaire.scale.label(point))}), to all {count[r]} items "
                    "answered; kept, but check it was answered with care"
                ),
                row=int(rows[r]),
                respondent=rid or None,
            )
        )
    return out


def _answer_range(values: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Each row's lowest and highest answer, blanks skipped (reducing along the item axis
    is one pass per item). Rows with no answer hold anything: their count rules them out."""
    if values.dtype.kind == "f":  # fmax/fmin skip NaN
        return np.fmin.reduce(values, axis=0), np.fmax.reduce(values, axis=0)
    # BLANK_CODE is below every answer, so it never wins the maximum. For the minimum
    # each answer v is read as the byte (v + 127) mod 256, which keeps the order of the
    # answers (-127 … 127 become 0 … 254) and puts the blank code last (255): a plain
    # minimum, one item at a time into one row of scratch (no mask, no grid temporary).
    hi = np.max(values, axis=0)
    lo = np.full(values.shape[1:], 255, dtype=np.uint8)
    row = np.empty_like(lo)
    for answers in values:
        np.add(answers.view(np.uint8), np.uint8(127), out=row)
        np.minimum(lo, row, out=lo)
    nothing = lo == 255  # no answer at all: 127, as the masked minimum always left it
    lo -= np.uint8(127)
    lo[nothing] = 127
    return lo.view(np.int8), hi
