"""Scores from tallies: the figures of ``salesmkt score`` computed from answer counts.

Vocabulary:
- *count array*: answer counts shaped ``(..., items, points)`` (points: the scale from
  its minimum up); any leading axes (organisations) are kept.
- *recoded value*: an answer after reverse items are turned round (``min + max −
  answer``), as in :mod:`salesmkt.analysis.prepared`.
- *item mean*: the mean recoded answer of an item; *dimension mean*: the mean of its
  items' means; *total*: the sum of the item means, prorated (mean item mean × number of
  items) when an item has no answer at all. With no skipped answers these equal the
  group figures of ``salesmkt score`` exactly (a test proves it); a respondent who
  skipped items is prorated on their own in ``score`` but cannot be in a tally.
- *metric*: ``total``, ``dimension:ID`` or ``item:ID``.
- *overall*: the two compared groups' totals weighed equally (``score``'s
  equal-weight overall score); every other metric averages the two groups alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from salesmkt.l10n import _

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesmkt.benchmark.aggregates import Tally
    from salesmkt.definitions.questionnaire import Questionnaire

    FloatArray = NDArray[np.float64]

__all__ = ["count_array", "metric_labels", "metrics", "overall_metrics"]


def recoded_values(q: Questionnaire) -> FloatArray:
    """``items × points``: the recoded value of every answer point of every item."""
    assert q.scale.min is not None and q.scale.max is not None
    points = np.arange(q.scale.min, q.scale.max + 1, dtype=np.float64)
    rows = [(q.scale.min + q.scale.max - points) if it.reverse else points for it in q.items]
    return np.vstack(rows)


def count_array(tally: Tally, q: Questionnaire) -> FloatArray:
    """A tally as an ``items × points`` array, aligned on the questionnaire's scale."""
    assert q.scale.min is not None and q.scale.max is not None
    width = q.scale.max - q.scale.min + 1
    rows = [tally.counts.get(item, ()) for item in q.item_ids]
    if tally.scale_min == q.scale.min and all(len(r) == width for r in rows):
        return np.array(rows, dtype=np.float64).reshape(len(rows), width)  # the usual case
    out = np.zeros((len(q.items), width))
    shift = tally.scale_min - q.scale.min
    for j, got in enumerate(rows):
        for k, c in enumerate(got):
            if 0 <= k + shift < width:
                out[j, k + shift] = c
    return out


def metric_labels(q: Questionnaire) -> dict[str, str]:
    """Every metric id with its label, in reading order."""
    out = {"total": _("Total score")}
    out |= {f"dimension:{d.id}": d.label for d in q.dimensions}
    out |= {f"item:{it.id}": f"{it.id} {it.short or it.text}".strip() for it in q.items}
    return out


def metrics(counts: FloatArray, q: Questionnaire) -> dict[str, FloatArray]:
    """Every metric of count arrays ``(..., items, points)``; NaN where nothing answered."""
    answered = counts.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        items = (counts * recoded_values(q)).sum(axis=-1) / answered
    items = np.where(answered > 0, items, np.nan)
    out: dict[str, FloatArray] = {}
    have = ~np.isnan(items)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_item = np.where(have, items, 0.0).sum(axis=-1) / have.sum(axis=-1)
    out["total"] = np.where(have.any(axis=-1), per_item * len(q.items), np.nan)
    for d in q.dimensions:
        cols = [j for j, it in enumerate(q.items) if it.dimension == d.id]
        out[f"dimension:{d.id}"] = _nanmean(items[..., cols])
    for j, it in enumerate(q.items):
        out[f"item:{it.id}"] = items[..., j]
    return out


def _nanmean(values: FloatArray) -> FloatArray:
    have = ~np.isnan(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(have, values, 0.0).sum(axis=-1) / have.sum(axis=-1)
    out: FloatArray = np.where(have.any(axis=-1), mean, np.nan)
    return out


def overall_metrics(
    first: dict[str, FloatArray], second: dict[str, FloatArray]
) -> dict[str, FloatArray]:
    """The compared groups weighed equally, metric by metric."""
    return {k: (first[k] + second[k]) / 2 for k in first}
