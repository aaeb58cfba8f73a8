"""The room's HTTP API through Starlette's TestClient: every endpoint and error path."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient
from support.room import ITEMS, Phone, admin, admin_csrf, answers_for, build

from salesmkt.errors import UsageError
from salesmkt.room.app import build_app
from salesmkt.room.security import MAX_BODY, RateLimiter
from salesmkt.room.serve import RoomOptions, allowed_hosts, prepare


@pytest.fixture
def room_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build(tmp_path / "room")


# -- the page and its headers ----------------------------------------------------------


def test_participant_page_sets_a_device_cookie_and_strict_headers(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    client = TestClient(app)
    page = client.get("/")
    assert page.status_code == 200
    cookie = page.headers["set-cookie"]
    assert "room_device=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text  # no inline script
    assert 'src="http' not in page.text and 'href="http' not in page.text  # no external asset
    for group in ("Sales", "Marketing", "Leadership"):
        assert group in page.text
    assert "Strongly disagree" in page.text
    assert room.config.admin_token not in page.text


def test_static_files_are_served_from_the_package(room_app) -> None:  # type: ignore[no-untyped-def]
    _, app = room_app
    client = TestClient(app)
    for name in ("room.css", "participant.js", "projector.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
    assert client.get("/static/nothing.js").status_code == 404


def test_unknown_path_and_wrong_method_are_json_errors(room_app) -> None:  # type: ignore[no-untyped-def]
    _, app = room_app
    client = TestClient(app)
    missing = client.get("/nope")
    assert missing.status_code == 404 and missing.json() == {"error": "not found"}
    assert client.get("/api/answer").status_code == 405


# -- joining ------------------------------------------------------------------------------


def test_join_checks_code_group_segment_and_csrf(tmp_path: Path) -> None:
    room, app = build(tmp_path / "r", segments=("EMEA", "Americas"))
    phone = Phone(app, room)
    body = {"code": room.config.code, "group": "sales", "segment": "EMEA"}
    wrong_code = phone.post("/api/join", {**body, "code": "ZZZZZZ"})
    assert wrong_code.status_code == 403 and "code" in wrong_code.json()["error"]
    assert phone.post("/api/join", {**body, "group": "finance"}).status_code == 422
    assert phone.post("/api/join", {**body, "segment": "Mars"}).status_code == 422
    assert phone.post("/api/join", {**body, "group": ["sales"]}).status_code == 422
    assert phone.post("/api/join", body, **{"x-csrf-token": "0" * 64}).status_code == 403
    no_token = phone.client.post("/api/join", json=body)
    assert no_token.status_code == 403 and "CSRF" in no_token.json()["error"]
    cross = phone.post("/api/join", body, origin="http://evil.example")
    assert cross.status_code == 403
    assert room.store.counts() == {}  # nothing stored by any refused request
    ok = phone.post("/api/join", {**body, "code": room.config.code.lower()})
    assert ok.status_code == 200
    assert room.store.counts() == {"sales": (1, 0)}
    assert phone.state()["me"]["segment"] == "EMEA"


def test_a_request_without_the_device_cookie_is_refused(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    phone = Phone(app, room)
    phone.client.cookies.clear()
    response = phone.join("sales")
    assert response.status_code == 403 and "cookie" in response.json()["error"]


def test_another_devices_csrf_token_does_not_work(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    first, second = Phone(app, room), Phone(app, room)
    second.csrf = first.csrf
    assert second.join("sales").status_code == 403


# -- answering -----------------------------------------------------------------------------


def test_answers_are_validated_against_the_questionnaire(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    phone = Phone(app, room)
    assert phone.answer("q01", 4).status_code == 409  # not joined yet
    assert phone.join("marketing").status_code == 200
    for item, value in [
        ("q99", 3),
        ("q01", 6),
        ("q01", 0),
        ("q01", "6"),
        ("q01", 4.0),
        ("q01", True),
        ("q01", [4]),
        ("q01", "strongly agree"),
        (["q01"], 4),
    ]:
        response = phone.answer(item, value)  # type: ignore[arg-type]
        assert response.status_code == 422, (item, value)
    assert room.store.answer_count() == 0
    assert phone.answer("q01", 4).status_code == 200
    assert phone.answer("q02", "5").status_code == 200
    assert phone.answer("q03", "N/A").status_code == 200
    assert phone.state()["me"]["answers"] == {"q01": "4", "q02": "5", "q03": "N/A"}
    assert phone.answer("q01", 2).status_code == 200  # changed
    assert phone.answer("q03", None).status_code == 200  # skipped after all: cleared
    assert phone.state()["me"]["answers"] == {"q01": "2", "q02": "5"}


def test_oversized_and_malformed_bodies_are_refused(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    phone = Phone(app, room)
    assert phone.join("sales").status_code == 200
    headers = {"x-csrf-token": phone.csrf, "content-type": "application/json"}
    big = b'{"item": "q01", "value": 4, "pad": "' + b"x" * MAX_BODY + b'"}'
    assert phone.client.post("/api/answer", content=big, headers=headers).status_code == 413

    def chunks():  # type: ignore[no-untyped-def]
        yield big  # no content-length: the cap applies while reading

    streamed = phone.client.post("/api/answer", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    assert (
        phone.client.post("/api/answer", content=b"{not json", headers=headers).status_code == 400
    )
    assert phone.client.post("/api/answer", content=b"[1, 2]", headers=headers).status_code == 400
    assert room.store.answer_count() == 0


def test_resume_from_the_same_device_after_a_reload(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    phone = Phone(app, room)
    phone.complete("sales", [4, 3, None, *[5] * 17], submit=False)
    tab = TestClient(app, cookies=dict(phone.client.cookies))  # the same phone, a new tab
    me = tab.get("/api/state").json()["me"]
    assert me["joined"] and me["group"] == "sales"
    assert me["answers"]["q01"] == "4" and "q03" not in me["answers"]
    stranger = Phone(app, room)
    assert stranger.state()["me"] == {"joined": False}  # nobody else sees them


def test_submit_locks_the_answers_and_hides_them(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    phone = Phone(app, room)
    assert phone.post("/api/submit").status_code == 409  # not joined
    phone.complete("sales", answers_for(1))
    me = phone.state()["me"]
    assert me["submitted"] and me["answers"] == {}
    assert phone.answer("q01", 1).status_code == 409
    assert phone.join("marketing").status_code == 409
    assert phone.post("/api/submit").status_code == 409
    assert room.store.counts() == {"sales": (1, 1)}


def test_changing_group_before_submitting_keeps_one_participant(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    phone = Phone(app, room)
    assert phone.join("sales").status_code == 200
    assert phone.join("marketing").status_code == 200
    assert room.store.counts() == {"marketing": (1, 0)}


def test_the_participant_cap(tmp_path: Path) -> None:
    room, app = build(tmp_path / "r", max_participants=2)
    assert Phone(app, room).join("sales").status_code == 200
    assert Phone(app, room).join("sales").status_code == 200
    full = Phone(app, room).join("sales")
    assert full.status_code == 503 and "full" in full.json()["error"]


def test_rate_limit_per_device(tmp_path: Path) -> None:
    room, _ = build(tmp_path / "r")
    app = build_app(room, RateLimiter(rate=0.001, burst=5))
    phone = Phone(app, room)  # the page: no device cookie yet, counted by address
    statuses = [phone.client.get("/api/state").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429, 429]
    assert phone.answer("q01", 3).status_code == 429  # nothing reaches the store
    other = Phone(app, room)  # another device has its own budget
    assert other.client.get("/api/state").status_code == 200


# -- the consultant's side --------------------------------------------------------------------


ADMIN_GETS = ["/projector", "/api/admin/live", "/api/admin/qr.svg", "/api/admin/responses.csv"]


def test_every_admin_endpoint_needs_the_token(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    phone = Phone(app, room)
    for path in ADMIN_GETS:
        assert phone.client.get(path).status_code == 403, path
    for path in ("/api/admin/close", "/api/admin/reopen"):
        assert phone.post(path).status_code == 403, path
    assert phone.client.get("/admin?token=wrong").status_code == 403
    assert phone.client.get("/admin").status_code == 403
    bearer = {"authorization": f"Bearer {room.config.admin_token}"}
    assert phone.client.get("/api/admin/live", headers=bearer).status_code == 200
    wrong = {"authorization": "Bearer nope"}
    assert phone.client.get("/api/admin/live", headers=wrong).status_code == 403


def test_projector_page_shows_code_and_qr_but_never_the_token(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    client = admin(app, room)
    page = client.get("/projector")
    assert page.status_code == 200
    assert room.config.code in page.text
    assert room.config.admin_token not in page.text
    assert room.join_url in page.text
    qr = client.get("/api/admin/qr.svg")
    assert qr.headers["content-type"] == "image/svg+xml" and qr.text.startswith("<svg")


def test_close_and_reopen_need_admin_csrf(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    client = admin(app, room)
    phone = Phone(app, room)
    assert phone.join("sales").status_code == 200
    assert client.post("/api/admin/close", json={}).status_code == 403  # no CSRF header
    token = admin_csrf(client)
    assert phone.csrf != token
    closed = client.post("/api/admin/close", json={}, headers={"x-csrf-token": token})
    assert closed.status_code == 200 and closed.json() == {"open": False}
    refused = phone.answer("q01", 3)
    assert refused.status_code == 409 and "closed" in refused.json()["error"]
    assert Phone(app, room).join("sales").status_code == 409
    assert phone.state()["open"] is False
    assert client.get("/api/admin/live").json()["open"] is False
    reopened = client.post("/api/admin/reopen", json={}, headers={"x-csrf-token": token})
    assert reopened.status_code == 200
    assert phone.answer("q01", 3).status_code == 200


def test_restarting_on_the_folder_resumes_the_same_room(tmp_path: Path) -> None:
    room, app = build(tmp_path / "r")
    Phone(app, room).complete("sales", answers_for(2))
    room.store.close()
    again = prepare(RoomOptions(host="127.0.0.1", folder=tmp_path / "r", min_group_size=9))
    assert again.config == room.config  # code, token, secret, threshold from the folder
    assert again.store.counts() == {"sales": (1, 1)}
    with pytest.raises(UsageError, match="questionnaire"):
        prepare(RoomOptions(questionnaire="buying-funnel", folder=tmp_path / "r"))


def test_every_item_can_be_answered(room_app) -> None:  # type: ignore[no-untyped-def]
    room, app = room_app
    phone = Phone(app, room)
    phone.complete("leadership", [5] * 20, submit=False)
    assert sorted(phone.state()["me"]["answers"]) == ITEMS


def test_only_the_rooms_own_host_names_are_answered(tmp_path: Path) -> None:
    room, _ = build(tmp_path / "r")
    app = build_app(room, hosts=allowed_hosts("192.168.1.23"))
    client = TestClient(app, base_url="http://192.168.1.23:8765")
    assert client.get("/").status_code == 200
    rebound = client.get("/", headers={"host": "evil.example:8765"})
    assert rebound.status_code == 400
    assert allowed_hosts("0.0.0.0") is None
