"""Tests for the statistics core, salesmkt.analysis.statistics.

Every expected value comes from an independent oracle: scipy (mannwhitneyu, ttest_ind,
permutation_test, bootstrap, false_discovery_control), brute-force enumeration, or a formula
written out here with plain Python. No expected value is a captured output of the module.
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import tracemalloc
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from salesmkt.analysis import statistics as S
from salesmkt.analysis.statistics import bootstrap, ranks
from salesmkt.model.assessment import (
    AGREEMENT_FLOOR,
    AgreementResult,
    ReliabilityResult,
    ad_m_limit,
)

# The hand-checked example from the specification: Sales (x) vs Marketing (y).
HAND_X = [4.0, 5.0, 3.0, 4.0, 5.0, 4.0, 2.0]
HAND_Y = [2.0, 3.0, 3.0, 4.0, 2.0, 1.0, 3.0, 2.0]


def assert_no_nan(obj: Any, path: str = "") -> None:
    """Walk a model_dump() and fail on any NaN or inf."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            assert_no_nan(value, f"{path}.{key}")
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            assert_no_nan(value, f"{path}[{i}]")
    elif isinstance(obj, float):
        assert math.isfinite(obj), f"non-finite value at {path}: {obj}"


def pair_delta(x: list[float], y: list[float]) -> float:
    """Cliff's delta by its definition: mean sign over all (x, y) pairs."""
    total = 0
    for a in x:
        for b in y:
            total += (a > b) - (a < b)
    return total / (len(x) * len(y))


def pair_u(x: list[float], y: list[float]) -> float:
    """Mann-Whitney U of x by its definition: pairs won by x, ties count one half."""
    return sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in x for b in y)


def hand_var(v: list[float]) -> float:
    m = sum(v) / len(v)
    return sum((a - m) ** 2 for a in v) / (len(v) - 1)


def hand_hedges(x: list[float], y: list[float]) -> float:
    nx, ny = len(x), len(y)
    sp = math.sqrt(((nx - 1) * hand_var(x) + (ny - 1) * hand_var(y)) / (nx + ny - 2))
    d = (sum(x) / nx - sum(y) / ny) / sp
    return (1 - 3 / (4 * (nx + ny) - 9)) * d


# --------------------------------------------------------------------------------------------
# compare_groups: the hand example
# --------------------------------------------------------------------------------------------


def test_hand_example_to_four_decimals() -> None:
    r = S.compare_groups(HAND_X, HAND_Y)
    assert round(r.welch_t, 4) == 2.6099
    assert r.mann_whitney_u == 46.5
    assert round(r.cliffs_delta, 4) == 0.6607
    assert round(r.hedges_g, 4) == 1.2844
    assert r.n_x == 7 and r.n_y == 8
    assert r.mean_x == pytest.approx(27 / 7)
    assert r.mean_y == pytest.approx(2.5)
    assert r.gap == pytest.approx(27 / 7 - 2.5)
    assert r.cliffs_band == "large"
    assert r.reason is None


def test_hand_example_against_independent_oracles() -> None:
    r = S.compare_groups(HAND_X, HAND_Y)
    welch = stats.ttest_ind(HAND_X, HAND_Y, equal_var=False)
    assert r.welch_t == pytest.approx(welch.statistic, rel=1e-12)
    assert r.welch_df == pytest.approx(welch.df, rel=1e-12)
    assert r.welch_p == pytest.approx(welch.pvalue, rel=1e-10)
    assert r.mann_whitney_u == pytest.approx(stats.mannwhitneyu(HAND_X, HAND_Y).statistic)
    assert r.mann_whitney_u == pair_u(HAND_X, HAND_Y)
    assert r.cliffs_delta == pytest.approx(pair_delta(HAND_X, HAND_Y), abs=1e-15)
    assert r.hedges_g == pytest.approx(hand_hedges(HAND_X, HAND_Y), rel=1e-12)


def brute_force_permutation_p(x: list[float], y: list[float]) -> float:
    """Two-sided exact permutation p of |U - nm/2| by enumerating every split."""
    pooled = x + y
    nx, nm = len(x), len(x) * len(y)
    observed = abs(pair_u(x, y) - nm / 2)
    hits = total = 0
    for chosen in itertools.combinations(range(len(pooled)), nx):
        chosen_set = set(chosen)
        a = [pooled[i] for i in chosen]
        b = [pooled[i] for i in range(len(pooled)) if i not in chosen_set]
        total += 1
        hits += abs(pair_u(a, b) - nm / 2) >= observed - 1e-9
    return hits / total


def test_small_sample_p_is_exact_permutation() -> None:
    r = S.compare_groups(HAND_X, HAND_Y)
    assert r.p_method == "permutation"
    assert r.p_value == pytest.approx(brute_force_permutation_p(HAND_X, HAND_Y), rel=1e-12)

    nm = len(HAND_X) * len(HAND_Y)

    def stat(a: np.ndarray, b: np.ndarray, axis: int) -> np.ndarray:
        return np.abs(stats.mannwhitneyu(a, b, axis=axis).statistic - nm / 2)

    scipy_exact = stats.permutation_test(
        (np.array(HAND_X), np.array(HAND_Y)),
        stat,
        permutation_type="independent",
        alternative="greater",
        n_resamples=np.inf,
        vectorized=True,
    )
    assert r.p_value == pytest.approx(scipy_exact.pvalue, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_exact_p_without_ties_matches_scipy_exact(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.6, 1.0, size=8)
    y = rng.normal(0.0, 1.0, size=11)
    r = S.compare_groups(x, y)
    assert r.p_method == "permutation"
    assert r.p_value == pytest.approx(stats.mannwhitneyu(x, y, method="exact").pvalue, rel=1e-9)


def test_large_groups_use_tie_corrected_asymptotic_p() -> None:
    rng = np.random.default_rng(11)
    x = rng.integers(1, 6, size=40).astype(float)
    y = rng.integers(2, 6, size=45).astype(float)
    r = S.compare_groups(x, y)
    assert r.p_method == "asymptotic"
    scipy_p = stats.mannwhitneyu(x, y, method="asymptotic").pvalue
    assert r.p_value == pytest.approx(scipy_p, rel=1e-10)

    # The normal approximation written out: continuity and tie corrections.
    nx, ny = len(x), len(y)
    n = nx + ny
    ties = Counter(np.concatenate([x, y]).tolist()).values()
    tie_term = sum(t**3 - t for t in ties) / (n * (n - 1))
    sigma = math.sqrt(nx * ny / 12 * ((n + 1) - tie_term))
    u = pair_u(x.tolist(), y.tolist())
    z = (abs(u - nx * ny / 2) - 0.5) / sigma
    assert r.p_value == pytest.approx(min(1.0, math.erfc(z / math.sqrt(2))), rel=1e-9)


@pytest.mark.parametrize(
    ("seed", "nx", "ny", "levels"),
    [(1, 31, 200, 2), (2, 500, 40, 5), (3, 3000, 2500, 7), (4, 64, 64, 1000)],
)
def test_asymptotic_p_matches_scipy_across_tie_patterns(
    seed: int, nx: int, ny: int, levels: int
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, size=nx).astype(float)
    y = (rng.integers(0, levels, size=ny) + (rng.random(ny) < 0.3)).astype(float)
    for a, b in ((x, y), (y, x)):
        r = S.compare_groups(a, b)
        assert r.p_method == "asymptotic"
        ref = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
        assert r.p_value == pytest.approx(float(ref.pvalue), rel=1e-10)
        assert r.mann_whitney_u == float(ref.statistic)


def test_asymptotic_p_is_one_when_u_sits_at_its_mean() -> None:
    # U = n_x n_y / 2 exactly: z = -0.5 / sigma < 0 and scipy clips 2 * sf to 1.
    x = [1.0, 2.0, 3.0, 4.0] * 10
    r = S.compare_groups(x, list(reversed(x)), permutation_max_n=0)
    assert r.p_method == "asymptotic"
    assert r.p_value == 1.0 == float(stats.mannwhitneyu(x, x, method="asymptotic").pvalue)


def test_permutation_threshold_is_inclusive() -> None:
    rng = np.random.default_rng(5)
    x = rng.integers(1, 6, size=30).astype(float)
    y = rng.integers(1, 6, size=31).astype(float)
    assert S.compare_groups(x, y).p_method == "permutation"
    assert S.compare_groups(x, y, permutation_max_n=29).p_method == "asymptotic"


def test_monte_carlo_permutation_agrees_with_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    exact = brute_force_permutation_p(HAND_X, HAND_Y)
    monkeypatch.setattr(ranks, "_EXACT_MAX_WORK", 0)
    r = S.compare_groups(HAND_X, HAND_Y, n_perm=9999)
    assert r.p_method == "permutation"
    # Monte Carlo p is (hits + 1) / (n_perm + 1): a multiple of 1 / 10000.
    assert r.p_value * 10000 == pytest.approx(round(r.p_value * 10000), abs=1e-6)
    # Standard error of a p near 0.03 from 9999 resamples is about 0.0017.
    assert r.p_value == pytest.approx(exact, abs=0.008)


def test_monte_carlo_for_small_vs_large_group_matches_scipy_permutation_test() -> None:
    rng = np.random.default_rng(21)
    x = rng.normal(0.5, 1.0, size=10)
    y = rng.normal(0.0, 1.0, size=1000)
    r = S.compare_groups(x, y)
    assert r.p_method == "permutation"
    assert r.p_value * 10000 == pytest.approx(round(r.p_value * 10000), abs=1e-6)
    nm = len(x) * len(y)

    def stat(a: np.ndarray, b: np.ndarray, axis: int) -> np.ndarray:
        return np.abs(stats.mannwhitneyu(a, b, axis=axis).statistic - nm / 2)

    oracle = stats.permutation_test(
        (x, y),
        stat,
        permutation_type="independent",
        alternative="greater",
        n_resamples=9999,
        vectorized=True,
        rng=np.random.default_rng(99),
    )
    assert r.p_value == pytest.approx(oracle.pvalue, abs=0.03)
    assert r.p_value == pytest.approx(stats.mannwhitneyu(x, y).pvalue, abs=0.03)


# --------------------------------------------------------------------------------------------
# compare_groups: effect sizes, Welch and bootstrap on random data
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_effect_sizes_and_welch_match_formulas(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=23).astype(float).tolist()
    y = rng.integers(1, 6, size=17).astype(float).tolist()
    r = S.compare_groups(x, y)
    assert r.cliffs_delta == pytest.approx(pair_delta(x, y), abs=1e-14)
    assert r.mann_whitney_u == pair_u(x, y)
    assert r.cliffs_band == S.romano_band(pair_delta(x, y))
    assert r.hedges_g == pytest.approx(hand_hedges(x, y), rel=1e-12)
    welch = stats.ttest_ind(x, y, equal_var=False)
    assert r.welch_t == pytest.approx(welch.statistic, rel=1e-12)
    assert r.welch_df == pytest.approx(welch.df, rel=1e-12)
    assert r.welch_p == pytest.approx(welch.pvalue, rel=1e-9)


@pytest.mark.parametrize(("n", "shift"), [(3, 2.0), (40, 0.3), (5000, 0.05), (200_000, 0.01)])
def test_welch_p_matches_scipy_from_tiny_to_huge_df(n: int, shift: float) -> None:
    rng = np.random.default_rng(n)
    x = rng.normal(shift, 1.0, size=n)
    y = rng.normal(0.0, 2.0, size=n + 7)
    r = S.compare_groups(x, y, n_boot=20)
    welch = stats.ttest_ind(x, y, equal_var=False)
    assert r.welch_t == pytest.approx(float(welch.statistic), rel=1e-9)
    assert r.welch_df == pytest.approx(float(welch.df), rel=1e-9)
    assert r.welch_p == pytest.approx(float(welch.pvalue), rel=1e-9)


def test_optional_welch_and_hedges_can_be_switched_off() -> None:
    r = S.compare_groups(HAND_X, HAND_Y, welch=False, hedges=False)
    assert r.welch_t is None and r.welch_df is None and r.welch_p is None
    assert r.hedges_g is None
    assert r.cliffs_delta == pytest.approx(pair_delta(HAND_X, HAND_Y))


def test_bootstrap_ci_close_to_scipy_bootstrap() -> None:
    rng = np.random.default_rng(40)
    x = rng.integers(2, 6, size=40).astype(float)
    y = rng.integers(1, 5, size=40).astype(float)
    r = S.compare_groups(x, y)

    def diff(a: np.ndarray, b: np.ndarray, axis: int) -> np.ndarray:
        return a.mean(axis=axis) - b.mean(axis=axis)

    oracle = stats.bootstrap(
        (x, y), diff, method="percentile", n_resamples=2000, rng=np.random.default_rng(7)
    )
    assert r.ci_low == pytest.approx(oracle.confidence_interval.low, abs=0.1)
    assert r.ci_high == pytest.approx(oracle.confidence_interval.high, abs=0.1)
    assert r.ci_low < r.gap < r.ci_high
    assert r.ci_excludes_zero == (r.ci_low > 0 or r.ci_high < 0)


def test_bootstrap_ci_matches_normal_theory_for_large_likert_sample() -> None:
    # With 2000 answers per group the bootstrap interval of a mean difference is, to within
    # Monte Carlo error, gap +- 1.96 * sqrt(s2x/nx + s2y/ny).
    rng = np.random.default_rng(8)
    x = rng.choice([1.0, 2, 3, 4, 5], p=[0.1, 0.2, 0.3, 0.25, 0.15], size=2000)
    y = rng.choice([1.0, 2, 3, 4, 5], p=[0.2, 0.2, 0.3, 0.2, 0.1], size=2000)
    r = S.compare_groups(x, y)
    se = math.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
    gap = x.mean() - y.mean()
    assert r.ci_low == pytest.approx(gap - 1.96 * se, abs=0.2 * se)
    assert r.ci_high == pytest.approx(gap + 1.96 * se, abs=0.2 * se)


def test_percentile_interval_equals_numpy_linear_percentile() -> None:
    draws = np.random.default_rng(1).normal(size=2000)
    lo, hi = bootstrap.percentile_interval(draws)
    assert lo == pytest.approx(np.percentile(draws, 2.5), abs=1e-12)
    assert hi == pytest.approx(np.percentile(draws, 97.5), abs=1e-12)


def test_reruns_with_the_same_seed_agree_and_seed_matters() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=50)
    y = rng.normal(size=60)
    a = S.compare_groups(x, y, seed=1)
    assert S.compare_groups(x, y, seed=1) == a
    # The interval is Welch's t interval: no random draws, so the seed cannot move it.
    assert S.compare_groups(x, y, seed=2).ci_low == a.ci_low
    ref = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert (a.ci_low, a.ci_high) == pytest.approx((ref.low, ref.high), rel=1e-10)


def test_p_value_does_not_depend_on_n_boot() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=12)
    y = rng.normal(size=900)
    a = S.compare_groups(x, y, n_boot=100)
    b = S.compare_groups(x, y, n_boot=300)
    assert a.p_value == b.p_value


def test_non_finite_entries_are_dropped() -> None:
    dirty = S.compare_groups([1.0, math.nan, 2.0, 4.0, math.inf], [2.0, 3.0, 3.0])
    clean = S.compare_groups([1.0, 2.0, 4.0], [2.0, 3.0, 3.0])
    assert dirty == clean
    assert dirty.n_x == 3


def test_caller_mistakes_raise() -> None:
    with pytest.raises(ValueError):
        S.compare_groups([[1.0, 2.0]], [1.0, 2.0])
    with pytest.raises(ValueError):
        S.compare_groups([1.0, 2.0], [1.0, 2.0], n_boot=0)
    with pytest.raises(ValueError):
        S.compare_groups([1.0, 2.0], [1.0, 2.0], n_perm=0)


# --------------------------------------------------------------------------------------------
# compare_groups: degenerate data
# --------------------------------------------------------------------------------------------


INFERENTIAL = ["ci_low", "ci_high", "p_value", "cliffs_delta", "hedges_g", "welch_t", "welch_p"]


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([], []),
        ([], [1.0, 2.0, 3.0]),
        ([3.0], [1.0, 2.0, 3.0]),
        ([3.0], [4.0]),
        ([3.0, 3.0, 3.0], [3.0, 3.0]),
        ([5.0, 5.0], [3.0, 3.0, 3.0]),
        ([1.0, 2.0], [4.0, 4.0, 4.0]),
    ],
)
def test_degenerate_inputs_give_none_with_reason_and_no_nan(x: list[float], y: list[float]) -> None:
    r = S.compare_groups(x, y, x_name="sales", y_name="marketing")
    assert_no_nan(r.model_dump())
    dumped = r.model_dump()
    if any(dumped[f] is None for f in INFERENTIAL):
        assert r.reason and "not estimable" in r.reason
    # A p-value that is None must not claim a method, and vice versa.
    assert (r.p_value is None) == (r.p_method is None)
    assert (r.ci_low is None) == (r.ci_excludes_zero is None)


def test_single_respondent_reason_names_the_group() -> None:
    r = S.compare_groups([1.0, 2.0, 4.0], [3.0], x_name="sales", y_name="marketing")
    assert r.reason is not None
    assert "not estimable: fewer than 2 respondents in marketing" in r.reason
    assert r.mean_y == 3.0 and r.gap == pytest.approx(7 / 3 - 3)
    assert all(getattr(r, f) is None for f in INFERENTIAL)


def test_empty_group() -> None:
    r = S.compare_groups([], [1.0, 2.0], x_name="sales")
    assert r.n_x == 0 and r.mean_x is None and r.gap is None
    assert r.mean_y == 1.5
    assert r.reason is not None and "no respondents in sales" in r.reason


def test_all_answers_identical() -> None:
    r = S.compare_groups([3.0] * 5, [3.0] * 4)
    assert r.gap == 0.0
    assert r.p_value is None and r.hedges_g is None and r.welch_t is None
    assert r.ci_low is None and r.ci_high is None
    assert r.reason is not None and "all answers identical" in r.reason
    # Every pair is a tie, so dominance is exactly balanced.
    assert r.cliffs_delta == 0.0


def test_constant_but_different_groups() -> None:
    r = S.compare_groups([5.0, 5.0, 5.0], [3.0, 3.0])
    assert r.gap == 2.0
    assert r.cliffs_delta == 1.0
    assert r.hedges_g is None and r.welch_t is None
    # Exact permutation: only 1 of C(5, 2) = 10 splits is as extreme, on either side.
    assert r.p_value == pytest.approx(brute_force_permutation_p([5.0] * 3, [3.0] * 2))
    assert r.reason is not None and "zero variance" in r.reason


@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
def test_one_constant_group_still_has_welch_and_hedges() -> None:
    x, y = [1.0, 2.0, 4.0], [4.0, 4.0, 4.0]
    r = S.compare_groups(x, y)
    assert r.welch_t == pytest.approx(stats.ttest_ind(x, y, equal_var=False).statistic)
    assert r.hedges_g == pytest.approx(hand_hedges(x, y))
    assert r.ci_low is not None


# --------------------------------------------------------------------------------------------
# compare_groups: properties
# --------------------------------------------------------------------------------------------

likert = st.lists(st.integers(1, 5).map(float), min_size=2, max_size=25)
reals = st.lists(st.floats(-50, 50, allow_nan=False, allow_infinity=False), min_size=2, max_size=25)
samples = st.one_of(likert, reals)


def _neg(v: float | None) -> float | None:
    return None if v is None else -v


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=samples, y=samples)
def test_swapping_groups_flips_signs(x: list[float], y: list[float]) -> None:
    a = S.compare_groups(x, y, n_boot=300)
    b = S.compare_groups(y, x, n_boot=300)
    assert_no_nan(a.model_dump())
    assert (b.n_x, b.n_y) == (a.n_y, a.n_x)
    assert (b.mean_x, b.mean_y) == (a.mean_y, a.mean_x)
    assert b.gap == _neg(a.gap)
    assert b.cliffs_delta == _neg(a.cliffs_delta)
    assert b.cliffs_band == a.cliffs_band
    assert b.hedges_g == _neg(a.hedges_g)
    assert b.welch_t == _neg(a.welch_t)
    assert b.welch_df == a.welch_df
    assert b.welch_p == a.welch_p
    assert b.p_value == a.p_value
    assert b.p_method == a.p_method
    if a.mann_whitney_u is not None:
        assert b.mann_whitney_u == len(x) * len(y) - a.mann_whitney_u
    # Identical samples included: their interval is made symmetric, so it negates too.
    assert b.ci_low == _neg(a.ci_high)
    assert b.ci_high == _neg(a.ci_low)
    assert b.ci_excludes_zero == a.ci_excludes_zero


@settings(max_examples=40, deadline=None)
@given(x=samples, seed=st.integers(0, 2**32 - 1))
def test_identical_samples_give_a_mirrored_interval(x: list[float], seed: int) -> None:
    shuffled = np.random.default_rng(seed).permutation(x)
    a = S.compare_groups(x, shuffled, n_boot=300, seed=seed)
    b = S.compare_groups(shuffled, x, n_boot=300, seed=seed)
    assert a.gap == 0.0 and a.cliffs_delta == 0.0
    if len(set(x)) > 1:
        # Values so close that their variance underflows (1e-308) give no interval, and
        # the reason says so; any other spread gives one, symmetric about 0.
        if a.ci_low is None:
            assert a.reason is not None and "variance" in a.reason
            return
        assert a.ci_high is not None
        assert a.ci_low == -a.ci_high and a.ci_low <= 0.0
        assert a.ci_excludes_zero is False
    assert (b.ci_low, b.ci_high) == (_neg(a.ci_high), _neg(a.ci_low))
    assert (b.ci_low, b.ci_high) == (a.ci_low, a.ci_high)


@settings(max_examples=40, deadline=None)
@given(x=samples, y=samples, seed=st.integers(0, 2**32 - 1))
def test_shuffling_input_order_changes_nothing(x: list[float], y: list[float], seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = S.compare_groups(x, y, n_boot=200)
    b = S.compare_groups(rng.permutation(x), rng.permutation(y), n_boot=200)
    assert a == b


@settings(max_examples=40, deadline=None)
@given(x=samples, y=samples)
def test_ci_brackets_and_ranges(x: list[float], y: list[float]) -> None:
    r = S.compare_groups(x, y, n_boot=200)
    if r.ci_low is not None and r.ci_high is not None:
        assert r.gap is not None
        # A t interval is centred on the gap.
        assert r.ci_low <= r.gap <= r.ci_high
        assert r.ci_high - r.gap == pytest.approx(r.gap - r.ci_low, rel=1e-6, abs=1e-9)
    if r.p_value is not None:
        assert 0.0 < r.p_value <= 1.0
    if r.cliffs_delta is not None:
        assert -1.0 <= r.cliffs_delta <= 1.0


# --------------------------------------------------------------------------------------------
# Tallies: the same figures from counted answers
# --------------------------------------------------------------------------------------------


def counted(sample: list[float]) -> S.Tally:
    """A tally built by plain counting, in first-seen (not sorted) order."""
    seen = Counter(v for v in sample if math.isfinite(v))
    return S.Tally(list(seen), list(seen.values()))


@settings(max_examples=40, deadline=None)
@given(x=samples, y=samples)
def test_compare_groups_on_tallies_equals_on_samples(x: list[float], y: list[float]) -> None:
    a = S.compare_groups(x, y, n_boot=200)
    assert S.compare_groups(counted(x), counted(y), n_boot=200) == a
    assert S.compare_groups(S.Tally.of(x), y, n_boot=200) == a


def test_tally_merges_repeats_and_drops_empty_values() -> None:
    t = S.Tally([3.0, 1.0, 3.0, 2.0, -0.0], [2, 1, 1, 0, 4])
    assert t.values.tolist() == [0.0, 1.0, 3.0] and t.counts.tolist() == [4, 1, 3]
    assert math.copysign(1.0, float(t.values[0])) == 1.0  # -0.0 is stored as 0.0
    assert t.n == 8 and t.mean == pytest.approx(10 / 8)
    assert t.ss == pytest.approx(4 * (10 / 8) ** 2 + (1 - 10 / 8) ** 2 + 3 * (3 - 10 / 8) ** 2)
    of = S.Tally.of([3.0, math.nan, 1.0, 3.0, math.inf])
    assert of.values.tolist() == [1.0, 3.0] and of.counts.tolist() == [1, 2]
    empty = S.Tally([], [])
    assert (empty.n, empty.mean, empty.ss) == (0, None, 0.0)


@pytest.mark.parametrize(
    ("values", "counts"),
    [
        ([1.0, 2.0], [1]),
        ([[1.0, 2.0]], [[1, 1]]),
        ([1.0, math.nan], [1, 1]),
        ([1.0, math.inf], [1, 1]),
        ([1.0, 2.0], [1, -1]),
        ([1.0, 2.0], [1.5, 1.0]),
        ([1.0, 2.0], [1.0, math.inf]),
        ([1.0], ["1"]),
        ([1.0], [None]),
    ],
)
def test_tally_rejects_caller_mistakes(values: list[Any], counts: list[Any]) -> None:
    with pytest.raises(ValueError):
        S.Tally(values, counts)


def test_bootstraps_take_tallies_and_share_their_draws() -> None:
    rng = np.random.default_rng(31)
    x = rng.integers(2, 6, size=60).astype(float).tolist()
    y = rng.integers(1, 4, size=35).astype(float).tolist()
    mean = S.bootstrap_mean(x, seed=4, n_boot=500)
    shares = S.bootstrap_band_shares(x, EDGES, LABELS, seed=4, n_boot=500)
    assert S.bootstrap_mean(counted(x), seed=4, n_boot=500) == mean
    assert S.bootstrap_mean_with_shares(counted(x), EDGES, LABELS, seed=4, n_boot=500) == (
        mean,
        shares,
    )
    both = S.bootstrap_equal_weight_mean(x, y, seed=4, n_boot=500)
    both_shares = S.bootstrap_equal_weight_shares(x, y, EDGES, LABELS, seed=4, n_boot=500)
    assert S.bootstrap_equal_weight_with_shares(
        counted(y), counted(x), EDGES, LABELS, seed=4, n_boot=500
    ) == (both, both_shares)
    # Degenerate input: the interval's reason, and no shares.
    single = S.bootstrap_mean_with_shares([3.0], EDGES, LABELS, seed=4)
    assert single[0].ci_low is None and single[0].reason is not None and single[1] == {}


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 2, 1, 0), (1, 3, 0, 2), (2, 0, 3, 1)])
def test_kept_draws_give_the_figures_of_drawing_again(
    order: tuple[int, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The calls of one assessment share draws in every combination: a group alone, the
    # pair in either argument order, the equal-weight pair.
    rng = np.random.default_rng(77)
    x = rng.integers(1, 6, size=400).astype(float)
    y = rng.integers(1, 6, size=300).astype(float)
    calls = [
        lambda: S.compare_groups(x, y, n_boot=300),
        lambda: S.bootstrap_mean_with_shares(x, EDGES, LABELS, n_boot=300),
        lambda: S.bootstrap_mean_with_shares(y, EDGES, LABELS, n_boot=300),
        lambda: S.bootstrap_equal_weight_with_shares(y, x, EDGES, LABELS, n_boot=300),
    ]
    monkeypatch.setattr(bootstrap, "_KEPT_DRAWS", 0)
    bootstrap._kept_draws.clear()
    fresh = [call() for call in calls]
    assert not bootstrap._kept_draws
    monkeypatch.setattr(bootstrap, "_KEPT_DRAWS", 12)
    reused = {i: calls[i]() for i in order}
    assert bootstrap._kept_draws
    assert [reused[i] for i in range(len(calls))] == fresh
    # Swapped arguments reuse the same draws and negate the interval.
    swapped = S.compare_groups(y, x, n_boot=300)
    assert (swapped.ci_low, swapped.ci_high) == (-fresh[0].ci_high, -fresh[0].ci_low)


# --------------------------------------------------------------------------------------------
# compare_groups: scale
# --------------------------------------------------------------------------------------------


def test_half_a_million_per_group_without_pair_matrix() -> None:
    rng = np.random.default_rng(500)
    n = 500_000
    x = rng.choice([1.0, 2, 3, 4, 5], p=[0.05, 0.15, 0.3, 0.3, 0.2], size=n)
    y = rng.choice([1.0, 2, 3, 4, 5], p=[0.1, 0.2, 0.3, 0.25, 0.15], size=n)
    tracemalloc.start()
    try:
        r = S.compare_groups(x, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A pair matrix would need 2.5e11 cells; the rank route needs a few arrays of length 1e6.
    assert peak < 400 * 2**20

    assert r.n_x == n and r.n_y == n
    assert r.gap == pytest.approx(x.mean() - y.mean(), abs=1e-12)
    # Cliff's delta from the 5 x 5 table of value counts: sum of count products times sign.
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    cx = [int(np.count_nonzero(x == v)) for v in values]
    cy = [int(np.count_nonzero(y == v)) for v in values]
    signed = sum(
        cx[i] * cy[j] * ((values[i] > values[j]) - (values[i] < values[j]))
        for i in range(5)
        for j in range(5)
    )
    assert r.cliffs_delta == pytest.approx(signed / (n * n), abs=1e-12)
    welch = stats.ttest_ind(x, y, equal_var=False)
    assert r.welch_t == pytest.approx(welch.statistic, rel=1e-9)
    assert r.p_method == "asymptotic"
    assert r.p_value == pytest.approx(stats.mannwhitneyu(x, y).pvalue, rel=1e-6, abs=1e-300)
    assert r.ci_low is not None and r.ci_high is not None
    assert r.ci_low < r.gap < r.ci_high

    # The same code on a subsample small enough for the pair definition.
    xs, ys = x[:300].tolist(), y[:300].tolist()
    small = S.compare_groups(xs, ys)
    assert small.cliffs_delta == pytest.approx(pair_delta(xs, ys), abs=1e-14)
    assert small.mann_whitney_u == pair_u(xs, ys)


# --------------------------------------------------------------------------------------------
# adjust_p
# --------------------------------------------------------------------------------------------


def test_holm_hand_example() -> None:
    # Sorted: .005*4 = .02, .01*3 = .03, .03*2 = .06, .04*1 = .04 -> running max .06.
    assert S.adjust_p([0.01, 0.04, 0.03, 0.005], "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_skips_none_and_caps_at_one() -> None:
    out = S.adjust_p([0.01, None, 0.04, 0.03, None, 0.005], "holm")
    assert out[1] is None and out[4] is None
    assert [out[i] for i in (0, 2, 3, 5)] == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # m = 2: .4*2 = .8, then max(.8, .6*1) = .8 (monotonicity lifts .6 to .8).
    assert S.adjust_p([0.6, 0.4], "holm") == pytest.approx([0.8, 0.8])
    # .6*2 = 1.2 is capped to 1, and the running maximum carries 1 to the larger p.
    assert S.adjust_p([0.7, 0.6], "holm") == pytest.approx([1.0, 1.0])


def test_adjust_edge_cases() -> None:
    assert S.adjust_p([], "holm") == []
    assert S.adjust_p([None, None], "bh") == [None, None]
    assert S.adjust_p([0.2, None, 0.01], "none") == [0.2, None, 0.01]
    assert S.adjust_p([math.nan, 0.01], "holm") == [None, 0.01]
    with pytest.raises(ValueError):
        S.adjust_p([1.5], "holm")
    with pytest.raises(ValueError):
        S.adjust_p([0.5], "bonferroni")  # type: ignore[arg-type]


p_lists = st.lists(
    st.one_of(st.none(), st.floats(0.0, 1.0, allow_nan=False)), min_size=0, max_size=30
)


@settings(max_examples=150, deadline=None)
@given(ps=p_lists)
def test_bh_equals_scipy_on_present_values(ps: list[float | None]) -> None:
    out = S.adjust_p(ps, "bh")
    present = [p for p in ps if p is not None]
    assert [o is None for o in out] == [p is None for p in ps]
    if present:
        expected = stats.false_discovery_control(np.array(present), method="bh")
        got = [o for o in out if o is not None]
        assert got == pytest.approx(expected.tolist(), rel=1e-12, abs=1e-15)


@settings(max_examples=150, deadline=None)
@given(ps=p_lists)
def test_holm_matches_its_definition(ps: list[float | None]) -> None:
    out = S.adjust_p(ps, "holm")
    present = [(p, i) for i, p in enumerate(ps) if p is not None]
    m = len(present)
    ranked = sorted(present)
    for rank, (p, i) in enumerate(ranked):
        # Definition: max over the not-larger p-values of min(1, (m - j) p_(j)).
        expected = max(min(1.0, (m - j) * ranked[j][0]) for j in range(rank + 1))
        assert out[i] == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert out[i] >= p


# --------------------------------------------------------------------------------------------
# Bootstrap of means and band shares
# --------------------------------------------------------------------------------------------

EDGES = [1.0, 2.0, 3.0, 4.0, 5.0]
LABELS = ["low", "mid-low", "mid-high", "high"]


def test_bootstrap_mean_close_to_scipy() -> None:
    x = np.random.default_rng(9).integers(1, 6, size=40).astype(float)
    r = S.bootstrap_mean(x, seed=1, n_boot=2000)
    oracle = stats.bootstrap(
        (x,), np.mean, method="percentile", n_resamples=2000, rng=np.random.default_rng(3)
    )
    assert r.n == 40 and r.mean == pytest.approx(x.mean())
    assert r.ci_low == pytest.approx(oracle.confidence_interval.low, abs=0.1)
    assert r.ci_high == pytest.approx(oracle.confidence_interval.high, abs=0.1)


def test_bootstrap_mean_continuous_data_uses_same_distribution() -> None:
    # Nearly all values distinct: the direct-resampling branch. Check against normal theory.
    x = np.random.default_rng(10).normal(3.0, 1.0, size=5000)
    r = S.bootstrap_mean(x, seed=1, n_boot=2000)
    se = x.std(ddof=1) / math.sqrt(x.size)
    assert r.ci_low == pytest.approx(x.mean() - 1.96 * se, abs=0.15 * se)
    assert r.ci_high == pytest.approx(x.mean() + 1.96 * se, abs=0.15 * se)


def test_bootstrap_mean_degenerate() -> None:
    for x, n in (([], 0), ([4.0], 1), ([4.0, 4.0, 4.0], 3)):
        r = S.bootstrap_mean(x, seed=1, n_boot=100)
        assert r.n == n
        assert r.ci_low is None and r.ci_high is None
        assert r.reason is not None and "not estimable" in r.reason
        assert_no_nan(r.model_dump())
    assert S.bootstrap_mean([4.0], seed=1, n_boot=100).mean == 4.0
    assert S.bootstrap_mean([], seed=1, n_boot=100).mean is None


def test_band_shares_close_to_direct_resampling() -> None:
    rng = np.random.default_rng(12)
    x = rng.choice([2.0, 3, 4], p=[0.3, 0.4, 0.3], size=30)
    shares = S.bootstrap_band_shares(x, EDGES, LABELS, seed=5, n_boot=4000)
    # Oracle: resample the raw answers the textbook way.
    oracle_rng = np.random.default_rng(77)
    means = oracle_rng.choice(x, size=(4000, x.size), replace=True).mean(axis=1)
    expected = {
        "low": np.mean((means >= 1) & (means < 2)),
        "mid-low": np.mean((means >= 2) & (means < 3)),
        "mid-high": np.mean((means >= 3) & (means < 4)),
        "high": np.mean((means >= 4) & (means <= 5)),
    }
    assert list(shares) == LABELS
    for label in LABELS:
        assert shares[label] == pytest.approx(expected[label], abs=0.05)
    assert sum(shares.values()) == pytest.approx(1.0)


def test_last_band_is_closed_on_the_right() -> None:
    # Resample means lie in [4, 5]; a quarter of them are exactly 5 (both draws are 5).
    shares = S.bootstrap_band_shares([4.0, 5.0], EDGES, LABELS, seed=1, n_boot=2000)
    assert shares == {"low": 0.0, "mid-low": 0.0, "mid-high": 0.0, "high": 1.0}
    # With the upper edge moved out, the same draws split at 5.
    split = S.bootstrap_band_shares([4.0, 5.0], [4.0, 5.0, 6.0], ["a", "b"], seed=1, n_boot=2000)
    assert split["b"] == pytest.approx(0.25, abs=0.04)


def test_means_outside_edges_count_nowhere() -> None:
    shares = S.bootstrap_band_shares([4.0, 5.0, 4.5], [1.0, 2.0, 3.0], ["a", "b"], seed=1)
    assert shares == {"a": 0.0, "b": 0.0}


def test_band_shares_agree_with_the_interval_from_the_same_seed() -> None:
    x = np.random.default_rng(13).normal(3.0, 0.8, size=60)
    ci = S.bootstrap_mean(x, seed=4, n_boot=2000)
    assert ci.ci_low is not None and ci.ci_high is not None
    shares = S.bootstrap_band_shares(
        x, [ci.ci_low - 10, ci.ci_low, ci.ci_high, ci.ci_high + 10], ["lo", "in", "hi"], seed=4
    )
    assert shares["in"] == pytest.approx(0.95, abs=0.003)
    assert shares["lo"] == pytest.approx(0.025, abs=0.003)


def test_band_share_degenerate_and_bad_arguments() -> None:
    assert S.bootstrap_band_shares([3.0], EDGES, LABELS, seed=1) == {}
    assert S.bootstrap_band_shares([3.0, 3.0], EDGES, LABELS, seed=1) == {}
    with pytest.raises(ValueError):
        S.bootstrap_band_shares([1.0, 2.0], EDGES, LABELS[:2], seed=1)
    with pytest.raises(ValueError):
        S.bootstrap_band_shares([], [1.0, 3.0, 2.0], ["a", "b"], seed=1)


def test_equal_weight_mean_and_ci() -> None:
    rng = np.random.default_rng(14)
    x = rng.integers(2, 6, size=40).astype(float)
    y = rng.integers(1, 5, size=15).astype(float)
    r = S.bootstrap_equal_weight_mean(x, y, seed=2, n_boot=2000)
    assert r.n == 55
    assert r.mean == pytest.approx((x.mean() + y.mean()) / 2)

    def half_sum(a: np.ndarray, b: np.ndarray, axis: int) -> np.ndarray:
        return (a.mean(axis=axis) + b.mean(axis=axis)) / 2

    oracle = stats.bootstrap(
        (x, y), half_sum, method="percentile", n_resamples=2000, rng=np.random.default_rng(5)
    )
    assert r.ci_low == pytest.approx(oracle.confidence_interval.low, abs=0.1)
    assert r.ci_high == pytest.approx(oracle.confidence_interval.high, abs=0.1)
    # The statistic is symmetric in x and y, and so are the draws.
    assert S.bootstrap_equal_weight_mean(y, x, seed=2, n_boot=2000) == r


def test_equal_weight_shares() -> None:
    rng = np.random.default_rng(15)
    x = rng.integers(3, 6, size=25).astype(float)
    y = rng.integers(1, 4, size=25).astype(float)
    shares = S.bootstrap_equal_weight_shares(x, y, EDGES, LABELS, seed=3, n_boot=2000)
    assert sum(shares.values()) == pytest.approx(1.0)
    oracle_rng = np.random.default_rng(8)
    means = (
        oracle_rng.choice(x, size=(2000, x.size)).mean(axis=1)
        + oracle_rng.choice(y, size=(2000, y.size)).mean(axis=1)
    ) / 2
    assert shares["mid-high"] == pytest.approx(np.mean((means >= 3) & (means < 4)), abs=0.05)
    assert S.bootstrap_equal_weight_shares(y, x, EDGES, LABELS, seed=3, n_boot=2000) == shares


def test_equal_weight_degenerate() -> None:
    r = S.bootstrap_equal_weight_mean([], [1.0, 2.0], seed=1, n_boot=50)
    assert r.mean is None and r.reason is not None
    r = S.bootstrap_equal_weight_mean([5.0], [1.0, 2.0], seed=1, n_boot=50)
    assert r.mean == pytest.approx(3.25) and r.ci_low is None and r.reason is not None
    r = S.bootstrap_equal_weight_mean([5.0, 5.0], [1.0, 1.0], seed=1, n_boot=50)
    assert r.mean == 3.0 and r.ci_low is None and r.reason is not None
    # One group varies, so the combination does too.
    r = S.bootstrap_equal_weight_mean([5.0, 5.0], [1.0, 2.0], seed=1, n_boot=50)
    assert r.ci_low is not None and r.ci_low < r.ci_high
    assert S.bootstrap_equal_weight_shares([5.0], [1.0, 2.0], EDGES, LABELS, seed=1) == {}


# --------------------------------------------------------------------------------------------
# romano_band
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "band"),
    [
        (0.0, "negligible"),
        (0.1469, "negligible"),
        (0.147, "small"),
        (-0.2, "small"),
        (0.3299, "small"),
        (0.33, "medium"),
        (-0.4739, "medium"),
        (0.474, "large"),
        (-1.0, "large"),
    ],
)
def test_romano_band(delta: float, band: str) -> None:
    assert S.romano_band(delta) == band


# --------------------------------------------------------------------------------------------
# Reliability
# --------------------------------------------------------------------------------------------


def loop_alpha(rows: list[list[float]]) -> float:
    """Cronbach's alpha with plain loops: k/(k-1) * (1 - sum of item variances / var total)."""
    k = len(rows[0])
    item_vars = [hand_var([r[j] for r in rows]) for j in range(k)]
    total_var = hand_var([sum(r) for r in rows])
    return k / (k - 1) * (1 - sum(item_vars) / total_var)


def loop_corr(a: list[float], b: list[float]) -> float:
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((p - ma) * (q - mb) for p, q in zip(a, b, strict=True))
    va = sum((p - ma) ** 2 for p in a)
    vb = sum((q - mb) ** 2 for q in b)
    return cov / math.sqrt(va * vb)


# Items A = 1,2,3,4; B = 2,2,4,4; C = 1,3,3,5 (4 respondents).
# Variances: A 5/3, B 4/3, C 8/3 (sum 17/3). Totals 4,7,10,13: variance 45/3 = 15.
# alpha = 3/2 * (1 - (17/3)/15) = 3/2 * 28/45 = 14/15.
# Rest scores: A -> B+C = 3,5,7,9 = 2A + 1, r = 1; B -> A+C = 2,5,6,9, r = 8/sqrt(4*25) = 0.8;
# C -> A+B = 3,4,7,8, r = 10/sqrt(8*17).
# Alpha if dropped: A -> {B, C}: 2 * (1 - 4/(20/3)) = 0.8; B -> {A, C}: 2 * (1 - (13/3)/(25/3))
# = 24/25; C -> {A, B}: 2 * (1 - 3/(17/3)) = 16/17.
HAND_MATRIX = [[1.0, 2.0, 1.0], [2.0, 2.0, 3.0], [3.0, 4.0, 3.0], [4.0, 4.0, 5.0]]


def test_alpha_hand_computed_dataset() -> None:
    r = S.cronbach_alpha(HAND_MATRIX, ["A", "B", "C"])
    assert isinstance(r, ReliabilityResult)  # the assessment's own model, nothing to map
    assert (r.scope, r.n, len(r.items)) == ("pooled", 4, 3)
    assert r.alpha == pytest.approx(14 / 15)
    assert r.warning is None and r.not_estimable is None and not r.below_floor
    assert [i.item for i in r.items] == ["A", "B", "C"]
    assert [i.item_total_r for i in r.items] == pytest.approx([1.0, 0.8, 10 / math.sqrt(136)])
    assert [i.alpha_if_dropped for i in r.items] == pytest.approx([0.8, 24 / 25, 16 / 17])


def test_parallel_items_have_alpha_one() -> None:
    # Identical items: sum of variances k*v, total variance k^2*v, alpha = 1 exactly.
    col = [1.0, 3.0, 2.0, 5.0, 4.0]
    r = S.cronbach_alpha([[v, v, v, v] for v in col], ["a", "b", "c", "d"])
    assert r.alpha == pytest.approx(1.0)


@settings(max_examples=50, deadline=None)
@given(
    data=st.integers(3, 12).flatmap(
        lambda n: st.integers(2, 6).flatmap(
            lambda k: st.lists(
                st.lists(st.integers(1, 5).map(float), min_size=k, max_size=k),
                min_size=n,
                max_size=n,
            )
        )
    )
)
def test_alpha_matches_loop_oracle(data: list[list[float]]) -> None:
    k = len(data[0])
    r = S.cronbach_alpha(data, [f"q{i}" for i in range(k)])
    assert_no_nan(r.model_dump())
    totals = [sum(row) for row in data]
    if len(set(totals)) > 1:
        assert r.alpha == pytest.approx(loop_alpha(data), rel=1e-9, abs=1e-12)
    else:
        assert r.alpha is None and r.not_estimable is not None
    for j, item in enumerate(r.items):
        col = [row[j] for row in data]
        rest = [sum(row) - row[j] for row in data]
        if len(set(col)) > 1 and len(set(rest)) > 1:
            assert item.item_total_r == pytest.approx(loop_corr(col, rest), abs=1e-9)
        else:
            assert item.item_total_r is None


def test_alpha_listwise_deletion() -> None:
    with_missing = [*HAND_MATRIX, [math.nan, 1.0, 2.0], [5.0, math.nan, math.nan]]
    r = S.cronbach_alpha(np.array(with_missing), ["A", "B", "C"])
    assert r.n == 4  # the two rows with a blank are left out
    assert r.alpha == pytest.approx(14 / 15)


def test_alpha_below_floor_and_negative_alpha() -> None:
    # Two items that move in opposite directions: alpha is negative.
    r = S.cronbach_alpha([[1.0, 5.0], [2.0, 3.0], [5.0, 2.0], [4.0, 1.0]], ["a", "b"], scope="x")
    assert r.alpha is not None and r.alpha < 0
    assert r.below_floor and r.scope == "x"
    # The sentence for readers is the analysis' to write (it names the respondents).
    assert r.warning is None
    # With two items alpha-if-dropped would leave one item: not estimable.
    assert all(i.alpha_if_dropped is None for i in r.items)


def test_alpha_not_estimable_says_how_many_rows_listwise_deletion_dropped() -> None:
    r = S.cronbach_alpha([[1.0, math.nan], [2.0, 3.0], [math.nan, 1.0]], ["a", "b"])
    assert r.alpha is None and r.n == 1
    assert r.not_estimable == (
        "not estimable: fewer than 2 complete respondents (listwise deletion dropped 2)"
    )


@pytest.mark.parametrize(
    "matrix",
    [
        [[1.0, 2.0, 3.0]],  # one respondent
        [[1.0], [2.0], [3.0]],  # one item
        [[math.nan, 1.0], [2.0, math.nan]],  # nothing complete
        [[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]],  # same total for everyone
        np.empty((0, 3)),
    ],
)
def test_alpha_degenerate(matrix: Any) -> None:
    k = np.asarray(matrix).shape[1]
    r = S.cronbach_alpha(matrix, [f"q{i}" for i in range(k)])
    assert r.alpha is None
    assert r.not_estimable is not None and r.not_estimable.startswith("not estimable")
    assert_no_nan(r.model_dump())


def test_alpha_bad_arguments() -> None:
    with pytest.raises(ValueError):
        S.cronbach_alpha(HAND_MATRIX, ["A", "B"])
    with pytest.raises(ValueError):
        S.cronbach_alpha([1.0, 2.0, 3.0], ["A"])


# --------------------------------------------------------------------------------------------
# Agreement
# --------------------------------------------------------------------------------------------


def loop_mean_var(matrix: list[list[float]]) -> float:
    j = len(matrix[0])
    return sum(hand_var([row[c] for row in matrix]) for c in range(j)) / j


def loop_rwg_j(matrix: list[list[float]], a: int) -> float:
    j = len(matrix[0])
    mean_var = sum(hand_var([row[c] for row in matrix]) for c in range(j)) / j
    q = mean_var / ((a * a - 1) / 12)
    if q >= 1:
        return 0.0
    return j * (1 - q) / (j * (1 - q) + q)


def test_rwg_and_adm_hand_example() -> None:
    # Item 1 answers 3,4,5: variance 1, AD 2/3. Item 2 answers 4,4,4: variance 0, AD 0.
    # Mean variance 0.5; null (25 - 1)/12 = 2; q = 0.25; rwg = 2*.75 / (2*.75 + .25) = 6/7.
    m = [[3.0, 4.0], [4.0, 4.0], [5.0, 4.0]]
    assert S.rwg_j(m, 5) == pytest.approx(6 / 7)
    assert S.ad_m(m) == pytest.approx(1 / 3)
    a = S.agreement(m, 5, group="sales")
    assert isinstance(a, AgreementResult)  # the assessment's own model, nothing to map
    assert (a.group, a.n, a.low_agreement, a.not_estimable) == ("sales", 3, False, None)
    assert a.rwg_j == pytest.approx(6 / 7) and a.ad_m == pytest.approx(1 / 3)


def test_rwg_truncates_to_zero_and_flags_low_agreement() -> None:
    # Answers split between the scale ends: variance 16/3 > 2 (the uniform null on 5 points).
    m = [[1.0, 1.0], [5.0, 5.0], [1.0, 1.0], [5.0, 5.0]]
    assert S.rwg_j(m, 5) == 0.0
    # AD per item: mean 3, every answer 2 away -> 2 > 5/6.
    assert S.ad_m(m) == pytest.approx(2.0)
    a = S.agreement(m, 5, group="team")
    assert a.low_agreement is True
    assert a.note is not None and "truncated" in a.note


def test_adm_threshold_alone_can_flag() -> None:
    # 7-point scale: c/6 = 7/6. Item answers 1,3,3,5 (AD 1.0, below 7/6) and 1,1,4,4 (AD 1.5).
    # AD_M = 1.25 > 7/6. Variances 8/3 and 3: mean 17/6; null 48/12 = 4; q = 17/24;
    # rwg = 2*(7/24) / (2*(7/24) + 17/24) = 14/31 -> also low. Check both pieces.
    m = [[1.0, 1.0], [3.0, 1.0], [3.0, 4.0], [5.0, 4.0]]
    assert S.ad_m(m) == pytest.approx(1.25)
    assert S.rwg_j(m, 7) == pytest.approx(14 / 31)
    assert S.agreement(m, 7, group="team").low_agreement is True
    assert pytest.approx(5 / 6) == ad_m_limit(5)
    assert AGREEMENT_FLOOR == 0.70


def test_agreement_uses_per_item_answers() -> None:
    nan = math.nan
    # Item 1 answered by 3 people (2, 3, 4: var 1, AD 2/3); item 2 by 2 (4, 5: var .5, AD .5);
    # item 3 by 1 (skipped). Mean var .75, q = .375, J = 2: rwg = 1.25 / 1.625 = 10/13.
    m = [[2.0, 4.0, nan], [3.0, nan, 1.0], [4.0, 5.0, nan], [nan, nan, nan]]
    assert S.rwg_j(m, 5) == pytest.approx(10 / 13)
    assert S.ad_m(m) == pytest.approx((2 / 3 + 0.5) / 2)
    a = S.agreement(m, 5, group="team")
    assert a.n == 3
    assert a.note is not None and "1 item(s)" in a.note


@settings(max_examples=50, deadline=None)
@given(
    data=st.integers(2, 10).flatmap(
        lambda n: st.integers(1, 6).flatmap(
            lambda k: st.lists(
                st.lists(st.integers(1, 5).map(float), min_size=k, max_size=k),
                min_size=n,
                max_size=n,
            )
        )
    )
)
def test_rwg_matches_loop_oracle(data: list[list[float]]) -> None:
    got = S.rwg_j(data, 5)
    assert got == pytest.approx(loop_rwg_j(data, 5), abs=1e-12)
    assert got is not None and 0.0 <= got <= 1.0
    a = S.agreement(data, 5, group="team")
    assert_no_nan(a.model_dump())
    # The flag reads r*wg(J), which can fall below the floor, not r_wg(J).
    assert a.rwg_star_j == pytest.approx(1 - loop_mean_var(data) / 2.0, abs=1e-12)
    assert a.low_agreement == (a.ad_m > 5 / 6 or a.rwg_star_j < 0.70)


@pytest.mark.parametrize(
    "matrix",
    [
        [[3.0, 4.0]],  # one respondent
        [[math.nan, 3.0], [2.0, math.nan]],  # no item answered twice
        np.empty((0, 4)),
    ],
)
def test_agreement_degenerate(matrix: Any) -> None:
    assert S.rwg_j(matrix, 5) is None
    assert S.ad_m(matrix) is None
    a = S.agreement(matrix, 5, group="team")
    assert a.rwg_j is None and a.ad_m is None and a.low_agreement is None
    assert a.not_estimable is not None and a.not_estimable.startswith("not estimable")
    assert_no_nan(a.model_dump())


def test_agreement_bad_arguments() -> None:
    with pytest.raises(ValueError):
        S.agreement([[1.0, 1.0]], 1, group="team")
    with pytest.raises(ValueError):
        S.rwg_j([1.0, 2.0], 5)


agreement_matrices = st.integers(1, 10).flatmap(
    lambda n: st.integers(1, 5).flatmap(
        lambda k: st.lists(
            st.lists(
                st.one_of(st.integers(0, 7).map(float), st.just(math.nan)), min_size=k, max_size=k
            ),
            min_size=n,
            max_size=n,
        )
    )
)


@settings(max_examples=60, deadline=None)
@given(data=agreement_matrices)
def test_agreement_of_tallies_equals_agreement(data: list[list[float]]) -> None:
    m = np.array(data, dtype=float)
    items = [counted(m[:, j].tolist()) for j in range(m.shape[1])]
    answered = sum(1 for row in data if any(not math.isnan(v) for v in row))
    assert S.agreement_of_tallies(items, answered, 5, group="g") == S.agreement(data, 5, group="g")
    with pytest.raises(ValueError):
        S.agreement_of_tallies(items, -1, 5, group="g")


def test_perfect_agreement() -> None:
    a = S.agreement([[4.0, 2.0], [4.0, 2.0], [4.0, 2.0]], 5, group="team")
    assert a.rwg_j == 1.0 and a.ad_m == 0.0 and a.low_agreement is False


# --------------------------------------------------------------------------------------------
# Import cost
# --------------------------------------------------------------------------------------------


def test_models_import_without_numpy() -> None:
    code = (
        "import sys\n"
        "from salesmkt.analysis.statistics import GapStats, MeanCI, adjust_p, romano_band\n"
        "GapStats(n_x=0, n_y=0); MeanCI(n=0)\n"
        "adjust_p([0.1, None], 'holm'); romano_band(0.2)\n"
        "loaded = sorted(m for m in ('numpy', 'scipy') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_group_comparison_does_not_import_scipy_stats() -> None:
    # scipy.stats takes about a second to import; score must not pay for it.
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from salesmkt.analysis import statistics as S\n"
        "rng = np.random.default_rng(1)\n"
        "x, y = rng.integers(1, 6, 500).astype(float), rng.integers(1, 6, 400).astype(float)\n"
        "r = S.compare_groups(x, y)\n"
        "assert r.p_method == 'asymptotic' and r.welch_p is not None, r\n"
        "S.compare_groups(x[:10], y[:12])\n"
        "S.bootstrap_mean_with_shares(x, [1, 3, 5], ['a', 'b'])\n"
        "S.agreement(np.stack([x[:400], y]).T, 5, group='g')\n"
        "assert 'scipy.stats' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_models_reject_nan() -> None:
    with pytest.raises(ValueError):
        S.GapStats(n_x=1, n_y=1, gap=math.nan)
