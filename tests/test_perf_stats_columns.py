"""Moments gathered column by column (reliability._exact_columns) equal the row gathers'.

Oracle: ``reliability._summed`` over chunks of whole rows, the path every moment took
before (float32 products where exact, float64 otherwise), compared bit for bit through
``gather_moments`` and ``block_moments``: Fortran- and C-ordered answers, all columns and
a few, whole and half shifts, answers far from the shift, chunk and product boundaries,
one row, no rows, and every case that must leave the column path (float answers, a shift
that is not a multiple of 1/2, values beyond float32, sums that could round in float64).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pytest

from salesmkt.analysis.statistics import reliability as rel


def _rows_oracle(
    items: np.ndarray, keep: np.ndarray, cols: Sequence[int] | None, shift: float
) -> tuple[np.ndarray, np.ndarray]:
    """The sums as gathered before: whole rows, chunk by chunk (the oracle)."""
    columns = np.arange(items.shape[1]) if cols is None else np.asarray(cols, dtype=np.int64)

    def chunks() -> Iterator[np.ndarray]:
        for start in range(0, keep.size, rel._GATHER_ROWS):
            yield items[np.ix_(keep[start : start + rel._GATHER_ROWS], columns)]

    return rel._summed(chunks, columns.size, shift)


def _same(got: rel.Moments, want: tuple[np.ndarray, np.ndarray], n: int) -> None:
    assert got.n == n
    assert got.s1.dtype == got.s2.dtype == np.float64
    assert got.s1.tobytes() == want[0].tobytes()
    assert got.s2.tobytes() == want[1].tobytes()


def _both(items: np.ndarray, keep: np.ndarray, shift: float, cols: list[int]) -> None:
    n = items.shape[0]
    complete = np.isin(np.arange(n), keep)
    m = rel.gather_moments(items, np.arange(n), complete, shift)
    _same(m, _rows_oracle(items, keep, None, shift), keep.size)
    assert m.rows == n
    b = rel.block_moments(items, keep, cols, shift)
    _same(b, _rows_oracle(items, keep, cols, shift), keep.size)


@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize(
    ("low", "high", "shift", "n", "k", "dtype"),
    [
        (1, 5, 3.0, 40_000, 20, np.int8),  # the alignment scale, as scoring holds it
        (1, 4, 2.5, 20_000, 7, np.int8),  # a half shift: sums in quarters
        (0, 10, 5.0, 5_000, 3, np.int16),
        (-128, 127, 0.5, 3_000, 5, np.int8),  # far from the shift: 254 rows per product
        (1, 7, 0.0, 50_000, 2, np.int32),
        (1, 5, 3.0, 1, 4, np.int8),
        (0, 1, 0.0, 200, 6, np.uint8),
    ],
)
def test_column_gathers_equal_the_row_gathers_bit_for_bit(
    low: int, high: int, shift: float, n: int, k: int, dtype: type, order: str
) -> None:
    rng = np.random.default_rng(n + k)
    drawn: np.ndarray = rng.integers(low, high + 1, size=(n, k)).astype(dtype)
    items = np.asfortranarray(drawn) if order == "F" else np.ascontiguousarray(drawn)
    keep = np.flatnonzero(rng.random(n) < 0.9) if n > 1 else np.arange(1)
    _both(items, keep, shift, list(range(0, k, 2)))
    _both(items, keep, shift, [k - 1, 0])  # columns in any order


def test_every_chunk_and_product_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rel, "_GATHER_ROWS", 7)
    monkeypatch.setattr(rel, "_EXACT_ROWS", 3)
    rng = np.random.default_rng(3)
    items = np.asfortranarray(rng.integers(1, 6, size=(100, 6)).astype(np.int8))
    for p in (0.0, 0.05, 0.7, 1.0):
        keep = np.flatnonzero(rng.random(100) < p)
        _both(items, keep, 3.0, [1, 2, 4])


def test_no_rows_and_no_columns() -> None:
    items = np.asfortranarray(np.ones((10, 4), dtype=np.int8))
    keep = np.zeros(0, dtype=np.int64)
    _both(items, keep, 3.0, [0, 1])
    b = rel.block_moments(items, np.arange(10), [], 3.0)
    assert b.s1.shape == (0,) and b.s2.shape == (0, 0)


def test_what_the_column_path_refuses_takes_the_row_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    items = np.asfortranarray(rng.integers(1, 6, size=(500, 4)).astype(np.int8))
    keep = np.arange(0, 500, 3)
    assert rel._exact_columns(items.astype(np.float64), keep, None, 3.0) is None
    assert rel._exact_columns(items, keep, None, 3.3) is None
    big = items.astype(np.int32) + (1 << 23)
    assert rel._exact_columns(big, keep, [0, 2], float(1 << 23)) is None
    for data, shift in ((items.astype(np.float64), 3.0), (items, 3.3), (big, float(1 << 23))):
        _both(data, keep, shift, [0, 2])
    # 167 rows of products up to 4: a total that might round in float64
    monkeypatch.setattr(rel, "_F64_UNITS", 600)
    assert rel._exact_columns(items, keep, None, 3.0) is None
    _both(items, keep, 3.0, [0, 2])


def test_answered_cells_of_whole_numbers_is_valid_itself() -> None:
    rng = np.random.default_rng(9)
    items = np.asfortranarray(rng.integers(0, 6, size=(300, 5)).astype(np.int8))
    valid = np.asfortranarray(rng.random((300, 5)) < 0.8)
    got = rel.answered_cells(items, valid)
    assert got is valid
    want = np.isfinite(items.astype(np.float64)) & valid
    assert np.array_equal(got, want)
    floats = np.where(valid, items, np.nan)
    assert np.array_equal(rel.answered_cells(floats, valid), want)
    assert np.array_equal(rel.answered_cells(floats, None), want)
    assert rel.answered_cells(items, None).all()
