"""The answers held as int8 codes from the gate to the scores (issue 13, sixth round)
against the float64 path they replace: the same table, the same figures, byte for byte.

The old path is still there and is the oracle: reading ``table.answers`` builds the
float64 frame, after which scoring reads the frame instead of the codes. Each file is
scored both ways and the JSON compared; the frame is also checked against a plain pandas
read of the file."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.scoring import make_table, tiny, tiny_on_scale

from salesmkt.analysis.gapdata import GapData, Groups, ItemTallies
from salesmkt.analysis.prepared import _recoded_codes, _recoded_into, prepare
from salesmkt.analysis.scoring import score_table
from salesmkt.definitions import questionnaire_load
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.intake.gate import _answer_range, _widened, straight_lining
from salesmkt.intake.responses import ResponseTable, answer_codes, read_responses
from salesmkt.intake.scale import BLANK_CODE, small_values
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.render.assessment_json import render_json

ITEMS = ["t1", "t2", "t3", "t4"]


def _write(tmp_path: Path, rows: list[list[str]], name: str = "r.csv") -> Path:
    path = tmp_path / name
    lines = ["respondent,group," + ",".join(ITEMS)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def _rows(n: int, lo: int, hi: int, seed: int = 1, groups: tuple[str, ...] = ("Sales", "Marketing"),
          labels: dict[int, str] | None = None) -> list[list[str]]:  # fmt: skip
    """n respondents: answers on lo…hi, some blank, a few rows with most answers missing
    (excluded), some straight-lined; written as labels where ``labels`` says."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        cells = [rnd.randint(lo, hi) for _ in ITEMS]
        if i % 7 == 3:
            cells = [cells[0]] * len(ITEMS)  # straight-lined
        text = [(labels or {}).get(v, str(v)) for v in cells]
        if i % 5 == 1:
            text[rnd.randrange(len(ITEMS))] = ""
        if i % 11 == 4:
            text = ["", "", "", text[3]]  # three of four missing: excluded
        out.append([f"R{i:05d}", groups[i % len(groups)], *text])
    return out


def _few(lo: int, hi: int) -> list[list[str]]:
    """Tiny n: one straight-lined respondent, one with half the answers, one with one blank."""
    return [
        ["A", "Sales", *[str(hi)] * 4],
        ["B", "Marketing", "", str(lo), str(lo), ""],
        ["C", "Sales", str(lo), str(hi), "", str(hi)],
    ]


def _both_ways(path: Path, q: Questionnaire, drop: bool = False) -> tuple[str, str, ResponseTable]:
    """The JSON assessment scored from the codes and from the float64 frame."""
    source = ResponseSource(path, drop_invalid=drop)
    fast = read_responses(source, q, max_missing=0.5)
    codes = answer_codes(fast)
    assert codes is not None and codes.dtype == np.int8
    fast_json = render_json(score_table(fast, Settings()).assessment)
    assert answer_codes(fast) is codes  # scoring never built the frame
    slow = read_responses(source, q, max_missing=0.5)
    frame = slow.answers  # built: from here on the table's answers are the frame
    assert answer_codes(slow) is None and frame.dtypes.eq(np.float64).all()
    return fast_json, render_json(score_table(slow, Settings()).assessment), slow


def _oracle(path: Path, q: Questionnaire, table: ResponseTable) -> pd.DataFrame:
    """The kept rows' answers as a plain pandas read gives them (NaN for a blank)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    kept = raw.set_index("respondent").loc[table.respondent.tolist(), ITEMS]
    lookup = {str(v): float(v) for v in range(int(q.scale.min or 0), int(q.scale.max or 0) + 1)}
    lookup.update({text: float(v) for v, text in q.scale.labels.items()})
    return kept.map(lambda cell: lookup.get(cell, np.nan)).reset_index(drop=True)


@pytest.mark.parametrize(
    ("lo", "hi", "n"),
    [(1, 5, 400), (1, 5, 3), (0, 10, 300), (-2, 2, 300), (-50, 50, 200), (27, 127, 200), (1, 7, 1)],
)
def test_scores_from_codes_equal_scores_from_the_float_frame(
    tmp_path: Path, lo: int, hi: int, n: int
) -> None:
    q = tiny_on_scale(tmp_path, lo, hi)
    path = _write(tmp_path, _rows(n, lo, hi) if n > 3 else _few(lo, hi)[:n])
    fast, slow, table = _both_ways(path, q, drop=True)
    assert fast == slow
    assert n < 10 or table.answers.isna().to_numpy().any()  # blanks among the kept
    want = _oracle(path, q, table)
    pd.testing.assert_frame_equal(table.answers, want, check_names=False)


def test_labels_one_group_and_blanks_score_the_same_both_ways(tmp_path: Path) -> None:
    q = tiny()
    rows = _rows(300, 1, 5, seed=3, groups=("Sales",), labels={1: "Strongly disagree", 5: "N/A"})
    path = _write(tmp_path, rows)
    fast, slow, table = _both_ways(path, q, drop=True)
    assert fast == slow
    assert table.answers.isna().to_numpy().sum() > 0  # N/A and blanks read as missing


def test_a_scale_int8_cannot_hold_falls_back_to_the_float_frame(tmp_path: Path) -> None:
    q = tiny_on_scale(tmp_path, 100, 200)  # at most 101 points: 100-200 is a valid scale
    path = _write(tmp_path, _rows(200, 100, 200, seed=5))
    table = read_responses(ResponseSource(path, drop_invalid=True), q)
    assert answer_codes(table) is None  # no codes: the frame was built at once
    pd.testing.assert_frame_equal(table.answers, _oracle(path, q, table), check_names=False)


def test_setting_the_answers_replaces_the_codes(tmp_path: Path) -> None:
    q = tiny()
    table = read_responses(ResponseSource(_write(tmp_path, _rows(50, 1, 5)), drop_invalid=True), q)
    assert answer_codes(table) is not None
    frame = table.answers.copy()
    frame.iloc[:, 0] = 1.0
    table.answers = frame
    assert answer_codes(table) is None and table.answers is frame
    assert (prepare(table).filled[:, 0] == 1).all()


def test_widened_grid_reads_as_the_float_frame() -> None:
    codes = np.array([[1, BLANK_CODE, 3], [BLANK_CODE, 5, -2], [9, 9, 9]], dtype=np.int8)
    out = _widened(codes, 2)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out[:2], [[1, np.nan, 3], [np.nan, 5, -2]])


@pytest.mark.parametrize(
    ("table", "fits"),
    [
        ([1.0, 5.0, np.nan], True),
        ([-127.0, 127.0, np.nan], True),
        ([-128.0, np.nan], False),  # the blank code itself
        ([128.0], False),
        ([1.5, 2.0], False),
        ([-0.0, 1.0], False),  # would lose its sign
        ([np.nan], True),
    ],
)
def test_small_values_only_when_every_answer_fits(table: list[float], fits: bool) -> None:
    values = np.array(table)
    out = small_values(values)
    assert (out.dtype == np.int8) is fits
    if fits:
        back = np.where(out == BLANK_CODE, np.nan, out.astype(np.float64))
        np.testing.assert_array_equal(back, values)
    else:
        assert out is values


def test_straight_lining_reads_codes_as_it_read_floats() -> None:
    rng = np.random.default_rng(7)
    codes = rng.integers(-3, 4, size=(6, 500)).astype(np.int8)
    codes[:, ::9] = codes[0, ::9]  # straight-lined rows
    codes[rng.random(codes.shape) < 0.15] = BLANK_CODE
    codes[:, 5] = 127
    codes[2, 5] = BLANK_CODE
    floats = np.where(codes == BLANK_CODE, np.nan, codes.astype(np.float64))
    lo, hi = _answer_range(codes)
    flo, fhi = _answer_range(floats)
    answered = (codes != BLANK_CODE).any(axis=0)
    np.testing.assert_array_equal(lo[answered], flo[answered])
    np.testing.assert_array_equal(hi[answered], fhi[answered])
    q = questionnaire_load.load("alignment")
    count = (codes != BLANK_CODE).sum(axis=0).astype(np.int64)
    rows = np.arange(2, 502)
    assert straight_lining(codes, count, rows, None, q) == straight_lining(
        floats, count, rows, None, q
    )


@pytest.mark.parametrize(("lo", "hi"), [(1, 5), (-2, 2), (0, 127), (-127, 0)])
def test_recoding_codes_equals_recoding_floats(lo: int, hi: int) -> None:
    rng = np.random.default_rng(lo + 1000)
    codes = rng.integers(lo, hi + 1, size=(5, 300)).astype(np.int8)
    codes[rng.random(codes.shape) < 0.2] = BLANK_CODE
    reverse = [False, True, False, True, True]
    frame = pd.DataFrame(np.where(codes == BLANK_CODE, np.nan, codes.astype(np.float64)).T)
    got = _recoded_codes(codes, reverse, lo + hi)
    want = _recoded_into(frame, reverse, lo + hi, np.int8)
    assert got is not None and want is not None
    assert got[0].dtype == want[0].dtype == np.int8 and got[0].flags.f_contiguous
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_recoding_codes_declines_what_int8_cannot_hold() -> None:
    codes = np.array([[-100, 100]], dtype=np.int8)
    assert _recoded_codes(codes, [True], 100) is None  # 100 − (−100) = 200
    assert _recoded_codes(codes, [True], 0.5) is None


def test_item_tallies_from_scoring_counts_equal_their_own() -> None:
    q = tiny()
    rows = [[1, 2, 3, 4], [5, np.nan, 1, 2], [2, 2, 2, 2], [np.nan, 4, 5, 1], [3, 3, np.nan, 5]]
    table = make_table(q, rows, ["sales", "marketing", "sales", "leadership", "marketing"])
    prep = prepare(table)
    from salesmkt.analysis.cells import cell_stats

    cells = cell_stats(prep.group_code, len(prep.group_ids), prep, 4.0)
    assert cells.item_counts is not None
    settings = Settings(min_group_size=1)
    plain = GapData(prep.filled, prep.group_code, prep.group_ids, valid=prep.valid)
    given = GapData(
        prep.filled, prep.group_code, prep.group_ids, valid=prep.valid,
        item_counts=cells.item_counts,
    )  # fmt: skip
    a = ItemTallies(plain, Groups(plain, q, settings))
    b = ItemTallies(given, Groups(given, q, settings))
    assert _tallies(a) == _tallies(b) and a.answered == b.answered
    wrong = GapData(
        prep.filled, prep.group_code, prep.group_ids, valid=prep.valid,
        item_counts=cells.item_counts[:2],
    )  # fmt: skip
    c = ItemTallies(wrong, Groups(wrong, q, settings))  # counts that do not fit: counted again
    assert _tallies(c) == _tallies(a)


def _tallies(t: ItemTallies) -> dict[int, list[tuple[list[float], list[int]]]]:
    return {
        c: [(x.values.tolist(), x.counts.tolist()) for x in tallies]
        for c, tallies in t.by_group.items()
    }


def test_pooled_leaders_keep_the_codes_and_score_as_the_frame(tmp_path: Path) -> None:
    """--leaders-function's pooled table keeps the int8 codes (the frame is never built)
    and scores exactly as the same pooling done on the float64 frame."""
    from salesmkt.analysis.leaders import pool_leaders

    q = tiny_on_scale(tmp_path, 1, 5)
    rows = _rows(60, 1, 5, groups=("Sales", "Marketing", "Leadership"))
    path = tmp_path / "r.csv"
    header = ["respondent", "group", "leads", *ITEMS]
    functions = ["Sales", "Marketing", ""]
    lines = [header] + [[*r[:2], functions[(n // 3) % 3], *r[2:]] for n, r in enumerate(rows)]
    path.write_text("\n".join(",".join(line) for line in lines) + "\n")
    source = ResponseSource(path)
    table = read_responses(source, q, max_missing=0.5)
    pooled = pool_leaders(table, "leads")
    assert pooled is not table and answer_codes(pooled) is not None
    assert answer_codes(table) is not None  # the original is untouched too
    moved = (table.group.astype(str) == "leadership") & (pooled.group != table.group)
    assert moved.any()  # some leaders were pooled: the test exercises the copy
    fast = render_json(score_table(pooled, Settings()).assessment)
    slow_table = read_responses(source, q, max_missing=0.5)
    slow_table.answers  # noqa: B018  (built: the float64 frame from here on)
    slow = pool_leaders(slow_table, "leads")
    assert answer_codes(slow) is None
    assert fast == render_json(score_table(slow, Settings()).assessment)
