"""The special functions loaded alone (salesmkt.analysis.statistics.special) are scipy's.

Oracles: ``scipy.special`` itself (the very same ufunc objects, and the same bits on a
grid of arguments) and ``scipy.stats`` (t.ppf, t.sf, f.ppf, f.sf, norm.cdf). The loading
alone is checked in a fresh interpreter, where scipy.special is not yet imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.special
import scipy.stats

from salesmkt.analysis.statistics import special
from salesmkt.analysis.statistics.intervals import detectable_effect, t_interval_of_summaries

NAMES = ("stdtr", "stdtrit", "fdtri", "fdtrc", "ndtr", "bdtrc")


def _fresh(code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SCIPY_ARRAY_API"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_loaded_alone_are_scipys_own_ufuncs() -> None:
    out = _fresh(
        f"""
        import sys
        import numpy
        from salesmkt.analysis.statistics.special import ufunc
        got = {{name: ufunc(name) for name in {NAMES!r}}}
        assert "scipy.special" not in sys.modules, "the package was imported"
        assert "scipy._lib._array_api" not in sys.modules
        value = got["stdtrit"](812345.5, 0.975)
        import scipy.special
        for name, f in got.items():
            assert getattr(scipy.special, name) is f, name
        assert scipy.special._ufuncs is sys.modules["scipy.special._ufuncs"]
        import scipy.stats
        assert scipy.stats.t.ppf(0.975, 812345.5) == value
        assert 0 < scipy.stats.ttest_ind([1, 2, 3, 4], [2, 3, 5, 6, 7]).pvalue < 1
        print("ok")
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_falls_back_to_the_ordinary_import() -> None:
    out = _fresh(
        """
        import sys
        from salesmkt.analysis.statistics import special
        def broken():
            raise ImportError("another scipy layout")
        special._load_alone = broken
        f = special.ufunc("stdtr")
        import scipy.special
        assert "scipy.special" in sys.modules and f is scipy.special.stdtr
        print("ok")
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_after_scipy_special_the_same_objects() -> None:
    for name in NAMES:
        assert special.ufunc(name) is getattr(scipy.special._ufuncs, name)


@pytest.mark.parametrize("df", [1.0, 2.5, 7.0, 29.0, 1234.5, 812345.5, 2e6])
def test_same_bits_as_scipy_stats(df: float) -> None:
    p = np.asarray([0.025, 0.5, 0.8, 0.975])
    t = np.asarray([-3.1, -0.2, 0.0, 1.7])
    assert special.ufunc("stdtrit")(df, p).tobytes() == scipy.stats.t.ppf(p, df).tobytes()
    assert special.ufunc("stdtr")(df, t).tobytes() == scipy.special.stdtr(df, t).tobytes()
    d2 = df * 19
    assert special.ufunc("fdtri")(df, d2, p).tobytes() == scipy.stats.f.ppf(p, df, d2).tobytes()
    f = np.abs(t) + 0.5
    assert special.ufunc("fdtrc")(3, df, f).tobytes() == scipy.stats.f.sf(f, 3, df).tobytes()
    assert special.ufunc("ndtr")(t).tobytes() == scipy.stats.norm.cdf(t).tobytes()


def test_intervals_use_scipys_t_quantiles() -> None:
    """Welch's interval and the detectable effect, against scipy.stats."""
    ci, _ = t_interval_of_summaries([(40, 3.2, 0.81), (25, 2.9, 1.44)], [1.0, -1.0])
    a, b = 0.81 / 40, 1.44 / 25
    welch_df = (a + b) ** 2 / (a * a / 39 + b * b / 24)
    half = scipy.stats.t.ppf(0.975, welch_df) * (a + b) ** 0.5
    lo, hi = 3.2 - 2.9 - half, 3.2 - 2.9 + half
    assert ci is not None
    assert ci == pytest.approx((lo, hi), rel=1e-12)
    df = 40 + 25 - 2
    z = scipy.stats.t.ppf(0.975, df) + scipy.stats.t.ppf(0.8, df)
    assert detectable_effect(40, 25) == z * (1 / 40 + 1 / 25) ** 0.5
