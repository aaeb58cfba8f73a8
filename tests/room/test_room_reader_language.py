"""The room in the reader's language: ``salesmkt room --lang de`` puts the projector page,
its live figures and the facilitator's controls in German, and the server answers a
participant's bad request in the language that participant chose.

Oracles: the German stage, group and statement labels are read here from
questionnaires/alignment.de.yaml; the figures are worked out with plain Python from the
answers the phones sent and written by hand with a decimal comma, and checked against
the same room's figures in English (the JSON's decimal point swapped by hand).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from support.paths import ROOT
from support.room import (
    CSRF,
    ITEMS,
    Phone,
    admin,
    admin_address,
    answers_for,
    build,
    free_port,
    start_server,
)

SALES = [answers_for(n) for n in range(3)]
MARKETING = [answers_for(n) for n in range(10, 13)]
LEADER = answers_for(20)
#: English words a German projector must not show (the questionnaire's own texts aside).
ENGLISH = (
    "Join on your phone",
    "Responses",
    "Submitted",
    "Answering",
    "Stage by group",
    "Strongest perception gaps",
    "Close the room",
    "Download responses",
    "Results appear",
    "Overall",
)


def _german() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (ROOT / "questionnaires" / "alignment.de.yaml").read_text("utf-8")
    )
    return data


def _stage_de(total: float) -> str:
    """The German label of the stage a score falls in (bands 40, 60, 80)."""
    stages = _german()["stages"]
    key = (
        "undefined"
        if total < 40
        else "defined"
        if total < 60
        else "aligned"
        if total < 80
        else "integrated"
    )
    label: str = stages[key]["label"]
    return label


def _comma(number: str) -> str:
    """An English-formatted figure written by hand the German way."""
    return number.replace(".", ",")


def _fill(app: Any, room: Any) -> None:
    for answers in SALES:
        Phone(app, room).complete("sales", answers)
    for answers in MARKETING:
        Phone(app, room).complete("marketing", answers)
    Phone(app, room).complete("leadership", LEADER)


def test_projector_page_in_german(tmp_path: Path) -> None:
    room, app = build(tmp_path / "r", lang="de")
    page = admin(app, room).get("/projector").text
    assert '<html lang="de">' in page
    assert _german()["title"] in page
    for word in ("Per Handy teilnehmen", "Raumcode", "Gruppe", "Abgegeben", "Raum schließen"):
        assert word in page, word
    shown = re.sub(r"data-words='[^']*'", "", page)
    for english in ENGLISH:
        assert english not in shown, english
    # the words projector.js writes come translated in the page
    assert "Ergebnisse erscheinen" in page and "Geöffnet" in page


def test_live_figures_in_german_are_the_figures_with_a_decimal_comma(tmp_path: Path) -> None:
    room, app = build(tmp_path / "de", lang="de")
    _fill(app, room)
    live = admin(app, room).get("/api/admin/live").json()
    figures = live["figures"]
    mean_sales = sum(map(sum, SALES)) / 3
    mean_marketing = sum(map(sum, MARKETING)) / 3
    overall = (mean_sales + mean_marketing) / 2
    assert figures["overall"] == {"score": _comma(f"{overall:.1f}"), "stage": _stage_de(overall)}
    by_group = {g["id"]: g for g in figures["groups"]}
    assert by_group["sales"]["label"] == "Vertrieb"
    assert by_group["sales"]["score"] == _comma(f"{mean_sales:.1f}")
    assert by_group["marketing"]["stage"] == _stage_de(mean_marketing)
    assert live["groups"][0]["label"] == "Vertrieb"
    gaps = {
        item: sum(r[i] for r in SALES) / 3 - sum(r[i] for r in MARKETING) / 3
        for i, item in enumerate(ITEMS)
    }
    strongest = sorted(gaps, key=lambda k: -abs(gaps[k]))[:3]
    assert [g["item"] for g in figures["gaps"]] == strongest
    assert figures["gaps"][0]["gap"] == _comma(f"{gaps[strongest[0]]:+.2f}")
    assert figures["gaps"][0]["label"] == _german()["items"][strongest[0]]["short"]
    assert figures["gap_note"].startswith("Lücke = Vertrieb minus Marketing")

    # The same answers in an English room: every figure the same, with a point.
    en_room, en_app = build(tmp_path / "en")
    _fill(en_app, en_room)
    english = admin(en_app, en_room).get("/api/admin/live").json()["figures"]
    assert figures["overall"]["score"] == _comma(english["overall"]["score"])
    assert [g["gap"] for g in figures["gaps"]] == [_comma(g["gap"]) for g in english["gaps"]]
    assert [g["means"] for g in figures["gaps"]] == [
        _comma(g["means"]).replace("Sales", "Vertrieb") for g in english["gaps"]
    ]


def _phone(app: Any, lang: str | None) -> tuple[Any, str]:
    from starlette.testclient import TestClient

    client = TestClient(app)
    page = client.get("/", params={"lang": lang} if lang else None)
    found = CSRF.search(page.text)
    assert found is not None
    return client, found.group(1)


def test_a_german_participants_bad_requests_are_answered_in_german(tmp_path: Path) -> None:
    room, app = build(tmp_path / "r")
    client, csrf = _phone(app, "de")
    headers = {"x-csrf-token": csrf}
    wrong = client.post("/api/join", json={"code": "NOPE", "group": "sales"}, headers=headers)
    assert wrong.status_code == 403
    assert wrong.json()["error"] == "das ist nicht der Code dieses Raums (er steht auf dem Beamer)"
    body = {"code": room.config.code, "group": "sales"}
    assert client.post("/api/join", json=body, headers=headers).status_code == 200
    bad = client.post("/api/answer", json={"item": "q01", "value": 9}, headers=headers)
    assert bad.status_code == 422
    assert "Skala" in bad.json()["error"] and "scale" not in bad.json()["error"]
    # the same mistake from a participant who kept English is answered in English
    other, other_csrf = _phone(app, None)
    refused = other.post("/api/join", json={"code": "NOPE"}, headers={"x-csrf-token": other_csrf})
    assert refused.json()["error"] == "that is not this room's code (it is on the projector)"


def test_a_closed_room_says_so_in_german(tmp_path: Path) -> None:
    room, app = build(tmp_path / "r", lang="de")
    client, csrf = _phone(app, None)  # no choice made: the room's --lang
    assert '<html lang="de">' in client.get("/").text and "Willkommen" in client.get("/").text
    boss = admin(app, room)
    token = CSRF.search(boss.get("/projector").text)
    assert token is not None
    closed = boss.post("/api/admin/close", json={}, headers={"x-csrf-token": token.group(1)})
    assert closed.is_success
    refused = client.post(
        "/api/join",
        json={"code": room.config.code, "group": "sales"},
        headers={"x-csrf-token": csrf},
    )
    assert refused.status_code == 409
    assert refused.json()["error"].startswith("der Raum ist geschlossen")


def test_an_unknown_language_is_a_usage_error(runner: Any, tmp_path: Path) -> None:
    from salesmkt.cli import app as cli

    result = runner.invoke(cli, ["room", "--lang", "xx", "--folder", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "--lang xx" in result.output
    assert not (tmp_path / "r").exists()


# -- a real browser --------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def german_server(tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    port = free_port()
    proc, code = start_server(tmp_path / "room", port, "--lang", "de")
    try:
        yield f"http://127.0.0.1:{port}", code, port
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _api_participant(base: str, code: str, group: str, answers: list[int]) -> None:
    with httpx.Client(base_url=base) as client:
        found = CSRF.search(client.get("/").text)
        assert found
        headers = {"x-csrf-token": found.group(1)}
        client.post("/api/join", json={"code": code, "group": group}, headers=headers)
        for item, value in zip(ITEMS, answers, strict=True):
            client.post("/api/answer", json={"item": item, "value": value}, headers=headers)
        assert client.post("/api/submit", json={}, headers=headers).status_code == 200


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_german_projector_in_a_real_browser(
    german_server: tuple[str, str, int], tmp_path: Path
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    base, code, port = german_server
    shots = Path(os.environ.get("SALESMKT_ROOM_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="de-DE")
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(admin_address(port))
            expect = playwright.expect
            expect(page.locator("#join-h")).to_have_text("Per Handy teilnehmen")
            expect(page.locator("#room-state")).to_have_text("Geöffnet")
            expect(page.locator("#counts")).to_contain_text("Vertrieb")
            expect(page.locator("#waiting")).to_contain_text("Ergebnisse erscheinen")
            page.screenshot(path=str(shots / "room-projector-waiting.png"), full_page=True)
            for n, group in enumerate(["sales"] * 3 + ["marketing"] * 3):
                _api_participant(base, code, group, answers_for(n + 30))
            expect(page.locator("#figures")).to_be_visible(timeout=15_000)
            sales = [answers_for(n + 30) for n in range(3)]
            mean = sum(map(sum, sales)) / 3
            expect(page.locator("#group-stages")).to_contain_text(
                f"Vertrieb: {_stage_de(mean)} ({_comma(f'{mean:.1f}')})"
            )
            expect(page.locator("#gap-note")).to_contain_text("Lücke = Vertrieb minus Marketing")
            for english in ENGLISH:
                assert english not in page.locator("body").inner_text(), english
            page.screenshot(path=str(shots / "room-projector-figures.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
