"""The pooled values of two tallies (ranks._union) equal ``np.union1d``, and comparing
two groups imports no ``numpy.ma`` (``np.unique`` without counts would)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from salesmkt.analysis.statistics import ranks
from salesmkt.analysis.statistics.sample import Tally


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]),
        ([1.0], [1.0]),
        ([1.0], [5.0]),
        ([-2.5, -0.0, 0.0, 7.0], [0.0, 1e-300, 3.0]),  # -0.0 is 0.0 in a tally
        ([20.0, 40.5, 100.0], [19.999999999999996, 40.5]),
        (list(np.linspace(-1e6, 1e6, 301)), list(np.linspace(-5.0, 5.0, 41))),
    ],
)
def test_union_equals_numpy_bit_for_bit(x: list[float], y: list[float]) -> None:
    a = Tally(x, [1] * len(x)).values
    b = Tally(y, [2] * len(y)).values
    for p, q in ((a, b), (b, a)):
        got = ranks._union(p, q)
        want = np.union1d(p, q)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_union_of_random_tallies() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        x = rng.integers(-20, 21, size=rng.integers(1, 60)) / rng.integers(1, 7)
        y = rng.integers(-20, 21, size=rng.integers(1, 60)) / rng.integers(1, 7)
        a, b = Tally.of(x).values, Tally.of(y).values
        assert ranks._union(a, b).tobytes() == np.union1d(a, b).tobytes()


def test_comparing_groups_imports_no_numpy_ma() -> None:
    code = (
        "import sys, numpy as np\n"
        "from salesmkt.analysis.statistics.two_groups import compare_groups\n"
        "from salesmkt.analysis.statistics.sample import Tally\n"
        "x = Tally(np.arange(1.0, 6.0), [5, 9, 20, 9, 5])\n"
        "y = Tally(np.arange(2.0, 6.0), [7, 3, 8, 9])\n"
        "r = compare_groups(x, y, welch=True, hedges=True)\n"
        "assert r.p_value is not None\n"
        "print('numpy.ma' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
