"""No warning, note or exclusion list reveals a respondent of a withheld group or cell,
and the report never shows a respondent code."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesmkt.analysis.privacy import withhold_warnings
from salesmkt.cli import app
from salesmkt.model.assessment import DataWarning

ITEMS = [f"q{i:02d}" for i in range(1, 21)]
SECRETS = ("ZZ-SECRET-1", "ZZ-SECRET-2", "Secret leadership remark")
CELL_SECRET = "ZZ-CELL-3"


def _row(code: str, group: str, region: str, answers: list[str], comment: str = "") -> list[str]:
    return [code, group, region, *answers, comment]


def _varied(seed: int) -> list[str]:
    return [str(1 + (seed + 3 * i) % 5) for i in range(20)]


def _write(tmp_path: Path) -> Path:
    rows = [["Respondent", "Team", "Region", *ITEMS, "Comments"]]
    for i in range(4):
        rows.append(_row(f"S-EMEA-{i}", "Sales", "EMEA", _varied(i), "sales comment"))
        rows.append(_row(f"M-EMEA-{i}", "Marketing", "EMEA", _varied(i + 7), "marketing note"))
    # A straight-lining Sales respondent alone in APAC: a withheld cell with --by Region.
    rows.append(_row(CELL_SECRET, "Sales", "APAC", ["4"] * 20, "apac remark"))
    # Leadership (a withheld group): one straight-lines, one is excluded.
    rows.append(_row("ZZ-SECRET-1", "Leadership", "EMEA", ["1"] * 20, SECRETS[2]))
    rows.append(_row("ZZ-SECRET-2", "Leadership", "EMEA", ["2"] * 5 + [""] * 15, SECRETS[2]))
    path = tmp_path / "survey.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def _run(args: list[str]) -> str:
    # Groups of 4 and 5: the lowest threshold the command line allows (3), so that only
    # Leadership and the lone APAC cell are withheld; comments of groups of 5 and more.
    extra = ["--min-group-size", "3"]
    if args[0] == "report":
        extra += ["--min-comment-group", "5"]
    result = CliRunner().invoke(app, [*args, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _assert_hidden(text: str, *, cell: bool = False) -> None:
    for secret in SECRETS + ((CELL_SECRET,) if cell else ()):
        assert secret not in text
    # The straight-liner's answer, 1 ("Strongly disagree"…), to all 20 items is not told.
    assert "same answer, 1 " not in text
    if cell:
        assert "same answer, 4 " not in text


@pytest.mark.parametrize(
    "args",
    [
        ["score"],
        ["score", "--format", "json"],
        ["score", "--format", "markdown"],
        ["gaps"],
        ["gaps", "--format", "json"],
        ["gaps", "--format", "markdown"],
        ["gaps", "--format", "csv"],
        ["recommend", "--format", "json"],
        ["recommend", "--format", "markdown"],
    ],
)
def test_withheld_group_details_never_shown(tmp_path: Path, args: list[str]) -> None:
    path = _write(tmp_path)
    out = _run([*args, str(path), "--max-missing", "0.2"])
    _assert_hidden(out)


@pytest.mark.parametrize("fmt", ["terminal", "json", "markdown"])
def test_withheld_cell_details_never_shown(tmp_path: Path, fmt: str) -> None:
    path = _write(tmp_path)
    out = _run(["score", str(path), "--by", "Region", "--format", fmt])
    _assert_hidden(out, cell=True)


def test_json_excluded_and_warnings_leave_out_withheld(tmp_path: Path) -> None:
    path = _write(tmp_path)
    a = json.loads(_run(["score", str(path), "--format", "json"]))
    assert all(e["group"] != "leadership" for e in a["respondents"]["excluded"])
    assert all(w.get("respondent") != "ZZ-SECRET-1" for w in a["warnings"])
    # The shown Sales straight-liner is still named (not withheld without --by).
    assert any(w.get("respondent") == CELL_SECRET for w in a["warnings"])
    # One withheld respondent in all: no count of straight-liners (it would name them).
    assert not any("withheld groups or cells" in w["message"] for w in a["warnings"])
    assert "1 further excluded respondent is not listed, for anonymity." in a["suppressed"]


def test_score_csv_is_working_data(tmp_path: Path) -> None:
    # Documented (docs/methods.md, Anonymity 4): the per-respondent CSV is the
    # consultant's working data; a withheld respondent keeps its code, figures blank.
    path = _write(tmp_path)
    out = _run(["score", str(path), "--format", "csv"])
    rows = {r["respondent"]: r for r in csv.DictReader(out.splitlines())}
    assert rows["ZZ-SECRET-1"]["total"] == ""
    assert "ZZ-SECRET-2" not in rows  # excluded respondents are not in it
    assert SECRETS[2] not in out


@pytest.mark.parametrize("name", ["r.html", "r.md"])
@pytest.mark.parametrize("by", [[], ["--by", "Region"]])
def test_report_shows_no_respondent_code(tmp_path: Path, name: str, by: list[str]) -> None:
    path = _write(tmp_path)
    target = tmp_path / name
    _run(["report", str(path), "-o", str(target), "--max-missing", "0.2", *by])
    text = target.read_text(encoding="utf-8")
    _assert_hidden(text, cell=bool(by))
    # The APAC Sales respondent's comment is shown under Sales, except when APAC is a
    # withheld --by cell.
    assert ("apac remark" in text) is not bool(by)
    codes = [r["Respondent"] for r in csv.DictReader(path.open(encoding="utf-8"))]
    for code in codes:
        assert code not in text


def _straight(row: int) -> DataWarning:
    return DataWarning(code="straight-lining", message=f"row {row} (respondent X{row})", row=row)


@pytest.mark.parametrize(
    ("hidden", "k_min", "counted"),
    [
        ({2}, 3, False),  # a group of one: a count would name them
        ({2, 3}, 3, False),  # two withheld respondents: fewer than K
        ({2, 3, 4}, 3, True),  # 1 of 3: cannot point at anyone
    ],
)
def test_straight_lining_count_only_when_safe(hidden: set[int], k_min: int, counted: bool) -> None:
    warnings = [_straight(2), _straight(9)]
    out = withhold_warnings(warnings, hidden, len(hidden), k_min)
    assert [w.row for w in out if w.row is not None] == [9]
    assert any("withheld groups or cells" in w.message for w in out) is counted
    # Every withheld respondent straight-lined: never counted.
    every = [_straight(r) for r in sorted(hidden)]
    assert not any(
        "withheld" in w.message for w in withhold_warnings(every, hidden, len(hidden), 1)
    )
