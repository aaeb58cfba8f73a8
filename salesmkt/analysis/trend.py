"""Trends across survey waves: every wave in order, and which steps are larger than noise.

Vocabulary (the result model is :mod:`salesmkt.model.trend`):
- *wave*: a :class:`~salesmkt.analysis.comparison.Wave` (a scored responses file, or a
  saved assessment JSON with figures only), with its label.
- *point*: read straight off the wave's assessment, so the anonymity rules of ``score``
  hold per wave and group: the overall score with its interval (weights ½, ½), each
  group's mean total (Student's t interval), the total gap (Welch interval), each
  ``--by`` segment's overall score and each dimension's mean. A withheld group shows as
  withheld, never with a figure.
- *step*: after − before between two waves: the consecutive pairs and, from three waves
  on, the first against the last. Its interval is the Welch t interval that ``compare``
  prints (:func:`~salesmkt.analysis.statistics.intervals.t_interval`, each wave an
  independent sample; a group's change w = 1, −1; the equal-weight overall score
  ½, ½, −½, −½; the gap 1, −1, −1, 1) and its test the Welch t test of the same linear
  combination, so unadjusted "p < 0.05" and "interval excludes 0" always agree.
- *family*: a series' steps are adjusted together (``adjust``: Holm by default, as
  :func:`~salesmkt.analysis.statistics.adjust.adjust_p`); each series is its own family,
  as each group's gap is in ``gaps``. With two waves the family has one step and the
  verdict is ``compare``'s.

Cost: one pass over each wave's respondents to tally the group totals; each step is
then O(groups), so the whole run is linear in respondents and in waves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from salesmkt.analysis.compare import check_comparable
from salesmkt.analysis.comparison import Wave
from salesmkt.analysis.paired import MIN_PAIRS, respondent_codes
from salesmkt.analysis.statistics.adjust import AdjustMethod, adjust_p
from salesmkt.analysis.statistics.intervals import t_interval
from salesmkt.analysis.statistics.sample import Tally, finite
from salesmkt.analysis.statistics.special import ufunc
from salesmkt.errors import AnalysisError
from salesmkt.l10n import N_
from salesmkt.l10n import _ as say  # `_` is a throwaway name in this module
from salesmkt.model.assessment import Assessment, GroupResult
from salesmkt.model.trend import (
    DimensionLine,
    Trend,
    TrendPoint,
    TrendSeries,
    TrendStep,
    TrendWave,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SIGNIFICANCE", "LabelledWave", "step_pairs", "trend_of", "welch_p"]

#: The level below which an adjusted p-value says "larger than its noise".
SIGNIFICANCE = 0.05

LabelledWave = tuple[str, Wave]
Tallies = dict[str, Tally]  # group id → the tally of its scored totals


def step_pairs(k: int) -> list[tuple[int, int]]:
    """The steps of k waves: consecutive pairs, then (first, last) from three waves on."""
    pairs = [(i, i + 1) for i in range(k - 1)]
    return [*pairs, (0, k - 1)] if k >= 3 else pairs


def trend_of(waves: Sequence[LabelledWave], adjust: AdjustMethod = "holm") -> Trend:
    """Every wave in order, and the steps between them (see the module docstring)."""
    if len(waves) < 2:
        raise AnalysisError("a trend needs at least two waves")
    for _, wave in waves[1:]:
        check_comparable(waves[0][1], wave)
    last = waves[-1][1].assessment
    trend = Trend(
        questionnaire=last.questionnaire,
        compare=list(last.compare),
        stages=list(last.stages),
        waves=[_wave(label, w) for label, w in waves],
        adjust=adjust,
        by=list(last.settings.by),
    )
    tallies = [_tallies(w) for _, w in waves]
    labels = [label for label, _ in waves]
    assessments = [w.assessment for _, w in waves]
    trend.series = [
        _overall_series(labels, assessments, tallies),
        *_group_series(labels, assessments, tallies),
        _gap_series(labels, assessments, tallies),
        *_segment_series(labels, assessments),
    ]
    for series in trend.series:
        _adjust(series, adjust)
    trend.dimensions = _dimension_lines(assessments)
    trend.notes = _notes(waves)
    return trend


def _wave(label: str, wave: Wave) -> TrendWave:
    a = wave.assessment
    return TrendWave(
        label=label,
        source=wave.source or a.source_file,
        kind="assessment" if wave.respondents is None else "responses",
        scored=a.respondents.scored,
        min_group_size=a.settings.min_group_size,
    )


def _tallies(wave: Wave) -> Tallies | None:
    """Each shown group's totals as a tally (None for a saved assessment: no answers)."""
    frame = wave.respondents
    if frame is None:
        return None
    shown = {g.id for g in wave.assessment.groups if not g.suppressed}
    # Only the shown groups: nothing is computed from a withheld group's answers.
    return {
        str(g): Tally.of(part.to_numpy(dtype="float64"))
        for g, part in _by_group(frame)
        if str(g) in shown
    }


def _by_group(frame: pd.DataFrame) -> list[tuple[object, pd.Series]]:
    groups = frame["group"].astype(str)
    return list(frame["total"].groupby(groups, sort=False))


# -- points ------------------------------------------------------------------------------


def _group_point(label: str, g: GroupResult | None) -> TrendPoint:
    if g is None:
        return TrendPoint(wave=label, note=say(N_("no respondents in this wave")))
    if g.suppressed:
        return TrendPoint(
            wave=label,
            withheld=True,
            n_fewer_than=g.n_fewer_than,
            note=say(N_("withheld (too few respondents)")),
        )
    return TrendPoint(wave=label, value=g.mean, ci=g.ci, stage=g.stage, n=g.n)


def _overall_point(label: str, a: Assessment) -> TrendPoint:
    o = a.overall
    note = o.not_estimable or (o.note if o.method == "pooled" else None)
    return TrendPoint(
        wave=label,
        value=o.score,
        ci=o.ci,
        stage=o.stage,
        n=a.respondents.scored,
        note=note,
    )


def _gap_point(label: str, a: Assessment) -> TrendPoint:
    t = a.total_gap
    if t is None:
        return TrendPoint(
            wave=label, note=say(N_("no gap: the questionnaire compares no two groups"))
        )
    return TrendPoint(wave=label, value=t.gap, ci=t.ci, note=t.not_estimable)


# -- series ------------------------------------------------------------------------------


def _overall_series(
    labels: list[str], assessments: list[Assessment], tallies: list[Tallies | None]
) -> TrendSeries:
    points = [_overall_point(lab, a) for lab, a in zip(labels, assessments, strict=True)]
    steps = []
    for i, j in step_pairs(len(labels)):
        a, b = assessments[i], assessments[j]
        step = _step(labels, i, j, a.overall.score, b.overall.score)
        if a.overall.method != b.overall.method:
            step.note = say(N_("the overall score is defined differently in the two waves"))
        elif step.change is not None:
            _test(step, *_overall_samples(b, tallies[i], tallies[j]))
        steps.append(step)
    return TrendSeries(
        scope="overall", kind="overall", label=say(N_("Overall")), points=points, steps=steps
    )


def _overall_samples(
    b: Assessment, before: Tallies | None, after: Tallies | None
) -> tuple[list[Tally] | None, tuple[float, ...]]:
    """The tallies and weights of the overall score's change (as ``compare`` forms it)."""
    if before is None or after is None:
        return None, ()
    if b.overall.method == "equal-weight" and len(b.compare) == 2:
        found = [t.get(g) for t in (after, before) for g in b.compare]
        kept = [t for t in found if t is not None]
        return (kept if len(kept) == 4 else None), (0.5, 0.5, -0.5, -0.5)
    shown = [g.id for g in b.groups if not g.suppressed]
    pooled = [_pool([t[g] for g in shown if g in t]) for t in (after, before)]
    return pooled, (1.0, -1.0)


def _pool(parts: list[Tally]) -> Tally:
    import numpy as np

    if not parts:
        return Tally.of(np.array([], dtype=np.float64))
    values = np.concatenate([p.values for p in parts])
    counts = np.concatenate([p.counts for p in parts])
    return Tally(values, counts)


def _group_ids(assessments: list[Assessment]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for a in assessments:
        for g in a.groups:
            seen.setdefault(g.id, g.label)
    return list(seen.items())


def _group_series(
    labels: list[str], assessments: list[Assessment], tallies: list[Tallies | None]
) -> list[TrendSeries]:
    out = []
    for gid, name in _group_ids(assessments):
        found = [a.group(gid) for a in assessments]
        points = [_group_point(lab, g) for lab, g in zip(labels, found, strict=True)]
        steps = []
        for i, j in step_pairs(len(labels)):
            step = _step(labels, i, j, points[i].value, points[j].value)
            why = _why_not(points[i], points[j])
            if why:
                step.note = why
            elif step.change is not None:
                samples = _samples([tallies[j], tallies[i]], [gid])
                _test(step, samples, (1.0, -1.0))
            steps.append(step)
        out.append(TrendSeries(scope=gid, kind="group", label=name, points=points, steps=steps))
    return out


def _gap_series(
    labels: list[str], assessments: list[Assessment], tallies: list[Tallies | None]
) -> TrendSeries:
    points = [_gap_point(lab, a) for lab, a in zip(labels, assessments, strict=True)]
    pair = assessments[-1].compare
    steps = []
    for i, j in step_pairs(len(labels)):
        step = _step(labels, i, j, points[i].value, points[j].value)
        if step.change is not None and len(pair) == 2:
            samples = _samples([tallies[j], tallies[i]], list(pair))
            _test(step, samples, (1.0, -1.0, -1.0, 1.0))
        steps.append(step)
    # Short, for the step tables; the section titles name the two groups.
    return TrendSeries(
        scope="gap", kind="gap", label=say(N_("Perception gap")), points=points, steps=steps
    )


def _segment_series(labels: list[str], assessments: list[Assessment]) -> list[TrendSeries]:
    """Each ``--by`` segment's overall score per wave (figures only: no step tests)."""
    keys: dict[tuple[str, str], None] = {}
    for a in assessments:
        for s in a.segments:
            keys.setdefault((s.by, s.value), None)
    out = []
    for by, value in keys:
        points = []
        for label, a in zip(labels, assessments, strict=True):
            seg = next((s for s in a.segments if s.by == by and s.value == value), None)
            if seg is None:
                points.append(TrendPoint(wave=label, note=say(N_("no respondents in this wave"))))
            elif seg.suppressed:
                points.append(TrendPoint(wave=label, withheld=True, n_fewer_than=seg.n_fewer_than))
            else:
                o = seg.overall
                points.append(
                    TrendPoint(
                        wave=label,
                        value=o.score,
                        ci=o.ci,
                        stage=o.stage,
                        n=seg.n,
                        note=o.not_estimable,
                    )
                )
        scope = f"{by}={value}"
        out.append(TrendSeries(scope=scope, kind="segment", label=f"{by}: {value}", points=points))
    return out


# -- steps -------------------------------------------------------------------------------


def _step(
    labels: list[str], i: int, j: int, before: float | None, after: float | None
) -> TrendStep:
    change = None if before is None or after is None else after - before
    span = j - i > 1
    return TrendStep(start=labels[i], end=labels[j], span=span, change=change)


def _why_not(before: TrendPoint, after: TrendPoint) -> str | None:
    if before.withheld or after.withheld:
        if before.withheld and after.withheld:
            both = say(N_("withheld in {first} and {second} (too few respondents)"))
            return both.format(first=before.wave, second=after.wave)
        which = before.wave if before.withheld else after.wave
        return say(N_("withheld in {wave} (too few respondents)")).format(wave=which)
    return None


def _samples(tallies: list[Tallies | None], groups: list[str]) -> list[Tally] | None:
    """The tallies of ``groups`` in each wave (after first), or None when any is missing."""
    out = []
    for wave in tallies:
        if wave is None:
            return None
        for g in groups:
            if g not in wave:
                return None
            out.append(wave[g])
    return out


def _test(step: TrendStep, samples: list[Tally] | None, weights: tuple[float, ...]) -> None:
    """Fill a step's interval and Welch p-value, or say why there are none."""
    if samples is None:
        step.note = step.note or say(N_("no per-respondent answers (a saved assessment): no test"))
        return
    if any(t.n < 2 for t in samples):
        step.note = say(N_("not estimable: fewer than 2 respondents in a group"))
        return
    ci, why = t_interval(samples, weights)
    p = welch_p(samples, weights)
    if ci is None or p is None:
        step.note = why or say(N_("not estimable: no variance"))
        return
    step.ci, step.p_value = ci, p


def welch_p(samples: Sequence[Tally], weights: Sequence[float]) -> float | None:
    """Two-sided p of the Welch t test that Σ wᵢ·meanᵢ is 0 (the interval's own test)."""
    stdtr = ufunc("stdtr")
    parts = [w * w * (t.var or 0.0) / t.n for t, w in zip(samples, weights, strict=True)]
    se2 = sum(parts)
    if not se2 > 0.0:
        return None
    top = max(parts)
    rel = [q / top for q in parts]
    denominator = sum(r * r / (t.n - 1) for r, t in zip(rel, samples, strict=True))
    if not denominator > 0.0:
        return None
    df = sum(rel) ** 2 / denominator
    estimate = sum(w * (t.mean or 0.0) for t, w in zip(samples, weights, strict=True))
    stat = estimate / math.sqrt(se2)
    return finite(min(1.0, 2.0 * float(stdtr(df, -abs(stat)))))


def _adjust(series: TrendSeries, method: AdjustMethod) -> None:
    adjusted = adjust_p([s.p_value for s in series.steps], method)
    for step, p in zip(series.steps, adjusted, strict=True):
        step.p_adjusted = p
        step.larger_than_noise = None if p is None else p < SIGNIFICANCE


# -- dimensions and notes ----------------------------------------------------------------


def _dimension_lines(assessments: list[Assessment]) -> list[DimensionLine]:
    last = assessments[-1]
    groups = _group_ids(assessments)
    out = []
    for d in last.dimensions:
        dims = [a.dimension(d.id) for a in assessments]
        means = [x.mean if x else None for x in dims]
        out.append(
            DimensionLine(
                dimension=d.id,
                label=d.label,
                scope="overall",
                scope_label=say(N_("Overall")),
                means=means,
            )
        )
        for gid, name in groups:
            found = [a.group(gid) for a in assessments]
            gm = [None if g is None or g.suppressed else g.dimension_means.get(d.id) for g in found]
            out.append(
                DimensionLine(dimension=d.id, label=d.label, scope=gid, scope_label=name, means=gm)
            )
    return out


def _notes(waves: Sequence[LabelledWave]) -> list[str]:
    notes = []
    thresholds = {w.assessment.settings.min_group_size for _, w in waves}
    if len(thresholds) > 1:
        notes.append(say(N_("The waves used different anonymity thresholds.")))
    # Each wave's codes normalised once (codes used once only, as compare pairs them).
    codes = [
        None if w.respondents is None else set(respondent_codes(w.respondents)) for _, w in waves
    ]
    matched = []
    for i, j in step_pairs(len(waves)):
        a, b = codes[i], codes[j]
        common = 0 if a is None or b is None else len(a & b)
        if common >= MIN_PAIRS:
            pair = say(N_("{n} in {first} and {second}"))
            matched.append(pair.format(n=common, first=waves[i][0], second=waves[j][0]))
    if matched:
        notes.append(
            say(
                N_(
                    "Respondent codes recur across waves ({matched}): each step treats the waves "
                    "as independent samples, so its interval is on the cautious (wide) side; "
                    "'salesmkt compare' gives the paired test of two waves."
                )
            ).format(matched="; ".join(matched))
        )
    return notes
