"""The oracle for the per-respondent CSV: pandas' own writer.

``pandas_csv(frame)`` is what ``DataFrame.to_csv`` writes after rounding floats to the
renderer's decimals and neutralising every text cell and header, written independently
of the renderer (which builds the same text without pandas' per-cell formatting).
"""

from __future__ import annotations

import pandas as pd

from salesmkt.render.score_csv import DECIMALS
from salesmkt.render.text import neutralise_cell


def pandas_csv(frame: pd.DataFrame) -> str:
    """``DataFrame.to_csv`` after rounding floats and neutralising every text cell."""
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if pd.api.types.is_float_dtype(col.dtype):
            out[name] = col.round(DECIMALS)
        elif not (
            pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype)
        ):
            # object: pandas 3 would infer arrow text, which cannot hold a lone surrogate
            out[name] = pd.Series(
                [None if pd.isna(v) else neutralise_cell(str(v)) for v in col], dtype=object
            )
    out.columns = [str(neutralise_cell(str(c))) for c in out.columns]
    text: str = out.to_csv(index=False, lineterminator="\n")
    return text
