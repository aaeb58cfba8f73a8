"""The participant page in the participant's language: fixed words from the catalogue,
statements from the questionnaire's translation, answers stored the same as in English."""

from __future__ import annotations

from pathlib import Path

import yaml
from starlette.testclient import TestClient
from support.paths import ROOT
from support.room import CSRF, ITEMS, build


def _german() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(
        (ROOT / "questionnaires" / "alignment.de.yaml").read_text("utf-8")
    )
    return data


class _Phone:
    """A phone that opened the page in ``lang`` (None: the room's default)."""

    def __init__(self, app: object, lang: str | None) -> None:
        self.client = TestClient(app)  # type: ignore[arg-type]
        self.page = self.client.get("/", params={"room": "X", "lang": lang} if lang else None)
        assert self.page.status_code == 200
        found = CSRF.search(self.page.text)
        assert found is not None
        self.csrf = found.group(1)

    def post(self, path: str, body: object) -> int:
        sent = {"x-csrf-token": self.csrf}
        return self.client.post(path, json=body, headers=sent).status_code


def test_participant_page_in_german(tmp_path: Path) -> None:
    _, app = build(tmp_path / "room")
    page = _Phone(app, "de").page.text
    assert '<html lang="de">' in page
    for word in ("Willkommen", "Ihre Gruppe", "Raumcode", "Absenden", "Weiter", "Zurück"):
        assert word in page, word
    for english in ("Welcome", "Your group", "Room code", "Submit"):
        assert english not in page, english
    items = _german()["items"]
    assert isinstance(items, dict)
    assert items["q01"]["text"] in page
    assert "Stimme voll und ganz zu" in page and "Vertrieb" in page
    assert "Absenden" in page and "Saving" not in page.split("data-words")[0]
    # the language links keep the room code and mark the current language
    assert 'href="?room=X&amp;lang=en"' in page and 'aria-current="page">Deutsch' in page


def test_unknown_language_falls_back_to_english(tmp_path: Path) -> None:
    _, app = build(tmp_path / "room")
    page = _Phone(app, "xx").page.text
    assert '<html lang="en">' in page and "Welcome" in page


def test_answers_in_german_store_the_same_as_in_english(tmp_path: Path) -> None:
    room, app = build(tmp_path / "room")
    values = ["4"] * 5 + ["2", "N/A", "5"] + ["3"] * 12
    for lang in ("en", "de"):
        phone = _Phone(app, lang)
        body = {"code": room.config.code, "group": "sales", "segment": ""}
        assert phone.post("/api/join", body) == 200
        # what the German page offers as the "can't say" choice is the room's own code
        assert 'value="N/A"' in phone.page.text
        for item, value in zip(ITEMS, values, strict=True):
            assert phone.post("/api/answer", {"item": item, "value": value}) == 200
        assert phone.post("/api/submit", {}) == 200
    en, de = room.store.rows()
    assert en.answers == de.answers == dict(zip(ITEMS, values, strict=True))
    assert en.group == de.group == "sales"
