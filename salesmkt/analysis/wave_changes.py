"""Score changes between two waves: after − before, with bootstrap intervals.

Vocabulary:
- *change*: after − before for a score: the overall score, a group's mean total, a
  dimension mean. Its 95% interval is a percentile bootstrap that resamples each wave's
  respondents independently (per group for the equal-weight overall score), with a
  fixed seed so the same files always give the same interval.
- *independent test*: with the ``independent`` design each group's totals are also
  compared by the Mann–Whitney U test (the matched design tests pairs instead, see
  :mod:`salesmkt.analysis.paired`).
- Intervals and tests need both waves' per-respondent tables; a saved assessment JSON
  gives the change alone.

Group and dimension changes come from :func:`salesmkt.analysis.statistics.compare_groups`
(after as x, before as y). The overall score's interval has its own small bootstrap
(:func:`_overall_change`); why it is not the statistics' one is said at :func:`_boot_means`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from salesmkt.analysis.comparison import Change, Design, Wave, group_ids, withheld
from salesmkt.analysis.statistics.two_groups import compare_groups

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

__all__ = ["dimension_changes", "total_changes"]


def _sub(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


# Two bootstraps: the overall change keeps this small one rather than
# statistics.bootstrap, because its published figures could not stay identical otherwise.
# Here one generator is shared, in order, by both waves and both groups (the statistics
# bootstrap starts a fresh generator from the seed for every call and resamples a pair
# in a content-defined order); every resample is a multinomial draw averaged over the raw
# values (the statistics bootstrap switches to index draws when nearly every value is
# distinct, and averages values shifted by the smallest one); and the interval is
# numpy.percentile's (the statistics bootstrap writes the same linear rule out so that it
# negates exactly). Each of these moves the interval's last digits: examples/wave1.csv ->
# wave2.csv gives a lower end of 2.254780701754385 here, 2.342836257309941 with the
# statistics' draws and 2.2547807017543855 with its percentile rule alone. Group,
# dimension and paired changes do use the statistics bootstrap (compare_groups,
# bootstrap_mean).
def _boot_means(values: FloatArray, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """Bootstrap resample means (multinomial over the distinct values: cheap for surveys)."""

    vals, counts = np.unique(values, return_counts=True)
    n = int(counts.sum())
    draws = rng.multinomial(n, counts / n, size=n_boot)
    out: FloatArray = draws @ vals / n
    return out


def _interval(draws: FloatArray) -> tuple[float, float]:

    lo, hi = np.percentile(draws, [2.5, 97.5])
    return float(lo), float(hi)


def _column(frame: pd.DataFrame, name: str, mask: Any = None) -> FloatArray:

    col = frame[name] if mask is None else frame.loc[mask, name]
    values = np.asarray(col, dtype=np.float64)
    out: FloatArray = values[np.isfinite(values)]
    return out


def _group_mask(frame: pd.DataFrame, group: str) -> Any:
    return frame["group"].astype(str) == group


def _gap_stats_change(
    scope: str,
    label: str,
    before: float | None,
    after: float | None,
    x_after: FloatArray | None,
    y_before: FloatArray | None,
    *,
    seed: int,
    n_boot: int,
    with_test: bool,
) -> Change:
    """A change with the interval (and Mann–Whitney p) from ``statistics.compare_groups``."""
    change = Change(
        scope=scope,
        label=label,
        before=before,
        after=after,
        change=_sub(after, before),
    )
    if x_after is None or y_before is None:
        return change
    change.n_before, change.n_after = len(y_before), len(x_after)
    if change.change is None:
        return change
    stats = compare_groups(
        x_after, y_before, seed=seed, n_boot=n_boot, x_name="after", y_name="before"
    )
    if stats.ci_low is not None and stats.ci_high is not None:
        change.ci = (stats.ci_low, stats.ci_high)
        change.ci_excludes_zero = stats.ci_low > 0 or stats.ci_high < 0
    elif stats.reason:
        change.note = stats.reason
    if with_test and stats.p_value is not None:
        change.p_value = stats.p_value
        change.test = "Mann–Whitney U (independent waves)"
    return change


def total_changes(
    before: Wave, after: Wave, design: Design, seed: int, n_boot: int
) -> list[Change]:
    a, b = before.assessment, after.assessment
    fb, fa = before.respondents, after.respondents
    per_person = fb is not None and fa is not None
    out = [_overall_change(before, after, seed, n_boot)]
    for gid, label in group_ids(a, b):
        ga, gb = a.group(gid), b.group(gid)
        why = withheld(ga, gb)
        if why is not None or ga is None or gb is None:
            out.append(Change(scope=gid, label=label, note=why))
            continue
        xs = ys = None
        if per_person and fb is not None and fa is not None:
            xs = _column(fa, "total", _group_mask(fa, gid))
            ys = _column(fb, "total", _group_mask(fb, gid))
        change = _gap_stats_change(
            gid,
            label,
            ga.mean,
            gb.mean,
            xs,
            ys,
            seed=seed,
            n_boot=n_boot,
            with_test=design == "independent",
        )
        change.n_before, change.n_after = ga.n, gb.n
        out.append(change)
    return out


def _overall_change(before: Wave, after: Wave, seed: int, n_boot: int) -> Change:

    a, b = before.assessment, after.assessment
    change = Change(
        scope="overall",
        label="Overall score",
        before=a.overall.score,
        after=b.overall.score,
        change=_sub(b.overall.score, a.overall.score),
        n_before=a.respondents.scored,
        n_after=b.respondents.scored,
    )
    if a.overall.method != b.overall.method:
        change.note = (
            f"the overall score is {a.overall.method} before and {b.overall.method} after, "
            "so the change mixes two definitions"
        )
        return change
    fb, fa = before.respondents, after.respondents
    if fb is None or fa is None or change.change is None:
        return change
    rng = np.random.default_rng(seed)
    if b.overall.method == "equal-weight" and len(b.compare) == 2:
        draws: list[FloatArray] = []
        for frame in (fb, fa):
            halves = [_column(frame, "total", _group_mask(frame, g)) for g in b.compare]
            if any(len(h) < 2 for h in halves):
                change.note = "interval not estimable: fewer than 2 respondents in a group"
                return change
            draws.append(
                (_boot_means(halves[0], n_boot, rng) + _boot_means(halves[1], n_boot, rng)) / 2.0
            )
        diff = draws[1] - draws[0]
    else:
        shown = [g.id for g in b.groups if not g.suppressed]
        xs = _column(fa, "total", fa["group"].astype(str).isin(shown))
        ys = _column(fb, "total", fb["group"].astype(str).isin(shown))
        if len(xs) < 2 or len(ys) < 2:
            change.note = "interval not estimable: fewer than 2 respondents in a wave"
            return change
        diff = _boot_means(xs, n_boot, rng) - _boot_means(ys, n_boot, rng)
    if float(np.ptp(diff)) == 0.0:
        change.note = "interval not estimable: every answer identical within each group"
        return change
    change.ci = _interval(diff)
    change.ci_excludes_zero = change.ci[0] > 0 or change.ci[1] < 0
    return change


def dimension_changes(
    before: Wave, after: Wave, design: Design, seed: int, n_boot: int
) -> list[Change]:
    a, b = before.assessment, after.assessment
    fb, fa = before.respondents, after.respondents
    out: list[Change] = []
    for db in b.dimensions:
        da = a.dimension(db.id)
        xs = ys = None
        if fb is not None and fa is not None and db.id in fb.columns and db.id in fa.columns:
            xs, ys = _column(fa, db.id), _column(fb, db.id)
        out.append(
            _gap_stats_change(
                db.id,
                db.label,
                da.mean if da else None,
                db.mean,
                xs,
                ys,
                seed=seed,
                n_boot=n_boot,
                with_test=False,
            )
        )
    return out
