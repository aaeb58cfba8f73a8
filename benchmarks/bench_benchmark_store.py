"""Benchmark ``salesmkt benchmark show`` on a large SQLite store.

Builds a store of ``--clients`` clients × 4 waves × 3 groups (sales, marketing,
leadership; 5-30 respondents each, answer counts drawn from a seeded generator; the
waves spread over 30 months, so the age window leaves about three in four out), then
times, median of ``--repeat`` runs:

- ``show (in-process)``: the command through typer's CliRunner: read and gate the
  responses file, load the store, admit peers, place every cell, render the terminal;
- ``show (new process)``: the same as a user runs it, interpreter start-up included;
- ``load + place``: the store read and the placement alone;
- ``baseline pandas``: a plain pandas query over the same aggregates: read the tallies
  with ``pandas.read_sql``, decode the counts, and take the percentiles of every item
  and total per group with ``DataFrame.quantile`` (no admission rules, no filters);

and prints the machine's load average beside them. Target: show < 1 s.

    python benchmarks/bench_benchmark_store.py
    python benchmarks/bench_benchmark_store.py --clients 200 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from salesmkt.benchmark.admission import Rules
from salesmkt.benchmark.aggregates import Contribution, Metadata, Tally
from salesmkt.benchmark.placement import place
from salesmkt.benchmark.store import Store
from salesmkt.cli import app
from salesmkt.definitions.questionnaire_load import load

GROUPS = ("sales", "marketing", "leadership")
AS_OF = dt.date(2026, 11, 1)


def _tally(rng: np.random.Generator, group: str, items: list[str]) -> Tally:
    n = int(rng.integers(5, 31))
    level = rng.dirichlet(np.ones(5) * 2, size=len(items))
    counts = {
        it: tuple(int(c) for c in rng.multinomial(n, p)) for it, p in zip(items, level, strict=True)
    }
    return Tally(group, n, 1, counts)


def build(url: str, clients: int, seed: int = 17) -> None:
    q = load("alignment")
    rng = np.random.default_rng(seed)
    store = Store(url)
    industries, sizes, regions = (
        ["saas", "retail", "industry", "finance"],
        ["s", "m", "l"],
        ["eu", "us", "apac"],
    )
    with store.transaction() as conn:
        for i in range(clients):
            meta = dict(
                industry=str(rng.choice(industries)),
                size=str(rng.choice(sizes)),
                region=str(rng.choice(regions)),
            )
            for w in range(4):
                when = AS_OF - dt.timedelta(days=int(w * 270 + rng.integers(0, 60)))
                tallies = tuple(_tally(rng, g, q.item_ids) for g in GROUPS)
                c = Contribution(
                    f"client{i:04d}",
                    f"w{w + 1}",
                    q.id,
                    q.version,
                    Metadata(**meta, collected=when.isoformat()),
                    tallies,
                )
                store._put(conn, c)
    store.close()


def responses(path: Path, seed: int = 5) -> Path:
    rng = np.random.default_rng(seed)
    rows = []
    for group, n in (("sales", 14), ("marketing", 9), ("leadership", 5)):
        for r in range(n):
            rows.append(
                {"Respondent": f"{group[:2]}{r}", "Team": group}
                | {f"q{j:02d}": int(rng.integers(1, 6)) for j in range(1, 21)}
            )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def baseline(db: Path) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        frame = pd.read_sql("SELECT contribution_id, group_id, counts FROM tallies", conn)
    values = np.arange(1, 6)
    rows = []
    for cid, group, counts in frame.itertuples(index=False):
        means = {
            k: float(np.dot(v, values) / max(sum(v), 1)) for k, v in json.loads(counts).items()
        }
        rows.append({"id": cid, "group": group, **means, "total": sum(means.values())})
    table = pd.DataFrame(rows)
    table.groupby("group").quantile([0.25, 0.5, 0.75, 0.9], numeric_only=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="salesmkt-bench-"))
    db = folder / "store.sqlite"
    url = f"sqlite:///{db}"
    start = time.perf_counter()
    build(url, args.clients)
    built = time.perf_counter() - start
    csv = responses(folder / "me.csv")
    q = load("alignment")
    argv = [
        "benchmark",
        "show",
        str(csv),
        "--store",
        url,
        "--as-of",
        AS_OF.isoformat(),
        "--industry",
        "saas",
        "--size",
        "m",
    ]
    runner = CliRunner()
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    in_process = median_time(lambda: runner.invoke(app, argv), args.repeat)
    cmd = [sys.executable, "-m", "salesmkt", *argv]
    new_process = median_time(
        lambda: subprocess.run(cmd, check=True, capture_output=True), args.repeat
    )
    me = Contribution(
        "me",
        "w",
        q.id,
        q.version,
        Metadata("saas", "m", None, AS_OF.isoformat()),
        tuple(_tally(np.random.default_rng(1), g, q.item_ids) for g in GROUPS),
    )

    def load_place() -> None:
        rules = Rules()
        window = (rules.oldest(AS_OF), AS_OF)
        stored = Store(url).contributions((q.id, q.version), window=window, latest_only=True)
        place(q, me, stored, rules, as_of=AS_OF)

    placed = median_time(load_place, args.repeat)
    base = median_time(lambda: baseline(db), args.repeat)
    load1, load5, _ = os.getloadavg()
    print(
        f"store: {args.clients} clients x 4 waves x 3 groups "
        f"({db.stat().st_size / 1e6:.1f} MB, built in {built:.1f} s)"
    )
    print(f"machine: {os.cpu_count()} cores, load average {load1:.2f} (1 min) {load5:.2f} (5 min)")
    print(f"median of {args.repeat} runs:")
    print(f"  benchmark show (in-process)   {in_process:7.3f} s")
    print(f"  benchmark show (new process)  {new_process:7.3f} s")
    print(f"  load + place                  {placed:7.3f} s")
    print(f"  baseline pandas percentiles   {base:7.3f} s")
    print("first lines of the output:")
    print("\n".join(result.stdout.splitlines()[:12]))


if __name__ == "__main__":
    main()
