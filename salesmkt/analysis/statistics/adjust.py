"""Multiplicity adjustment: p-values of one family of tests, adjusted together.

Vocabulary:
- *family*: the tests whose p-values are adjusted together (the items of an assessment,
  its dimensions); a test that was not estimable (None) is no member.
- *holm*: Holm's step-down adjustment, controlling the family-wise error rate.
- *bh*: Benjamini-Hochberg's step-up adjustment, controlling the false discovery rate.
- *none*: the p-values as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

__all__ = ["AdjustMethod", "adjust_p"]

AdjustMethod = Literal["holm", "bh", "none"]


def adjust_p(pvalues: Sequence[float | None], method: AdjustMethod) -> list[float | None]:
    """Adjust p-values for multiple comparisons.

    ``"holm"``: Holm's step-down (family-wise error), made monotone by a running maximum.
    ``"bh"``: Benjamini-Hochberg step-up (false discovery rate), made monotone by a running
    minimum from the largest p; identical to ``scipy.stats.false_discovery_control``.
    ``"none"``: returned unchanged.

    None entries (tests that were not estimable) stay None and do not count toward m; a NaN
    is treated like None. Adjusted values are capped at 1. A finite p outside [0, 1] is a
    caller bug and raises ValueError.
    """
    if method not in ("holm", "bh", "none"):
        raise ValueError(f"unknown adjustment method {method!r}")
    out: list[float | None] = [None] * len(pvalues)
    present: list[tuple[float, int]] = []
    for i, p in enumerate(pvalues):
        if p is None or math.isnan(p):
            continue
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p-value at position {i} is outside [0, 1]: {p}")
        present.append((float(p), i))
    m = len(present)
    if m == 0:
        return out
    # Sorting (p, position) pairs keeps ties in input order; monotonicity makes them equal.
    present.sort()
    ps = [p for p, _ in present]
    order = [i for _, i in present]
    if method == "none":
        adj = ps
    elif method == "holm":
        adj = []
        running = 0.0
        for rank, p in enumerate(ps):
            running = max(running, min(1.0, (m - rank) * p))
            adj.append(running)
    else:
        adj = [0.0] * m
        running = 1.0
        for rank in range(m - 1, -1, -1):
            running = min(running, m * ps[rank] / (rank + 1))
            adj[rank] = running
    for i, a in zip(order, adj, strict=True):
        out[i] = a
    return out
