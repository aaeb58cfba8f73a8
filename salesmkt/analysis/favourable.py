"""% favourable: the share of answers in the top points of the scale.

Vocabulary:
- *favourable points*: the top two points of the questionnaire's numeric scale (4 and 5
  on 1–5, 6 and 7 on 1–7), counted on recoded answers (a reverse item's favourable
  answers are its bottom two before recoding). A scale of three points or fewer has a
  single favourable point, its top: two of three points would count the neutral middle
  as favourable. :func:`favourable_from` gives the lowest favourable point.
- *share*: favourable answers over answers given, per item, per dimension (all the
  answers to the dimension's items, so each answer weighs alike) and per group (all its
  answers). Missing answers are left out of both counts; withheld groups are left out of
  every share that pools groups, as they are of the means.
- *favourable matrix*: respondents × items, True where an answer is favourable, False
  otherwise (missing answers are False and not counted, see ``Prepared.valid``). Kept as
  booleans, not floats: an eighth of the memory (160 MB less at a million respondents);
  ``bincount`` weighs them as 1.0 and 0.0, so every count is the same.

Everything is one comparison over the answers matrix and one ``bincount`` per item
(:func:`salesmkt.analysis.cells.cell_stats`): linear in respondents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesmkt.analysis.prepared import Prepared
    from salesmkt.definitions.questionnaire import Questionnaire

    BoolArray = NDArray[np.bool_]

__all__ = ["TOP_POINTS", "favourable_from", "favourable_matrix"]

# How many top points of the scale count as favourable (fewer on a scale of <= 3 points).
TOP_POINTS = 2


def favourable_from(q: Questionnaire) -> float | None:
    """The lowest favourable point of the scale (4 on 1–5), None without a numeric scale."""
    scale = q.scale
    if scale.type != "numeric" or scale.min is None or scale.max is None:
        return None
    points = scale.max - scale.min + 1
    top = TOP_POINTS if points > 3 else 1
    return float(scale.max - top + 1)


def favourable_matrix(prep: Prepared, start: float) -> BoolArray:
    """True where a recoded answer is at or above ``start`` and was given (Fortran-ordered
    like ``prep.filled``, so each item is one contiguous column)."""
    hit: BoolArray = np.greater_equal(prep.filled, start, order="F")
    hit &= prep.valid
    return hit
