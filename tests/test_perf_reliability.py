"""The lockstep omega fits give exactly the one-at-a-time fits' figures.

Oracle: ``_one_factor``, the one-fit-at-a-time iterated principal axes that defined omega
before the fits were stacked, kept for this purpose; compared bit for bit (``==`` on the
float arrays, ``repr`` on the omegas), including fits that do not converge, whose top
eigenvalue is not positive, with a singular matrix, and of mixed sizes in one call.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from salesmkt.analysis.statistics import reliability as rel


def _random_covs(rng: np.random.Generator, k: int, count: int, n: int = 40) -> list[np.ndarray]:
    """Covariance matrices of small random samples: weak or no common factor, so many
    fits take hundreds of rounds and some do not converge."""
    out = []
    for _ in range(count):
        x = rng.integers(1, 6, size=(n, k)).astype(float)
        out.append(np.cov(x, rowvar=False))
    return out


def _one_factor_covs(rng: np.random.Generator, k: int, count: int) -> list[np.ndarray]:
    out = []
    for _ in range(count):
        lam = rng.uniform(0.3, 0.9, size=k)
        x = rng.normal(size=(300, 1)) * lam + rng.normal(size=(300, k)) * np.sqrt(1 - lam**2)
        out.append(np.cov(x * rng.uniform(0.5, 2.0, size=k), rowvar=False))
    return out


def _alone(cov: np.ndarray) -> float | None:
    """Omega fitted alone: the definition, from _one_factor."""
    k = cov.shape[0]
    sd = np.sqrt(np.diag(cov))
    if k < 3 or k > rel.OMEGA_MAX_ITEMS or not (sd > 0).all():
        return None
    loadings = rel._one_factor(cov / np.outer(sd, sd))
    if loadings is None:
        return None
    lam = loadings * sd
    psi = (1.0 - loadings * loadings) * sd * sd
    common = float(lam.sum()) ** 2
    value = common / (common + float(psi.sum()))
    return value if math.isfinite(value) else None


def _corr(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    out: np.ndarray = cov / np.outer(sd, sd)
    return out


@pytest.mark.parametrize("k", [3, 4, 5, 8, 20])
def test_lockstep_loadings_equal_single_fits_bit_for_bit(k: int) -> None:
    rng = np.random.default_rng(k)
    corrs = [_corr(c) for c in _random_covs(rng, k, 25) + _one_factor_covs(rng, k, 10)]
    together = rel._factor_lockstep(corrs)
    outcomes = set()
    for corr, got in zip(corrs, together, strict=True):
        want = rel._one_factor(corr)
        outcomes.add(want is None)
        if want is None:
            assert got is None
        else:
            assert got is not None
            assert got.tobytes() == want.tobytes()
    assert outcomes == {True, False} or k == 20  # both outcomes were exercised


def test_fits_that_fail_leave_the_stack_without_disturbing_the_others() -> None:
    rng = np.random.default_rng(7)
    good = [_corr(c) for c in _one_factor_covs(rng, 4, 3)]
    # uncorrelated items: every squared multiple correlation is 0, so the reduced
    # matrix is all zeros and its top eigenvalue is not positive
    negative = np.eye(4)
    assert rel._one_factor(negative) is None
    corrs = [good[0], negative, good[1], good[2]]
    together = rel._factor_lockstep(corrs)
    for corr, got in zip(corrs, together, strict=True):
        want = rel._one_factor(corr)
        assert (got is None) == (want is None)
        if want is not None and got is not None:
            assert got.tobytes() == want.tobytes()
    assert together[1] is None and together[0] is not None


def test_singular_and_nonconverging_fits_match() -> None:
    rng = np.random.default_rng(11)
    base = _random_covs(rng, 4, 1, n=60)[0]
    singular = base.copy()
    singular[3, :] = singular[:, 3] = singular[0, :]
    singular[3, 3] = singular[0, 0]  # item 4 is item 1 again: inv fails or is huge
    covs = [base, singular, *_random_covs(rng, 4, 40, n=12)]
    corrs = [_corr(c) for c in covs]
    single = [rel._one_factor(c) for c in corrs]
    assert any(s is None for s in single)  # some of them do not converge in 500 rounds
    for got, want in zip(rel._factor_lockstep(corrs), single, strict=True):
        assert (got is None) == (want is None)
        if want is not None and got is not None:
            assert got.tobytes() == want.tobytes()


def test_omega_totals_of_mixed_sizes_equal_omega_fitted_alone() -> None:
    rng = np.random.default_rng(3)
    covs: list[np.ndarray] = []
    for k in (2, 3, 4, 20, 4, 5):
        covs += _random_covs(rng, k, 4) + _one_factor_covs(rng, k, 2)
    zero_var = covs[5].copy()
    zero_var[0, :] = zero_var[:, 0] = 0.0
    covs.append(zero_var)
    rng.shuffle(covs)  # sizes interleaved: each size's fits go together, order kept
    got = rel.omega_totals(covs)
    want = [_alone(c) for c in covs]
    assert [repr(g) for g in got] == [repr(w) for w in want]
    assert any(w is None for w in want) and any(w is not None for w in want)
    assert [repr(rel.omega_total(c)) for c in covs[:6]] == [repr(w) for w in want[:6]]


def test_omega_totals_of_nothing_is_empty() -> None:
    assert rel.omega_totals([]) == []
