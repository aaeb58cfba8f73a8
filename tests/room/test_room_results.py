"""The threshold gate, the live figures and the round trip from the room to the commands.

Oracles: the totals and means are worked out here with plain Python from the answers
the phones sent; the commands' output on the export is compared with their output on
the same answers written independently in another layout (labels, column order).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from support.paths import EXAMPLES
from support.room import ITEMS, Phone, admin, answers_for, build

from salesmkt.cli import app as cli
from salesmkt.room.results import ID_COLUMNS, export_text
from salesmkt.workshop import template

SALES = [answers_for(n) for n in range(3)]
MARKETING = [answers_for(n) for n in range(10, 13)]
LEADER = answers_for(20)


def _fill(app: Any, room: Any, group: str, rows: list[list[int]]) -> None:
    for answers in rows:
        Phone(app, room).complete(group, answers)


def _band(total: float) -> str:
    return (
        "Undefined"
        if total < 40
        else "Defined"
        if total < 60
        else "Aligned"
        if total < 80
        else "Integrated"
    )


def test_export_columns_are_the_templates() -> None:
    assert ID_COLUMNS == template.ID_COLUMNS


def test_no_figure_and_no_export_below_the_threshold(tmp_path: Path) -> None:
    room, app = build(tmp_path / "r")
    client = admin(app, room)
    _fill(app, room, "sales", SALES[:2])
    _fill(app, room, "marketing", MARKETING)
    _fill(app, room, "leadership", [LEADER])
    Phone(app, room).complete("sales", SALES[2], submit=False)  # in progress: not counted
    live = client.get("/api/admin/live").json()
    assert live["ready"] is False and live["figures"] is None
    assert live["needed"] == {"Sales": 1}
    counts = {g["id"]: (g["joined"], g["submitted"]) for g in live["groups"]}
    assert counts == {"sales": (3, 2), "marketing": (3, 3), "leadership": (1, 1)}
    refused = client.get("/api/admin/responses.csv")
    assert refused.status_code == 409 and "threshold" in refused.json()["error"]
    text = json.dumps(live)
    for figure in ("stage", "score", "gap"):
        assert figure not in text


def test_live_figures_once_every_compared_group_reaches_the_threshold(tmp_path: Path) -> None:
    room, app = build(tmp_path / "r")
    client = admin(app, room)
    _fill(app, room, "sales", SALES)
    _fill(app, room, "marketing", MARKETING)
    _fill(app, room, "leadership", [LEADER])
    live = client.get("/api/admin/live").json()
    assert live["ready"] is True and live["needed"] == {}
    figures = live["figures"]
    mean_sales = sum(map(sum, SALES)) / 3
    mean_marketing = sum(map(sum, MARKETING)) / 3
    overall = (mean_sales + mean_marketing) / 2
    assert figures["overall"] == {"score": f"{overall:.1f}", "stage": _band(overall)}
    by_group = {g["id"]: g for g in figures["groups"]}
    assert by_group["sales"]["score"] == f"{mean_sales:.1f}"
    assert by_group["sales"]["stage"] == _band(mean_sales)
    assert by_group["marketing"]["stage"] == _band(mean_marketing)
    # One leader is below the threshold: the group shows its n and nothing else.
    assert by_group["leadership"]["score"] is None and by_group["leadership"]["stage"] is None
    gaps = {
        item: sum(r[i] for r in SALES) / 3 - sum(r[i] for r in MARKETING) / 3
        for i, item in enumerate(ITEMS)
    }
    strongest = sorted(gaps, key=lambda k: -abs(gaps[k]))[:3]
    assert [g["item"] for g in figures["gaps"]] == strongest
    assert figures["gaps"][0]["gap"] == f"{gaps[strongest[0]]:+.2f}"
    download = client.get("/api/admin/responses.csv")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.DictReader(download.text.lstrip("\ufeff").splitlines()))
    assert len(rows) == 7  # submitted only
    assert [int(rows[0][i]) for i in ITEMS] == SALES[0]


def test_live_figures_are_what_score_says(tmp_path: Path, runner: Any) -> None:
    room, app = build(tmp_path / "r")
    _fill(app, room, "sales", SALES)
    _fill(app, room, "marketing", MARKETING)
    figures = admin(app, room).get("/api/admin/live").json()["figures"]
    export = tmp_path / "export.csv"
    export.write_text(export_text(room.questionnaire, room.store.rows()), encoding="utf-8")
    result = runner.invoke(cli, ["score", str(export), "--format", "json", *SMALL])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    assert figures["overall"]["stage"] == scored["overall"]["stage"]["label"]
    assert figures["overall"]["score"] == f"{scored['overall']['score']:.1f}"


def _independent_csv(path: Path, rows: list[tuple[str, list[int | str]]]) -> None:
    """The same answers as a survey tool might export them: labels, other column order."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Respondent", *reversed(ITEMS), "Team"])
        for n, (group, answers) in enumerate(rows):
            writer.writerow([f"P{n}", *reversed(answers), group.title()])


SMALL = ("--min-group-size", "3")  # the rooms here are made with groups of three or four


def _json(runner: Any, *args: str) -> dict[str, Any]:
    result = runner.invoke(cli, [*args, "--format", "json", *SMALL])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    data.pop("source_file", None)
    return data


@pytest.mark.parametrize("command", ["score", "gaps"])
def test_round_trip_export_scores_like_the_same_answers_elsewhere(
    tmp_path: Path, runner: Any, command: str
) -> None:
    room, app = build(tmp_path / "r")
    with_missing: list[int | str] = [*SALES[0][:19], "N/A"]
    Phone(app, room).complete("sales", with_missing)
    _fill(app, room, "sales", SALES[1:])
    _fill(app, room, "marketing", MARKETING)
    room.store.close()
    folder = tmp_path / "r"
    other = tmp_path / "other.csv"
    _independent_csv(
        other,
        [("sales", with_missing), ("sales", SALES[1]), ("sales", SALES[2])]
        + [("marketing", m) for m in MARKETING],
    )
    from_room = _json(runner, command, str(folder))  # the folder itself
    assert (folder / "responses.csv").is_file()
    from_export = _json(runner, command, str(folder / "responses.csv"))
    elsewhere = _json(runner, command, str(other))
    assert from_room == from_export
    if command == "score":
        assert from_room["groups"] == elsewhere["groups"]
        assert from_room["overall"] == elsewhere["overall"]
        assert from_room["respondents"]["prorated"] == 1
    assert from_room["items"] == elsewhere["items"]


def test_round_trip_to_recommend_and_report(tmp_path: Path, runner: Any) -> None:
    room, app = build(tmp_path / "r")
    _fill(app, room, "sales", SALES)
    _fill(app, room, "marketing", MARKETING)
    room.store.close()
    folder = tmp_path / "r"
    situation = str(EXAMPLES / "situation.yaml")
    advice = _json(runner, "recommend", str(folder), "--situation", situation)
    again = _json(runner, "recommend", str(folder / "responses.csv"), "--situation", situation)
    assert advice == again and advice["advice"]["actions"]
    out = tmp_path / "report.html"
    result = runner.invoke(cli, ["report", str(folder), "-o", str(out), *SMALL])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert advice["overall"]["stage"]["label"] in html


def test_a_folder_that_is_not_a_room_is_refused(tmp_path: Path, runner: Any) -> None:
    (tmp_path / "room.sqlite").write_bytes(b"not a database")
    result = runner.invoke(cli, ["score", str(tmp_path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
