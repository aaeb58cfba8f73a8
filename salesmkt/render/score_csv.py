"""The per-respondent table as CSV.

Vocabulary: one row per scored respondent: spreadsheet ``row``, ``respondent`` code,
``group``, the other (segment) columns of the input, ``answered`` items, ``total``,
``stage`` and one column per dimension mean (figures rounded to 4 decimals). Figures
of respondents in a withheld group or ``--by`` cell are blank. Every text cell, and
every header, goes through :func:`~salesmkt.render.text.neutralise_cell`, so a
respondent code such as ``=cmd|' /C calc'!A0`` arrives in a spreadsheet as text, not as
a formula.

Speed: the text is the same as ``DataFrame.to_csv`` writes (numbers as numpy prints
them, missing values blank, a field quoted only when it holds a comma, a quote or a
line break, quotes doubled), but no Python runs per row or per cell. Each column becomes
its cells (:mod:`salesmkt.render.csv_columns`: codes into its distinct texts, or one
arrow text per row); neighbouring coded columns are *merged* into one column whose
distinct texts are the joined pairs (while there are at most :data:`_MERGED_TEXTS` of
them); then arrow joins the columns of a *block* of rows with commas, each row ending in
a line break. The blocks' UTF-8 bytes are what a file or a pipe gets: ``score --format
csv`` takes them as :class:`~salesmkt.render.outputs.Pieces` (:func:`csv_pieces`: the
header line, then blocks of :data:`_STREAM_ROWS` rows, each made when the one before it
is written), a caller wanting them whole from :func:`csv_data`; only :func:`render_csv`
decodes them. A text column whose values offer ``arrow()`` (the
reader's respondent codes, kept as one arrow string array) is neutralised and quoted
from that array, not from a million Python strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from salesmkt.render.arrow_calls import call
from salesmkt.render.csv_columns import (
    DECIMALS,
    Coded,
    Plain,
    arrow_cells,
    arrow_numbers,
    arrow_text,
    cell,
    coded_cells,
    column_cells,
    distinct_texts,
    float_cells,
    integer_cells,
    object_cells,
    text_scalar,
)
from salesmkt.render.outputs import Output, Pieces

if TYPE_CHECKING:
    import pandas as pd

    from salesmkt.analysis.respondent_table import RespondentColumn, RespondentTable
    from salesmkt.analysis.scoring import ScoreResult

__all__ = ["DECIMALS", "csv_data", "csv_pieces", "render_csv", "render_score"]

_MERGED_TEXTS = 1 << 16
"""At most this many distinct texts in a merged column (each built once, in Python)."""
_BLOCK_ROWS = 1 << 20
"""Rows joined at a time: the cells taken for one block are alive at once, not all.
(The text is returned whole, so its blocks' copies are the floor of the memory it
takes; smaller blocks would only add a copy of the whole text.)"""
_BLOCK_BYTES = 1 << 30
"""And at most this many bytes a block (arrow's string offsets are 32-bit)."""
_STREAM_ROWS = 1 << 15
"""Rows in a piece of :func:`csv_pieces` (some 2.7 MB of the score CSV): the memory a
piece's cells and bytes take is freed as the next is made and reused for it, where one
block of a million rows faults in some 150 MB of fresh memory, slow on a virtual
machine. At a million respondents (system CPU s, three runs each, load 3-4): one block
0.8-1.3 s for the whole command; pieces of 2^18 rows 0.28-0.47 s for the CSV alone, of
2^16 0.09-0.22, of 2^13-2^15 0.04-0.09 (smaller pieces: more calls, no less time)."""


def _merged(columns: Iterable[tuple[Coded | Plain, str]]) -> list[tuple[Coded | Plain, str]]:
    """Neighbouring coded columns (each with its header cell) joined into one where
    their texts stay few."""
    import numpy as np

    merged: list[tuple[Coded | Plain, str]] = []
    for column, header in columns:
        last, last_header = merged[-1] if merged else (None, "")
        if (
            isinstance(column, Coded)
            and isinstance(last, Coded)
            and len(last.texts) * len(column.texts) <= _MERGED_TEXTS
        ):
            codes = last.codes if last.codes.dtype == np.int32 else last.codes.astype(np.int32)
            codes *= len(column.texts)  # in place: ``codes`` is the merge's own copy
            codes += column.codes
            texts = [f"{a},{b}" for a in last.texts for b in column.texts]
            merged[-1] = (Coded(codes, texts), f"{last_header},{header}")
        else:
            merged.append((column, header))
    return merged


def _headed(column: Coded | Plain, header: str) -> Coded | Plain:
    """``column`` with its header cell as a first row, so that the header line comes
    out of the same join as the rows (and the text needs no copy to put it in front)."""
    import numpy as np
    import pyarrow as pa

    if isinstance(column, Coded):
        return Coded(np.concatenate(([len(column.texts)], column.codes)), [*column.texts, header])
    return Plain(pa.concat_arrays([arrow_text([header]), column.cells]))


def _line_ends(column: Coded | Plain, lone: bool) -> Coded | Plain:
    """The last column with each row's line break (and, alone, blanks as ``""``: the csv
    module quotes an empty lone field so that the row shows)."""
    if isinstance(column, Coded):
        return Coded(column.codes, [(t or '""' if lone else t) + "\n" for t in column.texts])
    cells = column.cells
    if lone:
        blank = call("equal", cells, text_scalar(""))
        cells = call("if_else", blank, text_scalar('""'), cells)
    return Plain(call("binary_join_element_wise", cells, text_scalar(""), text_scalar("\n")))


def _block_rows(columns: list[tuple[Any, Any]]) -> int:
    """Rows a block holds, so that its text stays below :data:`_BLOCK_BYTES` even if
    every row were as wide as the widest cell of each column makes it."""
    widest = len(columns)  # the separators and the line break
    for _, texts in columns:
        widest += call("max", call("binary_length", texts)).as_py() or 0
    return max(1, min(_BLOCK_ROWS, _BLOCK_BYTES // widest))


def _block_lines(columns: list[Any], a: int, b: int) -> memoryview:
    """Rows ``a`` to ``b`` as the UTF-8 bytes of their CSV lines: arrow joins the cells
    (a view of arrow's buffer, no copy)."""
    import numpy as np

    parts = [
        call("take", texts, arrow_numbers(codes[a:b]))
        if codes is not None
        else texts.slice(a, b - a)
        for codes, texts in columns
    ]
    comma = text_scalar(",")
    lines = call("binary_join_element_wise", *parts, comma) if len(parts) > 1 else parts[0]
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    if start == end:
        return memoryview(b"")
    return memoryview(lines.buffers()[2])[start:end]


def _in_arrow(columns: list[Coded | Plain]) -> list[tuple[Any, Any]]:
    """Each column as its codes (None for plain cells) and its texts in arrow. Raises
    UnicodeEncodeError for a lone surrogate, which arrow's UTF-8 cannot hold."""
    return [
        (c.codes, arrow_text(c.texts)) if isinstance(c, Coded) else (None, c.cells) for c in columns
    ]


def _python_rows(columns: list[Coded | Plain]) -> str:
    """The rows joined in Python, for cells arrow cannot hold (slow, and rare)."""
    import numpy as np

    cells = [
        np.array(c.texts, dtype=object)[c.codes].tolist()
        if isinstance(c, Coded)
        else c.cells.to_pylist()
        for c in columns
    ]
    return "".join(map(",".join, zip(*cells, strict=True)))


def _cells(column: RespondentColumn) -> Coded | Plain:
    """The cells of one column of the per-respondent table, in the form that suits it."""
    if column.kind == "series":
        return column_cells(column.values)
    if column.kind == "int":
        return integer_cells(column.values)
    if column.kind == "float":
        return float_cells(column.values)
    if column.codes is not None:  # a stage, or a group the reader knows as codes
        return coded_cells(column.codes, distinct_texts(column.categories))
    arrow = getattr(column.values, "arrow", None)
    if arrow is not None:  # text the reader holds in arrow (see csv_columns.arrow_cells)
        return arrow_cells(arrow())
    return object_cells(column.values)


def render_csv(respondents: pd.DataFrame | RespondentTable) -> str:
    """The per-respondent table (or any DataFrame) as CSV text (figures rounded to 4
    decimals)."""
    data = csv_data(respondents)
    return data if isinstance(data, str) else str(data, "utf-8")


def _table_cells(
    respondents: pd.DataFrame | RespondentTable,
) -> tuple[list[str], int, Iterator[Coded | Plain]]:
    """The header cells, the number of rows and (made as they are asked for) the cells
    of each column."""
    if hasattr(respondents, "iloc"):  # a DataFrame, cells by pandas' dtypes
        frame: pd.DataFrame = respondents
        names = [str(c) for c in frame.columns]
        n = frame.shape[0]
        cells = (column_cells(frame.iloc[:, j]) for j in range(len(names)))
    else:
        names = [c.name for c in respondents.columns]
        n = respondents.rows
        cells = (_cells(c) for c in respondents.columns)
    return [cell(name) for name in names], n, cells


def csv_data(respondents: pd.DataFrame | RespondentTable) -> str | bytes | memoryview:
    """:func:`render_csv` as its UTF-8 bytes, whole (what a file or a pipe takes, without
    decoding arrow's bytes into text to encode it again): up to a million rows a view of
    arrow's own buffer, not even copied. As text for the header line alone, and where
    arrow cannot hold a cell (a lone surrogate, which UTF-8 cannot encode)."""
    headers, n, cells = _table_cells(respondents)
    if n == 0 or not headers:
        return ",".join(headers) + "\n"  # a line of text: nothing to gain
    return _rows(zip(cells, headers, strict=True), n, lone=len(headers) == 1)


def csv_pieces(respondents: pd.DataFrame | RespondentTable) -> str | Pieces:
    """:func:`csv_data` in :class:`~salesmkt.render.outputs.Pieces`: the header line,
    then the rows a block of :data:`_STREAM_ROWS` at a time, each block's cells taken and
    joined only when the one before it has been written. The columns' cells are made
    (and a cell arrow cannot hold found) before the first piece. Text where
    :func:`csv_data` gives text."""
    headers, n, cells = _table_cells(respondents)
    if n == 0 or not headers:
        return ",".join(headers) + "\n"
    merged = _merged(zip(cells, headers, strict=True))
    last, last_header = merged[-1]
    merged[-1] = (_line_ends(last, lone=len(headers) == 1), last_header + "\n")
    columns = [column for column, _ in merged]
    header = ",".join(h for _, h in merged)
    try:
        head = header.encode("utf-8")
        arrow = _in_arrow(columns)
    except UnicodeEncodeError:  # a lone surrogate, which arrow's UTF-8 cannot hold
        return header + _python_rows(columns)
    step = min(_STREAM_ROWS, _block_rows(arrow))

    def pieces() -> Iterator[bytes | memoryview]:
        yield head
        for a in range(0, n, step):
            yield _block_lines(arrow, a, min(n, a + step))

    return Pieces(pieces)


def _rows(
    pairs: Iterable[tuple[Coded | Plain, str]], n: int, *, lone: bool
) -> str | bytes | memoryview:
    """The header line and ``n`` rows of the columns' cells (each with its header cell;
    ``lone``: a single column), made one column after another so that the merge frees
    each column's codes as it goes."""

    merged = _merged(pairs)
    last, last_header = merged[-1]
    merged[-1] = (_line_ends(last, lone=lone), last_header + "\n")
    columns = [_headed(column, header) for column, header in merged]
    try:
        arrow = _in_arrow(columns)
    except UnicodeEncodeError:  # a lone surrogate, which arrow's UTF-8 cannot hold
        return _python_rows(columns)
    step = _block_rows(arrow)
    if step >= n + 1:  # one block (up to a million rows): arrow's bytes as they are
        return _block_lines(arrow, 0, n + 1)
    return b"".join(_block_lines(arrow, a, min(n + 1, a + step)) for a in range(0, n + 1, step))


def render_score(result: ScoreResult) -> Output:
    """The ``score`` subject's renderer (see :mod:`salesmkt.render.registry`): the CSV's
    UTF-8 bytes in pieces (see :func:`csv_pieces`)."""
    return csv_pieces(result.respondent_table)
