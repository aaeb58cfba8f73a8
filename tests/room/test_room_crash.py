"""kill -9 of a real server in the middle of a workshop, then a restart on the same folder.

Phones keep answering from threads while the server process is killed with SIGKILL.
Every answer the server acknowledged (HTTP 200, "saved") must be there after the
restart, the same cookies and CSRF tokens must keep working (the secret lives in the
folder), and the participants must be able to finish.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from support.room import CSRF, ITEMS, answers_for, free_port, start_server


class CrashPhone:
    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=5)
        found = CSRF.search(self.client.get("/").text)
        assert found
        self.csrf = found.group(1)
        self.acknowledged: dict[str, str] = {}

    def post(self, path: str, body: dict[str, object]) -> httpx.Response:
        return self.client.post(path, json=body, headers={"x-csrf-token": self.csrf})

    def answer_all(self, answers: list[int]) -> None:
        for item, value in zip(ITEMS, answers, strict=True):
            try:
                response = self.post("/api/answer", {"item": item, "value": value})
            except httpx.TransportError:
                return  # the server died: this answer was never acknowledged
            if response.status_code == 200:
                self.acknowledged[item] = str(value)
            time.sleep(0.01)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    folder = tmp_path / "room"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc, code = start_server(folder, port)
    try:
        phones = [CrashPhone(base) for _ in range(4)]
        for n, phone in enumerate(phones):
            group = "sales" if n % 2 else "marketing"
            assert phone.post("/api/join", {"code": code, "group": group}).status_code == 200
        threads = [
            threading.Thread(target=p.answer_all, args=(answers_for(n),))
            for n, p in enumerate(phones)
        ]
        for t in threads:
            t.start()
        while sum(len(p.acknowledged) for p in phones) < 20:
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        for t in threads:
            t.join(timeout=10)
    finally:
        proc.kill()
        proc.wait()
    acknowledged = sum(len(p.acknowledged) for p in phones)
    assert 20 <= acknowledged < 4 * len(ITEMS), "the kill must land mid-workshop"
    print(f"acknowledged before kill -9: {acknowledged} of {4 * len(ITEMS)}")  # with -s

    proc, again = start_server(folder, port)
    try:
        assert again == code  # the same room
        for n, phone in enumerate(phones):
            me = phone.client.get("/api/state").json()["me"]
            assert me["joined"]
            for item, value in phone.acknowledged.items():
                assert me["answers"].get(item) == value, (n, item)
            # ...and the participant carries on with the same cookie and CSRF token.
            phone.answer_all(answers_for(n))
            assert len(phone.acknowledged) == len(ITEMS)
            assert phone.post("/api/submit", {}).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
