"""`salesmkt score` through the CLI: exit codes, formats, outputs, the workshop headline."""

from __future__ import annotations

import csv
import io
import json
import statistics
from pathlib import Path

import pytest
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.analysis.saved import load_assessment_json
from salesmkt.analysis.scoring import assess_file
from salesmkt.cli import app
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Assessment, Settings

runner = CliRunner()
WORKSHOP = ROOT / "examples" / "workshop.csv"
ITEMS = [f"q{i:02d}" for i in range(1, 21)]
SALES_TEAMS = {"sales", "field sales", "inside sales", "key account management"}
MARKETING_TEAMS = {"marketing", "product marketing", "demand generation"}


def _write(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header or ["Respondent", "Team", "Region", *ITEMS])
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _row(code: str, team: str, value: int, region: str = "EMEA") -> list[str]:
    return [code, team, region, *([str(value)] * 20)]


def _small(tmp_path: Path, first_code: str = "S1") -> Path:
    rows = [_row(first_code, "Sales", 4)] + [_row(f"S{i}", "Sales", 3) for i in range(2, 5)]
    rows += [_row(f"M{i}", "Marketing", 2) for i in range(1, 4)]
    return _write(tmp_path / "small.csv", rows)


# -- the workshop example ----------------------------------------------------------------


def _workshop_by_hand() -> dict[str, float]:
    """The README headline, recomputed from the raw CSV with plain Python."""
    with WORKSHOP.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    totals: dict[str, list[float]] = {"sales": [], "marketing": [], "leadership": []}
    for rec in records:
        answers = [int(rec[i]) for i in ITEMS if rec[i].strip() not in ("", "N/A")]
        total = sum(answers) / len(answers) * 20  # prorated
        team = rec["Team"].strip().lower()
        group = (
            "sales"
            if team in SALES_TEAMS
            else "marketing"
            if team in MARKETING_TEAMS
            else "leadership"
        )
        totals[group].append(total)
    sales, marketing = statistics.mean(totals["sales"]), statistics.mean(totals["marketing"])
    return {
        "n_sales": len(totals["sales"]),
        "n_marketing": len(totals["marketing"]),
        "n_leadership": len(totals["leadership"]),
        "sales": sales,
        "marketing": marketing,
        "overall": (sales + marketing) / 2,
        "pooled": statistics.mean(totals["sales"] + totals["marketing"]),
    }


def test_workshop_headline_matches_hand_computation() -> None:
    want = _workshop_by_hand()
    assert (want["n_sales"], want["n_marketing"], want["n_leadership"]) == (9, 5, 1)
    # README states: overall 59.4 → Defined; Sales 63.7 Aligned, Marketing 55.0 Defined;
    # pooled 60.6 (would be Aligned: the equal weighting is what keeps it Defined).
    assert round(want["overall"], 1) == 59.4
    assert round(want["sales"], 1) == 63.7 and round(want["marketing"], 1) == 55.0
    assert round(want["pooled"], 1) == 60.6
    result = runner.invoke(app, ["score", str(WORKSHOP), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["overall"]["score"] == pytest.approx(want["overall"])
    assert doc["overall"]["pooled_mean"] == pytest.approx(want["pooled"])
    assert doc["overall"]["stage"]["id"] == "defined"
    groups = {g["id"]: g for g in doc["groups"]}
    assert groups["sales"]["mean"] == pytest.approx(want["sales"])
    assert groups["marketing"]["mean"] == pytest.approx(want["marketing"])
    assert groups["leadership"]["suppressed"] and groups["leadership"]["mean"] is None
    assert doc["respondents"] == {"total": 15, "scored": 15, "prorated": 2, "excluded": []}
    flagged = {i["id"] for i in doc["items"] if i["flagged"]}
    assert {"q02", "q05", "q06"} <= flagged
    q05 = next(i for i in doc["items"] if i["id"] == "q05")
    assert q05["direction"] == "marketing"


def test_workshop_terminal_view() -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Overall stage: DEFINED" in out
    assert "score 59.4" in out and "pooled respondent mean 60.6" in out
    assert "Sales sees Aligned, Marketing sees Defined" in out
    assert "63.7" in out and "55.0" in out
    assert "20   40   60   80   100" in out  # the band axis
    assert "●" in out
    assert "Sales shares feedback" in out and "+2.80" in out
    flat = " ".join(out.split())
    assert "Leadership: fewer than 5 respondents, below the anonymity threshold of 5" in flat
    assert "Anonymity threshold 5" in flat
    assert "│ Leadership │ <5 │" in out  # never its exact size (1)
    assert "38%" in out and "20%" in out  # Sales and Marketing % favourable (checked below)


def test_by_region_withholds_small_cells() -> None:
    result = runner.invoke(
        app, ["score", str(WORKSHOP), "--by", "region", "-f", "json", "--min-group-size", "3"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    cells = {(s["value"], g["id"]): g for s in doc["segments"] for g in s["groups"]}
    assert (
        cells["Americas", "marketing"]["suppressed"] and cells["Americas", "marketing"]["n"] is None
    )
    assert cells["Americas", "marketing"]["n_fewer_than"] == 3
    assert cells["EMEA", "marketing"]["suppressed"]  # complementary
    assert cells["EMEA", "sales"]["mean"] is not None
    assert doc["settings"]["by"] == ["region"]


@pytest.mark.parametrize("k", ["1", "2"])
def test_min_group_size_below_three_is_a_usage_error(k: str) -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "--min-group-size", k])
    assert result.exit_code == 2
    assert f"--min-group-size {k}: expected at least 3" in result.stderr


def test_min_group_size_three_warns_in_every_format() -> None:
    for fmt in ("json", "markdown", "terminal"):
        result = runner.invoke(app, ["score", str(WORKSHOP), "--min-group-size", "3", "-f", fmt])
        assert result.exit_code == 0, result.output
        assert "below the usual 5" in result.stdout
    doc = json.loads(
        runner.invoke(app, ["score", str(WORKSHOP), "--min-group-size", "3", "-f", "json"]).stdout
    )
    assert doc["settings"]["min_group_size"] == 3
    assert any(w["code"] == "low-anonymity-threshold" for w in doc["warnings"])


def test_library_callers_may_show_every_group() -> None:
    # Below 3 is refused on the command line only; a library caller (this test) may.
    a = assess_file(ResponseSource(WORKSHOP), Settings(min_group_size=1)).assessment
    lead = a.group("leadership")
    assert lead is not None and not lead.suppressed and lead.mean == 62.0  # L01 by hand
    assert a.suppressed == []


# -- output files and formats ------------------------------------------------------------


def test_json_round_trip_through_output_file(tmp_path: Path) -> None:
    out = tmp_path / "assessment.json"
    result = runner.invoke(app, ["score", str(WORKSHOP), "-o", str(out), "--by", "Region"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr
    loaded = load_assessment_json(out)
    direct = assess_file(ResponseSource(WORKSHOP), Settings(by=["Region"])).assessment
    assert loaded == direct
    assert "NaN" not in out.read_text()


def test_output_format_from_suffix(tmp_path: Path) -> None:
    for suffix, check in (
        (".md", lambda t: t.startswith("# Sales &amp; Marketing Alignment Assessment")),
        (".csv", lambda t: t.startswith("row,respondent,group,Region,")),
        (".json", lambda t: Assessment.model_validate_json(t).respondents.scored == 15),
    ):
        out = tmp_path / f"out{suffix}"
        result = runner.invoke(app, ["score", str(WORKSHOP), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert check(out.read_text(encoding="utf-8")), suffix


def test_refuses_to_overwrite_the_input(tmp_path: Path) -> None:
    source = _small(tmp_path)
    before = source.read_bytes()
    result = runner.invoke(app, ["score", str(source), "--format", "csv", "-o", str(source)])
    assert result.exit_code == 1
    assert "refusing to overwrite the input" in result.stderr
    assert source.read_bytes() == before


def test_unknown_output_suffix_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 2
    assert "cannot tell the format" in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_terminal_format_cannot_go_to_a_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["score", str(WORKSHOP), "-f", "terminal", "-o", str(tmp_path / "x.md")]
    )
    assert result.exit_code == 2


def test_explicit_format_wins_over_suffix(tmp_path: Path) -> None:
    out = tmp_path / "summary.txt"
    result = runner.invoke(app, ["score", str(WORKSHOP), "-f", "markdown", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "## Groups" in out.read_text(encoding="utf-8")


def test_csv_neutralises_formula_cells(tmp_path: Path) -> None:
    evil = "=cmd|' /C calc'!A0"
    source = _small(tmp_path, first_code=evil)
    result = runner.invoke(app, ["score", str(source), "--format", "csv", "--min-group-size", "3"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["respondent"] == "'" + evil
    assert float(rows[0]["total"]) == 80 and rows[0]["stage"] == "integrated"
    assert [float(r["total"]) for r in rows[1:4]] == [60] * 3
    assert rows[4]["group"] == "marketing" and float(rows[4]["total"]) == 40


def test_markdown_escapes_respondent_text(tmp_path: Path) -> None:
    rows = [_row(f"S{i}", "Sales", 4) for i in range(1, 4)]
    rows += [_row(f"M{i}", "Marketing", 3) for i in range(1, 4)]
    bad = _row("*x*<b>", "Sales", 4)
    bad[5] = "9"  # out of range: excluded with --drop-invalid, and named
    source = _write(tmp_path / "r.csv", [*rows, bad])
    result = runner.invoke(
        app, ["score", str(source), "--drop-invalid", "-f", "markdown", "--min-group-size", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "Excluded row 8 (\\*x\\*&lt;b&gt;, sales)" in result.stdout
    assert "*x*<b>" not in result.stdout


def test_terminal_does_not_interpret_markup_in_respondent_text(tmp_path: Path) -> None:
    rows = [_row(f"S{i}", "Sales", 4) for i in range(1, 4)]
    rows += [_row(f"M{i}", "Marketing", 3) for i in range(1, 4)]
    bad = _row("[bold red]boom[/]", "Sales", 4)
    bad[4] = "banana"
    source = _write(tmp_path / "r.csv", [*rows, bad])
    result = runner.invoke(app, ["score", str(source), "--drop-invalid", "--min-group-size", "3"])
    assert result.exit_code == 0, result.output
    assert "[bold red]boom[/]" in result.stdout
    assert "excluded row 8" in result.stdout


# -- the data-quality gate and usage errors ------------------------------------------------


def test_gate_failure_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    rows = [_row(f"S{i}", "Sales", 4) for i in range(1, 4)]
    rows += [_row(f"M{i}", "Marketing", 3) for i in range(1, 4)]
    rows[1][3] = "7"  # row 3, q01
    rows[4][10] = "maybe"  # row 6, q08
    source = _write(tmp_path / "bad.csv", rows)
    result = runner.invoke(app, ["score", str(source)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{source}:3:") and "q01" in line for line in lines), lines
    assert any(line.startswith(f"{source}:6:") and "q08" in line for line in lines), lines
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_drop_invalid_scores_the_rest_and_names_the_dropped(tmp_path: Path) -> None:
    rows = [_row(f"S{i}", "Sales", 4) for i in range(1, 5)]
    rows += [_row(f"M{i}", "Marketing", 3) for i in range(1, 4)]
    rows[1][3] = "7"
    source = _write(tmp_path / "bad.csv", rows)
    result = runner.invoke(
        app, ["score", str(source), "--drop-invalid", "-f", "json", "--min-group-size", "3"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["respondents"]["scored"] == 6
    assert [(e["row"], e["respondent"]) for e in doc["respondents"]["excluded"]] == [(3, "S2")]


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "nope.csv" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--max-missing", "2"],
        ["--min-group-size", "0"],
        ["--gap-threshold", "-1"],
        ["--format", "pdf"],
        ["--by", "unit"],
        ["--no-such-option"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), *args])
    assert result.exit_code == 2, result.output


def test_by_unknown_column_names_the_columns() -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "--by", "unit"])
    assert "no such column" in result.stderr and "'Region'" in result.stderr


def test_gap_threshold_option() -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "--gap-threshold", "2.5", "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [i["id"] for i in doc["items"] if i["flagged"]] == ["q06"]  # the only gap ≥ 2.5
    assert doc["settings"]["gap_threshold"] == 2.5


def test_questionnaire_option_with_a_path(tmp_path: Path) -> None:
    tiny = ROOT / "tests" / "fixtures" / "scoring" / "tiny.yaml"
    source = _write(
        tmp_path / "t.csv",
        [[f"a{i}", "sales", "5", "5", "1", "5"] for i in range(3)]
        + [[f"b{i}", "marketing", "1", "1", "5", "1"] for i in range(3)],
        header=["id", "group", "t1", "t2", "t3", "t4"],
    )
    result = runner.invoke(
        app, ["score", str(source), "-q", str(tiny), "--min-group-size", "3", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["questionnaire"]["id"] == "tiny"
    assert {g["id"]: g["mean"] for g in doc["groups"]} == {"sales": 20.0, "marketing": 4.0}
    # The questionnaire file is an input too: it cannot be overwritten.
    clash = runner.invoke(
        app, ["score", str(source), "-q", str(tiny), "-f", "json", "-o", str(tiny)]
    )
    assert clash.exit_code == 1 and "refusing" in clash.stderr


# -- renderer details ----------------------------------------------------------------------


def test_score_display_never_rounds_across_a_stage_edge() -> None:
    from salesmkt.wording import fmt_score

    edges = [20.0, 40.0, 60.0, 80.0]
    assert fmt_score(39.96, edges) == "39.96"  # "40.0" would sit next to "Undefined"
    assert fmt_score(39.9999, edges) == "39.9999"
    assert fmt_score(39.94, edges) == "39.9"
    assert fmt_score(40.0, edges) == "40.0"
    assert fmt_score(59.36, edges) == "59.4"
    assert fmt_score(None, edges) == "–"


def test_band_bar_marks_the_score_in_its_band() -> None:
    from salesmkt.render.score_terminal import band_axis, band_bar

    a = assess_file(ResponseSource(WORKSHOP), Settings(min_group_size=3)).assessment
    for score, shade in ((21.0, "░"), (45.0, "▒"), (65.0, "▓"), (99.0, "█")):
        bar = band_bar(a, score, width=32).plain
        assert len(bar) == 32 and bar.count("●") == 1
        pos = bar.index("●")
        assert pos == int((score - 20) / 80 * 32)
        neighbour = bar[pos - 1] if pos > 0 else bar[pos + 1]
        assert neighbour == shade
    assert band_axis(a, width=32).plain.split() == ["20", "40", "60", "80", "100"]


def test_json_renderer_refuses_non_finite_numbers() -> None:
    from salesmkt.render.assessment_json import render_json

    a = assess_file(ResponseSource(WORKSHOP), Settings(min_group_size=3)).assessment
    assert json.loads(render_json(a))["overall"]["stage"]["id"] == "defined"
    a.groups[0].mean = float("nan")
    with pytest.raises(ValueError, match=r"groups\[0\]\.mean"):
        render_json(a)


def test_csv_neutralises_segment_values_and_headers(tmp_path: Path) -> None:
    rows = [
        [f"S{i}", "Sales", "+SUM(A1)" if i == 1 else "@EMEA", *(["4"] * 20)] for i in range(1, 4)
    ]
    rows += [[f"M{i}", "Marketing", "-3", *(["3"] * 20)] for i in range(1, 4)]
    source = _write(tmp_path / "r.csv", rows, header=["Respondent", "Team", "=Region", *ITEMS])
    result = runner.invoke(app, ["score", str(source), "-f", "csv", "--min-group-size", "3"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0][:4] == ["row", "respondent", "group", "'=Region"]
    assert [r[3] for r in table[1:]] == ["'+SUM(A1)", "'@EMEA", "'@EMEA", "'-3", "'-3", "'-3"]
    assert float(table[1][5]) == 80  # numbers stay numbers


def test_load_assessment_or_responses_scores_a_responses_file() -> None:
    from salesmkt.analysis.saved import load_assessment_or_responses

    a = load_assessment_or_responses(ResponseSource(WORKSHOP), Settings(min_group_size=1))
    assert a.overall.stage is not None and a.overall.stage.id == "defined"
    lead = a.group("leadership")
    assert lead is not None and not lead.suppressed
