"""The omega fits' rounds without a copy of the stack and with numpy's error state set
once: the same loadings, bit for bit, and the same errors.

Oracles: ``_one_factor`` (the one-fit-at-a-time definition) and ``numpy.linalg.eigh``
itself, whose error state (``LinAlgError`` on a failure to converge, nothing else
raised or warned, the caller's state left as it was) the direct call must keep.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from salesmkt.analysis.statistics import reliability as rel


def _corr(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    out: np.ndarray = cov / np.outer(sd, sd)
    return out


def _weak(rng: np.random.Generator, k: int, count: int, n: int) -> list[np.ndarray]:
    """Correlations of small random samples: most fits run for hundreds of rounds, many
    never converge, and they leave the stack at different rounds."""
    return [
        _corr(np.cov(rng.integers(1, 6, size=(n, k)).astype(float), rowvar=False))
        for _ in range(count)
    ]


@pytest.mark.parametrize(
    ("k", "count", "n"), [(3, 30, 1000), (3, 12, 15), (5, 9, 40), (20, 3, 300)]
)
def test_rounds_on_the_held_stack_equal_the_fits_alone(k: int, count: int, n: int) -> None:
    rng = np.random.default_rng(k * 1000 + count)
    corrs = _weak(rng, k, count, n)
    before = [c.copy() for c in corrs]
    together = rel._factor_lockstep(corrs)
    for corr, kept, got in zip(corrs, before, together, strict=True):
        assert corr.tobytes() == kept.tobytes()  # the caller's matrices are not written
        want = rel._one_factor(corr)
        assert (got is None) == (want is None)
        if want is not None and got is not None:
            assert got.tobytes() == want.tobytes()


def test_fits_leaving_at_once_and_one_by_one() -> None:
    rng = np.random.default_rng(5)
    strong = []
    for _ in range(3):
        x = rng.integers(1, 6, size=(200, 4)).astype(float)
        x[:, 1:] += x[:, :1]
        strong.append(_corr(np.cov(x, rowvar=False)))
    # the identity's top eigenvalue is not positive: it leaves in the first round
    corrs = [np.eye(4), strong[0], *_weak(rng, 4, 4, 30), strong[1], np.eye(4), strong[2]]
    got = rel._factor_lockstep(corrs)
    assert got[0] is None and got[-2] is None
    for corr, found in zip(corrs, got, strict=True):
        want = rel._one_factor(corr)
        assert (found is None) == (want is None)
        if want is not None and found is not None:
            assert found.tobytes() == want.tobytes()
    assert rel._factor_lockstep([np.eye(3)]) == [None]


def test_diagonal_view_writes_the_stack() -> None:
    stack = np.arange(2 * 3 * 3, dtype=float).reshape(2, 3, 3)
    view = rel._diagonal_view(stack)
    assert view.tolist() == [[0.0, 4.0, 8.0], [9.0, 13.0, 17.0]]
    view[...] = [[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0]]
    want = np.arange(18, dtype=float).reshape(2, 3, 3)
    want[0][np.diag_indices(3)] = [-1.0, -2.0, -3.0]
    want[1][np.diag_indices(3)] = [-4.0, -5.0, -6.0]
    assert stack.tobytes() == want.tobytes()


def test_error_state_is_numpys_and_the_callers_is_kept() -> None:
    eigh = rel._stack_eigh()
    bad = np.full((2, 3, 3), np.nan)
    with np.errstate(all="raise"):
        caller = np.geterr()
        with pytest.raises(np.linalg.LinAlgError):
            np.linalg.eigh(bad)
        with pytest.raises(np.linalg.LinAlgError, match="did not converge"):
            eigh(bad)
        assert np.geterr() == caller  # reset after an error too
        good = np.eye(3)[None] * 2.0
        values, vectors = eigh(good)
        want = np.linalg.eigh(good)
        assert values.tobytes() == want.eigenvalues.tobytes()
        assert vectors.tobytes() == want.eigenvectors.tobytes()
        assert np.geterr() == caller
    # overflow, division and underflow are ignored within the call, as numpy's eigh
    # ignores them: no warning for a huge matrix, whatever the caller's state
    huge = np.array([[[1e308, 1e308], [1e308, 1e308]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        want = np.linalg.eigh(huge)
        values, vectors = eigh(huge)
    assert values.tobytes() == want.eigenvalues.tobytes()
    assert vectors.tobytes() == want.eigenvectors.tobytes()


def test_omega_totals_of_scale_and_dimensions_equal_fits_alone() -> None:
    """The sizes scoring asks for (20 items, and dimensions of 3 and 5) in one call."""
    rng = np.random.default_rng(21)
    covs = []
    for k, n in [(20, 500), (20, 250), (3, 500), (3, 250), (5, 500), (5, 250), (3, 40)]:
        covs.append(np.cov(rng.integers(1, 6, size=(n, k)).astype(float), rowvar=False))
    got = rel.omega_totals(covs)
    for cov, omega in zip(covs, got, strict=True):
        sd = np.sqrt(np.diag(cov))
        loadings = rel._one_factor(cov / np.outer(sd, sd))
        want = None if loadings is None else rel._omega_of(loadings, sd)
        assert repr(omega) == repr(want)


def test_diagonal_view_refuses_a_stack_it_cannot_write() -> None:
    stack = np.zeros((3, 2, 2))[::2]  # every other matrix: not C-ordered
    with pytest.raises(ValueError, match="C-ordered"):
        rel._diagonal_view(stack)
