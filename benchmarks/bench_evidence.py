"""Benchmark ``salesmkt evidence`` on large synthetic CRM exports, and say where the time goes.

Writes the example company's exports at scale with ``examples/crm/make_crm.py``
(``--leads 1000000`` gives 1,000,000 leads, about 212,000 opportunities and 990,000
tasks; written once into ``--data``, not timed), then:

- times ``salesmkt evidence DIR --format json -o out.json`` end to end in a fresh
  process (process start to exit) and reports its peak resident memory
  (``getrusage(RUSAGE_CHILDREN)`` measured by a small wrapper process);
- runs the same work in this process phase by phase: imports, reading the exports
  (CSV parsing with pyarrow, typing the cells, checking ids, first touches), the
  overall figures, the breakdowns, the forecast, and the JSON.

The machine is shared: the load average is printed with the figures, as a wall time
under load is not a wall time on an idle machine. Targets (issue 16): 1,000,000 leads
and 200,000 opportunities in under 10 s and 1.5 GB.

    python benchmarks/bench_evidence.py                 # 1,000,000 leads
    python benchmarks/bench_evidence.py --leads 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10.0
TARGET_MB = 1536.0

_WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": elapsed, "peak_mb": usage.ru_maxrss / 1024,
                  "cpu": usage.ru_utime + usage.ru_stime, "code": proc.returncode,
                  "stderr": proc.stderr.decode()[-2000:]}))
"""


def make_data(folder: Path, leads: int) -> None:
    marker = folder / f".leads-{leads}"
    if marker.exists():
        return
    module = runpy.run_path(str(ROOT / "examples" / "crm" / "make_crm.py"))
    module["write"](folder, leads, 2006)
    marker.touch()


def end_to_end(folder: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "evidence.json"
        command = [sys.executable, "-m", "salesmkt", "evidence", str(folder), "-f", "json"]
        done = subprocess.run(
            [sys.executable, "-c", _WRAPPER, *command, "-o", str(out)],
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, float] = json.loads(done.stdout)
    if result["code"] != 0:
        raise SystemExit(f"salesmkt evidence failed: {result['stderr']}")
    return result


def phases(folder: Path) -> dict[str, float]:
    """The same run, phase by phase, in this process (wall and CPU seconds)."""
    spent: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        spent[name] = now - clock
        clock = now

    from salesmkt.analysis import evidence as ev
    from salesmkt.analysis import evidence_breakdown as eb
    from salesmkt.definitions.crm_load import builtin_mappings
    from salesmkt.intake.evidence.combine import read_exports
    from salesmkt.pipeline.evidence import EvidenceRequest, compute
    from salesmkt.render.evidence import render_json

    lap("imports")
    data = read_exports([folder], builtin_mappings())
    lap("read exports (parse CSV, type cells, ids, first touch)")
    ev.overall(data, 24.0, 30)
    lap("overall figures (flags, rates, quantile intervals)")
    eb.lead_breakdowns(data, 24.0, 30)
    eb.opportunity_breakdowns(data, 30)
    lap("breakdowns (origin, source, segment, quarter)")
    eb.forecast_error(eb.forecast_periods(data))
    lap("forecast")
    result = compute(EvidenceRequest(paths=[folder]))
    lap("whole compute() again (warm imports)")
    render_json(result)
    lap("render JSON")
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "salesmkt-crm")
    args = parser.parse_args()
    folder = args.data / str(args.leads)
    folder.mkdir(parents=True, exist_ok=True)
    make_data(folder, args.leads)
    sizes = {p.name: sum(1 for _ in p.open("rb")) - 1 for p in sorted(folder.glob("*.csv"))}
    print(f"data: {folder} {sizes}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")
    for _ in range(args.repeat):
        run = end_to_end(folder)
        ok = run["seconds"] < TARGET_SECONDS and run["peak_mb"] < TARGET_MB
        verdict = "met" if ok else "MISSED"
        print(
            f"end to end: {run['seconds']:.2f} s wall, {run['cpu']:.2f} s CPU (user + system, "
            f"all threads), peak {run['peak_mb']:.0f} MB (target < "
            f"{TARGET_SECONDS:.0f} s, < {TARGET_MB:.0f} MB: {verdict}); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
    for name, seconds in phases(folder).items():
        print(f"  {seconds:6.2f} s  {name}")


if __name__ == "__main__":
    main()
