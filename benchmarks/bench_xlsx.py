"""Benchmark reading a large .xlsx: ``salesmkt score`` on a workbook of N respondents,
side by side in the same run with the same data as CSV, a bare openpyxl read of the
workbook (the reader salesmkt used before) and a bare python-calamine read.

Each figure is the median wall time of ``--repeat`` runs of a fresh process (imports
included), with the maximum resident set size of the salesmkt runs. Target: 100,000
rows in at most 5 s.

    python benchmarks/bench_xlsx.py --rows 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ITEMS = [f"q{n:02d}" for n in range(1, 21)]

OPENPYXL = """
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
rows = [[v for v in r] for r in book.worksheets[0].iter_rows(values_only=True)]
"""
CALAMINE = """
import sys, python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
"""


def make_files(folder: Path, n: int) -> tuple[Path, Path]:
    """The same respondents as an .xlsx and as a CSV (seeded)."""
    import openpyxl

    rng = random.Random(7)
    header = ["Respondent", "Team", "Region", *ITEMS]
    rows = [
        [f"R{i}", rng.choice(["Sales", "Marketing"]), rng.choice(["North", "South"])]
        + [rng.randint(1, 5) for _ in ITEMS]
        for i in range(n)
    ]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Responses")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    xlsx = folder / "responses.xlsx"
    book.save(xlsx)
    path = folder / "responses.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return xlsx, path


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and the child's max RSS in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(after, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    salesmkt = [sys.executable, "-m", "salesmkt", "score", "--format", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        xlsx, path = make_files(Path(tmp), args.rows)
        cases = {
            "salesmkt score, .xlsx": [*salesmkt, str(xlsx)],
            "salesmkt score, same data as CSV": [*salesmkt, str(path)],
            "bare openpyxl read (the old reader)": [sys.executable, "-c", OPENPYXL, str(xlsx)],
            "bare python-calamine read": [sys.executable, "-c", CALAMINE, str(xlsx)],
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeat):  # alternate the cases, so load hits them alike
            for name, cmd in cases.items():
                times[name].append(timed(cmd)[0])
        size = xlsx.stat().st_size / 2**20
    print(f"{args.rows:,} respondents, workbook {size:.1f} MB, load {os.getloadavg()[0]:.2f}")
    print(f"{'case':<40} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, values in times.items():
        print(
            f"{name:<40} {statistics.median(values):>9.2f} {min(values):>7.2f} {max(values):>7.2f}"
        )


if __name__ == "__main__":
    main()
