"""The cells' median, minimum and maximum of the totals read off each cell's tally of
them, counted from their whole-number parts, and those tallies handed on to the gaps
(issue 13, twelfth round: :func:`salesmkt.analysis.cells.cell_stats`,
:func:`salesmkt.analysis.gapdata.cell_ratio_tallies`, ``GapData.total_tallies``).

Oracles: ``np.median``, ``min`` and ``max`` of each cell's totals picked out by a mask,
plain Python's sorted middle values, the old path of :mod:`salesmkt.analysis.cells`
(a copy and a partition per cell), and the whole assessment scored with the tallies
taken away, byte for byte."""

from __future__ import annotations

import random
import statistics
from pathlib import Path

import numpy as np
import pytest
from support.scoring import make_table, tiny, tiny_on_scale

import salesmkt.analysis.cells as cells
from salesmkt.analysis.gapdata import Ratio, cell_ratio_tallies
from salesmkt.analysis.prepared import prepare
from salesmkt.analysis.scoring import score_table
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.intake.responses import read_responses
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.render.assessment_json import render_json


def _rows(n: int, seed: int, blank: float) -> list[list[float]]:
    rng = random.Random(seed)
    rows = [[float(rng.randint(1, 5)) if rng.random() > blank else np.nan for _ in range(4)]
            for _ in range(n)]  # fmt: skip
    return [r if not all(np.isnan(r)) else [2.0, 2.0, 2.0, 2.0] for r in rows]


@pytest.mark.parametrize(
    ("n", "ncells", "blank"),
    [(1, 1, 0.0), (2, 1, 0.0), (3, 2, 0.3), (5, 3, 0.2), (700, 2, 0.2), (701, 4, 0.5),
     (900, 9, 0.1), (2000, 40, 0.3)],
)  # fmt: skip
def test_cell_spread_from_tallies_equals_the_copies_and_numpy(
    n: int, ncells: int, blank: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(n + ncells)
    prep = prepare(make_table(tiny(), _rows(n, n, blank), ["sales"] * n))
    key = rng.integers(0, ncells, size=n).astype(np.int64)
    if ncells > 2:
        key[key == 1] = 0  # an empty cell
    fast = cells.cell_stats(key, ncells, prep)
    assert fast.total_tallies is not None
    monkeypatch.setattr(cells, "_total_tallies", lambda *args: None)
    slow = cells.cell_stats(key, ncells, prep)
    assert slow.total_tallies is None
    for name in ("median", "lo", "hi", "n", "total_sum", "mean", "sd"):
        assert getattr(fast, name).tobytes() == getattr(slow, name).tobytes(), name
    for c in range(ncells):
        part = prep.total[key == c]
        if part.size == 0:
            assert c not in fast.total_tallies and np.isnan(fast.median[c])
            continue
        assert fast.median[c] == np.median(part) == statistics.median(part.tolist())
        assert fast.lo[c] == part.min() and fast.hi[c] == part.max()
        want = Tally.of(part)
        got = fast.total_tallies[c]
        assert got.values.tobytes() == want.values.tobytes()
        assert got.counts.tobytes() == want.counts.tobytes()


@pytest.mark.parametrize("seed", range(6))
def test_median_of_a_tally_is_numpys_median(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for size in (1, 2, 3, 4, 7, 10, 101):
        sample = rng.integers(-5, 30, size=size) / rng.integers(1, 7, size=size)
        tally = Tally.of(sample)
        assert cells._median_of(tally) == np.median(sample)
        assert cells._median_of(tally) == cells._median(sample)
        ordered = sorted(sample.tolist())
        mid = len(ordered) // 2
        plain = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        assert cells._median_of(tally) == plain


def test_cell_tallies_refuse_codes_outside_the_cells_and_too_many_bins() -> None:
    num = np.array([3, 4, 5], dtype=np.int16)
    den = np.array([1, 2, 1], dtype=np.int8)
    ratio = Ratio(num, den, 1)
    assert cell_ratio_tallies(ratio, np.array([0, 1, 2]), 2, [0, 1]) is None
    assert cell_ratio_tallies(ratio, np.array([0, -1, 1]), 2, [0, 1]) is None
    assert cell_ratio_tallies(ratio, np.array([], dtype=np.int64), 2, []) is None
    wide = Ratio(np.array([0, 30_000], dtype=np.int32), np.array([1, 200], dtype=np.int16))
    assert cell_ratio_tallies(wide, np.array([0, 1]), 2, [0, 1]) is None
    found = cell_ratio_tallies(ratio, np.array([0, 1, 0]), 2, [0, 1])
    assert found is not None
    assert found[0].values.tolist() == [3.0, 5.0] and found[1].values.tolist() == [2.0]


def test_a_total_without_parts_falls_back_to_the_copies() -> None:
    """A respondent whose parts give no score (0 answers) has no place in a tally: the
    cell's totals are then read the old way (NaN median, as numpy gives)."""
    prep = prepare(make_table(tiny(), _rows(40, 3, 0.2), ["sales"] * 40))
    prep.answered[5] = 0
    with np.errstate(invalid="ignore", divide="ignore"):
        prep.total[5] = np.float64(prep.row_sums[5] * 4) / 0.0  # type: ignore[index]
    key = np.zeros(40, dtype=np.int64)
    found = cells.cell_stats(key, 1, prep)
    assert found.total_tallies is None
    assert found.hi[0] == np.inf and found.median[0] == np.median(prep.total)


def _write(tmp_path: Path, n: int, lo: int, hi: int, seed: int) -> Path:
    rnd = random.Random(seed)
    lines = ["respondent,group,region,t1,t2,t3,t4"]
    for i in range(n):
        answers = [str(rnd.randint(lo, hi)) if rnd.random() > 0.2 else "" for _ in range(4)]
        if i % 13 == 5:
            answers = ["", "", "", ""]  # unscoreable
        group = ("Sales", "Marketing", "Leadership", "Sales")[i % 4]
        lines.append(",".join([f"R{i:05d}", group, ("N", "S", "E")[i % 3], *answers]))
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(("lo", "hi", "n", "k"), [(1, 5, 600, 5), (0, 10, 300, 5), (1, 5, 24, 7)])
def test_scores_with_the_cells_tallies_equal_scores_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lo: int, hi: int, n: int, k: int
) -> None:
    """The whole assessment (by region too, a suppressed group with k = 7 at 24
    respondents) with the cells' tallies handed on, and with none taken: the same JSON."""
    q = tiny_on_scale(tmp_path, lo, hi)
    table = read_responses(ResponseSource(_write(tmp_path, n, lo, hi, seed=n)), q, max_missing=0.8)
    settings = Settings(min_group_size=k, by=["region"])
    result = score_table(table, settings)
    fast = render_json(result.assessment)
    monkeypatch.setattr(cells, "_total_tallies", lambda *args: None)
    assert fast == render_json(score_table(table, settings).assessment)


def test_dimension_columns_into_one_buffer_equal_new_ones() -> None:
    """A dimension's means written into a reused buffer: the same floats as a new
    column, held as whole-number parts or as means, and as plain Python divides them."""
    from salesmkt.analysis.prepared import DimScores

    rng = np.random.default_rng(5)
    sums = np.asfortranarray(rng.integers(0, 26, size=(300, 3)).astype(np.int16))
    counts = np.asfortranarray(rng.integers(0, 6, size=(300, 3)).astype(np.int8))
    sums[counts == 0] = 0
    parts = DimScores(sums=sums, counts=counts)
    means = DimScores(means=parts.matrix())
    out = np.full(300, np.nan)
    for j in range(3):
        pairs = zip(sums[:, j].tolist(), counts[:, j].tolist(), strict=True)
        want = [s / c if c else 0.0 for s, c in pairs]
        for scores in (parts, means):
            fresh = scores.column(j)
            got = scores.column(j, out)
            assert got is out and got.tobytes() == fresh.tobytes()
            assert got.tolist() == want


def test_withheld_respondents_warnings_dropped_and_nobody_hidden_kept() -> None:
    """A withheld group's respondent who skipped a dimension loses the row warning; a
    shown group's keeps it; with nobody withheld every row warning stays (the row
    numbers are then not copied at all): against the same scores at a threshold of 1."""
    rows = [[1.0, 2.0, 3.0, 4.0]] * 60 + [[5.0, 4.0, 3.0, 2.0], [2.0, np.nan, np.nan, np.nan]]
    rows[7] = [np.nan, np.nan, 3.0, 3.0]  # a sales respondent skips "talk"
    groups = ["sales"] * 30 + ["marketing"] * 30 + ["leadership"] * 2
    table = make_table(tiny(), rows, groups)
    warned = {
        k: {w.row for w in score_table(table, Settings(min_group_size=k)).assessment.warnings
            if w.code == "skipped-dimension"}
        for k in (1, 5)
    }  # fmt: skip
    assert len(warned[1]) == 2 and len(warned[5]) == 1 and warned[5] < warned[1]
