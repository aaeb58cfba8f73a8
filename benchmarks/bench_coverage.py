"""Coverage simulation: how often a nominal 95% interval holds the true value at workshop
sizes, for the percentile bootstrap salesmkt used to print, BCa, and the t intervals it
prints now (Student's for a group mean, Welch's for a gap).

Targets: a *group mean* of totals (20 correlated 1-5 items summed, 20-100) and an *item
gap* (the difference of two groups' means of one 1-5 item, skewed the opposite ways).
Sizes 9 vs 5 and 5 vs 4 (the issue's), and 30 vs 30 for contrast; the *organisation*
score is the equal-weight mean of two groups' mean totals. Samples are drawn
from fixed populations whose true mean is known exactly (the item distributions) or
from 200,000 simulated totals (the population of totals, sampled with replacement).

An interval that cannot be computed (every answer identical) counts as a miss, as the
tool prints none then: the column "none" says how often that happened. Seeded
(numpy default_rng(2006) for the population, one seed per cell); the whole run takes
about a minute of CPU (measured 52 s; 3.5 min wall on the busy 2-core machine).

    python benchmarks/bench_coverage.py [--reps 10000] [--bca-reps 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from salesmkt.analysis.statistics.intervals import t_interval
from salesmkt.analysis.statistics.sample import Tally

B = 999  # bootstrap resamples per interval
LEVEL = 0.95
SALES_ITEM = np.array([0.05, 0.10, 0.25, 0.40, 0.20])  # leans high
MARKETING_ITEM = np.array([0.15, 0.35, 0.30, 0.15, 0.05])  # leans low
SIZES = ((9, 5), (5, 4), (30, 30))

Interval = tuple[float, float] | None


def item_population(p: np.ndarray) -> float:
    return float(np.arange(1, 6) @ p)


def totals_population(rng: np.random.Generator, size: int = 200_000) -> np.ndarray:
    """Totals of 20 items driven by one common factor, so they correlate as real ones do."""
    common = rng.normal(size=(size, 1))
    latent = 0.3 + 0.9 * common + rng.normal(size=(size, 20))
    cuts = np.array([-1.5, -0.5, 0.5, 1.5])
    answers = 1 + (latent[..., None] > cuts).sum(axis=-1)
    out: np.ndarray = answers.sum(axis=1).astype(float)
    return out


def percentile(
    samples: list[np.ndarray], weights: list[float], rng: np.random.Generator
) -> Interval:
    """The old method: the percentile bootstrap, each group resampled on its own."""
    if all(np.ptp(s) == 0 for s in samples):
        return None
    stat = np.zeros(B)
    for s, w in zip(samples, weights, strict=True):
        idx = rng.integers(0, len(s), size=(B, len(s)))
        stat += w * s[idx].mean(axis=1)
    lo, hi = np.percentile(stat, [2.5, 97.5])
    return float(lo), float(hi)


def bca(samples: list[np.ndarray], weights: list[float], rng: np.random.Generator) -> Interval:
    if all(np.ptp(s) == 0 for s in samples):
        return None

    def statistic(*xs: np.ndarray, axis: int = -1) -> np.ndarray:
        return sum(w * x.mean(axis=axis) for x, w in zip(xs, weights, strict=True))  # type: ignore[return-value]

    with np.errstate(all="ignore"):
        res = stats.bootstrap(
            tuple(samples), statistic, n_resamples=B, method="BCa", rng=rng, vectorized=True
        )
    lo, hi = res.confidence_interval
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return None
    return float(lo), float(hi)


def t_method(samples: list[np.ndarray], weights: list[float], rng: np.random.Generator) -> Interval:
    del rng
    ci, _ = t_interval([Tally.of(s) for s in samples], weights)
    return ci


def coverage(
    method: Callable[[list[np.ndarray], list[float], np.random.Generator], Interval],
    draw: Callable[[np.random.Generator], list[np.ndarray]],
    weights: list[float],
    truth: float,
    reps: int,
    seed: int,
) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    hits = missing = 0
    for _ in range(reps):
        ci = method(draw(rng), weights, rng)
        if ci is None:
            missing += 1
        elif ci[0] <= truth <= ci[1]:
            hits += 1
    return hits / reps, missing / reps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10000, help="samples per cell")
    parser.add_argument("--bca-reps", type=int, default=1000, help="samples per BCa cell")
    args = parser.parse_args()
    rng = np.random.default_rng(2006)
    population = totals_population(rng)
    true_total = float(population.mean())
    true_gap = item_population(SALES_ITEM) - item_population(MARKETING_ITEM)
    start = time.perf_counter()
    print(f"95% interval coverage ({args.reps} samples per cell; BCa {args.bca_reps})")
    print(f"{'target':<12} {'sizes':<8} {'method':<22} {'coverage':>9} {'none':>6}")
    seen: set[tuple[str, str]] = set()
    for n1, n2 in SIZES:
        cases = [
            ("group mean", f"{n1}", lambda r, n=n1: [r.choice(population, n)], [1.0], true_total),
            ("group mean", f"{n2}", lambda r, n=n2: [r.choice(population, n)], [1.0], true_total),
            (
                "organisation",
                f"{n1} vs {n2}",
                lambda r, a=n1, b=n2: [r.choice(population, a), r.choice(population, b)],
                [0.5, 0.5],
                true_total,
            ),
            (
                "item gap",
                f"{n1} vs {n2}",
                lambda r, a=n1, b=n2: [
                    r.choice(5, a, p=SALES_ITEM) + 1.0,
                    r.choice(5, b, p=MARKETING_ITEM) + 1.0,
                ],
                [1.0, -1.0],
                true_gap,
            ),
        ]
        for target, sizes, draw, weights, truth in cases:
            if (target, sizes) in seen:
                continue
            seen.add((target, sizes))
            methods = (
                ("percentile bootstrap", percentile, args.reps),
                ("BCa bootstrap", bca, args.bca_reps),
                ("t / Welch (now)", t_method, args.reps),
            )
            for name, method, reps in methods:
                seed = len(seen) * 1009  # one seed per cell, the same for every method
                cov, none = coverage(method, draw, weights, truth, reps, seed=seed)
                print(f"{target:<12} {sizes:<8} {name:<22} {cov:>8.1%} {none:>6.1%}")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
