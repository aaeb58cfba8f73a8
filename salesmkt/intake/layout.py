"""The layout of a responses file: where the header is and what each column is called.

Vocabulary:
- *row*: a row number as a spreadsheet shows it (the header is row 1, or further down
  when blank rows sit above it). In code, a *row index* counts the rows read instead.
- *column*: a spreadsheet column letter plus its header, e.g. ``F (q05)``; every
  problem is reported as ``file:row:column: message``.
- *header rows*: the header (the first row with any text) plus any *sub-header rows*
  under it that hold no answers: SurveyMonkey's "Response" row, Qualtrics'
  question-text and ImportId rows. A matrix question's header spans the blank header
  cells to its right, whose sub-headers name the items.
- *candidates*: every header text of a column (header, sub-headers, the spanning
  header), each of which may name an item.
- *data start*: the first row after the header rows; the body is read from there.
- *stated header rows*: ``--header-rows N`` (:attr:`.ResponseSource.header_rows`) says
  how many header rows there are (1 = just the header); nothing is then detected.
- *item cells*: the cells of a row under headers that name an item (all cells when no
  header does); a row whose item cells mostly hold answers on the scale (numbers in
  range, scale labels, missing codes) is data, even when another cell (a respondent
  code such as ``Q01``) looks like an item id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from salesmkt.errors import ResponseDataError, UsageError
from salesmkt.intake.headers import NO_MATCH, ItemMatcher
from salesmkt.intake.rawfile import RawRows, column_letter
from salesmkt.intake.scale import ANSWERED, MISSING_CODE, AnswerScale
from salesmkt.intake.spelling import key, short
from salesmkt.model.assessment import DataWarning

MAX_SUBHEADER_ROWS = 3
"""At most this many sub-header rows are looked for under the header."""


@dataclass
class Column:
    """One column of the file: where it is, and what its header rows call it."""

    index: int
    header: str  # as shown in messages and in ``columns``
    candidates: list[str]  # header texts from every header row (cleaned)


@dataclass
class Layout:
    """The header rows of a file and the columns they name."""

    header_row: int  # index into raw rows
    header_rows: int
    width: int  # fields in the header
    columns: list[Column]
    data_start: int


def column_label(col: Column, item_id: str | None = None) -> str:
    """A column as messages name it: ``F (q05)``, ``F (q05: Our teams…)``, ``F (no header)``."""
    letter = column_letter(col.index)
    if not col.header:
        return f"{letter} (no header)"
    if item_id and key(col.header) != key(item_id):
        return f"{letter} ({item_id}: {short(col.header)})"
    return f"{letter} ({short(col.header)})"


def columns_found(columns: list[Column]) -> str:
    """The headed columns, for a message that says what was found instead."""
    shown = [f"{column_letter(c.index)} ({short(c.header)})" for c in columns if c.header]
    return "; ".join(shown) if shown else "none"


def find_layout(
    raw: RawRows,
    source: str,
    matcher: ItemMatcher,
    scale: AnswerScale,
    groups: dict[str, str],
    header_rows: int | None = None,
) -> tuple[Layout, list[DataWarning]]:
    """The header rows and columns of the file's head; a warning when sub-headers were found.

    ``groups`` are the keys of every group spelling: a row holding one is data.
    ``header_rows`` (1 or more) states how many header rows there are; ``None`` detects.
    """
    header_row = _header_row(raw, source)
    width = int(raw.fields[header_row]) if raw.fields is not None else len(raw.cells)
    headers = _row_text(raw, header_row, width)
    if header_rows is not None:
        subrows = _stated_subheader_rows(raw, header_row, width, header_rows, source)
    else:
        items = _item_columns(headers, matcher)
        subrows = _subheader_rows(raw, header_row, width, matcher, scale, groups, items)
    warnings: list[DataWarning] = []
    if subrows and header_rows is None:
        warnings.append(_subheader_warning(raw, header_row, len(subrows), source))
    data_start = header_row + 1 + len(subrows)
    layout = Layout(header_row, 1 + len(subrows), width, _columns(headers, subrows), data_start)
    return layout, warnings


def _row_text(raw: RawRows, r: int, width: int) -> list[str]:
    """The first ``width`` cells of row ``r``, spaces tidied and byte order marks dropped."""
    return [re.sub(r"\s+", " ", str(raw.cells[c][r]).replace("\ufeff", "")).strip()
            for c in range(width)]  # fmt: skip


def _header_row(raw: RawRows, source: str) -> int:
    """The first row with any text (blank rows above the header are common)."""
    total_width = len(raw.cells)
    nrows = len(raw.rownum)
    header_row = next(
        (r for r in range(min(nrows, 1000)) if any(_row_text(raw, r, total_width))), None
    )
    if header_row is None:
        raise ResponseDataError(f"{source}: the file is empty (no header row)")
    return header_row


def _stated_subheader_rows(
    raw: RawRows, header_row: int, width: int, header_rows: int, source: str
) -> list[list[str]]:
    """The ``header_rows - 1`` rows under the header, as the user stated (no detection)."""
    if header_rows < 1:
        raise UsageError(f"--header-rows {header_rows}: expected a number of at least 1")
    available = len(raw.rownum) - header_row
    if header_rows > available:
        raise UsageError(
            f"--header-rows {header_rows}: {source} has only {available} row(s) from its header on"
        )
    return [_row_text(raw, r, width) for r in range(header_row + 1, header_row + header_rows)]


def _item_columns(headers: list[str], matcher: ItemMatcher) -> list[int]:
    """The columns whose header names an item (all of them when none does)."""
    named = [c for c, text in enumerate(headers) if matcher.match(text)[0] < NO_MATCH]
    return named or list(range(len(headers)))


def _subheader_rows(
    raw: RawRows,
    header_row: int,
    width: int,
    matcher: ItemMatcher,
    scale: AnswerScale,
    groups: dict[str, str],
    items: list[int],
) -> list[list[str]]:
    """The sub-header rows right under the header (at most :data:`MAX_SUBHEADER_ROWS`)."""
    subrows: list[list[str]] = []
    r = header_row + 1
    while r < len(raw.rownum) and len(subrows) < MAX_SUBHEADER_ROWS:
        cells = _row_text(raw, r, width)
        if not _is_subheader(cells, matcher, scale, groups, items):
            break
        subrows.append(cells)
        r += 1
    return subrows


def _holds_answers(cells: list[str], scale: AnswerScale, items: list[int]) -> bool:
    """Most filled item cells of the row read as answers on the scale (or missing codes)."""
    filled = [cells[c] for c in items if c < len(cells) and cells[c]]
    answers = sum(scale.parse(c)[0] in (ANSWERED, MISSING_CODE) for c in filled)
    return answers * 2 > len(filled)


def _is_subheader(
    cells: list[str],
    matcher: ItemMatcher,
    scale: AnswerScale,
    groups: dict[str, str],
    items: list[int],
) -> bool:
    filled = [c for c in cells if c]
    if not filled:
        return False
    if any(c.startswith("{") and "importid" in c.casefold() for c in filled):
        return True  # Qualtrics' third header row
    if any(matcher.match(c)[0] <= 1 for c in filled) and not _holds_answers(cells, scale, items):
        return True  # a row of question texts (Qualtrics' second header row)
    for c in filled:
        if any(ch.isdigit() for ch in c) or key(c) in groups:
            return False
        if scale.parse(c)[0] in (ANSWERED, MISSING_CODE):
            return False
    return True  # only words that are no answers: "Response", "Open-Ended Response"


def _columns(headers: list[str], subrows: list[list[str]]) -> list[Column]:
    columns: list[Column] = []
    last_header = ""
    for c in range(len(headers)):
        candidates = [headers[c]] + [s[c] for s in subrows]
        if headers[c]:
            last_header = headers[c]
        elif subrows and last_header:
            candidates.append(last_header)  # a matrix question spans the cells to its right
        shown = headers[c] or next((x for x in candidates[1:] if x), "")
        columns.append(Column(c, shown, [x for x in candidates if x]))
    return columns


def _subheader_warning(raw: RawRows, header_row: int, count: int, source: str) -> DataWarning:
    first, last = raw.rownum[header_row + 1], raw.rownum[header_row + count]
    span = f"row {first}" if first == last else f"rows {first}–{last}"
    return DataWarning(
        code="header-rows",
        message=f"{source}: {span} under the header hold(s) sub-headers, not answers "
        "(SurveyMonkey/Qualtrics export); read as part of the header",
        row=int(first),
    )
