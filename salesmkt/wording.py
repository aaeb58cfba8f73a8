"""Number formatting shared by the score renderers.

Vocabulary: a *score* is shown with one decimal, unless rounding would carry it across a
stage *edge* (39.96 would read "40.0" next to "Undefined"); then it gets as many
decimals as it takes to stay on the right side. A *gap* carries its sign. ``None``
(a withheld or missing figure) shows as an en dash.
"""

from __future__ import annotations

from collections.abc import Sequence

DASH = "–"
# Matches scoring.STAGE_DECIMALS: the stage is decided on the score rounded to 9 places.
_STAGE_DECIMALS = 9


def fmt_score(value: float | None, edges: Sequence[float] = (), decimals: int = 1) -> str:
    """A score with ``decimals`` places, more if needed to keep it inside its stage."""
    if value is None:
        return DASH
    v = round(value, _STAGE_DECIMALS)
    for places in range(decimals, 7):
        text = f"{v:.{places}f}"
        shown = float(text)
        if all((shown >= e) == (v >= e) for e in edges):
            return text
    return f"{v:.6f}"


def fmt_mean(value: float | None, decimals: int = 2) -> str:
    return DASH if value is None else f"{value:.{decimals}f}"


def fmt_gap(value: float | None, decimals: int = 2) -> str:
    return DASH if value is None else f"{value:+.{decimals}f}"


def stage_edges(stages: Sequence[dict[str, object]]) -> list[float]:
    """The stage minimums of an assessment's scoring key (the band edges)."""
    edges: list[float] = []
    for s in stages:
        value = s.get("min")
        if isinstance(value, int | float):
            edges.append(float(value))
    return sorted(edges)
