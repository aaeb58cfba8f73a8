"""Helpers for the live-room tests: a room on a temporary folder and simulated phones.

A *phone* is one Starlette TestClient (its own cookie jar, so its own device) that has
loaded the participant page and kept the page's CSRF token, as the browser does.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from salesmkt.room.app import Room, build_app
from salesmkt.room.security import RateLimiter
from salesmkt.room.serve import RoomOptions, prepare
from support.paths import ROOT

CSRF = re.compile(r'<meta name="csrf" content="([0-9a-f]+)">')
ITEMS = [f"q{n:02d}" for n in range(1, 21)]


#: Every room a test made, so the fixture in tests/room/conftest.py can stop its worker.
MADE: list[Room] = []


def make_room(folder: Path, **options: Any) -> Room:
    """A room for the tests: small groups of three show figures (the lowest threshold
    allowed), so a test needs few participants; a test of the default gives its own."""
    options.setdefault("min_group_size", 3)
    room = prepare(RoomOptions(host="127.0.0.1", port=8765, folder=folder, **options))
    MADE.append(room)
    return room


def generous() -> RateLimiter:
    return RateLimiter(rate=10_000.0, burst=10_000.0)


class Phone:
    """One participant's browser."""

    def __init__(self, app: Any, room: Room) -> None:
        self.client = TestClient(app)
        self.room = room
        page = self.client.get("/")
        assert page.status_code == 200
        found = CSRF.search(page.text)
        assert found is not None
        self.csrf = found.group(1)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        sent = {"x-csrf-token": self.csrf, **headers}
        return self.client.post(path, json=body if body is not None else {}, headers=sent)

    def join(self, group: str, segment: str = "") -> Any:
        body = {"code": self.room.config.code, "group": group, "segment": segment}
        return self.post("/api/join", body)

    def answer(self, item: str, value: Any) -> Any:
        return self.post("/api/answer", {"item": item, "value": value})

    def complete(self, group: str, answers: Sequence[Any], *, submit: bool = True) -> None:
        assert self.join(group).status_code == 200
        for item, value in zip(ITEMS, answers, strict=True):
            if value is not None:
                response = self.answer(item, value)
                assert response.status_code == 200, response.text
        if submit:
            assert self.post("/api/submit").status_code == 200

    def state(self) -> Any:
        return self.client.get("/api/state").json()


def admin(app: Any, room: Room) -> TestClient:
    """The consultant's browser, logged in through the projector address."""
    client = TestClient(app)
    response = client.get(f"/admin?token={room.config.admin_token}", follow_redirects=False)
    assert response.status_code == 303
    return client


def admin_csrf(client: TestClient) -> str:
    found = CSRF.search(client.get("/projector").text)
    assert found is not None
    return found.group(1)


def answers_for(seed: int) -> list[int]:
    """A fixed, varied pattern of 20 answers (1-5) for respondent number ``seed``."""
    return [1 + (seed * 7 + n * 3 + (seed * n) % 4) % 5 for n in range(20)]


def build(folder: Path, **options: Any) -> tuple[Room, Any]:
    room = make_room(folder, **options)
    return room, build_app(room, generous())


# -- a real server (uvicorn in a subprocess) --------------------------------------------


STARTED: dict[int, list[str]] = {}


def admin_address(port: int) -> str:
    found = re.search(r"projector:\s+(\S+)", "".join(STARTED[port]))
    assert found
    return found.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def start_server(folder: Path, port: int, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """``salesmkt room`` in a subprocess on 127.0.0.1; its room code once it answers.

    The printed lines are kept in ``STARTED[port]`` (the projector address among them).
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    args = ["room", "--host", "127.0.0.1", "--port", str(port), "--folder", str(folder)]
    args += [*extra] if "--min-group-size" in extra else ["--min-group-size", "3", *extra]
    proc = subprocess.Popen(
        [sys.executable, "-m", "salesmkt", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(6)]
    code = re.search(r"salesmkt room (\w+):", lines[0])
    assert code, lines
    STARTED[port] = lines
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/state", timeout=1)
            return proc, code.group(1)
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the room server did not start")
