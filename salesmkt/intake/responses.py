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
(:func:`.distinct.factorize`), so only the few distinct spellings go through Python.
Ragged rows are found by counting delimiters outside quotes with numpy, not by parsing
twice. Only the cells and rows that are wrong are visited one by one, to word their
messages.

Without pandas (its import alone is a quarter of a small run): the table holds its
columns as numpy arrays; ``answers``, ``group``, ``respondent``, ``rows``, ``segments``
and ``comments`` become pandas objects the first time they are read, as every reader
outside scoring expects. ``score`` and ``gaps`` read the arrays instead
(:func:`column_values`, :func:`column_codes`, :func:`answer_codes`,
:func:`blank_comments`), so this module brings no pandas on their way.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import UsageError
from salesmkt.intake.arrowtext import ArrowText
from salesmkt.intake.coded import CodedText
from salesmkt.intake.columns import (
    Roles,
    find_roles,
    load_mapping,
    match_items,
    segments_and_comments,
)
from salesmkt.intake.files import Rescan, TextFile, open_responses
from salesmkt.intake.freetext import FreeText
from salesmkt.intake.gate import (
    STRAIGHT_LINE_MIN_POINTS,
    GroupIds,
    empty_rows,
    excluded_respondents,
    exclusion_reasons,
    find_problems,
    gate_failure,
    parse_cells,
    straight_lining,
)
from salesmkt.intake.headers import GROUP_COLUMN_NAMES, RESPONDENT_COLUMN_NAMES, ItemMatcher
from salesmkt.intake.layout import Column, Layout, find_layout
from salesmkt.intake.rawfile import (
    RawRows,
    ResponsesFile,
    check_cells,
    check_rows,
    check_width,
    column_letter,
)
from salesmkt.intake.scale import BLANK_CODE, AnswerScale, parse_answers
from salesmkt.intake.sheets import choose_sheet
from salesmkt.intake.source import ResponseSource
from salesmkt.intake.spelling import tidy
from salesmkt.intake.workbook import Workbook
from salesmkt.model.assessment import DataWarning, Excluded

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "GROUP_COLUMN_NAMES",
    "RESPONDENT_COLUMN_NAMES",
    "AnswerScale",
    "ResponseTable",
    "answer_codes",
    "blank_comments",
    "column_codes",
    "column_held",
    "column_letter",
    "column_values",
    "has_comments",
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


@dataclass(frozen=True)
class _Column:
    """A Series not built yet: its values (the table's own; the Series keeps their
    dtype), its name and, when the reader knows them, the values as codes."""

    values: npt.NDArray[Any]
    name: str
    # The values as codes into names (not all used, perhaps repeated), when known.
    dictionary: tuple[npt.NDArray[np.intp], list[str]] | None = None

    def build(self) -> pd.Series:
        import pandas as pd

        # copy=False: the array is the table's own (pandas 3 copies by default).
        values = self.values.cells() if isinstance(self.values, ArrowText) else self.values
        index = pd.RangeIndex(len(values))
        return pd.Series(values, index=index, dtype=values.dtype, name=self.name, copy=False)


@dataclass(frozen=True)
class _TextColumns:
    """A frame of text columns not built yet: unique names, one array each, row count."""

    names: list[str]
    arrays: list[npt.NDArray[Any]]
    rows: int

    @property
    def empty(self) -> bool:
        return not self.names or not self.rows

    def build(self) -> pd.DataFrame:
        import pandas as pd

        body = dict(zip(self.names, self.arrays, strict=True))
        index = pd.RangeIndex(self.rows)
        return pd.DataFrame(body, index=index, columns=self.names, dtype=object)


_Held = _Column | _TextColumns


def _held_key(name: str) -> str:
    """Where a table's ``__dict__`` keeps the arrays of its field ``name`` until read."""
    return f"_held_{name}"


class _BuiltOnRead:
    """A :class:`ResponseTable` field held as arrays (:class:`_Column`,
    :class:`_TextColumns`) until first read, then as the pandas object built from them;
    setting a pandas object (or None) replaces both. The arrays live in the instance's
    ``__dict__`` under ``_held_<name>``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.held = _held_key(name)

    def __get__(self, table: object, owner: type | None = None) -> Any:
        if table is None:
            raise AttributeError(self.name)  # a dataclass field without a default
        state = table.__dict__
        if self.name not in state:
            state[self.name] = state.pop(self.held).build()
        return state[self.name]

    def __set__(self, table: object, value: Any) -> None:
        state = table.__dict__
        if isinstance(value, _Held):
            state.pop(self.name, None)
            state[self.held] = value
        else:
            state[self.name] = value
            state.pop(self.held, None)


for _name in ("group", "respondent", "rows", "segments"):
    # After the class: as class attributes in its body, dataclass would take them for
    # defaults.
    setattr(ResponseTable, _name, _BuiltOnRead(_name))


def column_values(table: ResponseTable, name: str) -> npt.NDArray[Any] | None:
    """The values of the table's ``group``, ``respondent`` or ``rows`` as an array
    (None for no respondent column), without building the Series when it is not built
    yet: what scoring reads, so that it never imports pandas. The respondent ids may be
    arrow text (:class:`.arrowtext.ArrowText`), which stands for their object array and
    builds only the cells a cell, slice, index or mask asks for."""
    held = _held_column(table, name)
    if held is not None:
        return held.values
    series = getattr(table, name)
    return None if series is None else series.to_numpy()


def column_codes(table: ResponseTable, name: str) -> tuple[npt.NDArray[np.intp], list[str]] | None:
    """The held values of the table's ``name`` as codes into names (some perhaps unused
    or listed twice) when the reader knows them and the Series was neither built nor
    replaced; else None."""
    held = _held_column(table, name)
    return None if held is None else held.dictionary


def column_held(table: ResponseTable, name: str) -> bool:
    """Whether the table's ``name`` is still the reader's array (its Series neither built
    nor replaced): then its values are known to be the reader's object strings."""
    return _held_column(table, name) is not None


def _held_column(table: ResponseTable, name: str) -> _Column | None:
    """The reader's arrays for the table's ``name`` while its Series is not built (see
    :class:`_BuiltOnRead`, which keeps them under this key)."""
    held = table.__dict__.get(_held_key(name))
    return held if isinstance(held, _Column) else None


class _TidiedOnRead:
    """:attr:`ResponseTable.comments`: the comment columns read as they are in the file
    are tidied (see :func:`.spelling.tidy`) the first time the comments are read.

    Tidying 2 KB of free text per respondent took most of a run; ``score`` and ``gaps``
    never read the comments, the report and ``merge`` do. The frame (or the arrays it is
    built from, :class:`_TextColumns`) lives in the instance's ``__dict__``, the names of
    the columns still to tidy beside it."""

    def __get__(self, table: object, owner: type | None = None) -> Any:
        if table is None:
            raise AttributeError("comments")  # a dataclass field without a default
        frame = _comments_frame(table)
        names = table.__dict__.pop(_UNTIDY, ())
        if names:
            frame = frame.copy()
            for name in names:
                cells = frame[name].to_numpy(dtype=object, copy=True)
                text = np.flatnonzero([isinstance(v, str) for v in cells.tolist()])
                cells[text] = tidy(cells[text])
                frame[name] = cells
            table.__dict__["comments"] = frame
        return frame

    def __set__(self, table: object, frame: pd.DataFrame | _TextColumns) -> None:
        table.__dict__["comments"] = frame
        table.__dict__.pop(_UNTIDY, None)


def _comments_frame(table: object) -> pd.DataFrame:
    """The comments as held, built into a frame (not tidied) if they were arrays."""
    held = table.__dict__["comments"]
    if isinstance(held, _TextColumns):
        held = table.__dict__["comments"] = held.build()
    frame: pd.DataFrame = held
    return frame


_UNTIDY = "_comments_untidy"
setattr(ResponseTable, "comments", _TidiedOnRead())  # noqa: B010


class _AnswersOnRead:
    """:attr:`ResponseTable.answers`: answers read as ``int8`` codes (see
    :class:`.gate.ParsedCells`) become the float64 frame (NaN unless answered) the
    first time the attribute is read.

    ``score`` and ``gaps`` never read it: :func:`answer_codes` hands scoring the codes,
    1 byte a cell where the frame takes 8 (160 MB at a million respondents × 20 items).
    The codes live in the instance's ``__dict__`` until the frame is built or set."""

    def __get__(self, table: object, owner: type | None = None) -> Any:
        if table is None:
            raise AttributeError("answers")  # a dataclass field without a default
        state = table.__dict__
        if "answers" not in state:
            import pandas as pd

            codes, names = state.pop(_CODES)
            values = codes.astype(np.float64)
            np.copyto(values, np.nan, where=codes == BLANK_CODE)
            state["answers"] = pd.DataFrame(values.T, columns=names, copy=False)
        return state["answers"]

    def __set__(self, table: object, frame: pd.DataFrame | _Codes) -> None:
        if isinstance(frame, _Codes):
            table.__dict__.pop("answers", None)
            table.__dict__[_CODES] = (frame.codes, frame.names)
        else:
            table.__dict__["answers"] = frame
            table.__dict__.pop(_CODES, None)


@dataclass(frozen=True)
class _Codes:
    """Answers as int8 codes (items × rows), set as :attr:`ResponseTable.answers`."""

    codes: npt.NDArray[np.int8]
    names: list[str]


_CODES = "_answer_codes"
setattr(ResponseTable, "answers", _AnswersOnRead())  # noqa: B010


def answer_codes(table: ResponseTable) -> npt.NDArray[np.int8] | None:
    """The table's answers as int8 codes, items × rows (:data:`.scale.BLANK_CODE` unless
    answered), while the float64 frame has not been built (so cannot have been changed);
    else None and the frame is the answers."""
    if "answers" in table.__dict__:
        return None
    codes: npt.NDArray[np.int8] = table.__dict__[_CODES][0]
    return codes


def raw_comments(table: ResponseTable) -> pd.DataFrame:
    """The table's comments as held, some columns perhaps not yet tidied: for changes
    that do not depend on the text (blanking cells) without tidying it."""
    return _comments_frame(table)


def has_comments(table: ResponseTable) -> bool:
    """Whether the table holds any comment cell (without building the comments' frame)."""
    return not table.__dict__["comments"].empty


def blank_comments(table: ResponseTable, drop: npt.NDArray[np.bool_]) -> ResponseTable:
    """``table``, or a copy of it whose comments are blanked (None) on the ``drop``
    rows; neither tidies the comments, nor builds their frame if it is not built yet."""
    held = table.__dict__["comments"]
    if held.empty or not drop.any():
        return table
    if isinstance(held, _TextColumns):
        arrays = [_blanked(a, drop) for a in held.arrays]
        return with_comments(table, _TextColumns(held.names, arrays, held.rows))
    frame = held.copy()
    frame.loc[drop] = None
    return with_comments(table, frame)


def _blanked(cells: npt.NDArray[Any], drop: npt.NDArray[np.bool_]) -> npt.NDArray[Any]:
    """A copy of ``cells`` blanked (None) on the ``drop`` rows; a lazy free-text column
    stays unread (blanked when it is read)."""
    if isinstance(cells, FreeText) and not cells.read_yet:
        return cells.blanked(drop)
    out = cells.copy()
    out[drop] = None
    return out


def with_comments(
    table: ResponseTable, frame: pd.DataFrame | _TextColumns, untidy: list[str] | None = None
) -> ResponseTable:
    """A copy of ``table`` with ``frame`` as its comments, whose ``untidy`` columns
    (by default the ones still untidied in ``table``) are tidied when first read."""
    pending = table.__dict__.get(_UNTIDY, ()) if untidy is None else tuple(untidy)
    new = copy.copy(table)  # not dataclasses.replace: that reads (so tidies) the comments
    new.__dict__["comments"] = frame
    new.__dict__.pop(_UNTIDY, None)
    if pending:
        new.__dict__[_UNTIDY] = pending
    return new


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
    name = str(source.path)
    _check_options(source, questionnaire, max_missing)
    scale = AnswerScale(questionnaire)
    opened, layout, roles, body, warnings = _open_and_match(source, questionnaire, scale)

    free = frozenset(range(len(body.cells))) - roles.used
    cells = parse_cells(
        body.cells, layout, roles.items, questionnaire, scale, body.factorized, free
    )
    for col in roles.items.values():  # parsed: let the item cells go (half the memory at 1M rows)
        body.cells[col.index] = body.cells[col.index][:0]
    body.factorized.clear()
    warnings += empty_rows(cells, body.rownum, name)
    problems, groups = find_problems(cells, body, layout, roles, questionnaire)
    if problems and not source.drop_invalid:
        raise gate_failure(problems, body.rownum, name)
    reasons = exclusion_reasons(cells, problems, len(questionnaire.items), max_missing)
    excluded = excluded_respondents(reasons, cells, roles, groups, body.rownum)

    kept = _KeptRows.of(cells.content, reasons)
    answers, values = _answers(cells.values, kept, questionnaire)
    resp_ids = cells.text[roles.respondent.index] if roles.respondent is not None else None
    group, respondent, rows = _row_labels(kept, groups, resp_ids, body.rownum)
    if len(questionnaire.scale.points) >= STRAIGHT_LINE_MIN_POINTS:
        counts = kept.take(cells.answered)
        warnings += straight_lining(
            values,
            counts,
            rows.values,
            None if respondent is None else respondent.values,
            questionnaire,
        )
    segments, comments = segments_and_comments(layout, roles, cells.text, cells.untidy)
    for col in segments:  # free text all the same, but --by may group by it
        if col.index in cells.untidy:
            cells.text[col.index] = tidy(cells.text[col.index])
    table = ResponseTable(
        source=name,
        questionnaire=questionnaire,
        answers=answers,  # int8 codes become the frame when read: see _AnswersOnRead
        group=group,
        respondent=respondent,
        segments=_text_columns(segments, cells.text, kept),
        comments=_text_columns(comments, cells.text, kept),
        rows=rows,
        columns={item_id: roles.items[item_id].header for item_id in questionnaire.item_ids},
        group_column=roles.group.header if roles.group is not None else "",
        rows_read=int(cells.content.sum()),
        excluded=excluded,
        warnings=warnings,
        encoding=opened.encoding,
        delimiter=opened.delimiter,
        header_rows=layout.header_rows,
    )
    untidy = [
        n for n, c in zip(_unique_names(comments), comments, strict=True) if c.index in cells.untidy
    ]
    return with_comments(table, table.__dict__["comments"], untidy)


def _check_options(
    source: ResponseSource, questionnaire: Questionnaire, max_missing: float
) -> None:
    if not 0 <= max_missing <= 1:
        raise UsageError(f"max_missing must be a fraction between 0 and 1, got {max_missing}")
    if source.group_column is not None and not questionnaire.groups:
        raise UsageError(
            f"questionnaire {questionnaire.id!r} has no groups, so a group column does not apply"
        )


def _open_and_match(
    source: ResponseSource, questionnaire: Questionnaire, scale: AnswerScale
) -> tuple[ResponsesFile, Layout, Roles, RawRows, list[DataWarning]]:
    """The file opened, its header rows found, its columns matched and its body read,
    with the warnings so far (the file's encoding or sheets, sub-header rows)."""
    try:
        return _match(source, questionnaire, scale, exact=False)
    except Rescan:  # rare: a text file wider than its first records
        return _match(source, questionnaire, scale, exact=True)


def _match(
    source: ResponseSource, questionnaire: Questionnaire, scale: AnswerScale, *, exact: bool
) -> tuple[ResponsesFile, Layout, Roles, RawRows, list[DataWarning]]:
    """:func:`_open_and_match`, the text file's records all counted up front if ``exact``."""
    name = str(source.path)
    matcher = ItemMatcher(questionnaire)
    group_names = questionnaire.group_lookup()
    mapping = load_mapping(source.mapping, questionnaire) if source.mapping is not None else {}

    opened = open_responses(source.path, name, source.sheet, exact=exact)

    def fit() -> tuple[RawRows, Layout, list[DataWarning], dict[str, Column]]:
        head = opened.head()
        check_width(head, name)
        layout, found = find_layout(head, name, matcher, scale, group_names, source.header_rows)
        return head, layout, found, match_items(layout, questionnaire, matcher, mapping, name)

    if isinstance(opened, Workbook):
        (head, layout, found, items), chosen = choose_sheet(opened, fit, source.sheet is not None)
    else:
        (head, layout, found, items), chosen = fit(), []
    warnings = opened.warnings + chosen + found
    numeric = _numeric_columns(head, layout, items, scale)
    body = _read_body(opened, layout.data_start, numeric, items, questionnaire)
    check_rows(body, name)
    # Item cells are judged on the scale; columns the reader measured need no second look.
    measured = {c.index for c in items.values()}
    if isinstance(opened, TextFile):
        measured |= opened.short_columns
    check_cells(
        [c if i not in measured else c[:0] for i, c in enumerate(body.cells)],
        body.rownum,
        name,
    )
    roles = find_roles(
        layout,
        body.cells,
        items,
        questionnaire,
        group_names,
        respondent_column=source.respondent_column,
        group_column=source.group_column,
        source=name,
    )
    for c, column in enumerate(body.cells):  # only the ids stay arrow text (see .arrowtext)
        if isinstance(column, ArrowText) and (
            roles.respondent is None or c != roles.respondent.index
        ):
            body.cells[c] = column.cells()
    return opened, layout, roles, body, warnings


def _read_body(
    opened: ResponsesFile,
    start: int,
    numeric: list[int],
    items: dict[str, Column],
    questionnaire: Questionnaire,
) -> RawRows:
    """The body from record ``start`` on, the ``numeric`` columns perhaps as numbers."""
    lo, hi = questionnaire.scale.min or 0, questionnaire.scale.max or 0
    if isinstance(opened, TextFile):  # the item columns' codes come with the text
        item_indexes = [c.index for c in items.values()]
        return opened.body(start, numeric, lo, hi, items=item_indexes)
    return opened.body(start, numeric, lo, hi)


def _numeric_columns(
    head: RawRows, layout: Layout, items: dict[str, Column], scale: AnswerScale
) -> list[int]:
    """The item columns to read as plain numbers: all of them, or none."""
    # Try the numeric fast path only when the first rows give no reason to expect text.
    first_cells = [
        str(cell) for c in items.values() for cell in head.cells[c.index][layout.data_start :]
    ]
    plain = all(_PLAIN_NUMBER.match(cell) for cell in first_cells)
    return [c.index for c in items.values()] if plain and not scale.choice else []


# -- the table of the respondents kept ------------------------------------------------


@dataclass
class _KeptRows:
    """The data rows that go into the table, as indexes into the data rows and as a mask
    of them (numpy picks a small-integer column's rows by a mask three times as fast as
    by a million indexes)."""

    index: npt.NDArray[np.intp]
    every: bool  # every data row is kept: columns go into the table as they are
    mask: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, content: npt.NDArray[np.bool_], reasons: dict[int, list[str]]) -> _KeptRows:
        """The rows holding anything, less the excluded ones."""
        keep = content.copy()
        keep[list(reasons)] = False
        kept = np.flatnonzero(keep)
        return cls(kept, len(kept) == len(content), keep)

    def take(self, column: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return column if self.every else column[self.mask]


def _answers(
    values: npt.NDArray[Any], kept: _KeptRows, questionnaire: Questionnaire
) -> tuple[pd.DataFrame | _Codes, npt.NDArray[Any]]:  # a frame: pandas read the file already
    """The answers of the kept rows (the frame, or int8 codes that become it when read),
    and the items × rows grid they are a view of."""
    if not kept.every:  # compact in place, one item at a time: no second copy of the grid
        for j in range(len(values)):
            values[j, : len(kept.index)] = values[j][kept.mask]
        values = values[:, : len(kept.index)]
    if values.dtype == np.int8:
        return _Codes(values, list(questionnaire.item_ids)), values
    import pandas as pd

    answers = pd.DataFrame(values.T, columns=questionnaire.item_ids, copy=False)
    return answers, values


def _row_labels(
    kept: _KeptRows,
    groups: GroupIds | None,
    resp_ids: npt.NDArray[Any] | None,
    rownum: npt.NDArray[np.int64],
) -> tuple[_Column, _Column | None, _Column]:
    """Group (``all`` without groups), respondent id and spreadsheet row of each kept
    row, as the arrays their Series are built from when read."""
    if groups is not None:
        ids = np.asarray(kept.take(groups.ids), dtype=object)
        group = _Column(ids, "group", (kept.take(groups.codes), groups.names))
    else:
        everyone = np.full(len(kept.index), "all", dtype=object)
        group = _Column(everyone, "group", (np.zeros(len(everyone), dtype=np.intp), ["all"]))
    respondent = None
    if isinstance(resp_ids, ArrowText):  # kept as arrow text: see column_values
        ids = resp_ids if kept.every else resp_ids.take(kept.index)
        respondent = _Column(ids, "respondent")
    elif resp_ids is not None:
        respondent = _Column(np.asarray(kept.take(resp_ids), dtype=object), "respondent")
    rows = _Column(np.asarray(kept.take(rownum), dtype=np.int64), "row")
    return group, respondent, rows


def _text_columns(
    cols: list[Column], text: dict[int, npt.NDArray[Any]], kept: _KeptRows
) -> _TextColumns:
    """Segment or comment columns of the kept rows, as text, under unique names."""
    names = _unique_names(cols)
    arrays = [_kept_cells(text[c.index], kept) for c in cols]
    return _TextColumns(names, arrays, len(kept.index))


def _kept_cells(cells: npt.NDArray[Any], kept: _KeptRows) -> npt.NDArray[Any]:
    """The ``kept`` rows of a text column; a lazy free-text column
    (:class:`.freetext.FreeText`) stays unread (``score`` never reads its comments)."""
    if isinstance(cells, FreeText) and not cells.read_yet:
        return cells if kept.every else cells.take(kept.index)
    if isinstance(cells, CodedText):  # the table holds object arrays, as it always did
        return cells.cells() if kept.every else cells[kept.index]
    return kept.take(cells)


def _unique_names(columns: list[Column]) -> list[str]:
    """Headers made unique (``region``, ``region (2)``); no header becomes ``column F``."""
    seen: dict[str, int] = {}
    names: list[str] = []
    for col in columns:
        base = col.header or f"column {column_letter(col.index)}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return names
