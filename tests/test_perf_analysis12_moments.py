"""Who answered every item, or none, read off the held answer counts
(``GapData.answered``), and the partial rows' skipped items packed a column at a time
(:func:`salesmkt.analysis.quality.missing_bits`) (issue 13, twelfth round).

Oracles: :func:`~salesmkt.analysis.statistics.reliability.pack_missing` of the marks
(``~answered_cells``) of those rows, plain Python bits, and the same readers on the same
arrays without the counts."""

from __future__ import annotations

import numpy as np
import pytest
from support.scoring import tiny

import salesmkt.analysis.gapdata as gapdata
import salesmkt.analysis.quality as quality
from salesmkt.analysis.gapdata import GapData, Groups, ItemTallies
from salesmkt.analysis.statistics.reliability import answered_cells, pack_missing
from salesmkt.model.assessment import Settings

IDS = ["sales", "marketing", "leadership"]


def _grid(n: int, k: int, seed: int, blank: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """int8 answers 1…5, 0 where blank; some rows with no answer, some complete."""
    rng = np.random.default_rng(seed)
    items = rng.integers(1, 6, size=(n, k)).astype(np.int8)
    valid = rng.random((n, k)) > blank
    valid[::7] = False
    valid[1::4] = True
    items[~valid] = 0
    return np.asfortranarray(items), np.asfortranarray(valid)


def _plain_bits(valid: np.ndarray, rows: np.ndarray) -> list[list[int]]:
    k = valid.shape[1]
    out = []
    for r in rows.tolist():
        words = [0] * max(1, -(-k // 64))
        for j in range(k):
            if not valid[r, j]:
                words[j // 64] |= 1 << (j % 64)
        out.append(words)
    return out


@pytest.mark.parametrize(("n", "k"), [(0, 4), (1, 1), (50, 4), (333, 20), (200, 64), (90, 65)])
@pytest.mark.parametrize("kind", ["blank zero", "int8 marks", "float marks", "float NaN"])
def test_missing_bits_are_pack_missings(n: int, k: int, kind: str) -> None:
    items, valid = _grid(n, k, seed=n + k)
    code = np.zeros(n, dtype=np.int64)
    if kind == "blank zero":
        data = GapData(items, code, IDS, blank_zero=True)
    elif kind == "int8 marks":
        data = GapData(items, code, IDS, valid=valid)
    elif kind == "float marks":
        floats = np.asfortranarray(items.astype(np.float64))
        floats[::3, 0] = np.nan  # not finite: missing even where marked
        data = GapData(floats, code, IDS, valid=valid)
        valid = valid & ~np.isnan(floats)
    else:
        floats = np.asfortranarray(np.where(valid, items, np.nan))
        data = GapData(floats, code, IDS)
    rows = np.flatnonzero(~valid.all(axis=1)) if n else np.zeros(0, dtype=np.int64)
    got = quality.missing_bits(data, rows)
    want = pack_missing(~answered_cells(data.items, data.valid_matrix())[rows])
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes()
    assert got.tolist() == _plain_bits(valid, rows)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("marks", [True, False])
def test_complete_and_answered_nothing_from_the_counts(seed: int, marks: bool) -> None:
    items, valid = _grid(400, 6, seed)
    code = np.random.default_rng(seed).integers(0, 3, size=400).astype(np.int64)
    answered = np.count_nonzero(valid, axis=1).astype(np.int8)
    held = {"valid": valid} if marks else {"blank_zero": True}
    plain = GapData(items, code, IDS, **held)  # type: ignore[arg-type]
    counted = GapData(items, code, IDS, answered=answered, **held)  # type: ignore[arg-type]
    for got, want in zip(quality._completeness(counted), quality._completeness(plain), strict=True):
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    complete = quality._completeness(counted)[0]
    assert complete.tolist() == [bool(row.all()) for row in valid]
    assert gapdata._answered_nothing(counted).tolist() == [not row.any() for row in valid]
    groups = Groups(plain, tiny(), Settings(min_group_size=1))
    a, b = ItemTallies(counted, groups), ItemTallies(plain, groups)
    assert a.answered == b.answered
    assert a.answered == {c: int(valid[code == c].any(axis=1).sum()) for c in range(3)}


@pytest.mark.parametrize("outside", [False, True])
def test_packed_counts_and_group_sizes_with_keys_outside_the_cells(outside: bool) -> None:
    """Keys all within the cells are cast at once; keys outside (below 0, or ncells and
    beyond) still count in the spare cell, never read: against plain Python counts."""
    from collections import Counter

    items, valid = _grid(500, 5, seed=11)
    rng = np.random.default_rng(3)
    key = rng.integers(0, 3, size=500).astype(np.int64)
    if outside:
        key[::9] = -1
        key[4::11] = 3
    got = gapdata.item_answer_counts(key, 3, items, None, blank_zero=True)
    for j, counts in enumerate(got):
        plain = Counter(
            (int(c), int(v)) for c, v, ok in zip(key, items[:, j], valid[:, j], strict=True)
            if ok and 0 <= c < 3
        )  # fmt: skip
        for c in range(3):
            row = counts[c]
            assert {v - 128: int(row[v]) for v in np.flatnonzero(row)} == {
                v: n for (cell, v), n in plain.items() if cell == c
            }
    groups = Groups(GapData(items, key, IDS, blank_zero=True), tiny(), Settings(min_group_size=1))
    # as before: codes below 0 left out (codes beyond the ids counted, as always)
    assert groups.n.tolist() == np.bincount(key[key >= 0], minlength=3).tolist()
    assert groups.n.tolist()[:3] == [int((key == c).sum()) for c in range(3)]
