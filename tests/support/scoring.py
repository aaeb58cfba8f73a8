"""Build ``ResponseTable``s by hand for the scoring tests, and an independent oracle.

The oracle recomputes every figure with plain Python loops and the ``statistics`` module,
from the raw answers, so the vectorised scoring is checked against code that shares
nothing with it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.intake.responses import ResponseTable

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scoring"
NA = math.nan


def tiny() -> Questionnaire:
    return load(FIXTURES / "tiny.yaml")


def tiny_on_scale(folder: Path, lo: int, hi: int) -> Questionnaire:
    """The tiny instrument on the scale ``lo``..``hi`` (t3 reverse-scored), its stages cut
    in three equal spans of the total, written to ``folder`` and loaded."""
    text = (FIXTURES / "tiny.yaml").read_text()
    text = text.replace("min: 1\n  max: 5", f"min: {lo}\n  max: {hi}")
    text = text.replace("{1: Strongly disagree, 5: Strongly agree}", f"{{{lo}: Low, {hi}: High}}")
    span = 4 * (hi - lo)
    cuts = [4 * lo, 4 * lo + span // 3, 4 * lo + 2 * span // 3, 4 * hi + 1]
    for i, stage in enumerate(("low", "mid", "high")):
        old = next(line for line in text.splitlines() if f"{{id: {stage}," in line)
        a, b = cuts[i], cuts[i + 1] - 1
        text = text.replace(old, f"  - {{id: {stage}, label: {stage.title()}, min: {a}, max: {b}}}")
    path = folder / f"tiny-{lo}-{hi}.yaml"
    path.write_text(text)
    return load(path)


def make_table(
    q: Questionnaire,
    answers: Sequence[Sequence[float]],
    groups: Sequence[str],
    *,
    respondents: Sequence[str] | None = None,
    segments: dict[str, Sequence[str]] | None = None,
    source: str = "test.csv",
) -> ResponseTable:
    n = len(answers)
    frame = pd.DataFrame(np.array(answers, dtype=np.float64).reshape(n, len(q.items)))
    frame.columns = q.item_ids
    return ResponseTable(
        source=source,
        questionnaire=q,
        answers=frame,
        group=pd.Series(list(groups), dtype=object),
        respondent=None if respondents is None else pd.Series(list(respondents), dtype=object),
        segments=pd.DataFrame({k: list(v) for k, v in (segments or {}).items()}, index=range(n)),
        comments=pd.DataFrame(index=range(n)),
        rows=pd.Series(range(2, n + 2)),
        columns={},
        group_column="group",
        rows_read=n,
        excluded=[],
        warnings=[],
        encoding="utf-8",
        delimiter=",",
        header_rows=1,
    )


def recoded(q: Questionnaire, row: Sequence[float]) -> list[float | None]:
    assert q.scale.min is not None and q.scale.max is not None
    out: list[float | None] = []
    for item, value in zip(q.items, row, strict=True):
        if value != value:  # NaN
            out.append(None)
        elif item.reverse:
            out.append(q.scale.min + q.scale.max - value)
        else:
            out.append(value)
    return out


def oracle_total(q: Questionnaire, row: Sequence[float]) -> float:
    vals = [v for v in recoded(q, row) if v is not None]
    return statistics.mean(vals) * len(q.items)


def oracle_dimension(q: Questionnaire, row: Sequence[float], dim: str) -> float | None:
    vals = [
        v
        for it, v in zip(q.items, recoded(q, row), strict=True)
        if it.dimension == dim and v is not None
    ]
    return statistics.mean(vals) if vals else None


def oracle_group(q: Questionnaire, rows: list[Sequence[float]]) -> dict[str, Any]:
    totals = [oracle_total(q, r) for r in rows]
    items: dict[str, float | None] = {}
    for j, it in enumerate(q.items):
        vals = [recoded(q, r)[j] for r in rows]
        answered = [v for v in vals if v is not None]
        items[it.id] = statistics.mean(answered) if answered else None
    dims: dict[str, float | None] = {}
    for d in q.dimensions:
        vals = [oracle_dimension(q, r, d.id) for r in rows]
        answered = [v for v in vals if v is not None]
        dims[d.id] = statistics.mean(answered) if answered else None
    return {
        "n": len(rows),
        "mean": statistics.mean(totals),
        "median": statistics.median(totals),
        "sd": statistics.stdev(totals) if len(totals) > 1 else None,
        "min": min(totals),
        "max": max(totals),
        "totals": totals,
        "items": items,
        "dims": dims,
    }


class _FivePointScale:
    midpoint = 3.0
    min = 1
    max = 5


class FivePointQ:
    """A stand-in questionnaire with only a 1–5 scale (midpoint 3), for the functions
    that read nothing else of it (``quality.scale_moments``)."""

    scale = _FivePointScale()


@dataclass
class MomentGroups:
    """What of :class:`~salesmkt.analysis.gapdata.Groups` the reliability moments read:
    each row's group code and the rows of each shown group."""

    code: np.ndarray
    rows: dict[int, np.ndarray]

    @classmethod
    def of(cls, code: np.ndarray, shown: Sequence[int]) -> MomentGroups:
        return cls(code, {c: np.flatnonzero(code == c) for c in shown})

    def shown(self) -> list[int]:
        return sorted(self.rows)
