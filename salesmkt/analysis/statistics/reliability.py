"""Reliability: Cronbach's alpha of a scale, with corrected item-total correlations.

Vocabulary:
- *alpha*: k / (k - 1) * (1 - sum(var_i) / var_total), variances with ddof = 1, over the
  respondents who answered every item (**listwise** deletion: alpha compares variances
  that must come from the same people, so a row with any NaN is dropped).
- *corrected item-total correlation*: the Pearson correlation of an item with the sum of
  the *other* items; *alpha if dropped*: alpha of the scale without that item.
- *not estimable*: fewer than 2 items or 2 complete respondents, or every complete
  respondent with the same total; the figure is None and the reason says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel

from salesmkt.analysis.statistics.sample import MODEL_CONFIG, as_matrix, finite, join_reasons
from salesmkt.model.assessment import RELIABILITY_FLOOR

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    FloatArray = NDArray[np.float64]

__all__ = ["ItemTotal", "Reliability", "cronbach_alpha"]


class ItemTotal(BaseModel):
    """Item analysis for one item of a scale."""

    model_config = MODEL_CONFIG

    index: int
    item_id: str
    corrected_item_total: float | None = None
    alpha_if_dropped: float | None = None
    reason: str | None = None


class Reliability(BaseModel):
    """Cronbach's alpha of a scale with per-item diagnostics (listwise deletion)."""

    model_config = MODEL_CONFIG

    n: int
    k: int
    alpha: float | None = None
    items: list[ItemTotal] = []
    n_excluded: int = 0
    reason: str | None = None
    warning: str | None = None


def _alpha_of(cols: FloatArray) -> float | None:
    """Cronbach's alpha of complete data (rows x k), None when k < 2 or no total variance."""
    import numpy as np

    k = cols.shape[1]
    if k < 2 or cols.shape[0] < 2:
        return None
    item_vars = cols.var(axis=0, ddof=1)
    total_var = float(cols.sum(axis=1).var(ddof=1))
    if total_var <= 0.0:
        return None
    return finite(k / (k - 1) * (1.0 - float(np.sum(item_vars)) / total_var))


def _pearson(a: FloatArray, b: FloatArray) -> float | None:
    da = a - a.mean()
    db = b - b.mean()
    saa = float(da @ da)
    sbb = float(db @ db)
    if saa <= 0.0 or sbb <= 0.0:
        return None
    r = finite(float(da @ db) / math.sqrt(saa * sbb))
    return None if r is None else max(-1.0, min(1.0, r))


def cronbach_alpha(matrix: ArrayLike, item_ids: Sequence[str]) -> Reliability:
    """Cronbach's alpha with corrected item-total correlations and alpha-if-dropped.

    alpha = k / (k - 1) * (1 - sum(var_i) / var_total), variances with ddof=1. Rows with any
    missing answer are dropped first (listwise deletion; ``n_excluded`` counts them). The
    corrected item-total correlation is the Pearson correlation of an item with the sum of
    the *other* items. ``warning`` is set when alpha < RELIABILITY_FLOOR (the model's).
    """
    import numpy as np

    data = as_matrix(matrix)
    k = data.shape[1]
    if len(item_ids) != k:
        raise ValueError(f"{len(item_ids)} item ids for a matrix with {k} columns")
    complete = data[~np.isnan(data).any(axis=1)]
    n = int(complete.shape[0])
    excluded = int(data.shape[0]) - n
    base = Reliability(n=n, k=k, n_excluded=excluded)

    reasons: list[str] = []
    if k < 2:
        reasons.append("not estimable: fewer than 2 items")
    if n < 2:
        dropped = f" (listwise deletion dropped {excluded})" if excluded else ""
        reasons.append(f"not estimable: fewer than 2 complete respondents{dropped}")

    items: list[ItemTotal] = []
    for i, item_id in enumerate(item_ids):
        items.append(_item_total(complete, i, str(item_id)))
    base.items = items
    if reasons:
        base.reason = join_reasons(reasons)
        return base

    alpha = _alpha_of(complete)
    if alpha is None:
        base.reason = "not estimable: every complete respondent has the same total score"
        return base
    base.alpha = alpha
    if alpha < RELIABILITY_FLOOR:
        msg = f"alpha {alpha:.2f} is below {RELIABILITY_FLOOR:.2f}"
        if alpha < 0:
            msg += ": items correlate negatively on average; check coding and data entry"
        else:
            msg += ": the items may not measure one common construct"
        base.warning = msg
    return base


def _item_total(complete: FloatArray, i: int, item_id: str) -> ItemTotal:
    import numpy as np

    n, k = complete.shape
    out = ItemTotal(index=i, item_id=item_id)
    if n < 2 or k < 2:
        out.reason = "not estimable: needs 2 items and 2 complete respondents"
        return out
    rest = np.delete(complete, i, axis=1)
    reasons: list[str] = []
    out.corrected_item_total = _pearson(complete[:, i], rest.sum(axis=1))
    if out.corrected_item_total is None:
        reasons.append("item-total not estimable: no variance in the item or in the rest")
    if k - 1 < 2:
        reasons.append("alpha_if_dropped not estimable: one item would remain")
    else:
        out.alpha_if_dropped = _alpha_of(rest)
        if out.alpha_if_dropped is None:
            reasons.append("alpha_if_dropped not estimable: no variance in the remaining total")
    out.reason = join_reasons(reasons)
    return out
