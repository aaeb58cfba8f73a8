"""Scoring figures against hand computations and an independent plain-Python oracle."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from support.scoring import NA, make_table, oracle_group, oracle_total, tiny

from salesmkt.analysis.saved import load_assessment_json, load_assessment_or_responses
from salesmkt.analysis.scoring import score_table
from salesmkt.definitions.questionnaire_load import load
from salesmkt.errors import AnalysisError, InvalidFileError, NotFoundError, UsageError
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Assessment, Settings, StageBand

# Raw answers to t1..t4 (t3 is reverse-scored: recoded = 6 − answer).
SALES = [
    [4, 4, 2, 5],  # 4 4 4 5 = 17
    [3, NA, 1, 4],  # 3 _ 5 4: 12 over 3 answered → 12 / 3 × 4 = 16 (prorated)
    [2, 3, 4, 3],  # 2 3 2 3 = 10
    [5, 5, 1, 5],  # 5 5 5 5 = 20
]
MARKETING = [
    [2, 2, 4, 4],  # 2 2 2 4 = 10
    [3, 2, 3, 4],  # 3 2 3 4 = 12
    [1, 2, 5, 4],  # 1 2 1 4 = 8
]
LEADERSHIP = [[4, 4, 2, 4]]  # 4 4 4 4 = 16


def _workshop(k: int = 1, **settings: object):  # type: ignore[no-untyped-def]
    q = tiny()
    rows = SALES + MARKETING + LEADERSHIP
    groups = ["sales"] * 4 + ["marketing"] * 3 + ["leadership"]
    table = make_table(q, rows, groups, respondents=[f"r{i}" for i in range(8)])
    return score_table(table, Settings(min_group_size=k, **settings))  # type: ignore[arg-type]


# -- per respondent ------------------------------------------------------------------


def test_respondent_totals_reverse_and_prorate() -> None:
    frame = _workshop().respondents
    assert list(frame["total"]) == [17, 16, 10, 20, 10, 12, 8, 16]
    assert list(frame["answered"]) == [4, 3, 4, 4, 4, 4, 4, 4]
    assert list(frame["stage"]) == ["high", "high", "mid", "high", "mid", "mid", "low", "high"]
    # s2's dimensions: talk = t1 only (3); work = (recoded t3 5 + t4 4) / 2
    assert frame["talk"][1] == 3.0
    assert frame["work"][1] == 4.5
    assert list(frame["respondent"]) == [f"r{i}" for i in range(8)]
    assert list(frame["row"]) == list(range(2, 10))


def test_prorated_count_and_respondent_counts() -> None:
    a = _workshop().assessment
    assert a.respondents.total == 8
    assert a.respondents.scored == 8
    assert a.respondents.prorated == 1
    assert a.respondents.excluded == []


# -- per group, against the oracle -----------------------------------------------------


@pytest.mark.parametrize(
    ("group", "rows"), [("sales", SALES), ("marketing", MARKETING), ("leadership", LEADERSHIP)]
)
def test_group_figures_match_oracle(group: str, rows: list[list[float]]) -> None:
    q = tiny()
    got = _workshop().assessment.group(group)
    want = oracle_group(q, rows)
    assert got is not None
    assert got.n == want["n"]
    assert got.mean == pytest.approx(want["mean"])
    assert got.median == pytest.approx(want["median"])
    assert got.sd == (None if want["sd"] is None else pytest.approx(want["sd"]))
    assert (got.min, got.max) == (want["min"], want["max"])
    for item_id, mean in want["items"].items():
        assert got.item_means[item_id] == pytest.approx(mean)
    for dim_id, mean in want["dims"].items():
        assert got.dimension_means[dim_id] == pytest.approx(mean)


def test_hand_computed_headline() -> None:
    a = _workshop().assessment
    sales, marketing = a.group("sales"), a.group("marketing")
    assert sales is not None and marketing is not None
    assert sales.mean == pytest.approx(63 / 4)  # 17 + 16 + 10 + 20
    assert sales.median == pytest.approx(16.5)
    assert sales.sd == pytest.approx(math.sqrt(((1.25**2) + 0.25**2 + 5.75**2 + 4.25**2) / 3))
    assert sales.stage is not None and sales.stage.id == "high"
    assert marketing.mean == pytest.approx(10.0)
    assert marketing.stage is not None and marketing.stage.id == "mid"
    assert a.overall.method == "equal-weight"
    assert a.overall.score == pytest.approx((15.75 + 10) / 2)  # 12.875
    assert a.overall.stage is not None and a.overall.stage.id == "mid"
    assert a.overall.pooled_mean == pytest.approx((63 + 30 + 16) / 8)
    assert a.stage_disagreement is not None
    assert a.stage_disagreement.differs
    assert a.stage_disagreement.headline == "Sales sees High, Marketing sees Mid"


def test_single_respondent_has_no_sd() -> None:
    lead = _workshop().assessment.group("leadership")
    assert lead is not None and lead.n == 1 and lead.sd is None and lead.mean == 16


def test_equal_weight_differs_from_pooled() -> None:
    q = tiny()
    rows = [[5, 5, 1, 5]] * 6 + [[2, 2, 4, 2]] * 3  # six Sales at 20, three Marketing at 8
    a = score_table(
        make_table(q, rows, ["sales"] * 6 + ["marketing"] * 3), Settings(min_group_size=3)
    ).assessment
    assert a.overall.score == pytest.approx(14.0)  # (20 + 8) / 2: each function counts once
    assert a.overall.stage is not None and a.overall.stage.id == "mid"
    assert a.overall.pooled_mean == pytest.approx(16.0)  # (6 × 20 + 3 × 8) / 9
    assert a.overall.method == "equal-weight"


# -- items, dimensions and gaps ----------------------------------------------------------


def test_items_means_counts_and_gaps() -> None:
    a = _workshop(k=1).assessment
    t1, t2, t3, t4 = (a.item(i) for i in ("t1", "t2", "t3", "t4"))
    assert t1 is not None and t2 is not None and t3 is not None and t4 is not None
    assert t1.means_by_group == {"sales": 3.5, "marketing": 2.0, "leadership": 4.0}
    assert t1.mean == pytest.approx((14 + 6 + 4) / 8)
    assert t2.n_by_group == {"sales": 3, "marketing": 3, "leadership": 1}
    assert t2.means_by_group["sales"] == pytest.approx(4.0)  # (4 + 3 + 5) / 3, s2 skipped
    assert t3.reverse and t3.means_by_group["sales"] == pytest.approx(4.0)  # recoded 4 5 2 5
    assert (t1.gap, t1.flagged, t1.direction) == (pytest.approx(1.5), True, "sales")
    assert (t3.gap, t3.flagged) == (pytest.approx(2.0), True)
    assert t4.gap == pytest.approx(0.25)
    assert not t4.flagged and t4.direction is None


def test_dimension_means_are_means_of_respondent_means() -> None:
    a = _workshop(k=1).assessment
    talk = a.dimension("talk")
    assert talk is not None and talk.items == ["t1", "t2"]
    # Sales talk means per respondent: 4, 3 (t1 only), 2.5, 5
    assert talk.means_by_group["sales"] == pytest.approx((4 + 3 + 2.5 + 5) / 4)
    assert talk.means_by_group["marketing"] == pytest.approx((2 + 2.5 + 1.5) / 3)
    assert talk.gap == pytest.approx(3.625 - 2.0)
    assert talk.flagged


def test_total_gap() -> None:
    a = _workshop().assessment
    assert a.total_gap is not None
    assert a.total_gap.gap == pytest.approx(5.75)
    # The total's threshold is the item threshold × 4 items: 5.75 ≥ 4 is flagged …
    assert a.total_gap.flagged and a.total_gap.direction == "sales"
    # … while with 1.5 per item the bar is 6 points.
    higher = _workshop(gap_threshold=1.5).assessment.total_gap
    assert higher is not None and not higher.flagged


def test_gap_threshold_survives_float_noise() -> None:
    # 3.3 − 2.3 is 0.9999999999999996 in floating point; it is a 1-point gap.
    q = tiny()
    sales = [[3, 3, 3, 3]] * 7 + [[4, 3, 3, 3]] * 3  # t1 mean 3.3
    marketing = [[2, 3, 3, 3]] * 7 + [[3, 3, 3, 3]] * 3  # t1 mean 2.3
    a = score_table(
        make_table(q, sales + marketing, ["sales"] * 10 + ["marketing"] * 10),
        Settings(min_group_size=3),
    ).assessment
    t1 = a.item("t1")
    assert t1 is not None and t1.flagged and t1.direction == "sales"
    t2 = a.item("t2")
    assert t2 is not None and t2.gap == 0 and not t2.flagged


def test_custom_gap_threshold() -> None:
    a = _workshop(gap_threshold=1.6).assessment
    flagged = {i.id for i in a.items if i.flagged}
    assert flagged == {"t2", "t3"}  # gaps 2.0 and 2.0; t1's 1.5 is below 1.6


# -- stage boundaries on the built-in instrument ----------------------------------------


def test_stage_boundaries_39_40_and_39_5() -> None:
    q = load("alignment")
    r39 = [1] + [2] * 19
    r40 = [2] * 20
    prorated40 = [NA] + [2] * 19  # 38 over 19 answered → 40
    rows = [r39, r40, prorated40, r39, r40, r39, r40]
    groups = ["sales", "sales", "sales", "marketing", "marketing", "leadership", "leadership"]
    result = score_table(make_table(q, rows, groups), Settings(min_group_size=1))
    stages = list(result.respondents["stage"])
    assert stages[:3] == ["undefined", "defined", "defined"]
    assert list(result.respondents["total"][:3]) == [39, 40, 40]
    marketing = result.assessment.group("marketing")
    assert marketing is not None and marketing.mean == 39.5
    assert marketing.stage is not None and marketing.stage.id == "undefined"
    sales = result.assessment.group("sales")
    assert sales is not None and sales.mean == pytest.approx(119 / 3)
    assert sales.stage is not None and sales.stage.id == "undefined"  # 39.67 is below 40


def test_scale_min_and_max_totals() -> None:
    q = load("alignment")
    rows = [[1] * 20, [5] * 20, [1] * 20, [5] * 20]
    result = score_table(
        make_table(q, rows, ["sales", "sales", "marketing", "marketing"]),
        Settings(min_group_size=1),
    )
    assert list(result.respondents["total"]) == [20, 100, 20, 100]
    assert list(result.respondents["stage"]) == ["undefined", "integrated"] * 2


# -- anonymity -----------------------------------------------------------------------


def test_small_group_shows_no_figure_nor_size_and_is_left_out_of_overall() -> None:
    a = _workshop(k=3).assessment
    lead = a.group("leadership")
    assert lead is not None and lead.suppressed
    assert lead.n is None and lead.n_fewer_than == 3  # "fewer than 3", never "1"
    assert lead.favourable is None
    assert (lead.mean, lead.median, lead.sd, lead.min, lead.max, lead.stage) == (None,) * 6
    assert lead.item_means == {} and lead.dimension_means == {}
    assert a.overall.pooled_mean == pytest.approx((63 + 30) / 7)
    assert a.item("t1").mean == pytest.approx((14 + 6) / 7)  # type: ignore[union-attr]
    assert a.item("t1").means_by_group["leadership"] is None  # type: ignore[union-attr]
    assert "leadership" not in a.item("t1").n_by_group  # type: ignore[union-attr]
    assert a.dimension("talk").mean == pytest.approx((14.5 + 6) / 7)  # type: ignore[union-attr]
    assert any("Leadership: fewer than 3 respondents" in note for note in a.suppressed)
    assert not any("1 respondent" in note for note in a.suppressed)
    assert any("leave out Leadership" in note for note in a.suppressed)
    assert a.overall.note and "withheld" in a.overall.note
    frame = _workshop(k=3).respondents
    assert math.isnan(frame["total"][7]) and frame["stage"].isna()[7]
    assert frame["total"][0] == 17


def test_suppressed_group_cannot_be_recovered() -> None:
    """Any answers of the suppressed group give exactly the same published assessment."""
    q = tiny()
    base = SALES + MARKETING
    groups = ["sales"] * 4 + ["marketing"] * 3 + ["leadership"] * 2
    one = score_table(
        make_table(q, [*base, [1, 1, 5, 1], [1, 1, 5, 1]], groups), Settings(min_group_size=3)
    )
    two = score_table(
        make_table(q, [*base, [5, 5, 1, 5], [4, 5, 2, 3]], groups), Settings(min_group_size=3)
    )
    assert one.assessment.model_dump() == two.assessment.model_dump()


def test_min_group_size_one_suppresses_nothing() -> None:
    a = _workshop(k=1).assessment
    assert a.suppressed == []
    assert all(not g.suppressed for g in a.groups)


def test_suppressed_compared_group_leaves_the_organisation_stage_unestimated() -> None:
    q = tiny()
    rows = SALES + MARKETING[:2]
    table = make_table(q, rows, ["sales"] * 4 + ["marketing"] * 2)
    a = score_table(table, Settings(min_group_size=3)).assessment
    # Sales alone is not the organisation: no score, no stage, and the reason.
    assert a.overall.score is None and a.overall.stage is None
    assert a.overall.not_estimable and "cannot be estimated" in a.overall.not_estimable
    assert "Marketing" in a.overall.not_estimable
    assert a.overall.pooled_mean == pytest.approx(63 / 4)  # the shown group, Sales
    sales = a.group("sales")
    assert sales is not None and sales.mean == pytest.approx(63 / 4)
    assert all(i.gap is None and i.not_estimable for i in a.items)
    assert a.stage_disagreement is not None
    assert a.stage_disagreement.stages["marketing"] is None
    assert not a.stage_disagreement.differs


def test_missing_compared_group_falls_back_to_pooled() -> None:
    q = tiny()
    a = score_table(make_table(q, SALES, ["sales"] * 4), Settings(min_group_size=3)).assessment
    assert a.overall.method == "pooled"
    assert a.overall.score == pytest.approx(63 / 4)
    assert a.overall.note and "no Marketing respondents" in a.overall.note
    assert [g.id for g in a.groups] == ["sales"]
    assert a.items[0].not_estimable == "there are no Marketing respondents"


# -- --by segments -------------------------------------------------------------------

# Sales: EMEA 4, Americas 3; Marketing: EMEA 3, Americas 2; Leadership: EMEA 1.
SEG_ROWS = [
    [4, 4, 2, 5], [3, 4, 1, 4], [2, 3, 4, 3], [5, 5, 1, 5],  # sales EMEA
    [3, 3, 3, 3], [4, 4, 2, 4], [2, 2, 2, 2],  # sales Americas
    [2, 2, 4, 4], [3, 2, 3, 4], [1, 2, 5, 4],  # marketing EMEA
    [4, 4, 1, 5], [3, 3, 3, 3],  # marketing Americas
    [4, 4, 2, 4],  # leadership EMEA
]  # fmt: skip
SEG_GROUPS = ["sales"] * 7 + ["marketing"] * 5 + ["leadership"]
SEG_REGION = ["EMEA"] * 4 + ["Americas"] * 3 + ["EMEA"] * 3 + ["Americas"] * 2 + ["EMEA"]


def _segmented(region: list[str], rows: list[list[float]] = SEG_ROWS):  # type: ignore[no-untyped-def]
    table = make_table(tiny(), rows, SEG_GROUPS, segments={"Region": region})
    return score_table(table, Settings(min_group_size=3, by=["region"]))


def test_segments_figures_and_complementary_suppression() -> None:
    q = tiny()
    result = _segmented(SEG_REGION)
    a = result.assessment
    assert [(s.by, s.value, s.n) for s in a.segments] == [
        ("Region", "Americas", 5),
        ("Region", "EMEA", 8),
    ]
    americas, emea = a.segments
    cells = {(s.value, g.id): g for s in a.segments for g in s.groups}
    # Sales cells are shown and match the oracle.
    want = oracle_group(q, SEG_ROWS[:4])
    assert cells["EMEA", "sales"].mean == pytest.approx(want["mean"])
    assert cells["EMEA", "sales"].sd == pytest.approx(want["sd"])
    assert cells["Americas", "sales"].mean == pytest.approx(oracle_group(q, SEG_ROWS[4:7])["mean"])
    # Marketing Americas (n=2) is below K; Marketing EMEA (n=3) is withheld too, else
    # the Marketing total minus EMEA would give Americas away.
    assert cells["Americas", "marketing"].suppressed and cells["Americas", "marketing"].n is None
    assert cells["Americas", "marketing"].n_fewer_than == 3
    assert cells["EMEA", "marketing"].suppressed and cells["EMEA", "marketing"].n is None
    assert cells["EMEA", "marketing"].n_fewer_than is None  # withheld to protect Americas
    assert cells["EMEA", "marketing"].mean is None
    assert cells["EMEA", "leadership"].suppressed
    assert not cells["EMEA", "sales"].suppressed
    # A segment's own figures come from its shown cells only (here: Sales).
    assert americas.overall.score is None and americas.overall.not_estimable
    assert americas.overall.pooled_mean == pytest.approx(cells["Americas", "sales"].mean)
    assert emea.overall.pooled_mean == pytest.approx(want["mean"])
    assert any("withheld as well" in note and "EMEA" in note for note in a.suppressed)
    # The organisation-level Marketing figures stay visible (n = 5 ≥ 3).
    marketing = a.group("marketing")
    assert marketing is not None and not marketing.suppressed
    # Respondents in withheld cells are blanked in the per-respondent table.
    frame = result.respondents
    assert frame["total"][7:].isna().all()
    assert frame["total"][:7].notna().all()
    assert list(frame["Region"]) == SEG_REGION


def test_segment_cell_cannot_be_recovered_by_subtraction() -> None:
    """Move one Marketing respondent between regions: the truth changes, the output not."""
    q = tiny()
    swapped = list(SEG_REGION)
    swapped[7], swapped[10] = "Americas", "EMEA"  # exchange a Marketing EMEA and Americas person
    first, second = _segmented(SEG_REGION).assessment, _segmented(swapped).assessment
    truth_1 = oracle_group(q, [SEG_ROWS[10], SEG_ROWS[11]])["mean"]
    truth_2 = oracle_group(q, [SEG_ROWS[7], SEG_ROWS[11]])["mean"]
    assert truth_1 != truth_2
    assert first.model_dump() == second.model_dump()


def test_complementary_suppression_takes_the_next_smallest_cell() -> None:
    q = tiny()
    rows = [[3, 3, 3, 3]] * 6 + [[2, 2, 4, 2]] * 11
    groups = ["sales"] * 6 + ["marketing"] * 11
    region = ["A"] * 2 + ["B"] * 2 + ["C"] * 2 + ["A"] * 5 + ["B"] * 2 + ["C"] * 4
    a = score_table(
        make_table(q, rows, groups, segments={"r": region}), Settings(min_group_size=3, by=["r"])
    ).assessment
    cells = {(s.value, g.id): g.suppressed for s in a.segments for g in s.groups}
    # Marketing: B (2) is below K, then C (4) – the smallest shown – goes too; A (5) stays.
    assert cells["B", "marketing"] and cells["C", "marketing"] and not cells["A", "marketing"]
    # Sales: every cell has 2 (< 3), all withheld.
    assert all(cells[v, "sales"] for v in "ABC")


def test_small_segment_is_withheld_whole() -> None:
    q = tiny()
    rows = [[3, 3, 3, 3]] * 5 + [[2, 2, 4, 2]] * 5
    groups = ["sales"] * 5 + ["marketing"] * 5
    region = ["A"] * 4 + ["B"] + ["A"] * 4 + ["B"]
    a = score_table(
        make_table(q, rows, groups, segments={"r": region}), Settings(min_group_size=3, by=["r"])
    ).assessment
    b = a.segments[1]
    assert b.value == "B" and b.n is None and b.n_fewer_than == 3 and b.suppressed
    assert b.overall.score is None and b.overall.pooled_mean is None
    assert all(g.suppressed and g.mean is None for g in b.groups)
    assert any(note.startswith("r = B: fewer than 3 respondents") for note in a.suppressed)


def test_blank_segment_values_are_named() -> None:
    q = tiny()
    table = make_table(
        q,
        SALES + MARKETING,
        ["sales"] * 4 + ["marketing"] * 3,
        segments={"wave": ["1", "", "1", " ", "1", "1", ""]},
    )
    a = score_table(table, Settings(by=["wave"], min_group_size=1)).assessment
    assert [(s.value, s.n) for s in a.segments] == [("(blank)", 3), ("1", 4)]


def test_repeated_by_column_is_broken_down_once() -> None:
    table = make_table(tiny(), SEG_ROWS, SEG_GROUPS, segments={"Region": SEG_REGION})
    a = score_table(
        table, Settings(min_group_size=3, by=["region", "Region", " REGION "])
    ).assessment
    assert [s.value for s in a.segments] == ["Americas", "EMEA"]


def test_unknown_by_column_lists_the_columns() -> None:
    table = make_table(tiny(), SALES, ["sales"] * 4, segments={"Region": ["x"] * 4})
    with pytest.raises(UsageError, match=r"no such column.*'Region'"):
        score_table(table, Settings(min_group_size=3, by=["unit"]))


def test_by_column_with_too_many_values_is_refused() -> None:
    n = 60
    table = make_table(
        tiny(), [[3, 3, 3, 3]] * n, ["sales"] * n, segments={"ts": [str(i) for i in range(n)]}
    )
    with pytest.raises(UsageError, match="60 different values"):
        score_table(table, Settings(min_group_size=3, by=["ts"]))


# -- other instruments and odd data ----------------------------------------------------


def test_questionnaire_without_groups_scores_everyone_as_all() -> None:
    q = load("need-to-align")
    rows = [[1] * 20, [0] * 20, [1] * 10 + [0] * 10]
    a = score_table(make_table(q, rows, ["all"] * 3), Settings(min_group_size=3)).assessment
    assert [(g.id, g.n, g.label) for g in a.groups] == [("all", 3, "All respondents")]
    assert a.groups[0].mean == pytest.approx(10.0)
    assert a.overall.method == "pooled" and a.overall.score == pytest.approx(10.0)
    assert a.total_gap is None


def test_choice_scale_cannot_be_scored() -> None:
    q = load("buying-funnel")
    with pytest.raises(AnalysisError, match="choice scale"):
        score_table(make_table(q, [[0] * 8], ["all"]), Settings(min_group_size=3))


def test_respondent_without_answers_is_excluded_and_named() -> None:
    q = tiny()
    rows = [*SALES, [NA, NA, NA, NA], *MARKETING]
    groups = ["sales"] * 5 + ["marketing"] * 3
    result = score_table(
        make_table(q, rows, groups, respondents=[f"r{i}" for i in range(8)]),
        Settings(min_group_size=3),
    )
    a = result.assessment
    assert a.respondents.scored == 7
    assert [(e.row, e.respondent, e.reason) for e in a.respondents.excluded] == [
        (6, "r4", "no scored answers")
    ]
    assert a.group("sales").n == 4  # type: ignore[union-attr]
    assert list(result.respondents["respondent"]) == ["r0", "r1", "r2", "r3", "r5", "r6", "r7"]


def test_oracle_total_agrees_on_random_rows() -> None:
    import random

    rng = random.Random(7)
    q = tiny()
    rows = [[rng.choice([1, 2, 3, 4, 5, NA]) for _ in range(4)] for _ in range(40)]
    rows = [r if any(v == v for v in r) else [3, 3, 3, 3] for r in rows]
    groups = [rng.choice(["sales", "marketing"]) for _ in rows]
    result = score_table(make_table(q, rows, groups), Settings(min_group_size=1))
    assert list(result.respondents["total"]) == pytest.approx([oracle_total(q, r) for r in rows])
    for gid in ("sales", "marketing"):
        got = result.assessment.group(gid)
        want = oracle_group(q, [r for r, g in zip(rows, groups, strict=True) if g == gid])
        assert got is not None
        assert (got.mean, got.median, got.sd) == (
            pytest.approx(want["mean"]),
            pytest.approx(want["median"]),
            pytest.approx(want["sd"]),
        )


# -- reading an assessment back ----------------------------------------------------------


def test_json_round_trip(tmp_path: Path) -> None:
    a = _segmented(SEG_REGION).assessment
    path = tmp_path / "a.json"
    path.write_text(a.model_dump_json(indent=2))
    assert load_assessment_json(path) == a
    again = load_assessment_or_responses(ResponseSource(path), Settings(min_group_size=3))
    assert again == a


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("group,q01\nsales,4\n", "invalid JSON"),
        ('{"groups": []}', "no schema_version"),
        ('{"schema_version": 99}', "schema_version 99"),
        ('{"schema_version": 1, "questionnaire": {"id": "x"}}', "questionnaire.version"),
        ("[1, 2]", "no schema_version"),
    ],
)
def test_not_an_assessment_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InvalidFileError, match="not a salesmkt assessment") as info:
        load_assessment_json(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_assessment_file(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such file"):
        load_assessment_json(tmp_path / "nope.json")


def test_assessment_json_has_no_nan() -> None:
    text = _workshop(k=3).assessment.model_dump_json()
    assert "NaN" not in text and "Infinity" not in text
    Assessment.model_validate(json.loads(text))


# -- the scoring key ---------------------------------------------------------------------


def test_stage_bands_are_typed_and_keep_their_json() -> None:
    q = tiny()
    # Leave the last band open: it then ends at the highest possible total, a whole number.
    last = q.stages[-1].model_copy(update={"max": None})
    open_q = q.model_copy(update={"stages": [*q.stages[:-1], last]})
    table = make_table(open_q, SALES + MARKETING, ["sales"] * 4 + ["marketing"] * 3)
    a = score_table(table, Settings(min_group_size=3)).assessment
    assert a.stages[0] == StageBand(id="low", label="Low", min=4.0, max=9.0)
    assert a.stages[-1] == StageBand(id="high", label="High", min=15.0, max=20)
    text = a.model_dump_json()
    # The open band's end stays a whole number in the JSON, as it always was.
    assert '{"id":"high","label":"High","min":15.0,"max":20}' in text
    assert Assessment.model_validate_json(text).model_dump_json() == text
