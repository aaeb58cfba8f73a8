"""Header rows: respondent codes that look like item ids, and --header-rows N.

A respondent column holding Q01, Q02 … (or q1, q2 …) once made the first data rows
look like sub-header rows (the code "names" item q01), so a valid file could not be
read or lost its first respondents. Expected figures are computed by hand below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions.questionnaire_load import load
from salesmkt.errors import UsageError
from salesmkt.intake.responses import read_responses
from salesmkt.intake.source import ResponseSource

runner = CliRunner()
ITEMS = [f"q{i:02d}" for i in range(1, 21)]

# Six respondents, each answering one five-answer pattern four times over (20 items).
ROWS = [
    ("Q01", "Sales", "54434"),
    ("Q02", "Sales", "43345"),
    ("Q03", "Sales", "33423"),
    ("Q04", "Marketing", "22332"),
    ("Q05", "Marketing", "12221"),
    ("Q06", "Marketing", "23313"),
]
# By hand: q01 is each pattern's 1st digit, q02 its 2nd.
SALES_Q01 = (5 + 4 + 3) / 3  # 4.0
SALES_Q02 = (4 + 3 + 3) / 3  # 3.333…
MARKETING_Q01 = (2 + 1 + 2) / 3  # 1.666…
MARKETING_Q02 = (2 + 2 + 3) / 3  # 2.333…
OVERALL_Q01 = (5 + 4 + 3 + 2 + 1 + 2) / 6  # 2.833…


def _answers(pattern: str) -> list[str]:
    return list(pattern * 4)


def _csv(tmp_path: Path, lines: list[list[str]], name: str = "responses.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(",".join(line) for line in lines) + "\n", encoding="utf-8")
    return path


def _plain_file(tmp_path: Path, codes: list[str] | None = None) -> Path:
    header = ["Respondent", "Team", *ITEMS]
    body = [
        [codes[i] if codes else code, team, *_answers(pattern)]
        for i, (code, team, pattern) in enumerate(ROWS)
    ]
    return _csv(tmp_path, [header, *body])


def _score_json(args: list[str]) -> dict[str, Any]:
    # Groups of 3: the lowest threshold the command line allows.
    result = runner.invoke(app, ["score", *args, "--min-group-size", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _group(data: dict[str, Any], group: str) -> dict[str, Any]:
    return next(g for g in data["groups"] if g["id"] == group)


def _check_hand_figures(data: dict[str, Any]) -> None:
    assert data["respondents"]["total"] == 6
    assert data["respondents"]["scored"] == 6
    assert data["respondents"]["excluded"] == []
    sales, marketing = _group(data, "sales"), _group(data, "marketing")
    assert sales["n"] == 3 and marketing["n"] == 3
    assert sales["item_means"]["q01"] == pytest.approx(SALES_Q01)
    assert sales["item_means"]["q02"] == pytest.approx(SALES_Q02)
    assert marketing["item_means"]["q01"] == pytest.approx(MARKETING_Q01)
    assert marketing["item_means"]["q02"] == pytest.approx(MARKETING_Q02)
    q01 = next(i for i in data["items"] if i["id"] == "q01")
    assert q01["mean"] == pytest.approx(OVERALL_Q01)
    assert not [w for w in data["warnings"] if w.get("code") == "header-rows"]


def test_respondent_codes_like_item_ids_are_data(tmp_path: Path) -> None:
    path = _plain_file(tmp_path)
    _check_hand_figures(_score_json([str(path)]))


def test_lowercase_short_codes_like_item_ids_are_data(tmp_path: Path) -> None:
    path = _plain_file(tmp_path, codes=[f"q{i}" for i in range(1, 7)])
    _check_hand_figures(_score_json([str(path)]))


def test_reader_keeps_every_respondent_code(tmp_path: Path) -> None:
    path = _plain_file(tmp_path)
    table = read_responses(ResponseSource(path), load("alignment"))
    assert table.header_rows == 1
    assert table.respondent is not None
    assert list(table.respondent) == [code for code, _, _ in ROWS]
    assert list(table.rows) == [2, 3, 4, 5, 6, 7]


def test_labels_and_missing_codes_next_to_an_item_id_code_are_data(tmp_path: Path) -> None:
    # The first respondent answers in words and a missing code; its code is "q01".
    header = ["Respondent", "Team", *ITEMS]
    first = ["q01", "Sales", "Agree", "N/A", *["Strongly agree"] * 18]
    rest = [[code, team, *_answers(p)] for code, team, p in ROWS[1:]]
    path = _csv(tmp_path, [header, first, *rest])
    data = _score_json([str(path)])
    assert data["respondents"]["total"] == 6
    assert data["respondents"]["scored"] == 6
    assert _group(data, "sales")["item_means"]["q01"] == pytest.approx((4 + 4 + 3) / 3)
    assert _group(data, "sales")["item_means"]["q02"] == pytest.approx((3 + 3) / 2)


def test_subheader_rows_are_still_detected(tmp_path: Path) -> None:
    # A question-text row under the header is still a sub-header row (with a warning).
    q = load("alignment")
    header = ["ResponseId", "Team", *[f"Q2_{i}" for i in range(1, 21)]]
    texts = ["Response ID", "Which team are you in?", *[f'"{i.text}"' for i in q.items]]
    body = [[code, team, *_answers(p)] for code, team, p in ROWS]
    path = _csv(tmp_path, [header, texts, *body])
    data = _score_json([str(path)])
    assert data["respondents"]["total"] == 6
    assert [w["code"] for w in data["warnings"]].count("header-rows") == 1


def _qualtrics_like(tmp_path: Path, name: str = "qualtrics.csv") -> Path:
    q = load("alignment")
    header = ["ResponseId", "Team", *[f"Q2_{i}" for i in range(1, 21)]]
    texts = ["Response ID", "Which team are you in?", *[f'"{i.text}"' for i in q.items]]
    body = [[code, team, *_answers(p)] for code, team, p in ROWS]
    return _csv(tmp_path, [header, texts, *body], name)


def test_header_rows_two_reads_a_qualtrics_like_file(tmp_path: Path) -> None:
    path = _qualtrics_like(tmp_path)
    _check_hand_figures(_score_json([str(path), "--header-rows", "2"]))
    table = read_responses(ResponseSource(path, header_rows=2), load("alignment"))
    assert table.header_rows == 2
    assert list(table.rows) == [3, 4, 5, 6, 7, 8]


def _fooling_file(tmp_path: Path) -> Path:
    # The first respondent, coded "Q20", left every item blank: a row with an item id in
    # it and no answers, which detection takes for a sub-header row.
    header = ["Respondent", "Team", *ITEMS]
    blank = ["Q20", "Sales", *[""] * 20]
    body = [[code, team, *_answers(p)] for code, team, p in ROWS]
    return _csv(tmp_path, [header, blank, *body])


def test_header_rows_one_reads_a_file_detection_gets_wrong(tmp_path: Path) -> None:
    path = _fooling_file(tmp_path)
    # Detected, the blank row is a sub-header naming column A as item q20 too.
    fooled = runner.invoke(app, ["score", str(path), "--min-group-size", "3", "--format", "json"])
    assert fooled.exit_code == 1
    assert "duplicate column for q20" in fooled.output

    data = _score_json([str(path), "--header-rows", "1"])
    assert data["respondents"]["total"] == 7
    assert data["respondents"]["scored"] == 6
    assert "Q20" in json.dumps(data["respondents"]["excluded"])
    assert "header-rows" not in [w["code"] for w in data["warnings"]]
    assert _group(data, "sales")["item_means"]["q01"] == pytest.approx(SALES_Q01)


@pytest.mark.parametrize("command", ["score", "gaps", "recommend", "report", "compare"])
@pytest.mark.parametrize("value", ["0", "-1"])
def test_header_rows_below_one_is_a_usage_error(tmp_path: Path, command: str, value: str) -> None:
    path = _plain_file(tmp_path)
    args = [command, str(path)]
    if command == "compare":
        args.append(str(path))
    if command == "report":
        args += ["-o", str(tmp_path / "report.html")]
    result = runner.invoke(app, [*args, "--header-rows", value])
    assert result.exit_code == 2, result.output
    assert "--header-rows" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize("command", ["gaps", "recommend", "report", "compare"])
def test_every_reading_command_takes_header_rows(tmp_path: Path, command: str) -> None:
    path = _qualtrics_like(tmp_path)
    args = [command, str(path)]
    if command == "compare":
        args.append(str(_qualtrics_like(tmp_path, "wave2.csv")))
    if command == "report":
        args += ["-o", str(tmp_path / "report.md")]
    else:
        args += ["--format", "json"]
    result = runner.invoke(app, [*args, "--header-rows", "2"])
    assert result.exit_code == 0, result.output
    # Read as one header row, the question-text row would be a respondent with no answers.
    wrong = runner.invoke(app, [*args, "--header-rows", "1"])
    assert wrong.exit_code != 0 or wrong.stdout != result.stdout


def test_header_rows_more_than_the_file_holds_is_a_usage_error(tmp_path: Path) -> None:
    path = _plain_file(tmp_path)
    result = runner.invoke(app, ["score", str(path), "--header-rows", "50"])
    assert result.exit_code == 2, result.output
    assert "--header-rows 50" in result.output


def test_response_source_carries_header_rows_to_another_wave(tmp_path: Path) -> None:
    source = ResponseSource(tmp_path / "a.csv", header_rows=3)
    assert source.at(tmp_path / "b.csv").header_rows == 3
    assert ResponseSource(tmp_path / "a.csv").header_rows is None


def test_console_source_refuses_header_rows_below_one(tmp_path: Path) -> None:
    from salesmkt.cli import console as out

    with pytest.raises(UsageError, match="--header-rows 0"):
        out.source(tmp_path / "a.csv", "alignment", None, None, None, False, 0)


def test_codes_equal_to_short_item_ids_are_data(tmp_path: Path) -> None:
    # A questionnaire whose item ids are q1…q4, and respondents coded q1…q4.
    from support.workshop import MINI_YAML

    yaml_text = MINI_YAML
    for i in range(1, 5):
        yaml_text = yaml_text.replace(f"id: i{i}", f"id: q{i}")
    questionnaire = tmp_path / "short-ids.yaml"
    questionnaire.write_text(yaml_text, encoding="utf-8")
    rows = [
        ["q1", "Sales", "4", "4", "3", "3"],
        ["q2", "Sales", "2", "4", "3", "5"],
        ["q3", "Marketing", "1", "2", "3", "4"],
        ["q4", "Marketing", "5", "5", "5", "4"],
    ]
    path = _csv(tmp_path, [["respondent", "group", "q1", "q2", "q3", "q4"], *rows])
    table = read_responses(
        ResponseSource(path, questionnaire=str(questionnaire)), load(str(questionnaire))
    )
    assert table.header_rows == 1
    assert table.respondent is not None
    assert list(table.respondent) == ["q1", "q2", "q3", "q4"]
    assert table.answers["q1"].mean() == pytest.approx((4 + 2 + 1 + 5) / 4)  # 3.0
    assert table.answers["q4"].mean() == pytest.approx((3 + 5 + 4 + 4) / 4)  # 4.0
