"""The assessment as JSON: the one documented machine-readable output of ``score``.

Vocabulary: the *document* is ``Assessment.model_dump_json`` with two-space indents;
``recommend``, ``report`` and ``compare`` read it back with
:func:`salesmkt.analysis.saved.load_assessment_json`. It never holds NaN or infinity: a
missing or withheld figure is ``null``, and a non-finite number is a bug that stops
the output rather than slipping through as ``null``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from salesmkt.model.assessment import Assessment

if TYPE_CHECKING:
    from salesmkt.analysis.scoring import ScoreResult


def _non_finite(value: object, where: str) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return where
    if isinstance(value, dict):
        for key, item in value.items():
            found = _non_finite(item, f"{where}.{key}")
            if found:
                return found
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _non_finite(item, f"{where}[{i}]")
            if found:
                return found
    return None


def render_json(assessment: Assessment) -> str:
    """The assessment as indented JSON text (ending in a newline)."""
    where = _non_finite(assessment.model_dump(), "assessment")
    if where is not None:
        raise ValueError(f"non-finite number in {where}")
    return assessment.model_dump_json(indent=2) + "\n"


def render_score(result: ScoreResult) -> str:
    """The ``score`` subject's renderer (see :mod:`salesmkt.render.registry`)."""
    return render_json(result.assessment)
