"""Score changes between two waves: after − before, with t intervals.

Vocabulary:
- *change*: after − before for a score: the overall score, a group's mean total, a
  dimension mean. Its 95% interval is a Welch t interval of the difference of
  independent means (:mod:`salesmkt.analysis.statistics.intervals`): each wave's
  respondents count as an independent sample, per group for the equal-weight overall
  score (weights ½, ½ after and −½, −½ before, Welch–Satterthwaite degrees of freedom).
- *independent test*: with the ``independent`` design each group's totals are also
  compared by the Mann–Whitney U test (the matched design tests pairs instead, see
  :mod:`salesmkt.analysis.paired`).
- Intervals and tests need both waves' per-respondent tables; a saved assessment JSON
  gives the change alone.

Group and dimension changes come from :func:`salesmkt.analysis.statistics.compare_groups`
(after as x, before as y); the overall score's from :func:`_overall_change`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from salesmkt.analysis.comparison import Change, Design, Wave, group_ids, withheld
from salesmkt.analysis.statistics.intervals import t_interval
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.analysis.statistics.two_groups import compare_groups
from salesmkt.l10n import N_
from salesmkt.l10n import _ as say  # this module's `_` is a throwaway name

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

__all__ = ["dimension_changes", "total_changes"]


def _sub(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


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
        label=say(N_("Overall score")),
        before=a.overall.score,
        after=b.overall.score,
        change=_sub(b.overall.score, a.overall.score),
        n_before=a.respondents.scored,
        n_after=b.respondents.scored,
    )
    if a.overall.method != b.overall.method:
        change.note = say(
            N_(
                "the overall score is {before} before and {after} after, so the change mixes "
                "two definitions"
            )
        ).format(before=a.overall.method, after=b.overall.method)
        return change
    fb, fa = before.respondents, after.respondents
    if fb is None or fa is None or change.change is None:
        return change
    if b.overall.method == "equal-weight" and len(b.compare) == 2:
        samples = [
            Tally.of(_column(frame, "total", _group_mask(frame, g)))
            for frame in (fa, fb)
            for g in b.compare
        ]
        weights: tuple[float, ...] = (0.5, 0.5, -0.5, -0.5)
        few = N_("interval not estimable: fewer than 2 respondents in a group")
    else:
        shown = [g.id for g in b.groups if not g.suppressed]
        samples = [
            Tally.of(_column(frame, "total", frame["group"].astype(str).isin(shown)))
            for frame in (fa, fb)
        ]
        weights = (1.0, -1.0)
        few = N_("interval not estimable: fewer than 2 respondents in a wave")
    if any(t.n < 2 for t in samples):
        change.note = say(few)
        return change
    ci, _ = t_interval(samples, weights)
    if ci is None:
        change.note = say(N_("interval not estimable: every answer identical within each group"))
        return change
    change.ci = ci
    change.ci_excludes_zero = ci[0] > 0 or ci[1] < 0
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
