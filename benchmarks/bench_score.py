"""Benchmark ``salesmkt score`` end to end against pandas reading the same CSV.

For each size N it writes a responses file of N respondents × 20 items of the built-in
``alignment`` questionnaire (respondent code, group, region, q01..q20, about 1% blank
answers), then times, each in a fresh process (process start to exit):

- ``salesmkt score FILE --format json -o out.json``;
- pandas alone: ``pandas.read_csv(FILE, dtype=str, keep_default_na=False)``.

Peak memory is the child's maximum resident set size (``getrusage(RUSAGE_CHILDREN)``,
measured by a small wrapper process so each run is counted on its own). Targets from
issue 3: 1,000,000 respondents in under 5 s and 1.5 GB, within 3× pandas alone.

    python benchmarks/bench_score.py                  # 1,000 / 100,000 / 1,000,000
    python benchmarks/bench_score.py --sizes 1000 50000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ITEMS = 20
TARGET_SECONDS = 5.0
TARGET_MB = 1536.0
TARGET_RATIO = 3.0

# Runs the command given as arguments and prints its wall time and peak RSS as JSON.
_WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
print(json.dumps({"seconds": elapsed, "peak_mb": rss * scale / 2**20,
                  "code": proc.returncode, "stderr": proc.stderr.decode()[-2000:]}))
"""

# Times the phases of one score run inside a single process (--breakdown).
_BREAKDOWN = r"""
import json, sys, time
t0 = time.perf_counter()
import salesmkt.analysis.gaps as gaps
from pathlib import Path
from salesmkt.definitions import questionnaire_load
from salesmkt.model.assessment import Settings
from salesmkt.intake.responses import read_responses
from salesmkt.intake.source import ResponseSource
from salesmkt.analysis.scoring import score_table
from salesmkt.render.assessment_json import render_json
spent = {"imports": time.perf_counter() - t0}
original = gaps.fill_assessment
def timed(*args, **kwargs):
    start = time.perf_counter()
    original(*args, **kwargs)
    spent["statistics (gaps.fill_assessment)"] = time.perf_counter() - start
gaps.fill_assessment = timed
start = time.perf_counter()
table = read_responses(ResponseSource(Path(sys.argv[1])), questionnaire.load("alignment"))
spent["read_responses"] = time.perf_counter() - start
start = time.perf_counter()
result = score_table(table, Settings())
spent["score_table (all)"] = time.perf_counter() - start
start = time.perf_counter()
render_json(result.assessment)
spent["render_json"] = time.perf_counter() - start
print(json.dumps(spent))
"""

_PANDAS = "import sys, pandas as pd; pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)"


def make_file(path: Path, n: int, seed: int = 2006) -> None:
    """N respondents: 60% sales, 35% marketing, 5% leadership, four regions."""
    rng = np.random.default_rng(seed)
    groups = np.array(["Sales", "Marketing", "Leadership"])[
        rng.choice(3, size=n, p=[0.60, 0.35, 0.05])
    ]
    regions = np.array(["EMEA", "Americas", "APAC", "Nordics"])[rng.integers(0, 4, size=n)]
    answers = rng.integers(1, 6, size=(n, ITEMS)).astype(str).astype(object)
    answers[rng.random((n, ITEMS)) < 0.01] = ""
    header = ",".join(["respondent", "group", "region", *(f"q{i:02d}" for i in range(1, 21))])
    chunk = 100_000
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\n")
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            lines = [
                f"R{i:07d},{groups[i]},{regions[i]}," + ",".join(answers[i]) + "\n"
                for i in range(start, stop)
            ]
            handle.write("".join(lines))


def salesmkt_command() -> list[str]:
    script = Path(sys.executable).with_name("salesmkt")
    if script.exists():
        return [str(script)]
    found = shutil.which("salesmkt")
    return [found] if found else [sys.executable, "-m", "salesmkt"]


def measure(command: list[str]) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(proc.stdout)
    if result["code"] != 0:
        raise SystemExit(
            f"command failed ({result['code']}): {' '.join(command)}\n{result['stderr']}"
        )
    return result


def best_of(command: list[str], repeat: int) -> dict[str, float]:
    runs = [measure(command) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs each")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time each phase of the largest size"
    )
    args = parser.parse_args(argv)

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="salesmkt-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    phases: dict[str, float] = {}
    try:
        for n in args.sizes:
            data = workdir / f"responses-{n}.csv"
            if not data.exists():
                make_file(data, n)
            out = workdir / f"assessment-{n}.json"
            score = best_of([*salesmkt_command(), "score", str(data), "--format", "json",
                             "-o", str(out)], args.repeat)  # fmt: skip
            doc = json.loads(out.read_text(encoding="utf-8"))
            assert doc["respondents"]["total"] == n, "benchmark output does not cover every row"
            pandas = best_of([sys.executable, "-c", _PANDAS, str(data)], args.repeat)
            rows.append((n, data.stat().st_size, score, pandas))
            if args.breakdown and n == max(args.sizes):
                proc = subprocess.run(
                    [sys.executable, "-c", _BREAKDOWN, str(data)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                phases = json.loads(proc.stdout)
            print(
                f"  {n:>9,}: score {score['seconds']:.2f} s, {score['peak_mb']:.0f} MB; "
                f"pandas {pandas['seconds']:.2f} s, {pandas['peak_mb']:.0f} MB",
                file=sys.stderr,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nsalesmkt score, end to end (process start to exit); CPUs: {os.cpu_count()}")
    print(
        f"{'respondents':>12} {'file MB':>8} {'score s':>8} {'score MB':>9} "
        f"{'pandas s':>9} {'pandas MB':>10} {'ratio':>6}"
    )
    ok = True
    if args.breakdown:
        phases["scoring without statistics"] = (
            phases["score_table (all)"] - phases["statistics (gaps.fill_assessment)"]
        )
        print(f"\nphases at {max(args.sizes):,} respondents (one process, wall time):")
        for name, seconds in phases.items():
            print(f"  {name:<36} {seconds:6.2f} s")
        print()
    for n, size, score, pandas in rows:
        ratio = score["seconds"] / pandas["seconds"]
        print(
            f"{n:>12,} {size / 2**20:>8.1f} {score['seconds']:>8.2f} {score['peak_mb']:>9.0f} "
            f"{pandas['seconds']:>9.2f} {pandas['peak_mb']:>10.0f} {ratio:>5.2f}×"
        )
        if n >= 1_000_000:
            met = (
                score["seconds"] < TARGET_SECONDS
                and score["peak_mb"] < TARGET_MB
                and ratio <= TARGET_RATIO
            )
            ok = ok and met
            print(
                f"{'':>12} target (< {TARGET_SECONDS:g} s, < {TARGET_MB:.0f} MB, "
                f"≤ {TARGET_RATIO:g}× pandas): {'met' if met else 'NOT met'}"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
