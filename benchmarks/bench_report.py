"""Benchmark ``salesmkt report`` for a large survey: scoring, advice, charts and HTML.

It writes a responses file of N respondents (default 10,000) × 20 items of the built-in
``alignment`` questionnaire, with a group, a region and a free-text comment column
(about a third of the respondents comment), then times:

- *in process*: the steps of the report run (:mod:`salesmkt.pipeline.report`) called
  one by one, each timed on its own (load and score, advice, charts, wording, HTML),
  after the libraries are imported, and
  the import of the report's own libraries (jinja2, matplotlib) separately;
- *subprocess*: ``salesmkt report FILE -o report.html`` from process start to exit, the
  figure a user waits for (best of ``--repeat``), the same with ``--charts DIR``, the
  report from a saved assessment JSON, and, for scale, ``salesmkt score`` alone: the
  report's own share is the difference.

Target from issue 6: the report for 10,000 respondents in under 3 s (subprocess).

    python benchmarks/bench_report.py
    python benchmarks/bench_report.py --n 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ITEMS = 20
TARGET_SECONDS = 3.0
PHRASES = [
    "Leads arrive without context.",
    "The joint pipeline review helps.",
    "Marketing rarely joins key-account meetings.",
    "We should plan the trade show together.",
    "Feedback from the field takes months to reach us.",
    "Battle cards are useful but out of date.",
]


def make_file(path: Path, n: int, seed: int = 2006) -> None:
    """N respondents: 60% sales, 35% marketing, 5% leadership; Sales rates a bit higher."""
    rng = np.random.default_rng(seed)
    group_index = rng.choice(3, size=n, p=[0.60, 0.35, 0.05])
    groups = np.array(["Sales", "Marketing", "Leadership"])[group_index]
    regions = np.array(["EMEA", "Americas", "APAC", "Nordics"])[rng.integers(0, 4, size=n)]
    shift = np.where(group_index == 0, 0.6, 0.0)[:, None]
    raw = rng.normal(2.8, 1.0, size=(n, ITEMS)) + shift
    answers = np.clip(np.rint(raw), 1, 5).astype(int).astype(str).astype(object)
    answers[rng.random((n, ITEMS)) < 0.01] = ""
    comments = np.array(PHRASES, dtype=object)[rng.integers(0, len(PHRASES), size=n)]
    comments[rng.random(n) > 0.33] = ""
    header = ["respondent", "group", "region", *(f"q{i:02d}" for i in range(1, 21)), "comment"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header) + "\n")
        handle.write(
            "".join(
                f"R{i:07d},{groups[i]},{regions[i]}," + ",".join(answers[i]) + f",{comments[i]}\n"
                for i in range(n)
            )
        )


def salesmkt_command() -> list[str]:
    script = Path(sys.executable).with_name("salesmkt")
    if script.exists():
        return [str(script)]
    found = shutil.which("salesmkt")
    return [found] if found else [sys.executable, "-m", "salesmkt"]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(command)}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def in_process(data: Path, out: Path) -> dict[str, float]:
    """Each step of the pipeline, timed after the heavy libraries are imported."""
    steps: dict[str, float] = {}
    start = time.perf_counter()
    import jinja2  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import pandas  # noqa: F401

    from salesmkt.intake.source import ResponseSource
    from salesmkt.model.assessment import Settings
    from salesmkt.pipeline import report as pipeline
    from salesmkt.render.charts import make_charts
    from salesmkt.render.report.build import build_report
    from salesmkt.render.report.formats import REPORT_RENDERERS

    steps["imports (pandas, jinja2, matplotlib)"] = time.perf_counter() - start

    def step(name: str, began: float) -> float:
        now = time.perf_counter()
        steps[name] = now - began
        return now

    t = time.perf_counter()
    loaded = pipeline.load_inputs(ResponseSource(data), Settings())
    t = step("read and score (incl. any statistics imports)", t)
    pipeline.add_advice(loaded.assessment)
    t = step("advice (shipped rules)", t)
    charts = make_charts(loaded.assessment, questionnaire=loaded.questionnaire)
    t = step("charts (3 SVG)", t)
    built = build_report(
        loaded.assessment, questionnaire=loaded.questionnaire, comments=loaded.comments
    )
    t = step("report view (incl. comments)", t)
    html = REPORT_RENDERERS["html"](built, charts, {})
    t = step("HTML template", t)
    out.write_text(html, encoding="utf-8")
    step("write", t)
    steps["total after imports"] = sum(v for k, v in steps.items() if not k.startswith("imports"))
    assert loaded.assessment.respondents.total > 0
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="respondents (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args(argv)

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="salesmkt-bench-report-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        data = workdir / f"responses-{args.n}.csv"
        if not data.exists():
            make_file(data, args.n)
        steps = in_process(data, workdir / "in-process.html")
        html_out = workdir / "report.html"
        cmd = [*salesmkt_command(), "report", str(data), "-o", str(html_out), "--force"]
        sub = min(timed(cmd) for _ in range(args.repeat))
        charts_cmd = [*cmd, "--charts", str(workdir / "charts")]
        sub_charts = min(timed(charts_cmd) for _ in range(args.repeat))
        size = html_out.stat().st_size
        saved = workdir / "assessment.json"
        score_cmd = [*salesmkt_command(), "score", str(data), "-f", "json", "-o", str(saved)]
        score_only = min(timed(score_cmd) for _ in range(args.repeat))
        json_cmd = [*salesmkt_command(), "report", str(saved), "-o", str(html_out), "--force"]
        from_json = min(timed(json_cmd) for _ in range(args.repeat))
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"salesmkt report, {args.n:,} respondents × {ITEMS} items")
    print("in process:")
    for name, seconds in steps.items():
        print(f"  {name:<45} {seconds:6.2f} s")
    print(f"subprocess (process start to exit, best of {args.repeat}; wall / CPU):")
    print(
        f"  report -o report.html                         {sub[0]:6.2f} s / {sub[1]:.2f} s"
        f"  ({size / 1024:.0f} KB)"
    )
    print(
        f"  report -o report.html --charts DIR            {sub_charts[0]:6.2f} s / "
        f"{sub_charts[1]:.2f} s"
    )
    print(
        f"  report assessment.json -o report.html          {from_json[0]:6.2f} s / "
        f"{from_json[1]:.2f} s"
    )
    print(
        f"  (for scale) score -f json -o assessment.json   {score_only[0]:6.2f} s / "
        f"{score_only[1]:.2f} s"
    )
    print(f"  load average now: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    met = sub[0] < TARGET_SECONDS
    print(f"target (< {TARGET_SECONDS:g} s for the HTML report): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
