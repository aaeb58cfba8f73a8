"""Time each phase of one ``salesmkt score`` run inside a single process.

Phases: ``imports`` (the CLI and the scoring stack), ``open`` (read the bytes, decode,
find the records), ``read body`` (the body's cells), ``parse`` (every answer on the
scale), ``head, columns, gate`` (the header and columns found, problems, exclusions,
the response table),
``scoring`` (per-respondent arrays and per-group figures), ``statistics`` (gaps,
intervals, tests), ``render json`` and ``render csv`` (the per-respondent CSV).
Process start (``python -c pass``, wall) is timed separately. Each phase is timed by
wrapping the function that does it, in CPU seconds of the whole process (all threads:
``time.process_time``), because on a shared machine wall time mostly measures the wait
for a core; the figures add up to about the whole run.

    python benchmarks/bench_phases.py FILE [--repeat 3]

Prints one JSON object per run, then the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = r"""
import json, os, sys, time
t0 = time.process_time()
import salesmkt.cli.commands  # noqa: F401  (what every command imports)
from pathlib import Path
import salesmkt.analysis.scoring as scoring
import salesmkt.intake.responses as responses
from salesmkt.definitions import questionnaire_load
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.render.assessment_json import render_json
from salesmkt.render import score_csv
# What ``score --format csv`` writes: its pieces (twelfth round on), its bytes (tenth
# round on), or its text (a tree before).
render_csv = getattr(
    score_csv, "csv_pieces", getattr(score_csv, "csv_data", score_csv.render_csv)
)
spent = {"imports": time.process_time() - t0}

def wrap(module, name, label):
    original = getattr(module, name)
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - start
    setattr(module, name, timed)

import salesmkt.intake.files as files
wrap(responses, "open_responses", "open")
wrap(files.TextFile, "body", "read body")
wrap(responses, "parse_cells", "parse")
wrap(scoring, "fill_assessment", "statistics")
start = time.process_time()
q = questionnaire_load.load("alignment")
table = responses.read_responses(ResponseSource(Path(sys.argv[1])), q)
whole = time.process_time() - start
spent["head, columns, gate"] = whole - spent["open"] - spent["read body"] - spent["parse"]
start = time.process_time()
result = scoring.score_table(table, Settings())
spent["scoring"] = time.process_time() - start - spent["statistics"]
start = time.process_time()
render_json(result.assessment)
spent["render json"] = time.process_time() - start
start = time.process_time()
# The table as ``score --format csv`` writes it (a tree before the eighth round: its frame).
table = getattr(result, "respondent_table", None)
made = render_csv(table if table is not None else result.respondents)
# Written where a file would take them: pieces are made as they are written.
with open(os.devnull, "wb") as sink:
    for piece in [made] if isinstance(made, (str, bytes, memoryview)) else made:
        sink.write(piece.encode() if isinstance(piece, str) else piece)
spent["render csv"] = time.process_time() - start
print(json.dumps(spent))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    runs: list[dict[str, float]] = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        empty = time.perf_counter() - start
        # Outside the source tree: ``-c`` puts the working folder first on sys.path, so
        # PYTHONPATH=<an earlier tree> would be ignored when run from the repository.
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(Path(args.file).resolve())],
            capture_output=True,
            text=True,
            check=True,
            cwd=tempfile.gettempdir(),
        )
        run = {"process start": empty, **json.loads(out.stdout)}
        print(json.dumps({k: round(v, 3) for k, v in run.items()}))
        runs.append(run)
    print(f"{'phase':<22} median s")
    for name in runs[0]:
        print(f"{name:<22} {statistics.median(r[name] for r in runs):8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
