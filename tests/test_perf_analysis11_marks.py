"""Scoring without the answered marks where they are ``filled != 0`` (issue 13, eleventh
round: *blank zero*, :mod:`salesmkt.analysis.prepared`).

Oracles: the same tables scored with the marks held, taken from an independent source
(pandas' ``notna`` of the answers), must give the same JSON byte for byte; each reader
of the marks (item tallies, item answer counts, scale moments, answer rows, derived
scores) must give with ``blank_zero`` exactly what it gives with ``valid`` and what a
plain Python count gives."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from support.scoring import make_table, tiny, tiny_on_scale

import salesmkt.analysis.prepared as prepared
from salesmkt.analysis.gapdata import (
    GapData,
    Groups,
    ItemTallies,
    answer_rows,
    derived_scores,
    item_answer_counts,
)
from salesmkt.analysis.quality import scale_moments
from salesmkt.analysis.scoring import score_table
from salesmkt.definitions import questionnaire_load
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.intake.responses import ResponseTable, read_responses
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.render.assessment_json import render_json

ITEMS = ["t1", "t2", "t3", "t4"]


def _write(tmp_path: Path, n: int, lo: int, hi: int, seed: int) -> Path:
    """n respondents on lo…hi: some blanks, some with one answer, some with none."""
    rnd = random.Random(seed)
    lines = ["respondent,group," + ",".join(ITEMS)]
    for i in range(n):
        cells = [str(rnd.randint(lo, hi)) if rnd.random() > 0.2 else "" for _ in ITEMS]
        if i % 13 == 5:
            cells = ["", "", "", ""]  # unscoreable: left out
        if i % 9 == 2:
            cells = [cells[0] or str(lo), "", "", ""]  # a dimension skipped
        lines.append(",".join([f"R{i:05d}", ("Sales", "Marketing", "Leadership")[i % 3], *cells]))
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _held_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make prepare hold the marks, read from pandas' ``notna`` of the answers."""
    original = prepared._recoded

    def held(table: ResponseTable) -> tuple[prepared.AnswerGrid, np.ndarray]:
        filled, _ = original(table)
        marks = np.asfortranarray(table.answers.notna().to_numpy())
        return filled, marks

    monkeypatch.setattr(prepared, "_recoded", held)


@pytest.mark.parametrize(
    ("lo", "hi", "blank_zero"),
    [(1, 5, True), (1, 7, True), (27, 127, True), (0, 10, False), (-2, 2, False)],
)
def test_blank_zero_scores_equal_scores_with_the_marks_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lo: int, hi: int, blank_zero: bool
) -> None:
    q = tiny_on_scale(tmp_path, lo, hi)
    path = _write(tmp_path, 600, lo, hi, seed=lo + 7)
    settings = Settings(min_group_size=5)
    table = read_responses(ResponseSource(path, drop_invalid=True), q, max_missing=0.8)
    prep = prepared.prepare(table)
    # On a scale reaching 0 some answer recodes to 0: the marks are held then.
    assert prep.blank_zero is blank_zero and (prep.marks is None) is blank_zero
    want = table.answers.notna().to_numpy()[prep.keep]
    assert np.array_equal(prep.valid, want) and prep.valid.flags.f_contiguous
    fast = render_json(score_table(table, settings).assessment)
    _held_marks(monkeypatch)
    slow_table = read_responses(ResponseSource(path, drop_invalid=True), q, max_missing=0.8)
    held = prepared.prepare(slow_table)
    assert held.marks is not None and np.array_equal(held.marks, want)
    assert np.array_equal(held.total, prep.total) and np.array_equal(held.answered, prep.answered)
    assert np.array_equal(held.dims_filled, prep.dims_filled)
    assert fast == render_json(score_table(slow_table, settings).assessment)


def test_the_float_frame_path_drops_the_marks_too() -> None:
    q = tiny()
    rows = [[1, 2, np.nan, 4], [5, np.nan, 1, 2], [np.nan] * 4, [3, 3, 3, 3]]
    table = make_table(q, rows, ["sales", "marketing", "sales", "marketing"])
    prep = prepared.prepare(table)
    assert prep.marks is None and prep.filled.dtype == np.int8
    assert prep.valid.tolist() == [[True, True, False, True], [True, False, True, True],
                                   [True, True, True, True]]  # fmt: skip
    assert prep.answered.tolist() == [3, 3, 4] and not prep.keep[2]


def _grid(n: int, values: list[int], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """int8 answers drawn from ``values`` (none 0), 0 where blank; rows with no answer;
    group codes 0…3 with group 3 empty."""
    rng = np.random.default_rng(seed)
    items = rng.choice(np.array(values, dtype=np.int8), size=(n, 6))
    valid = rng.random((n, 6)) > 0.25
    valid[::17] = False  # answered nothing
    valid[1::5] = True  # complete
    items[~valid] = 0
    code = rng.integers(0, 3, size=n).astype(np.int64)
    return np.asfortranarray(items), np.asfortranarray(valid), code


def _pair(items: np.ndarray, valid: np.ndarray, code: np.ndarray) -> tuple[GapData, GapData]:
    ids = ["sales", "marketing", "leadership", "other"]
    marked = GapData(items, code, ids, valid=valid)
    return marked, GapData(items, code, ids, blank_zero=True)


def _tallies(t: ItemTallies) -> dict[int, list[tuple[bytes, bytes]]]:
    return {
        c: [(x.values.tobytes(), x.counts.tobytes()) for x in tallies]
        for c, tallies in t.by_group.items()
    }


def _six_items(tmp_path: Path) -> Questionnaire:
    text = (Path(__file__).parent / "fixtures" / "scoring" / "tiny.yaml").read_text()
    text = text.replace(
        "  - {id: t4, text: We plan together., dimension: work}",
        "  - {id: t4, text: We plan together., dimension: work}\n"
        "  - {id: t5, text: Five., dimension: work}\n"
        "  - {id: t6, text: Six., dimension: talk}",
    )
    text = text.replace("min: 4, max: 9}", "min: 6, max: 13}").replace(
        "min: 10, max: 14}", "min: 14, max: 21}"
    )
    text = text.replace("min: 15, max: 20}", "min: 22, max: 30}")
    path = tmp_path / "six.yaml"
    path.write_text(text)
    return questionnaire_load.load(path)


@pytest.mark.parametrize("values", [[1, 2, 3, 4, 5], [-3, -1, 2, 3], [127, -128]])
@pytest.mark.parametrize("n", [0, 1, 40, 3000])
def test_readers_of_blank_zero_equal_readers_of_held_marks(
    tmp_path: Path, values: list[int], n: int
) -> None:
    q = _six_items(tmp_path)
    items, valid, code = _grid(n, values, seed=n + len(values))
    marked, blank = _pair(items, valid, code)
    settings = Settings(min_group_size=1)
    a = ItemTallies(marked, Groups(marked, q, settings))
    b = ItemTallies(blank, Groups(blank, q, settings))
    assert a.answered == b.answered and _tallies(a) == _tallies(b)
    # the plain count: respondents of each group with any answer
    for c, got in b.answered.items():
        assert got == int(np.count_nonzero(valid[code == c].any(axis=1)))
        for j, tally in enumerate(b.by_group[c]):
            want = Counter(items[(code == c) & valid[:, j], j].tolist())
            assert dict(zip(tally.values.tolist(), tally.counts.tolist(), strict=True)) == {
                float(v): m for v, m in want.items()
            }
    rows = np.arange(n)[::2]
    np.testing.assert_array_equal(answer_rows(blank, rows), answer_rows(marked, rows))
    sm_a = scale_moments(q, marked, Groups(marked, q, settings))
    sm_b = scale_moments(q, blank, Groups(blank, q, settings))
    assert np.array_equal(sm_b.complete, valid.all(axis=1))
    assert np.array_equal(sm_a.partial, sm_b.partial) and np.array_equal(sm_a.skipped, sm_b.skipped)
    for c, m in sm_a.by_group.items():
        other = sm_b.by_group[c]
        assert (m.n, m.rows) == (other.n, other.rows)
        assert m.s1.tobytes() == other.s1.tobytes() and m.s2.tobytes() == other.s2.tobytes()
    ta, da, _ = derived_scores(marked, q)
    tb, db, _ = derived_scores(blank, q)
    assert ta.tobytes() == tb.tobytes()
    assert all(da(j).tobytes() == db(j).tobytes() for j in range(len(q.dimensions)))


@pytest.mark.parametrize("values", [[1, 2, 3, 4, 5], [-3, -1, 2, 3], [-128, 1, 127]])
@pytest.mark.parametrize("ncells", [1, 3, 40])
def test_item_answer_counts_without_marks_equal_a_plain_count(
    values: list[int], ncells: int
) -> None:
    items, valid, _ = _grid(2500, values, seed=ncells)
    key = np.random.default_rng(ncells).integers(0, ncells, size=len(items)).astype(np.int64)
    got = item_answer_counts(key, ncells, items, None, blank_zero=True)
    marked = item_answer_counts(key, ncells, items, valid, blank_zero=True)
    assert all(np.array_equal(g, m) for g, m in zip(got, marked, strict=True))
    for j, counts in enumerate(got):
        want = np.zeros((ncells, 256), dtype=np.int64)
        for r in range(len(items)):
            if valid[r, j]:
                want[key[r], int(items[r, j]) + 128] += 1
        assert np.array_equal(counts, want)
