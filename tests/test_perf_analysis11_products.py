"""The float32 cross-products of the reliability moments in chunks small enough for one
OpenBLAS thread (issue 13, eleventh round: :func:`~salesmkt.analysis.statistics.
reliability._product_rows`).

Oracle: the same sums in float64 over every row at once (whole numbers whose sums stay
below 2**53, so exact in any order), which the chunked float32 products must give bit
for bit, at the chunk sizes one thread allows, at the floor of a long questionnaire and
where exactness asks for fewer rows than either."""

from __future__ import annotations

import numpy as np
import pytest

import salesmkt.analysis.statistics.reliability as rel


def _oracle(items: np.ndarray, keep: np.ndarray, shift: float) -> tuple[np.ndarray, np.ndarray]:
    dev = items[keep].astype(np.float64) - shift
    return dev.sum(axis=0), dev.T @ dev


@pytest.mark.parametrize("k", [1, 3, 6, 20, 21, 40, 120])
def test_rows_per_product_stay_in_one_thread_and_exact(k: int) -> None:
    for exact in (1, 100, 1_040, 10**9):
        rows = rel._product_rows(k, exact)
        assert 1 <= rows <= min(exact, rel._EXACT_ROWS)
        if rows > rel._MIN_PRODUCT_ROWS:
            assert (k + 1) * (k + 1) * rows <= rel._ONE_THREAD_PRODUCT
    assert rel._product_rows(20, 10**9) == (1 << 18) // 441  # 594: the whole alignment scale
    assert rel._product_rows(3, 10**9) == rel._EXACT_ROWS  # dimensions: as before
    assert rel._product_rows(120, 10**9) == rel._MIN_PRODUCT_ROWS


@pytest.mark.parametrize(
    ("k", "lo", "hi", "shift"),
    [(20, 1, 5, 3.0), (20, -127, 127, 0.0), (3, -127, 127, 0.0), (3, 1, 7, 4.0),
     (60, 1, 5, 2.5), (5, 100, 127, 0.5)],
)  # fmt: skip
def test_chunked_exact_sums_equal_float64_sums(k: int, lo: int, hi: int, shift: float) -> None:
    rng = np.random.default_rng(k + hi)
    n = 9_000
    items = np.asfortranarray(rng.integers(lo, hi + 1, size=(n, k)).astype(np.int8))
    items[::11] = hi  # far from the shift: the exact bound decides the rows
    keep = np.flatnonzero(rng.random(n) < 0.85)
    want = _oracle(items, keep, shift)
    got = rel._exact_columns(items, keep, None, shift)
    assert got is not None
    assert got[0].tobytes() == want[0].tobytes() and got[1].tobytes() == want[1].tobytes()
    chunks = (items[keep[i : i + 2_000]] for i in range(0, keep.size, 2_000))
    summed = rel._exact_sums(chunks, k, shift)
    assert summed is not None
    assert summed[0].tobytes() == want[0].tobytes() and summed[1].tobytes() == want[1].tobytes()
    cols = list(range(0, k, 2))
    part = rel._exact_columns(items, keep, cols, shift)
    sub = _oracle(np.ascontiguousarray(items[:, cols]), keep, shift)
    assert part is not None and part[1].tobytes() == sub[1].tobytes()
