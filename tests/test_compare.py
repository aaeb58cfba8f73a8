"""``salesmkt compare``: two waves checked against figures worked out by hand.

The waves use the four-item ``mini`` questionnaire (totals 4–20; ``low`` below 12,
``high`` from 12). Six people answer twice:

=======  =========  ==============  ==============  ======
code     group      before (total)  after (total)   change
=======  =========  ==============  ==============  ======
A        sales      3 3 3 3 (12)    4 4 3 3 (14)    +2
B        sales      2 2 2 2 (8)     3 3 3 3 (12)    +4
C        sales      3 3 2 2 (10)    3 3 3 3 (12)    +2
D        marketing  1 1 1 1 (4)     3 3 2 2 (10)    +6
E        marketing  2 2 1 1 (6)     3 3 3 4 (13)    +7
F        marketing  2 2 2 2 (8)     3 3 2 3 (11)    +3
=======  =========  ==============  ==============  ======

Group means: Sales 10 → 38/3, Marketing 6 → 34/3; overall (equal weight) 8 → 12, so
the organisation moves from Low to High, Sales too, Marketing stays Low. Gap (Sales −
Marketing): 4 → 4/3, narrowed. Dimension means over all six: talk 13/6 → 19/6, plan
11/6 → 17/6. Item means: i1 13/6 → 19/6, i2 13/6 → 19/6, i3 11/6 → 16/6, i4 11/6 →
18/6. Paired differences 2, 4, 2, 6, 7, 3: mean 4, median 3.5, all up.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import t as t_dist
from scipy.stats import ttest_1samp, ttest_ind, wilcoxon
from support.workshop import MINI_HEADER, write_csv, write_mini
from typer.testing import CliRunner

from salesmkt.cli import app

runner = CliRunner()

BEFORE = [
    ("sales", "A", "", 3, 3, 3, 3),
    ("sales", "B", "", 2, 2, 2, 2),
    ("sales", "C", "", 3, 3, 2, 2),
    ("marketing", "D", "", 1, 1, 1, 1),
    ("marketing", "E", "", 2, 2, 1, 1),
    ("marketing", "F", "", 2, 2, 2, 2),
]
AFTER = [
    ("sales", "A", "", 4, 4, 3, 3),
    ("sales", "B", "", 3, 3, 3, 3),
    ("sales", "C", "", 3, 3, 3, 3),
    ("marketing", "D", "", 3, 3, 2, 2),
    ("marketing", "E", "", 3, 3, 3, 4),
    ("marketing", "F", "", 3, 3, 2, 3),
]
TOTALS_BEFORE = {"A": 12, "B": 8, "C": 10, "D": 4, "E": 6, "F": 8}
TOTALS_AFTER = {"A": 14, "B": 12, "C": 12, "D": 10, "E": 13, "F": 11}


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return write_mini(tmp_path)


def _without_codes(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [(r[0], "", *r[2:]) for r in rows]


def run_json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["compare", "--min-group-size", "3", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def by_scope(rows: object) -> dict[str, dict[str, object]]:
    assert isinstance(rows, list)
    return {r["scope"]: r for r in rows}


def welch_combination(samples: list[list[float]], weights: list[float]) -> tuple[float, float]:
    """The 95% t interval of sum w_i mean_i with Welch–Satterthwaite df, by hand."""
    parts = [
        w * w * float(np.var(x, ddof=1)) / len(x) for x, w in zip(samples, weights, strict=True)
    ]
    se2 = sum(parts)
    df = se2**2 / sum(p * p / (len(x) - 1) for p, x in zip(parts, samples, strict=True))
    est = sum(w * float(np.mean(x)) for x, w in zip(samples, weights, strict=True))
    half = float(t_dist.ppf(0.975, df)) * se2**0.5
    return est - half, est + half


def assert_ci_holds(change: dict[str, object], after: list[float], before: list[float]) -> None:
    """The interval is Welch's interval of after − before, as scipy computes it."""
    ci = change["ci"]
    assert isinstance(ci, list) and len(ci) == 2
    estimate = change["change"]
    assert isinstance(estimate, float)
    assert ci[0] <= estimate <= ci[1]
    ref = ttest_ind(after, before, equal_var=False).confidence_interval(0.95)
    assert ci == pytest.approx([ref.low, ref.high], rel=1e-9)


# -- paired waves ------------------------------------------------------------------------


def test_paired_waves_against_hand_figures(tmp_path: Path, mini: Path) -> None:
    before = write_csv(tmp_path / "w1.csv", BEFORE, MINI_HEADER)
    after = write_csv(tmp_path / "w2.csv", AFTER, MINI_HEADER)
    doc = run_json(str(before), str(after), "-q", str(mini))

    assert doc["design"] == "paired"
    assert doc["matched"] == 6
    assert "6 respondent code(s) appear in both waves" in str(doc["design_note"])

    stages = by_scope(doc["stages"])
    assert stages["overall"]["before"]["id"] == "low"  # type: ignore[index]
    assert stages["overall"]["after"]["id"] == "high"  # type: ignore[index]
    assert (stages["overall"]["direction"], stages["overall"]["steps"]) == ("up", 1)
    assert (stages["sales"]["direction"], stages["sales"]["steps"]) == ("up", 1)
    assert (stages["marketing"]["direction"], stages["marketing"]["steps"]) == ("same", 0)

    totals = by_scope(doc["totals"])
    assert totals["overall"]["before"] == pytest.approx(8.0)
    assert totals["overall"]["after"] == pytest.approx(12.0)
    assert totals["overall"]["change"] == pytest.approx(4.0)
    assert totals["sales"]["change"] == pytest.approx(38 / 3 - 10)
    assert totals["marketing"]["change"] == pytest.approx(34 / 3 - 6)
    assert_ci_holds(totals["sales"], [14, 12, 12], [12, 8, 10])
    assert_ci_holds(totals["marketing"], [10, 13, 11], [4, 6, 8])
    overall = welch_combination(
        [[14, 12, 12], [10, 13, 11], [12, 8, 10], [4, 6, 8]], [0.5, 0.5, -0.5, -0.5]
    )
    assert totals["overall"]["ci"] == pytest.approx(list(overall), rel=1e-9)
    # In a paired design the wave rows carry no independent-samples test.
    assert totals["sales"]["p_value"] is None

    paired = by_scope(doc["paired"])
    diffs = [TOTALS_AFTER[c] - TOTALS_BEFORE[c] for c in "ABCDEF"]
    assert diffs == [2, 4, 2, 6, 7, 3]
    everyone = paired["all"]
    assert everyone["n"] == 6
    assert everyone["mean_difference"] == pytest.approx(4.0)
    assert everyone["median_difference"] == pytest.approx(3.5)
    assert (everyone["improved"], everyone["unchanged"], everyone["worsened"]) == (6, 0, 0)
    reference = wilcoxon(diffs)
    assert everyone["wilcoxon_statistic"] == pytest.approx(float(reference.statistic))
    assert everyone["p_value"] == pytest.approx(float(reference.pvalue))
    ref_ci = ttest_1samp(diffs, 0.0).confidence_interval(0.95)
    assert everyone["ci"] == pytest.approx([ref_ci.low, ref_ci.high], rel=1e-9)

    sales = paired["sales"]
    assert sales["n"] == 3 and sales["mean_difference"] == pytest.approx(8 / 3)
    assert sales["p_value"] == pytest.approx(float(wilcoxon([2, 4, 2]).pvalue))
    marketing = paired["marketing"]
    assert marketing["mean_difference"] == pytest.approx(16 / 3)
    assert marketing["wilcoxon_statistic"] == pytest.approx(float(wilcoxon([6, 7, 3]).statistic))

    gaps = by_scope(doc["gaps"])
    assert gaps["total"]["before"] == pytest.approx(4.0)
    assert gaps["total"]["after"] == pytest.approx(4 / 3)
    assert gaps["total"]["narrowed"] is True and gaps["total"]["reversed"] is False
    # talk: Sales 8/3 vs Marketing 5/3 before (gap 1), 10/3 vs 3 after (gap 1/3).
    assert gaps["talk"]["before"] == pytest.approx(1.0)
    assert gaps["talk"]["after"] == pytest.approx(1 / 3)
    assert gaps["talk"]["narrowed"] is True
    # plan: 7/3 vs 4/3 before (1), 3 vs 8/3 after (1/3).
    assert gaps["plan"]["after"] == pytest.approx(1 / 3)

    dims = by_scope(doc["dimensions"])
    assert dims["talk"]["before"] == pytest.approx(13 / 6)
    assert dims["talk"]["after"] == pytest.approx(19 / 6)
    assert dims["plan"]["change"] == pytest.approx(1.0)
    # talk = i1, i2: each respondent's mean of the two.
    assert_ci_holds(dims["talk"], [4, 3, 3, 3, 3, 3], [3, 2, 3, 1, 2, 2])

    movers = doc["movers"]
    assert isinstance(movers, list)
    assert [m["id"] for m in movers] == ["i4", "i1", "i2", "i3"]
    assert [m["change"] for m in movers] == pytest.approx([7 / 6, 1.0, 1.0, 5 / 6])


def test_same_files_and_seed_give_the_same_intervals(tmp_path: Path, mini: Path) -> None:
    before = write_csv(tmp_path / "w1.csv", BEFORE, MINI_HEADER)
    after = write_csv(tmp_path / "w2.csv", AFTER, MINI_HEADER)
    first = run_json(str(before), str(after), "-q", str(mini))
    second = run_json(str(before), str(after), "-q", str(mini))
    assert first["totals"] == second["totals"] and first["paired"] == second["paired"]


# -- independent waves ----------------------------------------------------------------------


def _exact_mann_whitney_p(x: list[float], y: list[float]) -> float:
    """Two-sided permutation p of U (ties count 1/2), enumerating every split by hand."""
    pooled = x + y

    def u(a: list[float], b: list[float]) -> float:
        return sum(1.0 if s > t else 0.5 if s == t else 0.0 for s in a for t in b)

    centre = len(x) * len(y) / 2
    observed = abs(u(x, y) - centre)
    hits = total = 0
    for chosen in itertools.combinations(range(len(pooled)), len(x)):
        a = [pooled[i] for i in chosen]
        b = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        total += 1
        hits += abs(u(a, b) - centre) >= observed - 1e-12
    return hits / total


def test_waves_without_codes_are_independent_samples(tmp_path: Path, mini: Path) -> None:
    before = write_csv(tmp_path / "w1.csv", BEFORE, MINI_HEADER)
    after = write_csv(tmp_path / "w2.csv", _without_codes(AFTER), MINI_HEADER)
    doc = run_json(str(before), str(after), "-q", str(mini))
    assert doc["design"] == "independent"
    assert doc["matched"] == 0 and doc["paired"] == []
    note = str(doc["design_note"])
    assert "the after wave has no respondent codes" in note and "separate groups" in note

    totals = by_scope(doc["totals"])
    assert totals["overall"]["change"] == pytest.approx(4.0)  # same figures as paired
    sales = totals["sales"]
    assert sales["test"].startswith("Mann–Whitney")  # type: ignore[union-attr]
    assert sales["p_value"] == pytest.approx(_exact_mann_whitney_p([14, 12, 12], [12, 8, 10]))
    marketing = totals["marketing"]
    # Every after total beats every before total: 2 of the 20 splits are as extreme.
    assert marketing["p_value"] == pytest.approx(2 / 20)
    assert_ci_holds(marketing, [10, 13, 11], [4, 6, 8])


def test_one_shared_code_is_not_enough_to_pair(tmp_path: Path, mini: Path) -> None:
    before = write_csv(tmp_path / "w1.csv", BEFORE, MINI_HEADER)
    renamed = [(r[0], "A" if r[1] == "A" else f"new-{r[1]}", *r[2:]) for r in AFTER]
    after = write_csv(tmp_path / "w2.csv", renamed, MINI_HEADER)
    doc = run_json(str(before), str(after), "-q", str(mini))
    assert doc["design"] == "independent"
    assert "only 1 respondent code(s) appear in both waves" in str(doc["design_note"])


def test_terminal_and_markdown_say_what_happened(tmp_path: Path, mini: Path) -> None:
    before = write_csv(tmp_path / "w1.csv", BEFORE, MINI_HEADER)
    after = write_csv(tmp_path / "w2.csv", _without_codes(AFTER), MINI_HEADER)
    result = runner.invoke(
        app, ["compare", str(before), str(after), "-q", str(mini), "--min-group-size", "3"]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Stage Low → High; overall score 8.0 → 12.0 (+4.0); perception gap narrowed." in text
    assert "Independent samples" in text and "Mann–Whitney" in text
    assert "Mini <b>check</b> & co" in text  # printed as typed, never read as markup

    out = tmp_path / "progress.md"
    result = runner.invoke(
        app,
        [
            "compare",
            str(before),
            str(after),
            "-q",
            str(mini),
            "--min-group-size",
            "3",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Progress between two survey waves")
    assert "| Overall | Low | High | up 1 stage |" in md
    assert "| Total score | +4.0 | +1.3 | narrowed |" in md
    assert "Mini &lt;b&gt;check&lt;/b&gt; &amp; co" in md  # the title is escaped
    assert "| i4 | We review plans. | 1.83 | 3.00 | +1.17 |" in md


# -- saved assessments -------------------------------------------------------------------


def _score_json(tmp_path: Path, rows: list[tuple[object, ...]], q: Path, name: str) -> Path:
    csv_path = write_csv(tmp_path / f"{name}.csv", rows, MINI_HEADER)
    out = tmp_path / f"{name}.json"
    result = runner.invoke(
        app, ["score", str(csv_path), "-q", str(q), "--min-group-size", "3", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_a_saved_assessment_gives_changes_without_intervals(tmp_path: Path, mini: Path) -> None:
    before = _score_json(tmp_path, BEFORE, mini, "w1")
    after = write_csv(tmp_path / "w2.csv", AFTER, MINI_HEADER)
    # The JSON names "mini", which is no built-in id, so the responses file needs -q.
    doc = run_json(str(before), str(after), "-q", str(mini))
    assert doc["design"] == "summary"
    assert "holds no per-respondent answers" in str(doc["design_note"])
    totals = by_scope(doc["totals"])
    assert totals["overall"]["change"] == pytest.approx(4.0)
    assert totals["marketing"]["change"] == pytest.approx(34 / 3 - 6)
    assert all(t["ci"] is None and t["p_value"] is None for t in totals.values())
    assert doc["paired"] == []
    assert by_scope(doc["gaps"])["total"]["narrowed"] is True
    assert by_scope(doc["stages"])["overall"]["steps"] == 1


# -- refusing waves that cannot be compared ------------------------------------------------


def test_refuses_another_questionnaire(tmp_path: Path, mini: Path) -> None:
    before = _score_json(tmp_path, BEFORE, mini, "w1")
    other = tmp_path / "other.csv"
    other.write_text(
        "group,"
        + ",".join(f"q{n:02d}" for n in range(1, 21))
        + "\n"
        + "\n".join(f"{g}," + ",".join(["3"] * 20) for g in ["sales"] * 3 + ["marketing"] * 3)
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["compare", str(before), str(other), "-q", "alignment"])
    assert result.exit_code == 1
    assert "different questionnaires (mini 1 vs alignment 1.0)" in result.output
    assert "Traceback" not in result.output


def test_refuses_another_version(tmp_path: Path, mini: Path) -> None:
    before = _score_json(tmp_path, BEFORE, mini, "w1")
    v2 = write_mini(tmp_path, version="2")
    after = _score_json(tmp_path, AFTER, v2, "w2")
    result = runner.invoke(app, ["compare", str(before), str(after)])
    assert result.exit_code == 1
    assert "different versions of mini (1 vs 2)" in result.output


def test_refuses_changed_items_under_the_same_version(tmp_path: Path, mini: Path) -> None:
    before = _score_json(tmp_path, BEFORE, mini, "w1")
    edited = write_mini(tmp_path, text_i4="We review plans every month.")
    after = _score_json(tmp_path, AFTER, edited, "w2")
    result = runner.invoke(app, ["compare", str(before), str(after)])
    assert result.exit_code == 1
    assert "item i4 changed its text although mini kept version 1" in result.output


def test_missing_file_and_bad_output_are_reported(tmp_path: Path, mini: Path) -> None:
    before = write_csv(tmp_path / "w1.csv", BEFORE, MINI_HEADER)
    result = runner.invoke(app, ["compare", str(before), str(tmp_path / "nope.csv")])
    assert result.exit_code == 1 and "nope.csv: no such file" in result.output
    after = write_csv(tmp_path / "w2.csv", AFTER, MINI_HEADER)
    result = runner.invoke(
        app, ["compare", str(before), str(after), "-q", str(mini), "-o", str(after)]
    )
    assert result.exit_code == 2  # .csv is not a compare format
    result = runner.invoke(
        app,
        ["compare", str(before), str(after), "-q", str(mini), "-f", "json", "-o", str(after)],
    )
    assert result.exit_code == 1 and "refusing to overwrite the input" in result.output
    assert after.read_text(encoding="utf-8").startswith("group,respondent")


# -- anonymity -----------------------------------------------------------------------------


def test_withheld_groups_stay_withheld(tmp_path: Path, mini: Path) -> None:
    before = write_csv(tmp_path / "w1.csv", BEFORE, MINI_HEADER)
    after = write_csv(tmp_path / "w2.csv", AFTER, MINI_HEADER)
    doc = run_json(str(before), str(after), "-q", str(mini), "--min-group-size", "4")
    totals = by_scope(doc["totals"])
    for gid in ("sales", "marketing"):
        assert totals[gid]["change"] is None and totals[gid]["ci"] is None
        assert "withheld" in str(totals[gid]["note"])
        assert by_scope(doc["stages"])[gid]["after"] is None
    paired = by_scope(doc["paired"])
    # Per-person totals of withheld groups are not used at all.
    assert paired["all"]["mean_difference"] is None
    assert all(p["mean_difference"] is None for p in paired.values())


# -- the example waves ---------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SALES_TEAMS = {"Sales", "Field Sales", "Inside Sales", "Key Account Management"}
MARKETING_TEAMS = {"Marketing", "Product Marketing", "Demand Generation"}


def _group_means(path: Path) -> tuple[float, float]:
    """Mean prorated totals of Sales and Marketing, straight from the CSV."""
    import csv

    totals: dict[str, list[float]] = {"sales": [], "marketing": []}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            answers = [
                float(row[f"q{n:02d}"]) for n in range(1, 21) if row[f"q{n:02d}"] not in ("", "N/A")
            ]
            total = sum(answers) / len(answers) * 20
            if row["Team"] in SALES_TEAMS:
                totals["sales"].append(total)
            elif row["Team"] in MARKETING_TEAMS:
                totals["marketing"].append(total)
    return (
        sum(totals["sales"]) / len(totals["sales"]),
        sum(totals["marketing"]) / len(totals["marketing"]),
    )


def test_example_waves_show_progress() -> None:
    doc = run_json(str(EXAMPLES / "wave1.csv"), str(EXAMPLES / "wave2.csv"))
    s1, m1 = _group_means(EXAMPLES / "wave1.csv")
    s2, m2 = _group_means(EXAMPLES / "wave2.csv")
    totals = by_scope(doc["totals"])
    assert totals["overall"]["before"] == pytest.approx((s1 + m1) / 2)
    assert totals["overall"]["after"] == pytest.approx((s2 + m2) / 2)
    assert 40 <= (s1 + m1) / 2 < 60 <= (s2 + m2) / 2 < 80  # Defined, then Aligned
    overall = by_scope(doc["stages"])["overall"]
    assert (overall["before"]["id"], overall["after"]["id"]) == ("defined", "aligned")  # type: ignore[index]
    gap = by_scope(doc["gaps"])["total"]
    assert gap["before"] == pytest.approx(s1 - m1) and gap["after"] == pytest.approx(s2 - m2)
    assert abs(s2 - m2) < abs(s1 - m1) and gap["narrowed"] is True
    # S09 left, S10 and M06 joined: 14 codes in common.
    assert doc["design"] == "paired" and doc["matched"] == 14


def test_ci_bounds_that_round_to_zero_carry_no_sign() -> None:
    from salesmkt.wording import fmt_ci

    assert fmt_ci((-0.04, 14.26), 1) == "[0.0, +14.3]"
    assert fmt_ci((-1.25, -0.2), 1) == "[-1.2, -0.2]"
    assert fmt_ci(None) == "–"


def test_json_wave_names_the_questionnaire_for_the_other_file(tmp_path: Path) -> None:
    saved = tmp_path / "wave1.json"
    result = runner.invoke(app, ["score", str(EXAMPLES / "wave1.csv"), "-o", str(saved)])
    assert result.exit_code == 0, result.output
    # No -q: the JSON says "alignment", which then reads wave2.csv too.
    doc = run_json(str(saved), str(EXAMPLES / "wave2.csv"))
    assert doc["design"] == "summary"
    assert "before wave is a saved assessment" in str(doc["design_note"])
    totals = by_scope(doc["totals"])
    s1, m1 = _group_means(EXAMPLES / "wave1.csv")
    s2, m2 = _group_means(EXAMPLES / "wave2.csv")
    assert totals["overall"]["change"] == pytest.approx((s2 + m2) / 2 - (s1 + m1) / 2)
    assert totals["overall"]["ci"] is None


# -- the exact signed-rank test ----------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=-4, max_value=6), min_size=2, max_size=8))
def test_exact_signed_rank_matches_scipy_with_ties_and_zeros(diffs: list[int]) -> None:
    from salesmkt.analysis.paired import signed_rank_exact

    if not any(diffs):
        return
    reference = wilcoxon(diffs)  # scipy: exact sign-flip permutation test for n <= 13
    statistic, p = signed_rank_exact(diffs)
    assert statistic == pytest.approx(float(reference.statistic), abs=1e-12)
    assert p == pytest.approx(float(reference.pvalue), abs=1e-12)


def test_exact_signed_rank_by_hand() -> None:
    from salesmkt.analysis.paired import signed_rank_exact

    # d = 1, -2, 2, 0: the zero is dropped; |d| ranks 1, 2.5, 2.5 (doubled 2, 5, 5).
    # R+ = 1 + 2.5 = 3.5, R- = 2.5, W = 2.5. Sign patterns of 2R+ over {2, 5, 5}:
    # 0, 2, 5, 5, 7, 7, 10, 12 -> P(2R+ >= 7) = 4/8, P(2R+ <= 7) = 6/8, p = 2 * 4/8 = 1.
    assert signed_rank_exact([1, -2, 2, 0]) == (2.5, 1.0)
    # All four up, ranks 1..4: only 1 of 16 patterns reaches R+ = 10, p = 2/16.
    assert signed_rank_exact([3, 1, 4, 2]) == (0.0, 0.125)


def _enumerated_signed_rank_p(diffs: list[float]) -> float:
    """Two-sided signed-rank p by enumerating every sign pattern (meet in the middle: the
    2^n patterns are the sums of one pattern of each half), independent of the DP."""
    from scipy.stats import rankdata

    d = np.array([v for v in diffs if v != 0], dtype=float)
    ranks = rankdata(np.abs(d))
    observed = float(ranks[d > 0].sum())
    half = len(ranks) // 2

    def sums(r: np.ndarray) -> np.ndarray:
        out = np.zeros(1)
        for v in r:
            out = np.concatenate((out, out + v))
        return np.sort(out)

    left, right = sums(ranks[:half]), sums(ranks[half:])
    eps = 1e-9
    below = np.searchsorted(right, observed - left + eps, side="right").sum()
    above = (len(right) - np.searchsorted(right, observed - left - eps, side="left")).sum()
    total = float(len(left) * len(right))
    return min(1.0, 2 * min(below, above) / total)


@pytest.mark.parametrize("n", [14, 20, 25])
def test_paired_p_is_exact_up_to_25_pairs_with_ties(n: int) -> None:
    from salesmkt.analysis.paired import EXACT_MAX_PAIRS, paired_statistics

    assert EXACT_MAX_PAIRS >= 25
    rng = np.random.default_rng(n)
    before = rng.integers(40, 60, n).astype(float)
    # Small whole-number changes: many ties among |d| and a few zeros.
    after = before + rng.choice([-2, -1, 0, 1, 2, 3, 4], n)
    result = paired_statistics(before, after, seed=1, n_boot=10)
    diffs = list(after - before)
    assert result.p_value == pytest.approx(_enumerated_signed_rank_p(diffs), rel=1e-9)
    # scipy's default answers tied samples with the normal approximation: not what we give.
    approx = float(wilcoxon(after, before).pvalue)
    assert result.p_value != pytest.approx(approx, rel=1e-6)
