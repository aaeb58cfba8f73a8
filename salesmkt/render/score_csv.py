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
line break, quotes doubled), but built column by column from each column's *distinct*
values: every distinct value is formatted, neutralised and quoted once, and the rows
are then joined. A million respondents hold a few hundred distinct totals and means,
so the cost is one join per row rather than pandas' formatting per cell.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from salesmkt.render.text import CONTROL_CHARS, neutralise_cell

if TYPE_CHECKING:
    import pandas as pd

    from salesmkt.analysis.scoring import ScoreResult

DECIMALS = 4
_NEEDS_QUOTES = (",", '"', "\n", "\r")


def _quoted(text: str) -> str:
    """``text`` as one CSV field (the csv module's minimal quoting)."""
    if any(ch in text for ch in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def _cell(value: Any) -> str:
    """A neutralised text cell, or a blank for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _quoted(str(neutralise_cell(str(value))))


def _column_cells(column: pd.Series) -> Callable[[int, int], list[str]]:
    """The cells of rows ``a`` to ``b`` of ``column`` as CSV text, each distinct value
    formatted once for the whole column."""
    import numpy as np
    import pandas as pd

    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":
        numbers = column.to_numpy()  # whole numbers, never missing
        return lambda a, b: list(map(str, numbers[a:b].tolist()))
    if pd.api.types.is_float_dtype(column.dtype):
        codes, shown = _float_text(column.to_numpy(dtype=np.float64, na_value=np.nan))
    else:
        codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=True)
        shown = [*_texts(uniques), ""]  # code -1 (missing) → the "" at the end
    table = np.array(shown, dtype=object)
    return lambda a, b: list(table[codes[a:b]].tolist())


_SPECIAL = re.compile(f'(?!\n)[{CONTROL_CHARS},"]')
"""A character :func:`~salesmkt.render.text.visible` shows by code (bar the line break
that joins the values), a comma or a quote."""
_FORMULA_START = ("=", "+", "-", "@")


def _texts(values: Any) -> list[str]:
    """Distinct non-missing cells as CSV fields."""
    import pandas as pd

    strings = pd.api.types.infer_dtype(values, skipna=False) == "string"
    texts: list[str] = values.tolist() if strings else [str(v) for v in values]
    # One search over them all (codes are mostly distinct, so per-value calls would
    # cost a second per million): only when something needs escaping is each one visited.
    joined = "\n".join(texts)
    plain = (
        joined.count("\n") == max(len(texts) - 1, 0)
        and not _SPECIAL.search(joined)
        and not joined.startswith(_FORMULA_START)
        and not any("\n" + start in joined for start in _FORMULA_START)
    )
    return texts if plain else [_cell(v) for v in values]


def _float_text(values: Any) -> tuple[Any, list[str]]:
    """Codes into the distinct rounded values' texts (the last one blank, for NaN)."""
    import numpy as np
    import pandas as pd

    with np.errstate(over="ignore"):  # a huge value rounds to inf, as in pandas
        values = values.round(DECIMALS)
    missing = np.isnan(values)
    # Distinct by bit pattern, so that -0.0 keeps its sign as numpy prints it.
    codes, uniques = pd.factorize(values.view(np.int64), use_na_sentinel=True)
    codes[missing] = -1
    shown: list[str] = np.asarray(uniques, dtype=np.int64).view(np.float64).astype(str).tolist()
    return codes, [*shown, ""]


_BLOCK_ROWS = 100_000
"""Rows joined at a time: the per-cell strings of one block are alive at once, not all."""


def render_csv(respondents: pd.DataFrame) -> str:
    """The per-respondent table as CSV text (figures rounded to 4 decimals)."""
    header = ",".join(_cell(str(c)) for c in respondents.columns)
    cells = [_column_cells(respondents.iloc[:, j]) for j in range(respondents.shape[1])]
    n = len(respondents)
    parts = [header, "\n"]
    for a in range(0, n if cells else 0, _BLOCK_ROWS):
        columns = [cell(a, min(n, a + _BLOCK_ROWS)) for cell in cells]
        if len(columns) == 1:  # the csv module quotes an empty lone field: a blank row shows
            columns = [[text or '""' for text in columns[0]]]
        parts += ["\n".join(map(",".join, zip(*columns, strict=True))), "\n"]
    return "".join(parts)


def render_score(result: ScoreResult) -> str:
    """The ``score`` subject's renderer (see :mod:`salesmkt.render.registry`)."""
    return render_csv(result.respondents)
