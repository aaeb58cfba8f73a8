"""``salesmkt gaps`` through typer's CliRunner: exit codes, order, bars and formats."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from salesmkt.cli import app

FOUR = Path(__file__).parent / "fixtures" / "gaps" / "four.yaml"
WIDE = {"COLUMNS": "220"}

# Per item (q1..q4) Sales then Marketing means: q1 4.5/4.0, q2 2.0/1.5, q3 4.5/2.0,
# q4 2.5/4.0 → gaps +0.5, +0.5, +2.5, −1.5: sorted q3, q4, q1, q2.
SALES = [[5, 2, 5, 2], [4, 2, 4, 3], [5, 1, 5, 2], [4, 3, 4, 3]]
MARKETING = [[4, 1, 2, 4], [4, 2, 2, 4], [4, 2, 2, 4], [4, 1, 2, 4]]


def write_csv(
    path: Path, sales: Sequence[Sequence[int]], marketing: Sequence[Sequence[int]]
) -> Path:
    lines = ["group,respondent,q1,q2,q3,q4"]
    for i, row in enumerate(sales):
        lines.append(f"Sales,S{i}," + ",".join(map(str, row)))
    for i, row in enumerate(marketing):
        lines.append(f"Marketing,M{i}," + ",".join(map(str, row)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def responses(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "responses.csv", SALES, MARKETING)


def invoke(*args: str | Path) -> tuple[int, str, str]:
    words = [str(a) for a in args]
    # The fixtures have groups of 3 to 5: use the lowest threshold the CLI allows, unless
    # a test sets its own.
    if words and words[0] in ("score", "gaps") and "--min-group-size" not in words:
        words[1:1] = ["--min-group-size", "3"]
    result = CliRunner().invoke(app, words, env=WIDE)
    return result.exit_code, result.stdout, result.stderr


def gaps(responses: Path, *extra: str | Path) -> tuple[int, str, str]:
    return invoke("gaps", responses, "-q", FOUR, *extra)


def item_lines(out: str) -> dict[str, str]:
    """The table line of each item, by id (the line starting with the id)."""
    found: dict[str, str] = {}
    for line in out.splitlines():
        m = re.match(r"\s*(q\d) ", line)
        if m and m.group(1) not in found:
            found[m.group(1)] = line
    return found


def test_terminal_table_sorted_by_gap_size(responses: Path) -> None:
    code, out, _ = gaps(responses)
    assert code == 0
    lines = item_lines(out)
    positions = [out.index(lines[i]) for i in ("q3", "q4", "q1", "q2")]
    assert positions == sorted(positions)
    assert "◀ Marketing rates higher │ Sales rates higher ▶" in out
    for header in ("Sales", "Marketing", "Gap", "95% CI", "Quadrant", "Effect", "p adj.", "Backed"):
        assert header in out
    assert (
        re.search(r"\+2\.50 +\[", lines["q3"]) and "split" in lines["q3"] and "large" in lines["q3"]
    )
    assert "shared strength" in lines["q1"]
    assert "shared pain" in lines["q2"]
    assert "2 of 4 items flagged (|gap| ≥ 1)" in out


def test_bars_point_to_the_group_that_rates_higher(responses: Path) -> None:
    _, out, _ = gaps(responses)
    lines = item_lines(out)
    # q3: Sales higher by 2.5 of a 4-point scale → 5 of 8 cells to the right of │.
    assert re.search(r"│█████ ", lines["q3"])
    assert not re.search(r"█│", lines["q3"])
    # q4: Marketing higher by 1.5 → 3 cells to the left.
    assert re.search(r" ███│", lines["q4"])
    assert not re.search(r"│█", lines["q4"])


def test_small_groups_are_named_plainly(responses: Path) -> None:
    _, out, _ = gaps(responses)
    assert "With 4 people per group almost nothing is significant: read the size of the gap" in out


def test_json_carries_every_gap_field(responses: Path) -> None:
    code, out, _ = gaps(responses, "--format", "json", "--adjust", "bh")
    assert code == 0
    doc = json.loads(out)  # a NaN or inf would not be valid JSON here
    assert doc["settings"]["adjust"] == "bh"
    items = {i["id"]: i for i in doc["items"]}
    q3 = items["q3"]
    x = [r[2] for r in SALES]
    y = [r[2] for r in MARKETING]
    assert q3["gap"] == pytest.approx(2.5)
    assert q3["mann_whitney_u"] == float(stats.mannwhitneyu(x, y).statistic)
    assert q3["cliffs_delta"] == pytest.approx(2 * q3["mann_whitney_u"] / 16 - 1)
    assert q3["quadrant"] == "split" and q3["flagged"] and q3["direction"] == "sales"
    assert q3["ci"][0] <= 2.5 <= q3["ci"][1]
    ps = np.array([items[f"q{j}"]["p_value"] for j in range(1, 5)], dtype=float)
    bh = stats.false_discovery_control(ps)
    assert [items[f"q{j}"]["p_adjusted"] for j in range(1, 5)] == pytest.approx(list(bh))
    assert doc["total_gap"]["welch_t"] is not None
    for key in ("reliability", "agreement", "borderline", "stage_disagreement"):
        assert key in doc


def test_csv_has_one_row_per_item_dimension_and_total(responses: Path) -> None:
    code, out, _ = gaps(responses, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["kind"] for r in rows] == ["item"] * 4 + ["dimension"] * 2 + ["total"]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3", "q4", "talk", "work", "total"]
    q4 = rows[3]
    assert float(q4["gap"]) == pytest.approx(-1.5)
    assert (q4["direction"], q4["quadrant"], q4["flagged"]) == ("marketing", "split", "True")
    assert float(q4["mean_first"]) == pytest.approx(2.5)
    assert float(q4["mean_second"]) == pytest.approx(4.0)
    assert rows[-1]["welch_t"] != "" and rows[0]["welch_t"] == ""


def test_markdown_output(responses: Path) -> None:
    code, out, _ = gaps(responses, "--format", "markdown")
    assert code == 0
    assert out.startswith("# Four-item gap instrument: perception gaps")
    assert "## Items (largest gap first)" in out and "## Dimensions" in out
    assert "| 1 | **q3** Plan |" in out
    assert "split view \\(Sales higher\\)" in out
    assert "split view \\(Marketing higher\\)" in out


def test_user_text_is_escaped_and_neutralised(tmp_path: Path) -> None:
    text = FOUR.read_text(encoding="utf-8").replace("short: Plan", 'short: "=HYPERLINK(1)|*x*"')
    q = tmp_path / "q.yaml"
    q.write_text(text, encoding="utf-8")
    data = write_csv(tmp_path / "r.csv", SALES, MARKETING)
    code, out, _ = invoke("gaps", data, "-q", q, "--format", "csv")
    assert code == 0
    q3 = next(r for r in csv.DictReader(io.StringIO(out)) if r["id"] == "q3")
    assert q3["label"] == "'=HYPERLINK(1)|*x*"
    code, out, _ = invoke("gaps", data, "-q", q, "--format", "markdown")
    assert code == 0
    assert "=HYPERLINK\\(1\\)\\|\\*x\\*" in out


def test_options_change_the_figures(responses: Path) -> None:
    _, out, _ = gaps(responses, "--format", "json", "--gap-threshold", "0.5", "--midpoint", "4.25")
    items = {i["id"]: i for i in json.loads(out)["items"]}
    assert items["q1"]["flagged"] and items["q1"]["quadrant"] == "split"
    _, out, _ = gaps(responses, "--format", "json", "--midpoint", "4.25")
    items = {i["id"]: i for i in json.loads(out)["items"]}
    assert items["q1"]["quadrant"] == "mixed"  # 4.5 and 4.0 either side of 4.25
    _, none, _ = gaps(responses, "--format", "json", "--adjust", "none")
    assert all(i["p_adjusted"] == i["p_value"] for i in json.loads(none)["items"])


def test_intervals_do_not_depend_on_the_seed(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    data = write_csv(
        tmp_path / "r.csv",
        rng.integers(1, 6, (15, 4)).tolist(),
        rng.integers(1, 6, (12, 4)).tolist(),
    )
    _, first, _ = gaps(data, "--format", "json", "--seed", "7")
    _, again, _ = gaps(data, "--format", "json", "--seed", "7")
    _, other, _ = gaps(data, "--format", "json", "--seed", "8")
    cis = [
        [d["ci"] for d in [*doc["items"], *doc["dimensions"], doc["total_gap"]]]
        for doc in (json.loads(t) for t in (first, again, other))
    ]
    # Welch intervals draw nothing at random: the seed cannot move them.
    assert cis[0] == cis[1] == cis[2]


def test_suppressed_group_shows_no_gap(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "r.csv", SALES, MARKETING[:2])
    code, out, _ = gaps(data)
    assert code == 0
    assert "suppressed: fewer than 3 respondents in Marketing" in out
    lines = item_lines(out)
    assert all("█" not in line for line in lines.values())
    _, out, _ = gaps(data, "--format", "json")
    doc = json.loads(out)
    assert all(i["gap"] is None and i["p_value"] is None for i in doc["items"])


def test_output_file_by_suffix(responses: Path, tmp_path: Path) -> None:
    target = tmp_path / "gaps.csv"
    code, out, err = gaps(responses, "-o", target)
    assert code == 0 and out == ""
    assert f"wrote {target}" in err
    assert target.read_text(encoding="utf-8").startswith("kind,id,label")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "gaps.txt"], "cannot tell the format"),
        (["--format", "terminal", "-o", "gaps.md"], "--format terminal cannot be written"),
        (["--adjust", "bonferroni"], "bonferroni"),
    ],
)
def test_usage_errors_exit_2(
    responses: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("gaps.") else a for a in extra]
    code, _, err = gaps(responses, *args)
    assert code == 2
    assert message in err


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    code, out, err = gaps(tmp_path / "nope.csv")
    assert code == 1
    assert "Traceback" not in out + err
    assert err.startswith("salesmkt: error:") and "nope.csv" in err


def test_output_never_overwrites_the_input(responses: Path) -> None:
    before = responses.read_bytes()
    code, _, err = gaps(responses, "--format", "csv", "-o", responses)
    assert code != 0 and "error" in err
    assert responses.read_bytes() == before


def test_score_summary_shows_stage_disagreement_and_borderline(tmp_path: Path) -> None:
    # Sales totals 16–17 (High, away from the edge); Marketing around 10 (the Low/Mid edge).
    sales = [[4, 4, 4, 4], [5, 4, 4, 4], [4, 4, 4, 5], [4, 4, 4, 4]]
    marketing = [[2, 2, 2, 2], [3, 3, 3, 3], [2, 2, 3, 3], [3, 3, 2, 2], [2, 3, 2, 3]]
    data = write_csv(tmp_path / "r.csv", sales, marketing)
    code, out, _ = invoke("score", data, "-q", FOUR)
    assert code == 0
    assert "Sales sees High, Marketing sees Mid" in out
    # Five Marketing respondents: the stage is called uncertain, without percentages.
    assert re.search(
        r"◆ Marketing's 10\.0 sits on the Low/Mid edge: with fewer than 8\s+respondents", out
    )
    assert "% of resamples" not in out


def test_saved_assessment_is_shown_as_saved(responses: Path, tmp_path: Path) -> None:
    saved = tmp_path / "assessment.json"
    code, _, _ = invoke("score", responses, "-q", FOUR, "-o", saved)
    assert code == 0
    code, out, err = invoke("gaps", saved, "--format", "csv")
    assert code == 0
    assert "is a saved assessment" in err
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert float(rows["q3"]["gap"]) == doc["items"][2]["gap"] == pytest.approx(2.5)
    code, out, _ = invoke("gaps", saved)
    assert code == 0
    assert re.search(r"│█████ ", item_lines(out)["q3"])  # bar span from the scoring key
