"""Benchmark the gap statistics (``salesmkt.analysis.gaps.fill_assessment``) on their own.

``bench_score.py`` times ``salesmkt score`` end to end, which includes every gap figure;
this script isolates the gap part: for N respondents × 20 items of the built-in
``alignment`` questionnaire (60% Sales, 35% Marketing, 5% Leadership, Sales answering
half a point higher, about 1% blank answers) it times ``fill_assessment`` in-process
(best of ``--repeat``) and reports the peak memory that numpy allocated during the call
(``tracemalloc``), next to the size of the answers themselves. Cliff's delta and the
Mann–Whitney U come from ranks, so memory stays a small multiple of the answers: the
n₁ × n₂ pairs (3 × 10¹¹ at a million respondents) are never formed.

    python benchmarks/bench_gaps.py                    # 1,000 / 100,000 / 1,000,000
    python benchmarks/bench_gaps.py --sizes 1000000 --repeat 3 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
import tracemalloc

import numpy as np

from salesmkt.analysis.gapdata import GapData
from salesmkt.analysis.gaps import fill_assessment
from salesmkt.analysis.statistics import bootstrap
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.model.assessment import (
    Assessment,
    DimensionResult,
    ItemResult,
    QuestionnaireRef,
    Respondents,
    Settings,
)


def make_data(q: Questionnaire, n: int, seed: int = 2006) -> GapData:
    rng = np.random.default_rng(seed)
    code = rng.choice(3, size=n, p=[0.60, 0.35, 0.05]).astype(np.int64)
    shift = np.where(code == 0, 0.5, 0.0)[:, None]
    answers = np.clip(np.rint(3.0 + shift + rng.normal(0, 1, (n, len(q.items)))), 1, 5)
    answers[rng.random(answers.shape) < 0.01] = np.nan
    # Fortran order, as scoring keeps it: one contiguous column per item.
    return GapData(
        items=np.asfortranarray(answers),
        group_code=code,
        group_ids=[g.id for g in q.groups],
    )


def blank(q: Questionnaire, n: int) -> Assessment:
    return Assessment(
        questionnaire=QuestionnaireRef(id=q.id, version=q.version),
        compare=list(q.compare),
        respondents=Respondents(total=n, scored=n),
        items=[ItemResult(id=i.id, text=i.text, dimension=i.dimension) for i in q.items],
        dimensions=[DimensionResult(id=d.id, label=d.label) for d in q.dimensions],
    )


def time_once(q: Questionnaire, data: GapData, n: int) -> float:
    a = blank(q, n)
    # statistics keeps its latest bootstrap draws; a repeat must not find this run's.
    bootstrap._kept_draws.clear()
    start = time.perf_counter()
    fill_assessment(a, data, q, Settings())
    elapsed = time.perf_counter() - start
    assert a.total_gap is not None and a.total_gap.gap is not None
    return elapsed


def peak_memory(q: Questionnaire, data: GapData, n: int) -> float:
    """Peak MB allocated during one call (tracemalloc slows it, so it is not timed)."""
    tracemalloc.start()
    fill_assessment(blank(q, n), data, q, Settings())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs each")
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    args = parser.parse_args(argv)

    q = load("alignment")
    fill_assessment(blank(q, 10), make_data(q, 10), q, Settings())  # imports, warm-up
    print(f"{'respondents':>12} {'answers MB':>11} {'gaps s':>8} {'peak MB':>8}")
    for n in args.sizes:
        data = make_data(q, n)
        seconds = min(time_once(q, data, n) for _ in range(args.repeat))
        peak = peak_memory(q, data, n)
        print(f"{n:>12,} {data.items.nbytes / 2**20:>11.0f} {seconds:>8.2f} {peak:>8.0f}")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            fill_assessment(blank(q, n), data, q, Settings())
            profile.disable()
            pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
