"""The workshop report: one assessment turned into a self-contained HTML or Markdown page.

Vocabulary:
- *report*: a :class:`Report`, the plain, already-worded view of an assessment that both
  renderers share (HTML here through a jinja2 template, Markdown in
  :mod:`salesmkt.render.report.markdown`), so the two formats cannot disagree with each other
  or with ``score``. Numbers are formatted once, here.
- *comment*: a respondent's free text with the id of their group. Comments are not part
  of the assessment (which stays figures-only and anonymous) and are handed in
  separately by the caller. A group's comments are shown only when the group has at
  least ``min_comment_group`` scored respondents (and is not suppressed), in an order
  shuffled by a fixed seed so that row order cannot identify anyone.
- *stage description*: what a stage means, from the assessment's scoring key when it
  carries ``description`` and otherwise from the questionnaire.
- *self-contained*: the HTML needs nothing beyond itself: styles are inline, charts are
  inline SVG, there is no script, and a Content-Security-Policy forbids every remote
  load, so opening it offline (or from an e-mail) shows everything and fetches nothing.

jinja2 and matplotlib are imported inside the functions that need them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.model.assessment import (
    AgreementResult,
    Assessment,
    GroupResult,
    ItemResult,
    ReliabilityResult,
    Settings,
    StageRef,
)

if TYPE_CHECKING:
    import pandas as pd

    from salesmkt.analysis.compare import Change, Comparison, GapChange
    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.intake.responses import ResponseTable
    from salesmkt.intake.source import ResponseSource
    from salesmkt.render.charts import Chart

DEFAULT_MIN_COMMENT_GROUP = 5
MAX_COMMENTS_PER_GROUP = 200
MAX_LISTED = 50  # excluded respondents / warnings listed one by one before "… and N more"

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)

QUADRANT_WORDS = {
    "shared_strength": "shared strength",
    "shared_pain": "shared pain",
    "split": "split view",
    "mixed": "mixed",
}
VERDICT_WORDS = {
    "stay": "Stay at this stage",
    "move_up": "Move up a stage",
    "mixed": "The situation points both ways",
    "unknown": "Stay or move up: not yet decided",
    "top": "Already at the top stage",
}


# -- inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    """One respondent's free text and the id of their group."""

    group: str
    text: str


def comments_from_table(table: ResponseTable) -> list[Comment]:
    """Every non-empty free-text cell of a responses table, with its respondent's group.

    Only respondents that passed the data-quality gate are in the table, so an excluded
    respondent's comment is never shown. Cells without a letter or digit ("-", "…")
    are not comments.
    """
    found: list[Comment] = []
    groups = [str(g) for g in table.group.tolist()]
    for column in table.comments.columns:
        for group, value in zip(groups, table.comments[column].tolist(), strict=True):
            if not isinstance(value, str):
                continue
            text = value.strip()
            if any(ch.isalnum() for ch in text):
                found.append(Comment(group, text))
    return found


@dataclass(frozen=True)
class ReportOptions:
    min_comment_group: int = DEFAULT_MIN_COMMENT_GROUP
    show_comments: bool = True
    generated: str | None = None
    title: str = "Sales & Marketing alignment: workshop report"


# -- the worded view -------------------------------------------------------------------


@dataclass
class GroupRow:
    id: str
    label: str
    n: int
    suppressed: bool
    score: str
    stage: str
    ci: str
    median: str
    sd: str
    range: str
    compared: bool


@dataclass
class ItemRow:
    id: str
    short: str
    text: str
    dimension: str
    first: str
    second: str
    gap: str
    ci: str
    delta: str
    effect: str
    p: str
    quadrant: str
    flagged: bool
    direction: str
    support: str


@dataclass
class DimensionRow:
    id: str
    label: str
    first: str
    second: str
    gap: str
    quadrant: str
    flagged: bool


@dataclass
class ActionView:
    title: str
    action: str
    why: str
    owner: str
    horizon: str
    transition: str
    priority: int
    evidence: list[str]


@dataclass
class AdviceView:
    verdict: str
    verdict_label: str
    message: str
    current_stage: str
    next_stage: str
    next_description: str
    stay_reasons: list[str]
    move_reasons: list[str]
    actions: list[ActionView]
    missing_inputs: list[str]
    rules: str


@dataclass
class CommentGroup:
    label: str
    n: int
    texts: list[str]
    total: int


@dataclass
class StageRow:
    label: str
    range: str
    description: str
    current: bool


@dataclass
class SegmentRow:
    by: str
    value: str
    n: int
    suppressed: bool
    overall: str
    stage: str
    groups: str


@dataclass
class ProgressView:
    """What changed since a baseline wave (``--baseline``), worded."""

    baseline: str
    design_note: str
    stages: list[tuple[str, str, str, str]]  # label, before, after, movement
    totals: list[tuple[str, str, str, str, str, str]]  # label, before, after, change, CI, p
    dimensions: list[tuple[str, str, str, str, str]]  # label, before, after, change, CI
    gaps: list[tuple[str, str, str, str]]  # label, before, after, narrowed/widened
    movers: list[tuple[str, str, str, str]]  # statement, before, after, change
    notes: list[str]


@dataclass
class Report:
    """Everything a renderer prints, as plain strings and lists (no figures to format)."""

    title: str
    generated: str | None
    questionnaire: str
    questionnaire_id: str
    questionnaire_version: str
    tool_version: str
    source_file: str | None
    first_label: str
    second_label: str
    headline_stage: str
    headline_score: str
    headline_range: str
    headline_description: str
    headline_note: str
    overall_method: str
    key_findings: list[str]
    groups: list[GroupRow]
    group_ci: bool  # whether any group has a confidence interval to show
    stage_disagreement: str | None
    borderline: list[str]
    total_gap: str | None
    flagged_items: list[ItemRow]
    items: list[ItemRow]
    not_estimable_items: list[str]
    dimensions: list[DimensionRow]
    reliability: list[str]
    agreement: list[str]
    respondents: str
    excluded: list[str]
    excluded_more: int
    suppressed: list[str]
    warnings: list[str]
    warnings_more: int
    segments: list[SegmentRow]
    advice: AdviceView | None
    comments: list[CommentGroup]
    comments_note: str
    stages: list[StageRow]
    methods: list[tuple[str, str]]
    settings: list[tuple[str, str]]
    progress: ProgressView | None = None


# -- number formatting (one place, so HTML and Markdown agree) -------------------------


def _tidy(value: float, digits: int) -> float:
    return round(value, digits) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{_tidy(value, digits):.{digits}f}"


def fmt_signed(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{_tidy(value, digits):+.{digits}f}"


def fmt_ci(ci: tuple[float, float] | None, digits: int = 1) -> str:
    if ci is None:
        return "–"
    return f"{_tidy(ci[0], digits):.{digits}f} to {_tidy(ci[1], digits):.{digits}f}"


def fmt_p(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _whole_or_1dp(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def fmt_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "–"
    return f"{_whole_or_1dp(low)}–{_whole_or_1dp(high)}"


# -- building the view -----------------------------------------------------------------


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _and(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


class _Names:
    """Group ids to labels, for every place that shows a group."""

    def __init__(self, assessment: Assessment) -> None:
        self.labels = {g.id: g.label for g in assessment.groups}

    def __call__(self, group_id: str | None) -> str:
        if group_id is None:
            return ""
        if group_id == "pooled":
            return "All scored respondents"
        if group_id == "overall":
            return "The organisation"
        return self.labels.get(group_id, group_id)


def stage_descriptions(
    assessment: Assessment, questionnaire: Questionnaire | None = None
) -> dict[str, str]:
    """Stage id → description, from the scoring key or else the matching questionnaire."""
    found: dict[str, str] = {}
    for stage in assessment.stages:
        text = stage.get("description")
        if isinstance(text, str) and text.strip():
            found[str(stage.get("id"))] = text.strip()
    if questionnaire is not None and questionnaire.id == assessment.questionnaire.id:
        for qs in questionnaire.stages:
            if qs.description and qs.id not in found:
                found[qs.id] = qs.description.strip()
    return found


def _suppressed_ids(assessment: Assessment) -> set[str]:
    return {g.id for g in assessment.groups if g.suppressed}


def _group_row(group: GroupResult, compared: bool) -> GroupRow:
    if group.suppressed:
        return GroupRow(
            id=group.id,
            label=group.label,
            n=group.n,
            suppressed=True,
            score="withheld",
            stage="withheld",
            ci="–",
            median="–",
            sd="–",
            range="–",
            compared=compared,
        )
    return GroupRow(
        id=group.id,
        label=group.label,
        n=group.n,
        suppressed=False,
        score=fmt(group.mean),
        stage=group.stage.label if group.stage else "–",
        ci=fmt_ci(group.ci),
        median=fmt(group.median),
        sd=fmt(group.sd),
        range=fmt_range(group.min, group.max),
        compared=compared,
    )


def _item_row(item: ItemResult, first: str, second: str, names: _Names) -> ItemRow:
    if item.gap is None:
        support = item.not_estimable or "not estimable"
    elif item.ci_excludes_zero is None:
        support = "not tested"
    elif item.ci_excludes_zero:
        support = "the data back it (95% CI excludes 0)"
    else:
        support = "not backed by the data yet (95% CI includes 0)"
    return ItemRow(
        id=item.id,
        short=item.short or item.text,
        text=item.text,
        dimension=item.dimension or "",
        first=fmt(item.means_by_group.get(first)),
        second=fmt(item.means_by_group.get(second)),
        gap=fmt_signed(item.gap),
        ci=fmt_ci(item.ci),
        delta=fmt_signed(item.cliffs_delta, 2),
        effect=(
            f"{item.effect_size} (δ = {fmt_signed(item.cliffs_delta, 2)})"
            if item.effect_size
            else "–"
        ),
        p=fmt_p(item.p_adjusted if item.p_adjusted is not None else item.p_value),
        quadrant=QUADRANT_WORDS.get(item.quadrant or "", "–"),
        flagged=item.flagged,
        direction=f"{names(item.direction)} rates higher" if item.direction else "",
        support=support,
    )


def _alpha_words(alpha: float) -> str:
    if alpha >= 0.9:
        return "excellent"
    if alpha >= 0.8:
        return "good"
    if alpha >= 0.7:
        return "acceptable"
    if alpha >= 0.6:
        return "questionable"
    return "poor"


def _reliability_sentence(rel: ReliabilityResult, names: _Names) -> str:
    who = names(rel.scope)
    if rel.alpha is None:
        reason = rel.not_estimable or "not enough data"
        return f"{who} (n = {rel.n}): reliability could not be estimated ({reason})."
    words = _alpha_words(rel.alpha)
    if rel.warning:  # the statistics' own wording names the figure and the likely cause
        return f"{who} (n = {rel.n}): {words}. {rel.warning}"
    text = f"{who} (n = {rel.n}): Cronbach's alpha is {rel.alpha:.2f}, {words}: "
    if rel.alpha >= 0.7:
        return text + "the statements hang together well enough to add them up into one score."
    return text + (
        "the total is not a reliable measure for these respondents. Read the stage as a "
        "rough indication."
    )


def _rwg_words(rwg: float) -> str:
    # LeBreton & Senter (2008)'s bands for r_wg.
    if rwg <= 0.30:
        return "no real agreement"
    if rwg <= 0.50:
        return "weak agreement"
    if rwg <= 0.70:
        return "moderate agreement"
    if rwg <= 0.90:
        return "strong agreement"
    return "very strong agreement"


def _agreement_sentence(agr: AgreementResult, names: _Names) -> str:
    who = names(agr.group)
    if agr.rwg_j is None and agr.ad_m is None:
        reason = agr.not_estimable or "not enough data"
        return f"{who} (n = {agr.n}): agreement could not be estimated ({reason})."
    parts = []
    if agr.rwg_j is not None:
        parts.append(f"r_wg(J) = {agr.rwg_j:.2f}")
    if agr.ad_m is not None:
        parts.append(f"AD_M = {agr.ad_m:.2f}")
    words = _rwg_words(agr.rwg_j) if agr.rwg_j is not None else "agreement measured by AD_M"
    text = f"{who} (n = {agr.n}): {words} within the group ({', '.join(parts)})."
    if agr.note:
        text += f" {agr.note}"
    elif agr.low_agreement:
        text += " Its members answer very differently, so its mean may hide a split team."
    return text


def _comment_groups(
    assessment: Assessment, comments: Sequence[Comment], options: ReportOptions
) -> tuple[list[CommentGroup], str]:
    threshold = max(options.min_comment_group, assessment.settings.min_group_size)
    if not options.show_comments:
        return [], "Comments are left out of this report (--no-comments)."
    by_group: dict[str, list[str]] = {}
    for comment in comments:
        text = " ".join(str(comment.text).split())
        if text:
            by_group.setdefault(comment.group, []).append(text)
    if not by_group:
        return [], "No free-text comments were given."
    shown: list[CommentGroup] = []
    hidden: list[str] = []
    rng = random.Random(assessment.settings.seed)  # noqa: S311 - an order, not a secret
    for group in assessment.groups:
        texts = by_group.get(group.id)
        if not texts:
            continue
        if group.suppressed or group.n < threshold:
            hidden.append(group.label)
            continue
        shuffled = sorted(texts)  # start from a canonical order: input order must not leak
        rng.shuffle(shuffled)
        shown.append(
            CommentGroup(
                label=group.label,
                n=group.n,
                texts=shuffled[:MAX_COMMENTS_PER_GROUP],
                total=len(shuffled),
            )
        )
    notes = [
        f"Comments are shown only for groups of at least {threshold} respondents, "
        "in shuffled order, with nothing that links them to a person."
    ]
    if hidden:
        notes.append(f"Not shown (group too small): {', '.join(hidden)}.")
    return shown, " ".join(notes)


def _advice_view(
    assessment: Assessment, descriptions: Mapping[str, str], names: _Names
) -> AdviceView | None:
    advice = assessment.advice
    if advice is None:
        return None
    som = advice.stay_or_move
    actions = [
        ActionView(
            title=a.title,
            action=a.action,
            why=a.why,
            owner=names(a.owner) if a.owner else "",
            horizon=a.horizon or "",
            transition=(a.transition or "").replace("->", " → "),
            priority=a.priority,
            evidence=[e.text for e in a.evidence],
        )
        for a in advice.actions  # recommend has put them in order (priority 1 first)
    ]
    rules = ""
    if advice.rules is not None:
        rules = f"{advice.rules.title or advice.rules.id} (version {advice.rules.version})"
    return AdviceView(
        verdict=som.verdict,
        verdict_label=VERDICT_WORDS.get(som.verdict, som.verdict),
        message=som.message,
        current_stage=som.current_stage.label if som.current_stage else "",
        next_stage=som.next_stage.label if som.next_stage else "",
        next_description=descriptions.get(som.next_stage.id, "") if som.next_stage else "",
        stay_reasons=list(som.stay_reasons),
        move_reasons=list(som.move_reasons),
        actions=actions,
        missing_inputs=list(advice.missing_inputs),
        rules=rules,
    )


def _num_text(value: object) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _stage_range(stage: Mapping[str, object]) -> str:
    low, high = stage.get("min"), stage.get("max")
    if high is None:
        return f"{_num_text(low)} and above"
    return f"{_num_text(low)}–{_num_text(high)}"


def _stage_rows(
    assessment: Assessment, descriptions: Mapping[str, str], current: str | None
) -> list[StageRow]:
    rows = []
    for stage in sorted(assessment.stages, key=lambda s: float(str(s.get("min", 0)))):
        sid = str(stage.get("id", ""))
        rows.append(
            StageRow(
                label=str(stage.get("label", sid)),
                range=_stage_range(stage),
                description=descriptions.get(sid, ""),
                current=sid == current,
            )
        )
    return rows


def _methods(assessment: Assessment, first: str, second: str) -> list[tuple[str, str]]:
    s = assessment.settings
    midpoint = f"{s.midpoint:g}" if s.midpoint is not None else "the scale's midpoint"
    overall = (
        f"the mean of the {first} and {second} group means, so each function counts "
        "equally whatever its head count; the pooled mean, which weighs every respondent "
        "equally, is shown beside it"
        if assessment.overall.method == "equal-weight"
        else "the mean of every scored respondent's total (pooled)"
    )
    return [
        (
            "Total score",
            "Each answer is an item score; reverse-worded items are recoded as "
            "(scale minimum + scale maximum − answer). A respondent's total is the sum of "
            "the item scores. A respondent who skipped at most "
            f"{s.max_missing:.0%} of the items is prorated: mean of the answered items × "
            "number of items. Anyone missing more is excluded and listed.",
        ),
        (
            "Group and overall score",
            "A group's score is the mean of its members' totals; its stage is the band "
            f"that mean falls in. The overall score is {overall}.",
        ),
        (
            "Perception gap",
            f"gap = mean({first}) − mean({second}); a positive gap means {first} rates "
            f"the statement higher. The 95% confidence interval is a percentile bootstrap "
            f"({s.n_boot} resamples within each group, seed {s.seed}).",
        ),
        (
            "Significance",
            "Mann–Whitney U test (a permutation p-value for small groups); on the total "
            f"also Welch's t-test. Item p-values are adjusted for multiple comparisons "
            f"({s.adjust}).",
        ),
        (
            "Effect size",
            f"Cliff's delta δ = P(X > Y) − P(X < Y) for a random {first} answer X and "
            f"{second} answer Y, read with Romano et al.'s bands: negligible |δ| < 0.147, "
            "small < 0.33, medium < 0.474, large otherwise. Hedges' g on the total and "
            "the dimensions.",
        ),
        (
            "Flagged gap",
            f"|gap| ≥ {s.gap_threshold:g} scale point(s) per item (the same per-item "
            "threshold for dimension means, and scaled by the number of items for the "
            "total). Practical size decides the flag; the confidence interval says "
            "whether the data are strong enough to back it.",
        ),
        (
            "Quadrant",
            f"Midpoint: {midpoint}. Split view: a flagged gap. Otherwise shared strength: "
            "both groups' means at or above the midpoint; shared pain: both below it; "
            "mixed: one on each side.",
        ),
        (
            "Reliability",
            "Cronbach's alpha = k/(k − 1) · (1 − Σ item variances / variance of the "
            "total), k items. Below 0.70 the total is not a reliable measure for those "
            "respondents.",
        ),
        (
            "Agreement within a group",
            "r_wg(J) = J(1 − s̄²/σ²ₑ) / (J(1 − s̄²/σ²ₑ) + s̄²/σ²ₑ), with s̄² the mean item "
            "variance, J the number of items and σ²ₑ = (A² − 1)/12 for an A-point scale "
            "(truncated to 0 when s̄² > σ²ₑ). AD_M is the mean absolute deviation from the "
            "item mean; above c/6 (c = number of scale points) agreement is low.",
        ),
        (
            "Anonymity",
            f"A group or segment with fewer than {s.min_group_size} respondents shows its "
            "size only; no withheld figure can be worked out from the figures shown.",
        ),
    ]


def _settings(
    assessment: Assessment, options: ReportOptions, threshold: int, names: _Names
) -> list[tuple[str, str]]:
    s = assessment.settings
    q = assessment.questionnaire
    rows = [
        ("Questionnaire", f"{q.title or q.id} (id {q.id}, version {q.version})"),
        ("Tool", f"salesmkt {assessment.tool_version}".strip()),
        ("Compared groups", " − ".join(names(g) for g in assessment.compare) or "–"),
        ("Minimum group size", str(s.min_group_size)),
        ("Maximum missing answers", f"{s.max_missing:.0%}"),
        ("Gap threshold", f"{s.gap_threshold:g} scale point(s) per item"),
        ("p-value adjustment", s.adjust),
        ("Bootstrap", f"{s.n_boot} resamples, seed {s.seed}"),
        ("Quadrant midpoint", f"{s.midpoint:g}" if s.midpoint is not None else "scale midpoint"),
        ("Breakdown (--by)", ", ".join(s.by) or "none"),
        (
            "Comments",
            f"groups of at least {threshold}" if options.show_comments else "left out",
        ),
    ]
    if assessment.source_file:
        rows.insert(1, ("Source file", Path(assessment.source_file).name))
    if options.generated:
        rows.append(("Generated", options.generated))
    return rows


def build_report(
    assessment: Assessment,
    *,
    questionnaire: Questionnaire | None = None,
    comments: Sequence[Comment] = (),
    options: ReportOptions | None = None,
    comparison: Comparison | None = None,
) -> Report:
    """Word an assessment for the report (no I/O, no charts).

    ``comparison`` (from :func:`salesmkt.analysis.compare.compare_waves`, this assessment being
    the *after* wave) adds the progress since a baseline.
    """
    options = options or ReportOptions()
    names = _Names(assessment)
    descriptions = stage_descriptions(assessment, questionnaire)
    compare = list(assessment.compare[:2])
    first_id = compare[0] if compare else ""
    second_id = compare[1] if len(compare) > 1 else ""
    first, second = names(first_id), names(second_id)
    hidden = _suppressed_ids(assessment)
    overall = assessment.overall

    # headline
    stage = overall.stage
    headline_stage = stage.label if stage else "Not determined"
    headline_range = ""
    for row in assessment.stages:
        if stage is not None and row.get("id") == stage.id:
            headline_range = _stage_range(row)
    note = overall.note or ""
    if overall.score is None and not note:
        note = "The overall score needs both compared groups' figures, and one is missing."
    method = (
        f"{first} and {second} weigh equally; pooled mean of all respondents "
        f"{fmt(overall.pooled_mean)}"
        if overall.method == "equal-weight" and overall.pooled_mean is not None
        else ("every respondent weighs equally" if overall.method == "pooled" else "")
    )

    groups = [_group_row(g, g.id in compare) for g in assessment.groups]

    disagreement = None
    sd = assessment.stage_disagreement
    if sd is not None and sd.differs:
        disagreement = sd.headline or ", ".join(
            f"{names(k)} sees {v.label}" for k, v in sd.stages.items() if v is not None
        )
    borderline = [_sentence(b.message) for b in assessment.borderline if b.who not in hidden]

    total_gap = None
    tg = assessment.total_gap
    if tg is not None and tg.gap is not None:
        direction = "higher" if tg.gap >= 0 else "lower"
        bits = [f"95% CI {fmt_ci(tg.ci)}"]
        if tg.welch_t is not None:
            bits.append(f"Welch's t = {tg.welch_t:.2f}, p = {fmt_p(tg.welch_p)}")
        if tg.cliffs_delta is not None:
            bits.append(f"Cliff's δ = {tg.cliffs_delta:+.2f}, {tg.effect_size or '–'} effect")
        if tg.hedges_g is not None:
            bits.append(f"Hedges' g = {tg.hedges_g:+.2f}")
        total_gap = (
            f"On the total, {first} scores {abs(tg.gap):.1f} points {direction} than "
            f"{second} ({'; '.join(bits)})."
        )

    items = [_item_row(i, first_id, second_id, names) for i in assessment.items]
    flagged = sorted(
        (r for r, i in zip(items, assessment.items, strict=True) if i.flagged),
        key=lambda r: -abs(float(r.gap)) if r.gap != "–" else 0.0,
    )
    not_estimable = [
        f"{i.id}: {i.not_estimable}" for i in assessment.items if i.gap is None and i.not_estimable
    ]
    dimensions = [
        DimensionRow(
            id=d.id,
            label=d.label,
            first=fmt(d.means_by_group.get(first_id), 2),
            second=fmt(d.means_by_group.get(second_id), 2),
            gap=fmt_signed(d.gap, 2),
            quadrant=QUADRANT_WORDS.get(d.quadrant or "", "–"),
            flagged=d.flagged,
        )
        for d in assessment.dimensions
    ]

    reliability = [
        _reliability_sentence(r, names) for r in assessment.reliability if r.scope not in hidden
    ]
    agreement = [
        _agreement_sentence(a, names) for a in assessment.agreement if a.group not in hidden
    ]

    resp = assessment.respondents
    respondents = (
        f"{resp.total} response(s) read, {resp.scored} scored"
        + (f" ({resp.prorated} with some answers missing, prorated)" if resp.prorated else "")
        + f", {len(resp.excluded)} excluded."
    )
    excluded = [
        f"Row {e.row}" + (f" ({names(e.group)})" if e.group else "") + f": {e.reason}"
        for e in resp.excluded[:MAX_LISTED]
    ]
    warnings = [w.message for w in assessment.warnings[:MAX_LISTED]]

    segments = []
    for seg in assessment.segments:
        if seg.suppressed:
            segments.append(SegmentRow(seg.by, seg.value, seg.n, True, "withheld", "withheld", ""))
            continue
        parts = [
            f"{g.label} {fmt(g.mean)} (n = {g.n})" if not g.suppressed else f"{g.label} (n = {g.n})"
            for g in seg.groups
        ]
        segments.append(
            SegmentRow(
                by=seg.by,
                value=seg.value,
                n=seg.n,
                suppressed=False,
                overall=fmt(seg.overall.score),
                stage=seg.overall.stage.label if seg.overall.stage else "–",
                groups="; ".join(parts),
            )
        )

    advice = _advice_view(assessment, descriptions, names)
    comment_groups, comments_note = _comment_groups(assessment, comments, options)
    threshold = max(options.min_comment_group, assessment.settings.min_group_size)

    findings: list[str] = []
    if overall.score is not None and stage is not None:
        highest = max(
            (float(v) for row in assessment.stages if isinstance(v := row.get("max"), int | float)),
            default=None,
        )
        out_of = f" out of {highest:g}" if highest is not None else ""
        findings.append(f"The organisation scores {fmt(overall.score)}{out_of}: {stage.label}.")
    if disagreement:
        findings.append(f"The two functions disagree on the stage: {disagreement}.")
    if flagged:
        largest = ", ".join(f"{r.short} ({r.gap})" for r in flagged[:3])
        findings.append(
            f"{len(flagged)} statement(s) show a large perception gap between {first} and "
            f"{second}: {largest}."
        )
    elif assessment.items and any(i.gap is not None for i in assessment.items):
        findings.append(f"No statement shows a large perception gap between {first} and {second}.")
    if advice is not None and advice.message:
        findings.append(advice.message)
    low_alpha = [r for r in assessment.reliability if r.alpha is not None and r.alpha < 0.7]
    low_alpha = [r for r in low_alpha if r.scope not in hidden]
    if low_alpha:
        who = _and(
            [
                "all respondents together" if r.scope == "pooled" else names(r.scope)
                for r in low_alpha
            ]
        )
        findings.append(
            f"Read the scores with care: Cronbach's alpha is below 0.70 for {who}, so the "
            "total is not a reliable measure for them."
        )
    if assessment.suppressed:
        findings.append("Some figures are withheld to protect anonymity (see data quality).")

    q = assessment.questionnaire
    return Report(
        title=options.title,
        generated=options.generated,
        questionnaire=q.title or q.id,
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        tool_version=assessment.tool_version,
        source_file=Path(assessment.source_file).name if assessment.source_file else None,
        first_label=first,
        second_label=second,
        headline_stage=headline_stage,
        headline_score=fmt(overall.score),
        headline_range=headline_range,
        headline_description=descriptions.get(stage.id, "") if stage else "",
        headline_note=note,
        overall_method=method,
        key_findings=findings,
        groups=groups,
        group_ci=any(g.ci is not None and not g.suppressed for g in assessment.groups),
        stage_disagreement=disagreement,
        borderline=borderline,
        total_gap=total_gap,
        flagged_items=flagged,
        items=items,
        not_estimable_items=not_estimable,
        dimensions=dimensions,
        reliability=reliability,
        agreement=agreement,
        respondents=respondents,
        excluded=excluded,
        excluded_more=max(0, len(resp.excluded) - MAX_LISTED),
        suppressed=list(assessment.suppressed),
        warnings=warnings,
        warnings_more=max(0, len(assessment.warnings) - MAX_LISTED),
        segments=segments,
        advice=advice,
        comments=comment_groups,
        comments_note=comments_note,
        stages=_stage_rows(assessment, descriptions, stage.id if stage else None),
        progress=_progress_view(comparison) if comparison is not None else None,
        methods=_methods(assessment, first, second),
        settings=_settings(assessment, options, threshold, names),
    )


_MOVES = {"up": "up", "down": "down", "same": "unchanged", "unknown": "–"}


def _progress_view(c: Comparison) -> ProgressView:
    def stage(ref: StageRef | None) -> str:
        return ref.label if ref is not None else "–"

    def movement(direction: str, steps: int | None) -> str:
        word = _MOVES.get(direction, direction)
        if steps and direction in {"up", "down"}:
            word += f" {abs(steps)} stage" + ("s" if abs(steps) > 1 else "")
        return word

    def p_text(change: Change) -> str:
        if change.p_value is None:
            return change.note or "–"
        return f"{fmt_p(change.p_value)} ({change.test})" if change.test else fmt_p(change.p_value)

    def gap_words(g: GapChange) -> str:
        if g.reversed:
            return "reversed"
        if g.narrowed is None:
            return g.note or "–"
        return "narrowed" if g.narrowed else "widened or unchanged"

    baseline = c.before.source or "the baseline"
    return ProgressView(
        baseline=Path(baseline).name,
        design_note=c.design_note,
        stages=[
            (s.label, stage(s.before), stage(s.after), movement(s.direction, s.steps))
            for s in c.stages
        ],
        totals=[
            (t.label, fmt(t.before), fmt(t.after), fmt_signed(t.change), fmt_ci(t.ci), p_text(t))
            for t in c.totals
        ],
        dimensions=[
            (d.label, fmt(d.before, 2), fmt(d.after, 2), fmt_signed(d.change, 2), fmt_ci(d.ci, 2))
            for d in c.dimensions
        ],
        gaps=[(g.label, fmt_signed(g.before), fmt_signed(g.after), gap_words(g)) for g in c.gaps],
        movers=[
            (f"{m.id} {m.label}", fmt(m.before, 2), fmt(m.after, 2), fmt_signed(m.change, 2))
            for m in c.movers
        ],
        notes=list(c.notes),
    )


# -- charts ------------------------------------------------------------------------------


def make_charts(
    assessment: Assessment,
    *,
    questionnaire: Questionnaire | None = None,
    png: bool = False,
) -> list[Chart]:
    """The report's charts (band chart, gap chart, dimension profile)."""
    from salesmkt.render import charts

    scale: tuple[float, float] | None = None
    if (
        questionnaire is not None
        and questionnaire.scale.min is not None
        and questionnaire.scale.max is not None
    ):
        scale = (float(questionnaire.scale.min), float(questionnaire.scale.max))
    return charts.all_charts(assessment, png=png, scale=scale)


def write_chart_files(
    charts: Sequence[Chart], directory: Path, *, inputs: Sequence[Path] = ()
) -> dict[str, Path]:
    """Write each chart as ``NAME.svg`` and ``NAME.png`` into ``directory`` (created)."""
    from salesmkt.errors import OutputError
    from salesmkt.render.outputs import write_atomic

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot create the folder: {exc.strerror}") from None
    written: dict[str, Path] = {}
    for chart in charts:
        svg_path = directory / f"{chart.name}.svg"
        write_atomic(svg_path, chart.svg, inputs=inputs)
        written[chart.name] = svg_path
        if chart.png is not None:
            write_atomic(directory / f"{chart.name}.png", chart.png, inputs=inputs)
    return written


# -- HTML ----------------------------------------------------------------------------------


def render_html(report: Report, charts: Sequence[Chart] = ()) -> str:
    """The report as one self-contained HTML page (autoescaped jinja2 template)."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    by_name = {
        c.name: {
            "title": c.title,
            "description": c.description,
            "notes": c.notes,
            # Our own matplotlib output, stripped of comments and metadata and checked
            # for active content by charts.inline_svg: the only unescaped markup.
            "svg": Markup(c.inline_svg()),  # noqa: S704
        }
        for c in charts
    }
    template = env.get_template("report.html.j2")
    return template.render(r=report, charts=by_name, csp=CSP)


def html_report(
    assessment: Assessment,
    *,
    questionnaire: Questionnaire | None = None,
    comments: Sequence[Comment] = (),
    options: ReportOptions | None = None,
    charts: Sequence[Chart] | None = None,
) -> str:
    """Assessment → HTML in one call (draws the charts unless ``charts`` is given)."""
    report = build_report(
        assessment, questionnaire=questionnaire, comments=comments, options=options
    )
    if charts is None:
        charts = make_charts(assessment, questionnaire=questionnaire)
    return render_html(report, charts)


def markdown_report(
    assessment: Assessment,
    *,
    questionnaire: Questionnaire | None = None,
    comments: Sequence[Comment] = (),
    options: ReportOptions | None = None,
    chart_links: Mapping[str, str] | None = None,
) -> str:
    """Assessment → Markdown; ``chart_links`` maps chart names to relative file paths."""
    from salesmkt.render.report.markdown import render_markdown

    report = build_report(
        assessment, questionnaire=questionnaire, comments=comments, options=options
    )
    return render_markdown(report, chart_links=chart_links)


# -- from files (what the ``report`` command reads) ----------------------------------------


@dataclass
class ReportInputs:
    """The assessment to report on, with what the report needs beside it."""

    assessment: Assessment
    questionnaire: Questionnaire | None
    comments: list[Comment]
    from_json: bool
    respondents: pd.DataFrame | None = None  # per-respondent totals, for --baseline


def load_inputs(source: ResponseSource, settings: Settings) -> ReportInputs:
    """Score a responses file (keeping its comments) or read a saved assessment JSON.

    ``questionnaire`` (an id or path) defaults to ``alignment`` for a responses file. An
    assessment JSON carries no comments (it is figures only); its questionnaire (the one
    given, or else the built-in one of that id) is used for the stage texts when id and
    version match.
    """
    from salesmkt.analysis import scoring
    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.errors import SalesmktError

    path, questionnaire = source.path, source.questionnaire
    if scoring.looks_like_assessment(path):
        assessment = scoring.load_assessment_json(path)
        q: Questionnaire | None = None
        ref = assessment.questionnaire
        for name in dict.fromkeys(n for n in (questionnaire, ref.id) if n):
            try:
                candidate = qmod.load(name)
            except SalesmktError:
                continue
            if (candidate.id, candidate.version) == (ref.id, ref.version):
                q = candidate
                break
        return ReportInputs(assessment, q, [], from_json=True)

    result = scoring.assess_file(source, settings)
    return ReportInputs(
        result.assessment,
        result.table.questionnaire,
        comments_from_table(result.table),
        from_json=False,
        respondents=result.respondents,
    )


def add_advice(
    assessment: Assessment,
    *,
    rules: str | Path | None = None,
    situation: Path | None = None,
    checklist: Path | None = None,
    funnel: Path | None = None,
) -> bool:
    """Fill ``assessment.advice`` from a rules file and the optional instrument answers.

    With nothing given, the shipped rules are used when they are written for this
    questionnaire; otherwise the report simply has no advice (returns False). Anything
    given explicitly must work, or the error says why.
    """
    from salesmkt.advice import recommend
    from salesmkt.definitions import rules_load as rules_mod

    explicit = any(p is not None for p in (rules, situation, checklist, funnel))
    book = rules_mod.load(rules)
    if book.questionnaire.id != assessment.questionnaire.id and not explicit:
        return False
    answers = recommend.load_answer_files(
        book, situation=situation, checklist=checklist, funnel=funnel
    )
    assessment.advice = recommend.evaluate(
        book,
        assessment,
        situation=answers.get("situation"),
        checklist=answers.get("checklist"),
        funnel=answers.get("funnel"),
    )
    return True


def compare_baseline(
    current: ReportInputs, baseline: ResponseSource, *, source: Path, settings: Settings
) -> Comparison:
    """The comparison of a baseline wave (before) with the reported one (after)."""
    from salesmkt.analysis.compare import Wave, compare_waves, load_wave

    before = load_wave(baseline, settings)
    after = Wave(current.assessment, current.respondents, str(source))
    return compare_waves(before, after, seed=settings.seed, n_boot=settings.n_boot)
