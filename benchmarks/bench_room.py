"""Benchmark the live room: N simulated phones answering at once on 127.0.0.1.

Starts ``salesmkt room`` in a subprocess (real uvicorn, a fresh room folder), then runs
N phones concurrently with asyncio + httpx, each as a browser would: load the page (its
cookie and CSRF token), join a group, answer every statement with a short random pause
(some answers changed once, as people do), and submit. A projector polls the live
figures every two seconds meanwhile (each new submission past the threshold rescores
the room). Bounded: the whole run must end within ``--timeout`` seconds.

Checks, read back from the room's SQLite file after the run: every answer the server
acknowledged is stored with its last value (0 lost), each phone is one participant with
exactly one row per statement (0 duplicated). Reports the p50/p95/max save latency
(request sent to "saved" received) and the server's peak memory (VmHWM). Target from
issue 15: p95 under 200 ms with 200 phones on a 2-core machine.

    python benchmarks/bench_room.py                 # 200 phones
    python benchmarks/bench_room.py --phones 50 --timeout 60
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ITEMS = [f"q{n:02d}" for n in range(1, 21)]
CSRF = re.compile(r'<meta name="csrf" content="([0-9a-f]+)">')
TARGET_P95_MS = 200.0
SERVER_LOG: list[str] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def start(folder: Path, port: int, phones: int) -> tuple[subprocess.Popen[str], str, str]:
    args = ["--host", "127.0.0.1", "--port", str(port), "--folder", str(folder)]
    args += ["--max-participants", str(phones + 10)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "salesmkt", "room", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    lines = "".join(proc.stdout.readline() for _ in range(6))
    code = re.search(r"salesmkt room (\w+):", lines)
    token = re.search(r"token=(\S+)", lines)
    assert code and token, lines
    # Keep reading what the server prints (a full pipe would stall it); show it at the end.
    threading.Thread(target=lambda: SERVER_LOG.extend(proc.stdout or []), daemon=True).start()
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/state", timeout=1)
            return proc, code.group(1), token.group(1)
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the room server did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    """The server's worker processes (the scorer), from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(c) for c in text]
    return found


class Phone:
    def __init__(self, base: str, n: int, rng: random.Random, think: tuple[float, float]) -> None:
        self.think = think
        self.base = base
        self.n = n
        self.rng = rng
        self.group = ("sales", "marketing", "leadership")[n % 3]
        self.final: dict[str, str] = {}
        self.latencies: list[float] = []
        self.errors: list[str] = []

    async def run(self, code: str) -> None:
        try:
            await self._run(code)
        except httpx.HTTPError as exc:
            self.errors.append(type(exc).__name__)

    async def _run(self, code: str) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:
            page = await client.get("/")
            found = CSRF.search(page.text)
            assert found
            headers = {"x-csrf-token": found.group(1)}
            joined = await client.post(
                "/api/join", json={"code": code, "group": self.group}, headers=headers
            )
            if joined.status_code != 200:
                self.errors.append(f"join {joined.status_code}")
                return
            plan = [(item, self.rng.randint(1, 5)) for item in ITEMS]
            plan += [(self.rng.choice(ITEMS), self.rng.randint(1, 5)) for _ in range(2)]  # changes
            for item, value in plan:
                await asyncio.sleep(self.rng.uniform(*self.think))
                started = time.perf_counter()
                response = await client.post(
                    "/api/answer", json={"item": item, "value": value}, headers=headers
                )
                self.latencies.append(time.perf_counter() - started)
                if response.status_code == 200:
                    self.final[item] = str(value)
                else:
                    self.errors.append(f"answer {response.status_code}")
            done = await client.post("/api/submit", json={}, headers=headers)
            if done.status_code != 200:
                self.errors.append(f"submit {done.status_code}")


async def projector(base: str, token: str, stop: asyncio.Event) -> int:
    polls = 0
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        headers = {"authorization": f"Bearer {token}"}
        while not stop.is_set():
            await client.get("/api/admin/live", headers=headers)
            polls += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=2.0)
    return polls


async def workshop(base: str, code: str, token: str, phones: list[Phone]) -> int:
    stop = asyncio.Event()
    watcher = asyncio.create_task(projector(base, token, stop))
    await asyncio.gather(*(p.run(code) for p in phones))
    stop.set()
    return await watcher


def check(folder: Path, phones: list[Phone]) -> tuple[int, int, int]:
    """(lost, duplicated, stored) answers, read from the room's own file."""
    db = sqlite3.connect(folder / "room.sqlite")
    people = db.execute("SELECT COUNT(*), COUNT(submitted) FROM participants").fetchone()
    rows = db.execute(
        "SELECT p.id, a.item, a.value FROM answers a JOIN participants p ON p.id = a.participant"
    ).fetchall()
    per_person = db.execute("SELECT COUNT(*) FROM answers GROUP BY participant").fetchall()
    db.close()
    stored = sorted(
        tuple(sorted((i, v) for pid2, i, v in rows if pid2 == pid)) for pid in {r[0] for r in rows}
    )
    expected = sorted(tuple(sorted(p.final.items())) for p in phones if p.final)
    lost = sum(len(e) for e in expected) - sum(len(s) for s in stored)
    mismatched = len(set(expected) ^ set(stored))
    duplicated = (people[0] - len(phones)) + sum(
        n - len(ITEMS) for (n,) in per_person if n > len(ITEMS)
    )
    return max(lost, mismatched), duplicated, len(rows)


def workers_mb(values: list[float]) -> str:
    return ", ".join(f"{v:.0f} MB" for v in values) or "none started"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 4.0),
        metavar=("MIN", "MAX"),
        help="seconds between one phone's answers, drawn uniformly (people take longer)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run = measure(Path(tmp) / "room", args)
    sys.exit(0 if report(run) else 1)


def measure(folder: Path, args: argparse.Namespace) -> dict[str, object]:
    """Run the workshop against a fresh server; every figure the report prints."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc, code, token = start(folder, port, args.phones)
    rng = random.Random(args.seed)
    think = tuple(args.think)
    phones = [Phone(base, n, random.Random(rng.random()), think) for n in range(args.phones)]
    started = time.perf_counter()
    polls: int | str
    try:
        polls = asyncio.run(asyncio.wait_for(workshop(base, code, token, phones), args.timeout))
    except TimeoutError:
        polls = f"stopped: the run took longer than {args.timeout:.0f} s"
    finally:
        elapsed = time.perf_counter() - started
        rss = peak_rss_mb(proc.pid)
        workers = [peak_rss_mb(c) for c in children(proc.pid)]
        proc.terminate()
        proc.wait(timeout=10)
    lost, duplicated, stored = check(folder, phones)
    latencies = sorted(x * 1000 for p in phones for x in p.latencies)
    return {
        "phones": args.phones,
        "latencies": latencies,
        "stored": stored,
        "elapsed": elapsed,
        "polls": polls,
        "errors": [e for p in phones for e in p.errors],
        "lost": lost,
        "duplicated": duplicated,
        "rss": rss,
        "workers": workers,
    }


def report(run: dict[str, Any]) -> bool:
    """Print the figures; whether every target was met."""
    if SERVER_LOG:
        print("server said:", "".join(SERVER_LOG[-20:]), sep="\n")
    latencies, errors = run["latencies"], run["errors"]
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("inf")
    p50 = statistics.median(latencies) if latencies else float("inf")
    print(f"phones: {run['phones']}, saves: {len(latencies)}, stored answers: {run['stored']}")
    print(f"wall time: {run['elapsed']:.1f} s")
    print(f"projector polls: {run['polls']}; errors: {len(errors)} {sorted(set(errors))}")
    print(f"save latency ms: p50 {p50:.1f}, p95 {p95:.1f}, max {max(latencies, default=0):.1f}")
    print(f"lost answers: {run['lost']}, duplicated: {run['duplicated']}")
    workers = workers_mb(run["workers"])
    print(f"server peak memory (VmHWM): {run['rss']:.0f} MB; scoring worker(s): {workers}")
    ok = not run["lost"] and not run["duplicated"] and not errors and p95 < TARGET_P95_MS
    if isinstance(run["polls"], str):
        ok = False
    missed = f"TARGET MISSED (p95 < {TARGET_P95_MS:.0f} ms, 0 lost, 0 duplicated, no errors)"
    print("OK" if ok else missed)
    return ok


if __name__ == "__main__":
    main()
