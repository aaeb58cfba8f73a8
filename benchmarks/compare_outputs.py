"""Check that a faster salesmkt still writes the same outputs as an earlier one.

Runs the same commands with two source trees, the one installed (``after``) and an
earlier one given with ``--before`` (``git archive <commit> | tar -x -C DIR``), and
compares their output files byte for byte. The inputs are every CSV in ``examples/``
and generated files (numeric answers, label answers, blanks, a few hundred thousand
respondents with ``--sizes``).

    git archive main | tar -x -C /tmp/salesmkt-before
    python benchmarks/compare_outputs.py --before /tmp/salesmkt-before --sizes 1000 100000
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_score import make_file  # noqa: E402

EXAMPLES = HERE.parent / "examples"


def _commands(data: Path, label: str) -> list[tuple[str, list[str]]]:
    """(output name, arguments) for one responses file."""
    base = [str(data)]
    return [
        (f"{label}.score.json", ["score", *base, "--format", "json"]),
        (f"{label}.score.csv", ["score", *base, "--format", "csv"]),
        (f"{label}.gaps.json", ["gaps", *base, "--format", "json"]),
        (f"{label}.by.json", ["score", *base, "--format", "json", "--by", "region"]),
    ]


def _run(tree: Path | None, args: list[str], out: Path) -> str:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    # Run in the output folder: ``-m`` puts the working folder first on sys.path, so run
    # from the source tree it would import that tree whatever PYTHONPATH says.
    proc = subprocess.run(
        [sys.executable, "-m", "salesmkt", *args, "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=out.parent,
    )
    return f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"


def _label_file(source: Path, target: Path) -> None:
    """``source`` with every answer written as "N - Label" (the slow, text path)."""
    words = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
             "Strongly agree"]  # fmt: skip
    labels = {str(i): f"{i} - {w}" for i, w in enumerate(words, start=1)}
    with source.open(encoding="utf-8") as fin, target.open("w", encoding="utf-8") as fout:
        fout.write(fin.readline())
        for line in fin:
            cells = line.rstrip("\n").split(",")
            cells[3:] = [labels.get(c, c) for c in cells[3:]]
            fout.write(",".join(cells) + "\n")


_UNTIDY = ["  ", "\n", "\t", "\u00a0", " \r\n ", "\u3000", "\x1f"]


def _comments_file(source: Path, target: Path) -> None:
    """``source`` with a free-text ``comment`` column: long (2 KB) and short cells,
    blanks, and odd spaces (runs, line breaks, tabs, NBSP) for the report to tidy."""
    text = 'the leads were "qualified" said sales; marketing disagreed. ' * 40
    with source.open(encoding="utf-8") as fin, target.open("w", encoding="utf-8") as fout:
        fout.write(fin.readline().rstrip("\n") + ",comment\n")
        for i, line in enumerate(fin):
            odd = _UNTIDY[i % len(_UNTIDY)]
            cell = ["", " ", f"{odd}#{i}{odd}" + text[i % 50 :] + odd][i % 3 if i % 7 else 2]
            cell = cell[: 400 + i % 2000]
            fout.write(line.rstrip("\n") + ',"' + cell.replace('"', '""') + '"\n')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="earlier source tree")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 20000])
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="salesmkt-outputs-"))
    inputs = [(p, p.stem) for p in sorted([*EXAMPLES.rglob("*.csv"), *EXAMPLES.rglob("*.txt")])]
    for n in args.sizes:
        data = work / f"gen-{n}.csv"
        make_file(data, n)
        labelled = work / f"labels-{n}.csv"
        _label_file(data, labelled)
        commented = work / f"comments-{n}.csv"
        _comments_file(data, commented)
        inputs += [(data, data.stem), (labelled, labelled.stem), (commented, commented.stem)]
    same = differ = 0
    for data, label in inputs:
        cmds = _commands(data, label)
        if label.startswith(("comments", "wave1")):  # what shows the comments
            cmds.append((f"{label}.report.md", ["report", str(data), "--format", "md"]))
            cmds.append((f"{label}.merge.csv", ["merge", str(data), str(data)]))
        if label.startswith(("comments", "wave1", "workshop", "gen-")):  # the page, charts
            cmds.append((f"{label}.report.html", ["report", str(data), "--format", "html"]))
        if label.startswith(("wave1", "gen-")):  # gen-: independent (no codes in common)
            wave2 = str(EXAMPLES / "wave2.csv")
            cmds.append(
                (f"{label}.compare.json", ["compare", str(data), wave2, "--format", "json"])
            )
        if label.startswith("gen-"):  # a second wave, the same codes: paired, n pairs
            again = work / f"again-{label}.csv"
            make_file(again, int(label[4:]), seed=2007)
            cmds.append(
                (f"{label}.paired.json", ["compare", str(data), str(again), "--format", "json"])
            )
        for name, cmd in cmds:
            before, after = work / f"before.{name}", work / f"after.{name}"
            said_before = _run(args.before, cmd, before)
            said_after = _run(None, cmd, after)
            ok = (
                before.exists() == after.exists()
                and (not before.exists() or filecmp.cmp(before, after, shallow=False))
                and said_before.split(":")[0] == said_after.split(":")[0]
            )
            same += ok
            differ += not ok
            print(f"{'same' if ok else 'DIFFERENT':9} {name}  ({said_after.split(':')[0]})")
    print(f"{same} same, {differ} different (files in {work})")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
