"""Two start-up savings of the eighth round, each against the library call it replaces:
``cells._median`` against ``np.median`` (which imports ``numpy.ma``), and
``arrowread.within`` / ``_most_bytes`` against ``pyarrow.compute`` (imported only when a
cell is longer in bytes than the limit)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmkt.analysis.cells import _median
from salesmkt.intake.arrowread import _most_bytes, within

finite = st.floats(allow_nan=False, allow_infinity=True, width=64)
any_float = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, min_size=1, max_size=40))
def test_median_is_numpys_to_the_bit(values: list[float]) -> None:
    a = np.array(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # two huge middles overflow alike
        expected = np.median(a)
        got = _median(a.copy())
    assert np.array_equal(np.array([got]), np.array([expected]), equal_nan=True)
    assert np.signbit(got) == np.signbit(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(any_float, min_size=1, max_size=20))
def test_median_with_nan_is_nan_as_numpys(values: list[float]) -> None:
    a = np.array(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # two huge middles overflow alike
        got, expected = _median(a.copy()), float(np.median(a))
    assert (np.isnan(got) and np.isnan(expected)) or got == expected


def test_median_by_hand() -> None:
    assert _median(np.array([3.0, 1.0, 2.0])) == 2.0
    assert _median(np.array([4.0, 1.0, 2.0, 3.0])) == 2.5
    assert _median(np.array([7.5])) == 7.5


texts = st.lists(st.text(max_size=12), max_size=30)


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(0, 10), st.integers(0, 40))
def test_most_bytes_is_pyarrows_on_slices(cells: list[str], start: int, limit: int) -> None:
    chunk = pa.array(cells, type=pa.string()).slice(min(start, len(cells)))
    longest = pc.max(pc.binary_length(chunk)).as_py() if len(chunk) else None
    assert _most_bytes(chunk) == (longest or 0)
    column = pa.chunked_array([chunk, pa.array(cells[:3], type=pa.string())], type=pa.string())
    chars = max((len(c) for c in cells[min(start, len(cells)) :] + cells[:3]), default=0)
    assert within(column, limit) == (chars <= limit)
    assert within(column.dictionary_encode(), limit) == (chars <= limit)


def test_most_bytes_with_a_null_cell() -> None:
    chunk = pa.array(["ab", None, "abcd"], type=pa.string())
    assert _most_bytes(chunk) == 4
    assert _most_bytes(pa.array([None], type=pa.string())) == 0


def test_multibyte_cells_are_counted_in_characters() -> None:
    column = pa.chunked_array([pa.array(["ééé", "ab"], type=pa.string())])
    assert _most_bytes(column.chunks[0]) == 6
    assert within(column, 3)
    assert not within(column, 2)


def test_score_imports_neither_numpy_ma_nor_pyarrow_compute(tmp_path: object) -> None:
    code = (
        "import sys\n"
        "from salesmkt.cli.launch import main\n"
        "sys.argv = ['salesmkt', 'score', 'examples/workshop.csv', '--format', 'json',"
        " '-o', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numpy.ma', 'pyarrow.compute') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path) + "/out.json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
