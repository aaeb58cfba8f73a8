"""Side-by-side timings for the performance targets (issue 13), medians of alternating runs.

Every command runs in a fresh process, started by a small wrapper that reports the
child's wall time, CPU time (user + system, all threads) and peak resident memory
(``getrusage(RUSAGE_CHILDREN)``). The commands of one table run in turn, ``--repeat``
rounds, so that a change in the machine's load hits them all alike; the tables show
medians. The load average is printed before and after: on a shared machine wall times
above the CPU time mean the process waited for a core.

Tables:
- ``score``: ``salesmkt score`` (JSON) next to a pandas script (read, totals, group
  means, stages) and a bare pyarrow CSV read of the same file, per size;
- ``targets``: ``score --format csv``, label answers ("4 - Agree"), ``gaps`` and
  ``report`` at one size, each beside plain ``score`` of the same file;
- ``compare``: two waves with matching respondent codes, doubling the size;
- ``start-up``: ``--help``, ``validate`` and ``score`` on 1,000 respondents;
- ``comments``: ``score`` of a file with a 2 KB free-text comment per respondent, per
  size (``--comments-sizes``; the before tree only up to ``--comments-before-max``).

With ``--after DIR`` the salesmkt commands run from that source tree rather than the
installed package (so that editing the work tree cannot change a run half-way). With
``--before DIR`` (a source tree, e.g. ``git archive COMMIT | tar -x -C DIR``) each
salesmkt command also runs from that tree, in the same rounds, as "before".

    python benchmarks/bench_targets.py --sizes 100000 1000000 5000000 --repeat 3
    python benchmarks/bench_targets.py --only startup compare --before /tmp/before
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_score import make_file  # noqa: E402
from compare_outputs import _label_file  # noqa: E402

_WRAPPER = r"""
import json, os, resource, subprocess, sys, time
env = dict(os.environ)
# Bytecode as an installed package has it (pip compiles it): cached under the
# benchmark's PYTHONPYCACHEPREFIX, never in the source tree, even where the environment
# sets PYTHONDONTWRITEBYTECODE (then every run would compile salesmkt afresh).
env.pop("PYTHONDONTWRITEBYTECODE", None)
tree = sys.argv[1]
if tree:
    env["PYTHONPATH"] = tree
start = time.perf_counter()
proc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
wall = time.perf_counter() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": use.ru_utime + use.ru_stime, "mb": use.ru_maxrss / 1024,
                  "code": proc.returncode, "stderr": proc.stderr.decode()[-500:]}))
"""

_PANDAS = r"""
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
items = [f"q{i:02d}" for i in range(1, 21)]
total = frame[items].mean(axis=1) * len(items)
means = total.groupby(frame["group"]).mean()
stages = pd.cut(total, [20, 40, 60, 80, 100.5], right=False,
                labels=["undefined", "defined", "aligned", "integrated"]).value_counts()
print(means.to_dict(), stages.to_dict())
"""

_ARROW = "import sys; from pyarrow import csv; csv.read_csv(sys.argv[1])"

Run = dict[str, float]


PYCACHE = ""  # where the timed processes keep their bytecode (set in main)


def _measure(tree: str, command: list[str]) -> Run:
    env = {**os.environ, "PYTHONPYCACHEPREFIX": PYCACHE} if PYCACHE else None
    # Never in the source tree: ``-m``/``-c`` put the working folder first on sys.path,
    # and the tree there would be timed whatever --before/--after say.
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, tree, *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    run: Run = json.loads(proc.stdout)
    if run["code"] != 0:
        raise SystemExit(f"failed ({run['code']}): {' '.join(command)}\n{run['stderr']}")
    return run


# What the ``salesmkt`` console script that pip writes runs, from whichever tree is on
# PYTHONPATH. Not ``python -m salesmkt``: runpy's extra frames put CPython 3.11's frame
# stack at a 16 KB chunk's edge in the imports, where it maps and unmaps that chunk
# thousands of times (3,200 mmap/munmap pairs in ``score`` of 1,000 respondents, under
# strace), which costs 0.05-0.1 s of system time that the console script never pays.
_CONSOLE = "import sys; from salesmkt.cli import main; sys.argv[0] = 'salesmkt'; sys.exit(main())"


def _salesmkt(*args: str) -> list[str]:
    return [sys.executable, "-c", _CONSOLE, *args]


def _rounds(commands: dict[str, tuple[str, list[str]]], repeat: int) -> dict[str, Run]:
    """Median wall, CPU and peak memory of each command, run in turn ``repeat`` times."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (tree, command) in commands.items():
            runs[name].append(_measure(tree, command))
    return {
        name: {k: statistics.median(r[k] for r in found) for k in ("wall", "cpu", "mb")}
        for name, found in runs.items()
    }


def _table(title: str, rows: dict[str, Run], ratio_to: Callable[[str], str | None]) -> None:
    print(f"\n## {title}\n")
    print("| run | wall s | CPU s | peak MB | wall ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, r in rows.items():
        base = ratio_to(name)
        ratio = f"{r['wall'] / rows[base]['wall']:.2f}×" if base and base in rows else ""
        print(f"| {name} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['mb']:.0f} | {ratio} |")
    sys.stdout.flush()


AFTER = ""  # the source tree of the runs not marked "before" ("": the installed one)


def _with_before(
    commands: dict[str, tuple[str, list[str]]], before: str
) -> dict[str, tuple[str, list[str]]]:
    """Each salesmkt command run from the ``--after`` tree, and also from ``before``."""
    out: dict[str, tuple[str, list[str]]] = {}
    for name, (tree, command) in commands.items():
        salesmkt = name.startswith("salesmkt")
        out[name] = (AFTER if salesmkt else tree, command)
        if salesmkt and before:
            out[f"{name} (before)"] = (before, command)
    return out


def _file(work: Path, n: int, seed: int = 2006, name: str = "responses") -> Path:
    path = work / f"{name}-{n}.csv"
    if not path.exists():
        make_file(path, n, seed=seed)
    return path


def bench_score(work: Path, sizes: list[int], repeat: int, before: str) -> None:
    for n in sizes:
        data = str(_file(work, n))
        out = str(work / "out.json")
        commands = {
            "salesmkt score": ("", _salesmkt("score", data, "--format", "json", "-o", out)),
            "pandas script": ("", [sys.executable, "-c", _PANDAS, data]),
            "pyarrow read": ("", [sys.executable, "-c", _ARROW, data]),
        }
        rows = _rounds(_with_before(commands, before), repeat)
        _table(f"score, {n:,} respondents", rows, lambda name: "pyarrow read")


def bench_targets(work: Path, n: int, repeat: int, before: str) -> None:
    data = _file(work, n)
    labels = work / f"labels-{n}.csv"
    if not labels.exists():
        _label_file(data, labels)
    out = str(work / "out")
    report = str(work / "report.html")
    commands = {
        "salesmkt score": ("", _salesmkt("score", str(data), "--format", "json", "-o", out)),
        "salesmkt score --format csv": (
            "",
            _salesmkt("score", str(data), "--format", "csv", "-o", out + ".csv"),
        ),
        "salesmkt score, label answers": (
            "",
            _salesmkt("score", str(labels), "--format", "json", "-o", out),
        ),
        "salesmkt gaps": ("", _salesmkt("gaps", str(data), "--format", "json", "-o", out)),
        "salesmkt report": ("", _salesmkt("report", str(data), "-o", report, "--force")),
    }
    rows = _rounds(_with_before(commands, before), repeat)
    _table(
        f"targets at {n:,} respondents (ratio to plain score)",
        rows,
        lambda name: "salesmkt score (before)" if name.endswith("(before)") else "salesmkt score",
    )


def _comment_file(source: Path, target: Path, size: int = 2048) -> None:
    """``source`` with a free-text ``comment`` column of about ``size`` characters per
    respondent, each different (a slice of a long text, the respondent's number in it;
    commas and a quote in the text, so every cell is quoted)."""
    words = ("the forecast missed again, and marketing said the leads were \"qualified\" "
             "while sales never called them back; we should plan the launch together ")  # fmt: skip
    text = words * (size // len(words) + 2)
    with source.open(encoding="utf-8") as fin, target.open("w", encoding="utf-8") as fout:
        fout.write(fin.readline().rstrip("\n") + ",comment\n")
        for i, line in enumerate(fin):
            start = i % len(words)
            cell = f"#{i} " + text[start : start + size]
            fout.write(line.rstrip("\n") + ',"' + cell.replace('"', '""') + '"\n')


def bench_comments(work: Path, n: int, repeat: int, before: str) -> None:
    """``score`` of a file with a 2 KB comment per respondent, beside the same file
    without them."""
    data = _file(work, n)
    comments = work / f"comments-{n}.csv"
    if not comments.exists():
        _comment_file(data, comments)
    out = str(work / "out.json")
    commands = {
        "salesmkt score": ("", _salesmkt("score", str(data), "--format", "json", "-o", out)),
        "salesmkt score, 2 KB comments": (
            "",
            _salesmkt("score", str(comments), "--format", "json", "-o", out),
        ),
        "pyarrow read, 2 KB comments": ("", [sys.executable, "-c", _ARROW, str(comments)]),
    }
    rows = _rounds(_with_before(commands, before), repeat)
    _table(
        f"2 KB comments, {n:,} respondents (ratio to plain score)",
        rows,
        lambda name: "salesmkt score (before)" if name.endswith("(before)") else "salesmkt score",
    )


def bench_compare(work: Path, sizes: list[int], repeat: int, before: str) -> None:
    commands: dict[str, tuple[str, list[str]]] = {}
    for n in sizes:
        w1 = _file(work, n, seed=1, name="wave1")
        w2 = _file(work, n, seed=2, name="wave2")
        out = str(work / "compare.json")
        commands[f"salesmkt compare {n:,}"] = (
            "",
            _salesmkt("compare", str(w1), str(w2), "--format", "json", "-o", out),
        )
    rows = _rounds(_with_before(commands, before), repeat)
    first = next(iter(rows))
    _table("compare, two waves with matching codes (ratio to the smallest)", rows, lambda _: first)


def bench_startup(work: Path, repeat: int, before: str) -> None:
    data = str(_file(work, 1000))
    out = str(work / "small.json")
    commands = {
        "python -c pass": ("", [sys.executable, "-c", "pass"]),
        "salesmkt --help": ("", _salesmkt("--help")),
        # The same help rendered by typer and rich: no stored help can be read or kept.
        "salesmkt --help, none stored": (
            "",
            ["env", "XDG_CACHE_HOME=/dev/null/x", *_salesmkt("--help")],
        ),
        "salesmkt validate": ("", _salesmkt("validate")),
        # One file (a copy outside the tree, as a user's own questionnaire would be).
        "salesmkt validate one file": ("", _salesmkt("validate", _own_questionnaire(work))),
        "salesmkt score --help": ("", _salesmkt("score", "--help")),
        "salesmkt score 1,000": ("", _salesmkt("score", data, "--format", "json", "-o", out)),
        "salesmkt score 1,000 (python -m)": (
            "",
            [sys.executable, "-m", "salesmkt", "score", data, "--format", "json", "-o", out],
        ),
    }
    rows = _rounds(_with_before(commands, before), repeat)
    _table("start-up", rows, lambda _: None)


def _own_questionnaire(work: Path) -> str:
    """A copy of the built-in alignment questionnaire, with no translations beside it."""
    from salesmkt.definitions.builtin import builtin_dir

    copy = work / "own-questionnaire.yaml"
    copy.write_bytes((builtin_dir() / "alignment.yaml").read_bytes())
    return str(copy)


def _compile(trees: list[str]) -> None:
    """Every tree's salesmkt compiled into the benchmark's bytecode cache, as pip does on
    install, so that no timed run pays for compiling it."""
    import salesmkt

    installed = str(Path(salesmkt.__file__).parent)
    for tree in {t for t in trees if t} | {""}:
        folder = str(Path(tree) / "salesmkt") if tree else installed
        env = {**os.environ, "PYTHONPYCACHEPREFIX": PYCACHE}
        subprocess.run([sys.executable, "-m", "compileall", "-q", folder], env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--targets-size", type=int, default=1_000_000)
    parser.add_argument("--compare-sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", default="", help="an earlier source tree to run as well")
    parser.add_argument("--after", default="", help="the source tree to time (default: installed)")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["score", "targets", "compare", "startup", "comments"],
        default=None,
    )
    parser.add_argument("--comments-sizes", type=int, nargs="+", default=[100_000, 300_000])
    parser.add_argument(
        "--comments-before-max",
        type=int,
        default=300_000,
        help="run the --before tree on comment files up to this size only (it needs 9 GB at 1M)",
    )
    args = parser.parse_args(argv)
    global AFTER, PYCACHE
    AFTER = args.after
    work = args.keep or Path(tempfile.mkdtemp(prefix="salesmkt-targets-"))
    work.mkdir(parents=True, exist_ok=True)
    PYCACHE = str(work / "pycache")
    _compile([args.after, args.before])
    only = set(args.only or ["score", "targets", "compare", "startup"])
    print(f"load average before: {os.getloadavg()}; cores: {os.cpu_count()}")
    if "startup" in only:
        bench_startup(work, args.repeat, args.before)
    if "compare" in only:
        bench_compare(work, args.compare_sizes, args.repeat, args.before)
    if "score" in only:
        bench_score(work, args.sizes, args.repeat, args.before)
    if "targets" in only:
        bench_targets(work, args.targets_size, args.repeat, args.before)
    if "comments" in only:
        for n in args.comments_sizes:
            before = args.before if n <= args.comments_before_max else ""
            bench_comments(work, n, args.repeat, before)
    print(f"\nload average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
