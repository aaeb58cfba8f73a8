"""Intervals for funnel figures: Wilson for rates, Newcombe for a difference of rates,
and the exact percentile bootstrap for a quantile (median, 90th percentile).

Vocabulary:
- *Wilson score interval*: the 95% interval of a proportion k/n that stays inside
  [0, 1] and behaves at k = 0 or k = n (statsmodels ``proportion_confint(method=
  'wilson')`` gives the same bounds; the tests check it).
- *Newcombe interval* (hybrid score, method 10 of Newcombe 1998): the 95% interval of
  p1 − p2 built from the two Wilson intervals (statsmodels
  ``confint_proportions_2indep(method='newcomb')``).
- *quantile*: the ``inverted_cdf`` sample quantile, x_(⌈qn⌉) of the sorted values.
- *exact bootstrap*: the percentile bootstrap interval of that quantile with infinitely
  many resamples. Its bootstrap distribution is known in closed form: the resample's
  quantile is at most x_(k) exactly when at least ⌈qn⌉ of the n draws are at most x_(k),
  and that count is Binomial(n, k/n). So the interval's bounds are order statistics
  found from binomial tail probabilities, in O(n log n) and with no random numbers:
  the same data always give the same interval, and a million durations take a second.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Z95 = 1.959963984540054
LEVEL = 0.95


def wilson(k: int, n: int) -> tuple[float, float] | None:
    """The 95% Wilson score interval of k/n (None when n is 0)."""
    if n <= 0:
        return None
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float] | None:
    """The 95% Newcombe hybrid score interval of k1/n1 − k2/n2 (None if either n is 0)."""
    a, b = wilson(k1, n1), wilson(k2, n2)
    if a is None or b is None:
        return None
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    low = d - math.sqrt((p1 - a[0]) ** 2 + (b[1] - p2) ** 2)
    high = d + math.sqrt((a[1] - p1) ** 2 + (p2 - b[0]) ** 2)
    return (low, high)


def quantile(sorted_values: npt.NDArray[np.float64], q: float) -> float:
    """x_(⌈qn⌉) of ascending values (numpy's ``inverted_cdf``)."""
    n = len(sorted_values)
    return float(sorted_values[max(1, math.ceil(q * n)) - 1])


def quantile_interval(
    sorted_values: npt.NDArray[np.float64], q: float
) -> tuple[float, float] | None:
    """The exact 95% percentile-bootstrap interval of the q-quantile (None below n = 2)."""
    import numpy as np

    from salesmkt.analysis.statistics.special import ufunc

    bdtrc = ufunc("bdtrc")  # binomial survival function, without importing scipy.special

    n = len(sorted_values)
    if n < 2:
        return None
    m = max(1, math.ceil(q * n))
    k = np.arange(1, n + 1)
    # P(resample quantile <= x_(k)) = P(Binomial(n, k/n) >= m), increasing in k.
    cdf = bdtrc(m - 1, n, k / n)
    tail = (1 - LEVEL) / 2
    low = int(np.searchsorted(cdf, tail, side="left"))
    high = int(np.searchsorted(cdf, 1 - tail, side="left"))
    return (float(sorted_values[low]), float(sorted_values[min(high, n - 1)]))
