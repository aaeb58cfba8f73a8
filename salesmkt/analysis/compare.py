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
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from salesmkt import __version__
from salesmkt.errors import AnalysisError
from salesmkt.model.assessment import Assessment, QuestionnaireRef, Settings, StageRef

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    from salesmkt.intake.source import ResponseSource

    FloatArray = NDArray[np.float64]

SCHEMA_VERSION = 1
#: Matched respondent codes needed before the waves are analysed as pairs.
MIN_PAIRS = 2
#: How many items the "moved most" list holds.
TOP_MOVERS = 5
#: Two gaps closer than this count as equal (neither narrowed nor widened).
GAP_TOLERANCE = 1e-9

Design = Literal["paired", "independent", "summary"]
Direction = Literal["up", "down", "same", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WaveSummary(_Model):
    role: Literal["before", "after"]
    source: str | None = None
    kind: Literal["responses", "assessment"]
    scored: int
    n_by_group: dict[str, int] = Field(default_factory=dict)
    has_codes: bool = Field(False, description="Whether respondent codes were present.")


class StageChange(_Model):
    scope: str = Field(description="'overall' or a group id.")
    label: str
    before: StageRef | None = None
    after: StageRef | None = None
    direction: Direction = "unknown"
    steps: int | None = Field(None, description="Stage bands moved (+ up, − down).")
    note: str | None = None


class Change(_Model):
    """after − before for one score, with its bootstrap interval when estimable."""

    scope: str = Field(description="'overall', a group id or a dimension id.")
    label: str
    before: float | None = None
    after: float | None = None
    change: float | None = None
    ci: tuple[float, float] | None = Field(None, description="95% bootstrap CI of the change.")
    ci_excludes_zero: bool | None = None
    p_value: float | None = None
    test: str | None = None
    n_before: int | None = None
    n_after: int | None = None
    note: str | None = None


class GapChange(_Model):
    scope: str = Field(description="'total' or a dimension id.")
    label: str
    before: float | None = None
    after: float | None = None
    narrowed: bool | None = None
    reversed: bool | None = None
    note: str | None = None


class ItemMove(_Model):
    id: str
    label: str
    text: str
    dimension: str | None = None
    before: float
    after: float
    change: float


class PairedChange(_Model):
    """The matched respondents' own changes in total (after − before, per person)."""

    scope: str = Field(description="'all' or a group id.")
    label: str
    n: int
    mean_before: float | None = None
    mean_after: float | None = None
    mean_difference: float | None = None
    median_difference: float | None = None
    ci: tuple[float, float] | None = Field(None, description="95% bootstrap CI of the mean.")
    improved: int | None = None
    worsened: int | None = None
    unchanged: int | None = None
    wilcoxon_statistic: float | None = None
    p_value: float | None = None
    note: str | None = None


class Comparison(_Model):
    schema_version: int = SCHEMA_VERSION
    tool_version: str = __version__
    questionnaire: QuestionnaireRef
    compare: list[str] = Field(default_factory=list)
    before: WaveSummary
    after: WaveSummary
    design: Design
    design_note: str
    matched: int = 0
    seed: int = 2006
    n_boot: int = 2000
    stages: list[StageChange] = Field(default_factory=list)
    totals: list[Change] = Field(default_factory=list)
    dimensions: list[Change] = Field(default_factory=list)
    gaps: list[GapChange] = Field(default_factory=list)
    movers: list[ItemMove] = Field(default_factory=list)
    paired: list[PairedChange] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def total(self, scope: str) -> Change | None:
        return next((c for c in self.totals if c.scope == scope), None)

    def stage(self, scope: str) -> StageChange | None:
        return next((s for s in self.stages if s.scope == scope), None)

    def gap(self, scope: str) -> GapChange | None:
        return next((g for g in self.gaps if g.scope == scope), None)


# -- inputs ---------------------------------------------------------------------------


@dataclass
class Wave:
    """One wave: its assessment and, for a responses file, the per-respondent table."""

    assessment: Assessment
    respondents: pd.DataFrame | None = None
    source: str | None = None


def load_wave(source: ResponseSource, settings: Settings) -> Wave:
    """Read a wave: a saved assessment JSON as it is, a responses file scored now."""
    from salesmkt.analysis.scoring import assess_file, load_assessment_json, looks_like_assessment

    if looks_like_assessment(source.path):
        return Wave(load_assessment_json(source.path), None, str(source.path))
    result = assess_file(source, settings)
    return Wave(result.assessment, result.respondents, str(source.path))


def saved_questionnaire(path: Path) -> str | None:
    """The questionnaire id a saved assessment JSON names (None for a responses file)."""
    from salesmkt.analysis.scoring import load_assessment_json, looks_like_assessment

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


# -- small numeric helpers -------------------------------------------------------------


def _sub(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    out = float(value)
    return out if math.isfinite(out) else None


def _boot_means(values: FloatArray, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """Bootstrap resample means (multinomial over the distinct values: cheap for surveys)."""
    import numpy as np

    vals, counts = np.unique(values, return_counts=True)
    n = int(counts.sum())
    draws = rng.multinomial(n, counts / n, size=n_boot)
    out: FloatArray = draws @ vals / n
    return out


def _interval(draws: FloatArray) -> tuple[float, float]:
    import numpy as np

    lo, hi = np.percentile(draws, [2.5, 97.5])
    return float(lo), float(hi)


def _column(frame: pd.DataFrame, name: str, mask: Any = None) -> FloatArray:
    import numpy as np

    col = frame[name] if mask is None else frame.loc[mask, name]
    values = np.asarray(col, dtype=np.float64)
    out: FloatArray = values[np.isfinite(values)]
    return out


def _group_mask(frame: pd.DataFrame, group: str) -> Any:
    return frame["group"].astype(str) == group


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
    design, note, pairs, pair_notes = _design(before, after)
    result = Comparison(
        questionnaire=b.questionnaire,
        compare=list(b.compare or a.compare),
        before=_summary("before", before),
        after=_summary("after", after),
        design=design,
        design_note=note,
        matched=0 if pairs is None else len(pairs),
        seed=seed,
        n_boot=n_boot,
    )
    result.notes += pair_notes
    if a.settings.min_group_size != b.settings.min_group_size:
        result.notes.append(
            f"The waves used different anonymity thresholds ({a.settings.min_group_size} "
            f"before, {b.settings.min_group_size} after)."
        )
    result.stages = _stages(a, b)
    result.totals = _totals(before, after, design, seed, n_boot)
    result.dimensions = _dimension_changes(before, after, design, seed, n_boot)
    result.gaps = _gaps(a, b)
    result.movers = _movers(a, b, top)
    if design == "paired" and pairs is not None:
        k_min = max(a.settings.min_group_size, b.settings.min_group_size)
        result.paired = _paired(pairs, a, b, k_min, seed, n_boot)
    if design == "paired":
        result.notes.append(
            "Intervals for the wave-level changes resample each wave independently; with "
            "many respondents in both waves they are usually on the cautious (wide) side. "
            "The paired changes test the matched respondents' own changes."
        )
    return result


def _summary(role: Literal["before", "after"], wave: Wave) -> WaveSummary:
    frame = wave.respondents
    return WaveSummary(
        role=role,
        source=wave.source or wave.assessment.source_file,
        kind="assessment" if frame is None else "responses",
        scored=wave.assessment.respondents.scored,
        n_by_group={g.id: g.n for g in wave.assessment.groups},
        has_codes=frame is not None and bool(_codes(frame)),
    )


def _codes(frame: pd.DataFrame) -> dict[str, int]:
    """Normalised respondent code → frame position, codes used once only."""
    from salesmkt.definitions.questionnaire import normalise

    if "respondent" not in frame.columns:
        return {}
    seen: dict[str, int] = {}
    doubled: set[str] = set()
    for pos, value in enumerate(frame["respondent"].tolist()):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        code = normalise(str(value))
        if not code or code in ("nan", "none"):
            continue
        if code in seen:
            doubled.add(code)
        seen.setdefault(code, pos)
    return {c: p for c, p in seen.items() if c not in doubled}


def _doubled(frame: pd.DataFrame) -> int:
    from salesmkt.definitions.questionnaire import normalise

    if "respondent" not in frame.columns:
        return 0
    codes = [normalise(str(v)) for v in frame["respondent"].tolist() if v is not None]
    codes = [c for c in codes if c and c not in ("nan", "none")]
    return len({c for c in codes if codes.count(c) > 1})


# A matched respondent: (total before, total after, group before, group after).
_PairRow = tuple[float, float, str, str]


def _design(before: Wave, after: Wave) -> tuple[Design, str, list[_PairRow] | None, list[str]]:
    fb, fa = before.respondents, after.respondents
    if fb is None or fa is None:
        which = " and ".join(name for name, f in (("before", fb), ("after", fa)) if f is None)
        return (
            "summary",
            f"The {which} wave is a saved assessment (JSON), which holds no per-respondent "
            "answers, so the changes are shown without confidence intervals or tests. "
            "Compare the two responses files to get them.",
            None,
            [],
        )
    notes: list[str] = []
    for name, frame in (("before", fb), ("after", fa)):
        doubled = _doubled(frame)
        if doubled:
            notes.append(
                f"{doubled} respondent code(s) appear more than once in the {name} wave; "
                "those codes are not paired."
            )
    cb, ca = _codes(fb), _codes(fa)
    common = sorted(set(cb) & set(ca))
    if len(common) >= MIN_PAIRS:
        return (
            "paired",
            f"Paired design: {len(common)} respondent code(s) appear in both waves "
            f"({len(cb)} coded before, {len(ca)} after); their own changes are tested with "
            "the Wilcoxon signed-rank test.",
            _pair_rows([(cb[c], ca[c]) for c in common], fb, fa),
            notes,
        )
    if not cb or not ca:
        why = "the {} wave has no respondent codes".format("before" if not cb else "after")
    else:
        why = f"only {len(common)} respondent code(s) appear in both waves"
    return (
        "independent",
        f"Independent samples: {why}, so the waves are compared as separate groups of "
        "people (Mann–Whitney U test on each group's totals).",
        None,
        notes,
    )


def _pair_rows(pairs: list[tuple[int, int]], fb: pd.DataFrame, fa: pd.DataFrame) -> list[_PairRow]:
    rows: list[_PairRow] = []
    for pb, pa in pairs:
        rows.append(
            (
                float(fb["total"].iloc[pb]),
                float(fa["total"].iloc[pa]),
                str(fb["group"].iloc[pb]),
                str(fa["group"].iloc[pa]),
            )
        )
    return rows


def _direction(
    stages: list[str], before: StageRef | None, after: StageRef | None
) -> tuple[Direction, int | None]:
    if before is None or after is None or before.id not in stages or after.id not in stages:
        return "unknown", None
    steps = stages.index(after.id) - stages.index(before.id)
    return ("up" if steps > 0 else "down" if steps < 0 else "same"), steps


def _stage_order(a: Assessment, b: Assessment) -> list[str]:
    key = b.stages or a.stages

    def low(stage: dict[str, object]) -> float:
        value = stage.get("min", 0)
        return float(value) if isinstance(value, int | float) else 0.0

    return [str(s["id"]) for s in sorted(key, key=low)]


def _stages(a: Assessment, b: Assessment) -> list[StageChange]:
    order = _stage_order(a, b)
    out: list[StageChange] = []
    direction, steps = _direction(order, a.overall.stage, b.overall.stage)
    out.append(
        StageChange(
            scope="overall",
            label="Overall",
            before=a.overall.stage,
            after=b.overall.stage,
            direction=direction,
            steps=steps,
            note=None if direction != "unknown" else "no stage in one of the waves",
        )
    )
    for gid, label in _group_ids(a, b):
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
                note=_withheld(ga, gb),
            )
        )
    return out


def _group_ids(a: Assessment, b: Assessment) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for g in [*a.groups, *b.groups]:
        seen.setdefault(g.id, g.label)
    return list(seen.items())


def _withheld(ga: Any, gb: Any) -> str | None:
    if ga is None:
        return "no respondents before"
    if gb is None:
        return "no respondents after"
    if ga.suppressed or gb.suppressed:
        which = " and ".join(w for w, g in (("before", ga), ("after", gb)) if g.suppressed)
        return f"withheld {which} (too few respondents)"
    return None


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
    from salesmkt.analysis.statistics import compare_groups

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


def _totals(before: Wave, after: Wave, design: Design, seed: int, n_boot: int) -> list[Change]:
    a, b = before.assessment, after.assessment
    fb, fa = before.respondents, after.respondents
    per_person = fb is not None and fa is not None
    out = [_overall_change(before, after, seed, n_boot)]
    for gid, label in _group_ids(a, b):
        ga, gb = a.group(gid), b.group(gid)
        withheld = _withheld(ga, gb)
        if withheld is not None or ga is None or gb is None:
            out.append(Change(scope=gid, label=label, note=withheld))
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
    import numpy as np

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


def _dimension_changes(
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
            label="Total score",
            before=before,
            after=after,
            narrowed=narrowed,
            reversed=reversed_,
            note=None if narrowed is not None else (why or "no gap in one of the waves"),
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
                note=None if narrowed is not None else (why or "no gap in one of the waves"),
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


def _paired(
    rows: Sequence[_PairRow],
    a: Assessment,
    b: Assessment,
    k_min: int,
    seed: int,
    n_boot: int,
) -> list[PairedChange]:
    usable = [r for r in rows if math.isfinite(r[0]) and math.isfinite(r[1])]
    out = [_paired_change("all", "Everyone", usable, k_min, seed, n_boot)]
    notes: list[str] = []
    hidden = len(rows) - len(usable)
    if hidden:
        notes.append(f"{hidden} matched respondent(s) left out (withheld group or not scored)")
    moved = sum(1 for r in usable if r[2] != r[3])
    if moved:
        notes.append(f"{moved} changed group: counted here, not in the group rows")
    if notes and out[0].note is None:
        out[0].note = "; ".join(notes)
    for gid, label in _group_ids(a, b):
        same = [r for r in usable if r[2] == gid and r[3] == gid]
        if same:
            out.append(_paired_change(gid, label, same, k_min, seed, n_boot))
    return out


def paired_statistics(
    before_totals: Sequence[float], after_totals: Sequence[float], *, seed: int, n_boot: int
) -> PairedChange:
    """Mean/median paired difference, bootstrap CI and Wilcoxon signed-rank test."""
    import numpy as np
    from scipy.stats import wilcoxon

    from salesmkt.analysis.statistics import bootstrap_mean

    xb = np.asarray(before_totals, dtype=np.float64)
    xa = np.asarray(after_totals, dtype=np.float64)
    diff = xa - xb
    result = PairedChange(
        scope="all",
        label="",
        n=len(diff),
        mean_before=_finite(xb.mean()) if len(xb) else None,
        mean_after=_finite(xa.mean()) if len(xa) else None,
        mean_difference=_finite(diff.mean()) if len(diff) else None,
        median_difference=_finite(np.median(diff)) if len(diff) else None,
        improved=int((diff > 0).sum()),
        worsened=int((diff < 0).sum()),
        unchanged=int((diff == 0).sum()),
    )
    boot = bootstrap_mean(diff, seed=seed, n_boot=n_boot)
    if boot.ci_low is not None and boot.ci_high is not None:
        result.ci = (boot.ci_low, boot.ci_high)
    if not np.any(diff != 0):
        result.note = "no matched respondent's total changed, so there is nothing to test"
        return result
    if len(diff) <= SCIPY_PERMUTATION_MAX_N and _has_ties_or_zeros(diff):
        result.wilcoxon_statistic, result.p_value = signed_rank_exact(diff)
        return result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            test = wilcoxon(xa, xb)
        except ValueError as exc:
            result.note = f"Wilcoxon test not estimable: {exc}"
            return result
    result.wilcoxon_statistic = _finite(test.statistic)
    result.p_value = _finite(test.pvalue)
    return result


#: Up to this many pairs, ``scipy.stats.wilcoxon`` answers samples with ties or zero
#: differences by enumerating all 2**n sign flips through ``permutation_test``, which
#: takes seconds at n = 13; :func:`signed_rank_exact` gives the same p-value at once.
SCIPY_PERMUTATION_MAX_N = 13


def _has_ties_or_zeros(diff: FloatArray) -> bool:
    import numpy as np

    nonzero = np.abs(diff[diff != 0])
    return bool(len(nonzero) < len(diff) or len(np.unique(nonzero)) < len(nonzero))


def signed_rank_exact(diff: Sequence[float] | FloatArray) -> tuple[float, float]:
    """Wilcoxon signed-rank statistic and exact two-sided p, ties and zeros allowed.

    The same test as ``scipy.stats.wilcoxon`` (zero differences dropped, average ranks
    for ties, ``W = min(R+, R-)``, p = 2·min(P(R+ ≤ r+), P(R+ ≥ r+)) capped at 1) over
    the exact sign-flip distribution. Ranks are doubled so every sum is an integer: the
    distribution is a subset-sum count, built in O(n · Σ ranks).
    """
    import numpy as np
    from scipy.stats import rankdata

    d = np.asarray(diff, dtype=np.float64)
    d = d[d != 0]
    if len(d) == 0:
        raise ValueError("no non-zero differences")
    doubled = np.rint(2 * rankdata(np.abs(d))).astype(np.int64)
    total = int(doubled.sum())
    ways = np.zeros(total + 1, dtype=np.float64)  # ways[s]: sign patterns with 2·R+ = s
    ways[0] = 1.0
    for r in doubled:
        shifted = np.zeros_like(ways)
        shifted[r:] = ways[: total + 1 - r]
        ways += shifted
    observed = int(doubled[d > 0].sum())
    n_patterns = 2.0 ** len(d)
    p_less = ways[: observed + 1].sum() / n_patterns
    p_greater = ways[observed:].sum() / n_patterns
    p = min(1.0, 2 * min(p_less, p_greater))
    statistic = min(observed, total - observed) / 2
    return float(statistic), float(p)


def _paired_change(
    scope: str, label: str, rows: Sequence[_PairRow], k_min: int, seed: int, n_boot: int
) -> PairedChange:
    if len(rows) < k_min:
        return PairedChange(
            scope=scope,
            label=label,
            n=len(rows),
            note=f"withheld: fewer matched respondents than the anonymity threshold ({k_min})",
        )
    if len(rows) < MIN_PAIRS:
        return PairedChange(scope=scope, label=label, n=len(rows), note="too few pairs")
    result = paired_statistics([r[0] for r in rows], [r[1] for r in rows], seed=seed, n_boot=n_boot)
    result.scope, result.label = scope, label
    return result
