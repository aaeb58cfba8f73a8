"""Compare two survey waves of the same questionnaire: what changed, and is it real?

Vocabulary:
- *wave*: one round of the survey. *Before* is the baseline, *after* the re-survey (six
  months later, say). A wave is either a responses file (scored here, so the
  per-respondent totals are at hand) or a saved assessment JSON (figures only).
- *change*: after − before, for a score (the overall score, a group's mean total, a
  dimension mean). Its 95% interval is a percentile bootstrap that resamples each
  wave's respondents independently (per group for the equal-weight overall score),
  with a fixed seed so the same files always give the same interval.
- *stage change*: the stage before and after; ``steps`` counts bands moved (+1 for
  Defined → Aligned).
- *gap*: the perception gap, first compared group minus second (Sales − Marketing), on
  the total and per dimension. It *narrowed* when |after gap| < |before gap|; it
  *reversed* when the sign flipped.
- *design*: ``paired`` when both waves are responses files and at least
  :data:`MIN_PAIRS` respondent codes appear in both: the matched people's own changes
  are tested with the Wilcoxon signed-rank test. ``independent`` otherwise: the waves
  are treated as separate samples (Mann–Whitney U on each group's totals).
  ``summary`` when either wave is an assessment JSON: changes only, no intervals or
  tests, because the per-respondent data are not in the file.
- *movers*: the items whose overall mean moved most (by absolute change).

Anonymity: a group withheld (below ``--min-group-size``) in either wave gets no figures
here either, and paired results for fewer matched people than the threshold show the
count only.

This module reads the waves and puts the comparison together; the result model is
:mod:`~salesmkt.analysis.comparison`, the score changes
:mod:`~salesmkt.analysis.wave_changes` and the matched respondents
:mod:`~salesmkt.analysis.paired`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from salesmkt.analysis.comparison import (
    Comparison,
    Direction,
    GapChange,
    ItemMove,
    StageChange,
    Wave,
    WaveSummary,
    group_ids,
    withheld,
)
from salesmkt.analysis.paired import WaveCodes, paired_changes, wave_codes, wave_design
from salesmkt.analysis.saved import load_assessment_json, looks_like_assessment
from salesmkt.analysis.scoring import assess_file
from salesmkt.analysis.wave_changes import dimension_changes, total_changes
from salesmkt.errors import AnalysisError
from salesmkt.l10n import _
from salesmkt.model.assessment import Assessment, Settings, StageRef

if TYPE_CHECKING:
    from salesmkt.intake.source import ResponseSource


#: How many items the "moved most" list holds.
TOP_MOVERS = 5
#: Two gaps closer than this count as equal (neither narrowed nor widened).
GAP_TOLERANCE = 1e-9


# -- inputs ---------------------------------------------------------------------------


def load_wave(source: ResponseSource, settings: Settings) -> Wave:
    """Read a wave: a saved assessment JSON as it is, a responses file scored now."""

    if looks_like_assessment(source.path):
        return Wave(load_assessment_json(source.path), None, str(source.path))
    # A comparison reads no wave's reliability, agreement or borderline stages.
    result = assess_file(source, settings, quality=False)
    return Wave(result.assessment, result.respondents, str(source.path))


def saved_questionnaire(path: Path) -> str | None:
    """The questionnaire id a saved assessment JSON names (None for a responses file)."""

    if not looks_like_assessment(path):
        return None
    return load_assessment_json(path).questionnaire.id


def check_comparable(before: Wave, after: Wave) -> None:
    """Refuse (AnalysisError) unless both waves used the same questionnaire and items."""
    a, b = before.assessment, after.assessment
    where = f"before ({before.source or 'first file'}) and after ({after.source or 'second file'})"
    qa, qb = a.questionnaire, b.questionnaire
    if qa.id != qb.id:
        raise AnalysisError(
            f"cannot compare {where}: they use different questionnaires "
            f"({qa.id} {qa.version} vs {qb.id} {qb.version})"
        )
    if qa.version != qb.version:
        raise AnalysisError(
            f"cannot compare {where}: they use different versions of {qa.id} "
            f"({qa.version} vs {qb.version}); scores from different versions are not comparable"
        )
    ids_a = [i.id for i in a.items]
    ids_b = [i.id for i in b.items]
    if ids_a != ids_b:
        gone = [i for i in ids_a if i not in ids_b]
        new = [i for i in ids_b if i not in ids_a]
        what = "; ".join(
            part
            for part in (
                f"only before: {', '.join(gone)}" if gone else "",
                f"only after: {', '.join(new)}" if new else "",
                "the same items in another order" if not gone and not new else "",
            )
            if part
        )
        raise AnalysisError(f"cannot compare {where}: the items differ ({what})")
    for ia, ib in zip(a.items, b.items, strict=True):
        if ia.text != ib.text or ia.dimension != ib.dimension or ia.reverse != ib.reverse:
            field = "text" if ia.text != ib.text else "dimension or scoring"
            raise AnalysisError(
                f"cannot compare {where}: item {ia.id} changed its {field} although "
                f"{qa.id} kept version {qa.version}"
            )


# -- the comparison ------------------------------------------------------------------


def compare_waves(
    before: Wave,
    after: Wave,
    *,
    seed: int = 2006,
    n_boot: int = 2000,
    top: int = TOP_MOVERS,
) -> Comparison:
    """Everything that changed between two waves (see the module docstring)."""
    check_comparable(before, after)
    a, b = before.assessment, after.assessment
    # Each wave's codes read once, for the design and the summaries alike.
    codes = [None if w.respondents is None else wave_codes(w.respondents) for w in (before, after)]
    pair = None if codes[0] is None or codes[1] is None else (codes[0], codes[1])
    design, note, pairs, pair_notes = wave_design(before.respondents, after.respondents, pair)
    result = Comparison(
        questionnaire=b.questionnaire,
        compare=list(b.compare or a.compare),
        before=_summary("before", before, codes[0]),
        after=_summary("after", after, codes[1]),
        design=design,
        design_note=note,
        matched=0 if pairs is None else len(pairs),
        seed=seed,
        n_boot=n_boot,
    )
    result.notes += pair_notes
    if a.settings.min_group_size != b.settings.min_group_size:
        result.notes.append(
            _(
                "The waves used different anonymity thresholds ({before} before, {after} after)."
            ).format(before=a.settings.min_group_size, after=b.settings.min_group_size)
        )
    result.stages = _stages(a, b)
    result.totals = total_changes(before, after, design, seed, n_boot)
    result.dimensions = dimension_changes(before, after, design, seed, n_boot)
    result.gaps = _gaps(a, b)
    result.movers = _movers(a, b, top)
    if design == "paired" and pairs is not None:
        k_min = max(a.settings.min_group_size, b.settings.min_group_size)
        result.paired = paired_changes(pairs, a, b, k_min, seed, n_boot)
    if design == "paired":
        result.notes.append(
            _(
                "Intervals for the wave-level changes treat each wave as an independent sample; "
                "with many respondents in both waves they are usually on the cautious (wide) "
                "side. The paired changes test the matched respondents' own changes."
            )
        )
    return result


def _summary(role: Literal["before", "after"], wave: Wave, codes: WaveCodes | None) -> WaveSummary:
    frame = wave.respondents
    return WaveSummary(
        role=role,
        source=wave.source or wave.assessment.source_file,
        kind="assessment" if frame is None else "responses",
        scored=wave.assessment.respondents.scored,
        n_by_group={g.id: g.n for g in wave.assessment.groups if g.n is not None},
        has_codes=codes is not None and bool(codes.once),
    )


def _direction(
    stages: list[str], before: StageRef | None, after: StageRef | None
) -> tuple[Direction, int | None]:
    if before is None or after is None or before.id not in stages or after.id not in stages:
        return "unknown", None
    steps = stages.index(after.id) - stages.index(before.id)
    return ("up" if steps > 0 else "down" if steps < 0 else "same"), steps


def _stage_order(a: Assessment, b: Assessment) -> list[str]:
    return [s.id for s in sorted(b.stages or a.stages, key=lambda s: s.min)]


def _stages(a: Assessment, b: Assessment) -> list[StageChange]:
    order = _stage_order(a, b)
    out: list[StageChange] = []
    direction, steps = _direction(order, a.overall.stage, b.overall.stage)
    out.append(
        StageChange(
            scope="overall",
            label=_("Overall"),
            before=a.overall.stage,
            after=b.overall.stage,
            direction=direction,
            steps=steps,
            note=None if direction != "unknown" else _("no stage in one of the waves"),
        )
    )
    for gid, label in group_ids(a, b):
        ga, gb = a.group(gid), b.group(gid)
        sa = ga.stage if ga and not ga.suppressed else None
        sb = gb.stage if gb and not gb.suppressed else None
        direction, steps = _direction(order, sa, sb)
        out.append(
            StageChange(
                scope=gid,
                label=label,
                before=sa,
                after=sb,
                direction=direction,
                steps=steps,
                note=withheld(ga, gb),
            )
        )
    return out


def _gap(before: float | None, after: float | None) -> tuple[bool | None, bool | None]:
    if before is None or after is None:
        return None, None
    narrowed = abs(after) < abs(before) - GAP_TOLERANCE
    reversed_ = (before > GAP_TOLERANCE and after < -GAP_TOLERANCE) or (
        before < -GAP_TOLERANCE and after > GAP_TOLERANCE
    )
    return narrowed, reversed_


def _gaps(a: Assessment, b: Assessment) -> list[GapChange]:
    out: list[GapChange] = []
    ta, tb = a.total_gap, b.total_gap
    before = ta.gap if ta else None
    after = tb.gap if tb else None
    narrowed, reversed_ = _gap(before, after)
    why = (ta.not_estimable if ta else None) or (tb.not_estimable if tb else None)
    out.append(
        GapChange(
            scope="total",
            label=_("Total score"),
            before=before,
            after=after,
            narrowed=narrowed,
            reversed=reversed_,
            note=None if narrowed is not None else (why or _("no gap in one of the waves")),
        )
    )
    for db in b.dimensions:
        da = a.dimension(db.id)
        before = da.gap if da else None
        narrowed, reversed_ = _gap(before, db.gap)
        why = (da.not_estimable if da else None) or db.not_estimable
        out.append(
            GapChange(
                scope=db.id,
                label=db.label,
                before=before,
                after=db.gap,
                narrowed=narrowed,
                reversed=reversed_,
                note=None if narrowed is not None else (why or _("no gap in one of the waves")),
            )
        )
    return out


def _movers(a: Assessment, b: Assessment, top: int) -> list[ItemMove]:
    moves: list[tuple[float, int, ItemMove]] = []
    for k, ib in enumerate(b.items):
        ia = a.item(ib.id)
        if ia is None or ia.mean is None or ib.mean is None:
            continue
        delta = ib.mean - ia.mean
        move = ItemMove(
            id=ib.id,
            label=ib.short or ib.text,
            text=ib.text,
            dimension=ib.dimension,
            before=ia.mean,
            after=ib.mean,
            change=delta,
        )
        moves.append((-round(abs(delta), 9), k, move))
    moves.sort(key=lambda m: (m[0], m[1]))
    return [m[2] for m in moves[:top]]
