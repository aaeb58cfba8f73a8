"""The per-respondent table as CSV.

Vocabulary: one row per scored respondent: spreadsheet ``row``, ``respondent`` code,
``group``, the other (segment) columns of the input, ``answered`` items, ``total``,
``stage`` and one column per dimension mean (figures rounded to 4 decimals). Figures
of respondents in a withheld group or ``--by`` cell are blank. Every text cell, and
every header, goes through :func:`~salesmkt.render.text.neutralise_cell`, so a
respondent code such as ``=cmd|' /C calc'!A0`` arrives in a spreadsheet as text, not as
a formula.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesmkt.render.text import neutralise_cell

if TYPE_CHECKING:
    import pandas as pd

    from salesmkt.analysis.scoring import ScoreResult

DECIMALS = 4


def _neutralised(column: pd.Series) -> pd.Series:
    import pandas as pd

    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        return column
    # Text columns repeat few values (group, stage, region): neutralise each distinct
    # value once, then map, instead of calling the function per row.
    codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=True)
    cleaned = [neutralise_cell(str(u)) for u in uniques]
    values = pd.array([*cleaned, None], dtype=object)  # code -1 (missing) → the None at the end
    return pd.Series(values[codes], index=column.index, dtype=object)


def render_csv(respondents: pd.DataFrame) -> str:
    """The per-respondent table as CSV text (figures rounded to 4 decimals)."""
    import pandas as pd

    frame = respondents.copy(deep=False)
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_float_dtype(column.dtype):
            # Rounded numbers print as short reprs, twice as fast as a float_format.
            frame[name] = column.round(DECIMALS)
        else:
            frame[name] = _neutralised(column)
    frame.columns = [str(neutralise_cell(str(c))) for c in frame.columns]
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text


def render_score(result: ScoreResult) -> str:
    """The ``score`` subject's renderer (see :mod:`salesmkt.render.registry`)."""
    return render_csv(result.respondents)
