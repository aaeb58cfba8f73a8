"""Benchmark ``salesmkt trend``: is it linear in respondents and in waves?

For N respondents per wave × W waves of the built-in ``alignment`` questionnaire (60%
Sales, 35% Marketing, 5% Leadership; each wave a little higher than the last; codes
shared between waves, so the matched-code note is computed too) it writes the waves as
CSV files in a temporary folder and times (process CPU time), best of ``--repeat``:

- *trend*: :func:`salesmkt.analysis.trend.trend_of` on the scored waves (the trend
  stage itself: tallies, steps, adjustment, dimension lines);
- *run*: :func:`salesmkt.pipeline.trend.trend` end to end (reading and scoring every
  wave, then the trend), as the command runs it.

Each row prints the ratio to the row before: doubling the respondents (or the waves)
should at most about double the time.

    python benchmarks/bench_trend.py                          # 2k..16k × 3 waves, 3 vs 6
    python benchmarks/bench_trend.py --sizes 10000 20000 --waves 4 --repeat 3
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from salesmkt.analysis.compare import load_wave
from salesmkt.analysis.trend import trend_of
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.pipeline.trend import trend

TEAMS = ["Sales", "Marketing", "Leadership"]


def write_waves(folder: Path, n: int, waves: int, seed: int = 2006) -> list[Path]:
    rng = np.random.default_rng(seed)
    team = rng.choice(3, size=n, p=[0.60, 0.35, 0.05])
    paths = []
    for w in range(waves):
        answers = np.clip(np.rint(2.8 + 0.1 * w + rng.normal(0, 1, (n, 20))), 1, 5).astype(int)
        frame = pd.DataFrame(answers, columns=[f"q{k:02d}" for k in range(1, 21)])
        frame.insert(0, "Team", [TEAMS[t] for t in team])
        frame.insert(0, "Respondent", [f"R{k}" for k in range(n)])
        path = folder / f"w{w + 1}.csv"
        frame.to_csv(path, index=False)
        paths.append(path)
    return paths


def best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        # CPU time of this process: the machine is shared, and wall time swings with
        # whatever else runs; the work itself is single-threaded.
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times)


def measure(n: int, waves: int, repeat: int) -> tuple[float, float]:
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_waves(Path(tmp), n, waves)
        source = ResponseSource(paths[0], questionnaire="alignment")
        labels = [p.stem for p in paths]
        scored = [(p.stem, load_wave(source.at(p), settings)) for p in paths]
        for _, wave in scored:
            assert wave.respondents is not None  # built once, outside the timing
        stage = best(lambda: trend_of(scored), repeat)
        run = best(lambda: trend(source, paths, labels, settings), repeat)
    return stage, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000, 8000, 16000])
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--more-waves", type=int, nargs="+", default=[3, 6])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    head = ("respondents/wave", "waves", "trend cpu s", "×", "run cpu s", "×")
    print("{:>16} {:>5} {:>11} {:>5} {:>10} {:>5}".format(*head))
    rows = [(n, args.waves) for n in args.sizes]
    rows += [(args.sizes[0], w) for w in args.more_waves]
    previous: tuple[float, float] | None = None
    for k, (n, w) in enumerate(rows):
        stage, run = measure(n, w, args.repeat)
        fresh = k in (0, len(args.sizes))  # the waves series starts a new comparison
        ratio = (
            ("", "")
            if previous is None or fresh
            else (
                f"{stage / previous[0]:.2f}",
                f"{run / previous[1]:.2f}",
            )
        )
        print(f"{n:>16,} {w:>5} {stage:>11.4f} {ratio[0]:>5} {run:>10.3f} {ratio[1]:>5}")
        previous = (stage, run)


if __name__ == "__main__":
    main()
