"""The reliability moments' float32 products without the thread cap when OpenBLAS is
told to use one thread (issue 13, twelfth round:
:func:`salesmkt.analysis.statistics.reliability._one_blas_thread`).

Oracles: the environment read by hand as OpenBLAS documents it, and the moments' sums
and cross-products taken in float64 over every row at once (whole numbers, so exact),
bit for bit, with the variable set and unset."""

from __future__ import annotations

import numpy as np
import pytest

import salesmkt.analysis.statistics.reliability as rel

VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


@pytest.mark.parametrize(
    ("env", "one"),
    [
        ({}, False),
        ({"OPENBLAS_NUM_THREADS": "1"}, True),
        ({"OPENBLAS_NUM_THREADS": " 1 "}, True),
        ({"OPENBLAS_NUM_THREADS": "2"}, False),
        ({"OPENBLAS_NUM_THREADS": "0", "OMP_NUM_THREADS": "1"}, True),  # 0: not set
        ({"OPENBLAS_NUM_THREADS": "x", "GOTO_NUM_THREADS": "1"}, True),
        ({"GOTO_NUM_THREADS": "3", "OMP_NUM_THREADS": "1"}, False),  # GOTO decides
        ({"OMP_NUM_THREADS": "1"}, True),
        ({"OMP_NUM_THREADS": "4"}, False),
        ({"OMP_NUM_THREADS": "-1"}, False),
    ],
)
def test_one_blas_thread_reads_the_variables_in_openblas_order(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], one: bool
) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert rel._one_blas_thread() is one


@pytest.mark.parametrize("k", [1, 3, 20, 60, 120])
@pytest.mark.parametrize("exact", [1, 700, 4096, 10**9])
def test_rows_per_product(k: int, exact: int) -> None:
    assert rel._rows_per_product(k, exact, one_thread=False) == rel._product_rows(k, exact)
    assert rel._rows_per_product(k, exact, one_thread=True) == min(rel._EXACT_ROWS, exact)


def _float64_moments(x: np.ndarray, shift: float) -> tuple[np.ndarray, np.ndarray]:
    dev = x.astype(np.float64) - shift
    return dev.sum(axis=0), dev.T @ dev


@pytest.mark.parametrize(
    ("k", "lo", "hi", "shift", "n"),
    [(20, 1, 5, 3.0, 40_000), (20, -127, 127, 0.0, 9_000), (5, 1, 7, 3.5, 20_000),
     (60, 0, 10, 5.0, 6_000)],
)  # fmt: skip
def test_moments_with_one_thread_equal_the_capped_and_float64(
    monkeypatch: pytest.MonkeyPatch, k: int, lo: int, hi: int, shift: float, n: int
) -> None:
    rng = np.random.default_rng(k + n)
    items = np.asfortranarray(rng.integers(lo, hi + 1, size=(n, k)).astype(np.int8))
    keep = np.flatnonzero(rng.random(n) > 0.1)
    found = {}
    for one in ("1", "2"):
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", one)
        columns = rel._exact_columns(items, keep, None, shift)
        chunks = [items[keep[s : s + 5000]] for s in range(0, keep.size, 5000)]
        sums = rel._exact_sums(iter(chunks), k, shift)
        assert columns is not None and sums is not None
        found[one] = (columns, sums)
    s1, s2 = _float64_moments(items[keep], shift)
    for columns, sums in found.values():
        for got in (columns, sums):
            assert got[0].tobytes() == s1.tobytes()
            assert got[1].tobytes() == s2.tobytes()


@pytest.mark.parametrize(("value", "capped"), [("1", False), ("2", True)])
def test_the_thread_cap_is_asked_only_with_threads(
    monkeypatch: pytest.MonkeyPatch, value: str, capped: bool
) -> None:
    """Only the speed depends on the choice (the sums above are the same), so which
    chunking each path takes is watched directly."""
    asked: list[int] = []
    original = rel._product_rows

    def spy(k: int, exact: int) -> int:
        asked.append(k)
        return original(k, exact)

    monkeypatch.setattr(rel, "_product_rows", spy)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", value)
    items = np.asfortranarray(np.ones((100, 20), dtype=np.int8))
    keep = np.arange(100)
    assert rel._exact_columns(items, keep, None, 3.0) is not None
    assert rel._exact_sums(iter([items[:50], items[50:]]), 20, 3.0) is not None
    assert asked == ([20, 20, 20] if capped else [])
