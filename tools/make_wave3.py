"""Write examples/wave3.csv: the example company's third survey wave, six months after wave2.

Everything here is invented. The wave is derived from examples/wave2.csv with a fixed
seed, so every run writes the same bytes, and tells the story the trend example shows:
Marketing keeps improving after the joint planning days, Sales holds steady, so the
Sales − Marketing gap narrows; one salesperson (S06) has left and one marketer (M07) has
joined; the single leadership respondent stays withheld.

Usage: python tools/make_wave3.py [OUT] [--seed S]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WAVE2 = ROOT / "examples" / "wave2.csv"
# Chance that a respondent's answer moves one point up (or down) from wave2, per team.
UP = {"M": 0.40, "S": 0.15, "L": 0.10}
DOWN = {"M": 0.05, "S": 0.12, "L": 0.10}
COMMENTS = {
    "M01": "Sales now joins our campaign previews",
    "S02": "Shared pipeline targets since January",
}
NEW_ROW = ["M07", "Marketing", "Americas", *["4"] * 20, ""]


def _move(answer: str, team: str, rng: np.random.Generator) -> str:
    if not answer.strip().isdigit():
        return answer  # a skipped or "N/A" answer stays as it was
    value = int(answer)
    roll = float(rng.random())
    if roll < UP[team]:
        value += 1
    elif roll < UP[team] + DOWN[team]:
        value -= 1
    return str(min(5, max(1, value)))


def wave3_rows(seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    with WAVE2.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    out = [header]
    for row in rows:
        code = row[0]
        if code == "S06":
            continue
        answers = [_move(a, code[0], rng) for a in row[3:23]]
        out.append([*row[:3], *answers, COMMENTS.get(code, "")])
    out.append(NEW_ROW)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "examples" / "wave3.csv")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(wave3_rows(args.seed))


if __name__ == "__main__":
    main()
