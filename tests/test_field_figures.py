"""What the field reports: % favourable, the organisation score when a compared group is
withheld, the privacy defaults and the response rate (--headcount).

Oracles are plain pandas queries on the responses file written here, never the tool's
own output.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from support.paths import EXAMPLES
from typer.testing import CliRunner

from salesmkt.analysis.favourable import favourable_from
from salesmkt.cli import app
from salesmkt.definitions.questionnaire_load import load

ITEMS = [f"q{i:02d}" for i in range(1, 21)]
WORKSHOP = EXAMPLES / "workshop.csv"
GROUPS = {"Sales": "sales", "Field Sales": "sales", "Inside Sales": "sales"}
GROUPS |= {"Key Account Management": "sales", "Marketing": "marketing"}
GROUPS |= {"Product Marketing": "marketing", "Demand Generation": "marketing"}
GROUPS |= {"Leadership": "leadership"}


def _json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def _workshop_frame() -> pd.DataFrame:
    frame = pd.read_csv(WORKSHOP, na_values=["N/A"])
    frame["group"] = frame["Team"].map(GROUPS)
    return frame


# -- % favourable ----------------------------------------------------------------------


def test_favourable_points_follow_the_scale(alignment: Any) -> None:
    assert favourable_from(alignment) == 4.0  # 4 and 5 on 1-5
    for points, expected in ((7, 6.0), (4, 3.0), (3, 3.0), (2, 2.0)):
        scale = alignment.scale.model_copy(update={"min": 1, "max": points})
        assert favourable_from(alignment.model_copy(update={"scale": scale})) == expected


def test_favourable_per_item_dimension_and_group_match_pandas(
    runner: CliRunner, alignment: Any
) -> None:
    doc = _json(runner, "score", str(WORKSHOP))
    frame = _workshop_frame()
    shown = frame[frame["group"].isin(["sales", "marketing"])]  # Leadership (1) is withheld
    answers = shown[ITEMS]
    fav = answers >= 4
    given = answers.notna()
    items = {i["id"]: i for i in doc["items"]}
    for item in ITEMS:
        assert items[item]["favourable"] == pytest.approx(fav[item].sum() / given[item].sum())
        for gid in ("sales", "marketing"):
            part = shown["group"] == gid
            want = fav.loc[part, item].sum() / given.loc[part, item].sum()
            assert items[item]["favourable_by_group"][gid] == pytest.approx(want)
        assert items[item]["favourable_by_group"]["leadership"] is None
    groups = {g["id"]: g for g in doc["groups"]}
    for gid in ("sales", "marketing"):
        part = shown["group"] == gid
        want = fav[part].to_numpy().sum() / given[part].to_numpy().sum()
        assert groups[gid]["favourable"] == pytest.approx(want)
    assert groups["leadership"]["favourable"] is None
    for dim in doc["dimensions"]:
        cols = [it.id for it in alignment.items if it.dimension == dim["id"]]
        want = fav[cols].to_numpy().sum() / given[cols].to_numpy().sum()
        assert dim["favourable"] == pytest.approx(want)
        part = shown["group"] == "marketing"
        want_m = fav.loc[part, cols].to_numpy().sum() / given.loc[part, cols].to_numpy().sum()
        assert dim["favourable_by_group"]["marketing"] == pytest.approx(want_m)
    overall = fav.to_numpy().sum() / given.to_numpy().sum()
    assert doc["overall"]["favourable"] == pytest.approx(overall)
    assert doc["settings"]["favourable_from"] == 4.0


def test_favourable_per_respondent_in_the_csv(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = {r["respondent"]: r for r in csv.DictReader(result.stdout.splitlines())}
    frame = _workshop_frame().set_index("Respondent")
    for code in ("S01", "S04", "M03"):  # S04 and M03 skipped an item
        answers = frame.loc[code, ITEMS].astype(float)
        want = (answers >= 4).sum() / answers.notna().sum()
        assert float(rows[code]["favourable"]) == pytest.approx(want, abs=5e-5)
    assert rows["L01"]["favourable"] == ""  # withheld group: blank like its total


def test_reverse_items_count_favourable_after_recoding(runner: CliRunner, tmp_path: Path) -> None:
    tiny = Path(__file__).parent / "fixtures" / "scoring" / "tiny.yaml"
    q = load(str(tiny))
    reverse = [it.id for it in q.items if it.reverse]
    assert reverse, "the tiny questionnaire has a reverse item"
    ids = [it.id for it in q.items]
    flat = [[f"s{i}", "sales", *("1" if it in reverse else "5" for it in ids)] for i in range(3)]
    flat += [[f"m{i}", "marketing", *(["2"] * len(ids))] for i in range(3)]
    path = tmp_path / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "group", *ids], *flat])
    doc = _json(runner, "score", str(path), "-q", str(tiny), "--min-group-size", "3")
    groups = {g["id"]: g for g in doc["groups"]}
    assert groups["sales"]["favourable"] == 1.0  # a reverse item answered 1 is favourable
    assert groups["marketing"]["favourable"] == pytest.approx(
        len(reverse) / len(ids)  # answered 2: recoded 4 on reverse items only
    )


# -- the organisation score and its headline -------------------------------------------


def _write(path: Path, groups: dict[str, list[int]]) -> Path:
    rows = [["Respondent", "Team", "Region", *ITEMS]]
    for team, values in groups.items():
        for i, value in enumerate(values):
            rows.append([f"{team[0]}{i}", team, "EMEA", *([str(value)] * 20)])
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json"])
def test_withheld_compared_group_leaves_no_organisation_stage(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    path = _write(tmp_path / "r.csv", {"Sales": [4] * 6, "Marketing": [2] * 3})
    result = runner.invoke(app, ["score", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "cannot be estimated" in flat
    if fmt != "json":  # (the JSON's scoring key names every stage)
        assert "Overall stage" not in flat and "Integrated" not in flat.split("Groups")[0]
    assert "fewer than 5 respondents" in flat
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert doc["overall"]["score"] is None and doc["overall"]["stage"] is None
        marketing = next(g for g in doc["groups"] if g["id"] == "marketing")
        assert marketing["n"] is None and marketing["n_fewer_than"] == 5
        sales = next(g for g in doc["groups"] if g["id"] == "sales")
        assert sales["mean"] == 80.0 and sales["n"] == 6  # the group shown is still shown


def test_withheld_compared_group_in_the_report(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path / "r.csv", {"Sales": [4] * 6, "Marketing": [2] * 3})
    for name in ("r.md", "r.html"):
        out = tmp_path / name
        result = runner.invoke(app, ["report", str(path), "-o", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert "Cannot be estimated" in text and "cannot be estimated" in text
        assert "The organisation scores" not in text


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json"])
def test_two_stages_apart_says_the_average_hides_the_split(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    # Sales answers 5 (total 100, Integrated), Marketing 2 (total 40, Defined): the
    # average, 70, is Aligned, a stage neither function sees.
    path = _write(tmp_path / "r.csv", {"Sales": [5] * 5, "Marketing": [2] * 5})
    result = runner.invoke(app, ["score", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "2 stages apart: the organisation average hides the split" in flat


def test_one_stage_apart_says_nothing_of_a_split(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path / "r.csv", {"Sales": [4] * 5, "Marketing": [3] * 5})
    doc = _json(runner, "score", str(path))
    assert doc["overall"]["hides_split"] is None
    assert doc["overall"]["score"] == 70.0


# -- privacy defaults -------------------------------------------------------------------


def _numbers_near(text: str, word: str) -> list[str]:
    return re.findall(rf"{word}\W{{0,12}}(\d+)", text)


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json"])
def test_a_withheld_group_size_is_never_printed(runner: CliRunner, fmt: str) -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "--format", fmt])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "1 respondent" not in out
    assert all(n != "1" for n in _numbers_near(out, "Leadership"))
    if fmt == "json":
        doc = json.loads(out)
        lead = next(g for g in doc["groups"] if g["id"] == "leadership")
        assert lead["n"] is None and lead["n_fewer_than"] == 5
        assert doc["settings"]["min_group_size"] == 5
        assert doc["settings"]["min_comment_group"] == 10
    else:
        assert "Anonymity threshold 5" in " ".join(out.split())


def test_report_comments_need_groups_of_ten_by_default(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    assert runner.invoke(app, ["report", str(WORKSHOP), "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "battle cards" not in text  # Sales has 9 respondents: fewer than 10
    assert "groups of at least 10" in text
    result = runner.invoke(
        app, ["report", str(WORKSHOP), "-o", str(out), "--force", "--min-comment-group", "9"]
    )
    assert result.exit_code == 0
    assert "battle cards" in out.read_text(encoding="utf-8")


# -- response rate (--headcount) --------------------------------------------------------


def test_headcount_gives_rates_and_flags_low_participation(
    runner: CliRunner, tmp_path: Path
) -> None:
    headcount = tmp_path / "invited.csv"
    headcount.write_text("group,invited\nSales,12\nMarketing,10\nLeadership,3\n", encoding="utf-8")
    doc = _json(runner, "score", str(WORKSHOP), "--headcount", str(headcount))
    frame = _workshop_frame()
    sizes = frame.groupby("group").size()
    rates = {p["group"]: p for p in doc["participation"]}
    assert rates["sales"]["rate"] == pytest.approx(sizes["sales"] / 12)
    assert rates["marketing"]["rate"] == pytest.approx(sizes["marketing"] / 10)  # 50%
    assert rates["marketing"]["low"] and not rates["sales"]["low"]
    # Leadership is withheld: no count, no rate (rate × invited would give its size).
    assert rates["leadership"]["withheld"] and rates["leadership"]["rate"] is None
    assert rates["leadership"]["responded"] is None
    assert any(w["code"] == "low-participation" for w in doc["warnings"])
    assert doc["settings"]["headcount"] == str(headcount)


def test_headcount_by_segment_from_yaml(runner: CliRunner, tmp_path: Path) -> None:
    headcount = tmp_path / "invited.yaml"
    headcount.write_text(
        "- {group: sales, Region: EMEA, invited: 5}\n"
        "- {group: Sales, Region: Americas, invited: 4}\n",
        encoding="utf-8",
    )
    doc = _json(
        runner, "score", str(WORKSHOP), "--headcount", str(headcount), "--min-group-size", "4"
    )
    frame = _workshop_frame()
    sales = frame[frame["group"] == "sales"].groupby("Region").size()
    rates = {p["value"]: p for p in doc["participation"]}
    assert rates["EMEA"]["responded"] == sales["EMEA"] and rates["EMEA"]["by"] == "Region"
    assert rates["Americas"]["rate"] == pytest.approx(sales["Americas"] / 4)


def test_headcount_short_yaml_form(runner: CliRunner, tmp_path: Path) -> None:
    headcount = tmp_path / "invited.yml"
    headcount.write_text("sales: 9\nmarketing: 5\n", encoding="utf-8")
    doc = _json(runner, "score", str(WORKSHOP), "--headcount", str(headcount))
    assert [p["rate"] for p in doc["participation"]] == [1.0, 1.0]
    assert not any(w["code"] == "low-participation" for w in doc["warnings"])


def test_without_headcount_nothing_changes(runner: CliRunner) -> None:
    doc = _json(runner, "score", str(WORKSHOP))
    assert doc["participation"] == []
    result = runner.invoke(app, ["score", str(WORKSHOP), "--format", "markdown"])
    assert "Participation" not in result.stdout


@pytest.mark.parametrize(
    ("text", "suffix", "where", "message"),
    [
        ("group,invited\nSales,x\n", ".csv", ":2:2:", "expected a whole number of at least 1"),
        ("group,invited\nSales,0\n", ".csv", ":2:2:", "expected a whole number of at least 1"),
        ("group,invited\nFinance,3\n", ".csv", ":2:1:", "unknown group 'Finance'"),
        ("group,people\nSales,3\n", ".csv", ":1:1:", "no 'invited' column"),
        ("group,invited\nSales,12\nsales,12\n", ".csv", ":3:1:", "listed twice"),
        ("group,invited\nSales,3\n", ".csv", ":2:1:", "more sales respondents were scored"),
        ("group,Country,invited\nSales,FR,12\n", ".csv", ":2:1:", "segment column 'Country'"),
        ("- {group: sales}\n", ".yaml", ":1:3:", "no 'invited' in this entry"),
        ("sales: [1, 2]\n", ".yaml", ":1:", "expected a whole number"),
    ],
)
def test_bad_headcount_file_is_one_located_line(
    runner: CliRunner, tmp_path: Path, text: str, suffix: str, where: str, message: str
) -> None:
    headcount = tmp_path / f"invited{suffix}"
    headcount.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["score", str(WORKSHOP), "--headcount", str(headcount)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert f"{headcount}{where}" in lines[0] and message in lines[0]


def test_missing_headcount_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "--headcount", str(tmp_path / "no.csv")])
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_headcount_in_the_report(runner: CliRunner, tmp_path: Path) -> None:
    headcount = tmp_path / "invited.csv"
    headcount.write_text("group,invited\nSales,12\nMarketing,10\n", encoding="utf-8")
    out = tmp_path / "r.md"
    result = runner.invoke(
        app, ["report", str(WORKSHOP), "-o", str(out), "--headcount", str(headcount)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "### Participation" in text and "50% \\(low\\)" in text and "75%" in text


# -- leaders within their function (--leaders-function) ---------------------------------


def _with_leads_column(tmp_path: Path, leads: dict[str, str]) -> Path:
    with WORKSHOP.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[0].insert(3, "Leads")
    for row in rows[1:]:
        row.insert(3, leads.get(row[0], ""))
    path = tmp_path / "leaders.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_leaders_reported_within_their_function(runner: CliRunner, tmp_path: Path) -> None:
    # L01 (Leadership) leads Sales; S01's "Marketing" is ignored: S01 is no leader.
    path = _with_leads_column(tmp_path, {"L01": "Vertrieb", "S01": "Marketing"})
    doc = _json(runner, "score", str(path), "--leaders-function", "leads")
    frame = _workshop_frame()
    frame.loc[frame["Respondent"] == "L01", "group"] = "sales"
    totals = frame[ITEMS].sum(axis=1) * 20 / frame[ITEMS].notna().sum(axis=1)  # prorated
    groups = {g["id"]: g for g in doc["groups"]}
    assert "leadership" not in groups
    assert groups["sales"]["n"] == 10
    assert groups["sales"]["mean"] == pytest.approx(totals[frame["group"] == "sales"].mean())
    assert groups["marketing"]["n"] == 5
    assert doc["settings"]["leaders_function"] == "leads"
    assert any("--leaders-function" in note for note in doc["suppressed"])


def test_leaders_without_a_function_stay_withheld(runner: CliRunner, tmp_path: Path) -> None:
    path = _with_leads_column(tmp_path, {"L01": "Finance"})
    doc = _json(runner, "score", str(path), "--leaders-function", "Leads")
    lead = next(g for g in doc["groups"] if g["id"] == "leadership")
    assert lead["suppressed"] and lead["n"] is None  # never below the threshold


def test_leaders_function_column_must_exist(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "--leaders-function", "Nope"])
    assert result.exit_code == 2
    assert "--leaders-function Nope" in result.stderr and "'Region'" in result.stderr


def _ints_under(doc: Any, key: str = "n") -> list[tuple[str, int]]:
    """Every integer ``n`` in the document, with the path that leads to it."""
    found: list[tuple[str, int]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k == key and isinstance(v, int):
                    found.append((path, v))
                walk(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    walk(doc, "$")
    return found


def test_json_holds_no_size_of_a_withheld_group(runner: CliRunner) -> None:
    doc = _json(runner, "gaps", str(WORKSHOP))
    text = json.dumps(doc)
    # Leadership has one respondent: no n anywhere belongs to it.
    for path, _ in _ints_under(doc):
        node: Any = doc
        for part in re.findall(r"\.(\w+)|\[(\d+)\]", path):
            node = node[part[0]] if part[0] else node[int(part[1])]
        assert "leadership" not in (node.get("id"), node.get("group"), node.get("scope")), path
    assert '"leadership": 1' not in text


def test_band_chart_labels_a_withheld_group_without_its_size() -> None:
    from salesmkt.analysis.scoring import assess_file
    from salesmkt.intake.source import ResponseSource
    from salesmkt.model.assessment import Settings
    from salesmkt.render.charts import _band_rows

    a = assess_file(ResponseSource(WORKSHOP), Settings()).assessment
    labels = [row[0] for row in _band_rows(a)]
    assert "Leadership (fewer than 5)" in labels and "Sales (n = 9)" in labels


@pytest.mark.parametrize("fmt", ["terminal", "markdown"])
def test_gaps_header_gives_no_size_of_a_withheld_compared_group(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    path = _write(tmp_path / "r.csv", {"Sales": [4] * 6, "Marketing": [2] * 3})
    result = runner.invoke(app, ["gaps", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "Marketing n = <5" in flat.replace("&lt;", "<")
    assert "n = 3" not in flat and "None" not in flat


def test_report_never_writes_over_the_headcount_file(runner: CliRunner, tmp_path: Path) -> None:
    headcount = tmp_path / "invited.md"  # read as CSV whatever its name
    headcount.write_text("group,invited\nSales,12\n", encoding="utf-8")
    args = ["report", str(WORKSHOP), "--headcount", str(headcount), "-o", str(headcount)]
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 1 and "refusing to overwrite the input" in result.stderr
    assert headcount.read_text(encoding="utf-8") == "group,invited\nSales,12\n"
