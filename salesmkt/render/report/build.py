"""Building the worded view of the report: one short builder per section.

Vocabulary: the *view* is :class:`salesmkt.render.report.view.Report`; a *section
builder* turns one part of the assessment into the strings of one section (headline,
scores, gaps, dimensions, advice, comments, measurement quality, data quality,
appendix) and returns that section's :class:`~salesmkt.render.report.view.Report`
fields as a typed dict, so :func:`build_report` only puts them together; the *context*
(:class:`_Context`) is what they all share: the group names, the compared pair and the
suppressed groups. Every figure is worded through :mod:`salesmkt.wording`; the methods
text comes from :mod:`salesmkt.render.report.methods`, the comments from
:mod:`salesmkt.render.report.comments`, the quality sections from
:mod:`salesmkt.render.report.quality` and the progress since a baseline from
:mod:`salesmkt.render.report.progress`. No I/O, no charts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from salesmkt.l10n import _, list_separator, ngettext, number, reader_language
from salesmkt.model.assessment import Action, Assessment, GroupResult, ItemResult
from salesmkt.render.branding import Branding, brand_view
from salesmkt.render.report import client, references
from salesmkt.render.report.comments import comment_fields, comment_threshold
from salesmkt.render.report.heatmap import heatmap
from salesmkt.render.report.methods import methods_text, settings_rows, stage_range, stage_rows
from salesmkt.render.report.participation import participation_fields
from salesmkt.render.report.progress import progress_view
from salesmkt.render.report.quality import data_quality_fields, shown_reliability, trust_fields
from salesmkt.render.report.sentences import (
    ANY_STAGE,
    EFFECT_BANDS,
    HORIZONS,
    TITLE_WORDS,
    VERDICT_WORDS,
    consultant_notes,
    overall_method,
    score_finding,
    support,
    total_gap,
)
from salesmkt.render.report.summary import summary
from salesmkt.render.report.view import (
    DEFAULT_TITLE,
    ActionView,
    AdviceView,
    Comment,
    DimensionRow,
    ExtraSection,
    GroupRow,
    ItemRow,
    Reference,
    Report,
    ReportOptions,
    StageRow,
)
from salesmkt.render.report.words import (
    RELIABILITY_FLOOR,
    Names,
    and_list,
    fmt_range,
    sentence,
)
from salesmkt.wording import (
    DASH,
    fmt_ci,
    fmt_gap,
    fmt_mean,
    fmt_n,
    fmt_p,
    fmt_pct,
    quadrant_words,
    tidy,
)

if TYPE_CHECKING:
    from salesmkt.analysis.comparison import Comparison
    from salesmkt.definitions.questionnaire import Questionnaire


@dataclass(frozen=True)
class _Context:
    """What every section builder shares."""

    assessment: Assessment
    names: Names
    descriptions: Mapping[str, str]
    compare: list[str]
    first_id: str
    second_id: str
    hidden: set[str]  # suppressed groups: none of their figures is shown

    @classmethod
    def of(cls, assessment: Assessment, questionnaire: Questionnaire | None) -> _Context:
        compare = list(assessment.compare[:2])
        return cls(
            assessment=assessment,
            names=Names(assessment),
            descriptions=stage_descriptions(assessment, questionnaire),
            compare=compare,
            first_id=compare[0] if compare else "",
            second_id=compare[1] if len(compare) > 1 else "",
            hidden={g.id for g in assessment.groups if g.suppressed},
        )

    @property
    def first(self) -> str:
        return self.names(self.first_id)

    @property
    def second(self) -> str:
        return self.names(self.second_id)


def stage_descriptions(
    assessment: Assessment, questionnaire: Questionnaire | None = None
) -> dict[str, str]:
    """Stage id → description, from the questionnaire the assessment was scored with."""
    found: dict[str, str] = {}
    if questionnaire is not None and questionnaire.id == assessment.questionnaire.id:
        for qs in questionnaire.stages:
            if qs.description and qs.id not in found:
                found[qs.id] = qs.description.strip()
    return found


# -- the whole view ----------------------------------------------------------------------


def build_report(
    assessment: Assessment,
    *,
    questionnaire: Questionnaire | None = None,
    comments: Sequence[Comment] = (),
    options: ReportOptions | None = None,
    comparison: Comparison | None = None,
    branding: Branding | None = None,
    covers: Mapping[str, Sequence[str]] | None = None,
    extra_sections: Sequence[ExtraSection] = (),
) -> Report:
    """Word an assessment for the report (no I/O, no charts).

    ``comparison`` (from :func:`salesmkt.analysis.compare.compare_waves`, this assessment being
    the *after* wave) adds the progress since a baseline. ``covers`` maps each rule id to
    its rules file's ``covers`` keys, so the actions link to the references they rest on.
    ``extra_sections`` (a benchmark, a trend: made elsewhere) are shown before the
    appendices. Each section builder returns the :class:`Report` fields of its section,
    in page order.
    """
    options = options or ReportOptions()
    ctx = _Context.of(assessment, questionnaire)
    gaps = _gaps(ctx)
    refs = references.references(with_advice=assessment.advice is not None)
    notes: list[str] = []
    advice = _advice_view(ctx, refs, covers or {}, options.top, notes)
    report = Report(
        **_front_matter(ctx, options),
        **_headline(ctx),
        key_findings=_key_findings(ctx, gaps["flagged_items"], advice),
        **_scores(ctx),
        **gaps,
        dimensions=_dimension_rows(ctx),
        advice=advice,
        **comment_fields(assessment, comments, options),
        **trust_fields(assessment, ctx.names, ctx.hidden),
        **data_quality_fields(assessment, ctx.names),
        **_appendix(ctx, options),
        progress=progress_view(comparison) if comparison is not None else None,
        **participation_fields(assessment, ctx.names),
        hides_split=assessment.overall.hides_split,
        references=refs,
        heatmap=heatmap(assessment, ctx.first, ctx.second, items=options.heatmap_items),
        brand=brand_view(branding or Branding()),
        extra_sections=list(extra_sections),
    )
    report.score_finding = score_finding(assessment)
    report.summary = summary(report)
    report.consultant_notes = (
        consultant_notes(assessment, report.source_file, notes) if options.consultant_notes else []
    )
    return report


class _FrontMatter(TypedDict):
    title: str
    generated: str | None
    questionnaire: str
    questionnaire_id: str
    questionnaire_version: str
    tool_version: str
    source_file: str | None
    first_label: str
    second_label: str


def _front_matter(ctx: _Context, options: ReportOptions) -> _FrontMatter:
    a, q = ctx.assessment, ctx.assessment.questionnaire
    return _FrontMatter(
        title=_(TITLE_WORDS) if options.title == DEFAULT_TITLE else options.title,
        generated=options.generated,
        questionnaire=q.title or q.id,
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        tool_version=a.tool_version,
        source_file=Path(a.source_file).name if a.source_file else None,
        first_label=ctx.first,
        second_label=ctx.second,
    )


# -- headline and key findings -----------------------------------------------------------


class _Headline(TypedDict):
    headline_stage: str
    headline_score: str
    headline_range: str
    headline_description: str
    headline_note: str
    overall_method: str


def _headline(ctx: _Context) -> _Headline:
    overall = ctx.assessment.overall
    stage = overall.stage
    band = ""
    for row in ctx.assessment.stages:
        if stage is not None and row.id == stage.id:
            band = stage_range(row)
    note = overall.note or ""
    if overall.not_estimable:
        note = overall.not_estimable
    elif overall.score is None and not note:
        note = _("The overall score needs both compared groups' figures, and one is missing.")
    method = overall_method(ctx.assessment, ctx.first, ctx.second)
    if overall.hides_split:
        note = f"{sentence(note)} {sentence(overall.hides_split)}".strip()
    if overall.not_estimable:
        method = ""  # no organisation score: the pooled mean would be one function's view
    not_determined = _("Cannot be estimated") if overall.not_estimable else _("Not determined")
    return _Headline(
        headline_stage=stage.label if stage else not_determined,
        headline_score=fmt_mean(overall.score, 1),
        headline_range=band,
        headline_description=ctx.descriptions.get(stage.id, "") if stage else "",
        headline_note=note,
        overall_method=method,
    )


def _key_findings(
    ctx: _Context, flagged: Sequence[ItemRow], advice: AdviceView | None
) -> list[str]:
    a, first, second = ctx.assessment, ctx.first, ctx.second
    findings = [f for f in [score_finding(a)] if f]
    overall = a.overall
    if overall.not_estimable:
        findings.append(overall.not_estimable)
    if overall.hides_split:
        findings.append(overall.hides_split)
    disagreement = _disagreement(ctx)
    if disagreement:
        findings.append(
            _("The two functions disagree on the stage: {disagreement}.").format(
                disagreement=disagreement
            )
        )
    if flagged:
        largest = list_separator().join(f"{r.short} ({r.gap})" for r in flagged[:3])
        findings.append(
            ngettext(
                "{n} statement shows a large perception gap between {first} and {second}: "
                "{largest}.",
                "{n} statements show a large perception gap between {first} and {second}: "
                "{largest}.",
                len(flagged),
            ).format(n=len(flagged), first=first, second=second, largest=largest)
        )
    elif a.items and any(i.gap is not None for i in a.items):
        findings.append(
            _("No statement shows a large perception gap between {first} and {second}.").format(
                first=first, second=second
            )
        )
    if advice is not None and advice.message:
        findings.append(advice.message)
    low = [r for r in shown_reliability(a, ctx.hidden) if r.below_floor]
    if low:
        who = and_list(
            [
                _("all respondents together") if r.scope == "pooled" else ctx.names(r.scope)
                for r in low
            ]
        )
        findings.append(
            _(
                "Read the scores with care: Cronbach's alpha is below {floor} for {who}, so the "
                "total is not a reliable measure for them."
            ).format(floor=number(f"{RELIABILITY_FLOOR:.2f}"), who=who)
        )
    if a.suppressed:
        findings.append(_("Some figures are withheld to protect anonymity (see data quality)."))
    return findings


# -- scores by group ---------------------------------------------------------------------


def _group_row(group: GroupResult, compared: bool) -> GroupRow:
    if group.suppressed:
        return GroupRow(
            id=group.id,
            label=group.label,
            n=fmt_n(group.n, group.n_fewer_than),
            suppressed=True,
            score=_("withheld"),
            stage=_("withheld"),
            ci=DASH,
            median=DASH,
            sd=DASH,
            range=DASH,
            compared=compared,
        )
    return GroupRow(
        id=group.id,
        label=group.label,
        n=fmt_n(group.n),
        suppressed=False,
        score=fmt_mean(group.mean, 1),
        stage=group.stage.label if group.stage else DASH,
        ci=fmt_ci(group.ci, 1, signed=False),
        median=fmt_mean(group.median, 1),
        sd=fmt_mean(group.sd, 1),
        range=fmt_range(group.min, group.max),
        compared=compared,
        favourable=fmt_pct(group.favourable),
    )


def mean_fav(mean: float | None, favourable: float | None, decimals: int) -> str:
    """A mean with its % favourable beside it, ``4.2 (78%)``; the mean alone without one."""
    text = fmt_mean(mean, decimals)
    return text if favourable is None or mean is None else f"{text} ({fmt_pct(favourable)})"


class _Scores(TypedDict):
    groups: list[GroupRow]
    group_ci: bool
    stage_disagreement: str | None
    borderline: list[str]


def _scores(ctx: _Context) -> _Scores:
    a = ctx.assessment
    return _Scores(
        groups=[_group_row(g, g.id in ctx.compare) for g in a.groups],
        group_ci=any(g.ci is not None and not g.suppressed for g in a.groups),
        stage_disagreement=_disagreement(ctx),
        borderline=[sentence(b.message) for b in a.borderline if b.who not in ctx.hidden],
    )


def _disagreement(ctx: _Context) -> str | None:
    sd = ctx.assessment.stage_disagreement
    if sd is None or not sd.differs:
        return None
    return sd.headline or ", ".join(
        _("{group} sees {stage}").format(group=ctx.names(k), stage=v.label)
        for k, v in sd.stages.items()
        if v is not None
    )


# -- perception gaps and dimensions ------------------------------------------------------


class _Gaps(TypedDict):
    total_gap: str | None
    flagged_items: list[ItemRow]
    items: list[ItemRow]
    not_estimable_items: list[str]


def _gaps(ctx: _Context) -> _Gaps:
    a = ctx.assessment
    items = [_item_row(i, ctx) for i in a.items]
    return _Gaps(
        total_gap=total_gap(a, ctx.first, ctx.second),
        flagged_items=_flagged(items, a.items),
        items=items,
        not_estimable_items=[
            f"{i.id}: {i.not_estimable}" for i in a.items if i.gap is None and i.not_estimable
        ],
    )


def _item_row(item: ItemResult, ctx: _Context) -> ItemRow:
    return ItemRow(
        id=item.id,
        short=item.short or item.text,
        text=item.text,
        dimension=item.dimension or "",
        first=mean_fav(
            item.means_by_group.get(ctx.first_id), item.favourable_by_group.get(ctx.first_id), 1
        ),
        second=mean_fav(
            item.means_by_group.get(ctx.second_id),
            item.favourable_by_group.get(ctx.second_id),
            1,
        ),
        gap=fmt_gap(item.gap, 1),
        ci=fmt_ci(item.ci, 1),
        delta=fmt_gap(item.cliffs_delta, 2),
        effect=(
            f"{_(EFFECT_BANDS.get(item.effect_size, item.effect_size))} "
            f"(δ = {fmt_gap(item.cliffs_delta, 2)})"
            if item.effect_size
            else DASH
        ),
        p=fmt_p(item.p_adjusted if item.p_adjusted is not None else item.p_value),
        quadrant=quadrant_words(item.quadrant),
        flagged=item.flagged,
        direction=(
            _("{group} rates higher").format(group=ctx.names(item.direction))
            if item.direction
            else ""
        ),
        support=support(item),
    )


def _flagged(rows: Sequence[ItemRow], items: Sequence[ItemResult]) -> list[ItemRow]:
    """The flagged statements, largest gap first."""
    # By the figure, not its words: a worded gap may have a decimal comma.
    flagged = [(r, i) for r, i in zip(rows, items, strict=True) if i.flagged]
    flagged.sort(key=lambda ri: -abs(tidy(ri[1].gap, 1)) if ri[1].gap is not None else 0.0)
    return [r for r, _i in flagged]


def _dimension_rows(ctx: _Context) -> list[DimensionRow]:
    return [
        DimensionRow(
            id=d.id,
            label=d.label,
            first=mean_fav(
                d.means_by_group.get(ctx.first_id), d.favourable_by_group.get(ctx.first_id), 2
            ),
            second=mean_fav(
                d.means_by_group.get(ctx.second_id), d.favourable_by_group.get(ctx.second_id), 2
            ),
            gap=fmt_gap(d.gap, 2),
            quadrant=quadrant_words(d.quadrant),
            flagged=d.flagged,
        )
        for d in ctx.assessment.dimensions
    ]


# -- stay or move up ---------------------------------------------------------------------


def _action_view(
    ctx: _Context, a: Action, refs: list[Reference], covers: Sequence[str]
) -> ActionView:
    return ActionView(
        title=a.title,
        action=a.action,
        why=a.why,
        owner=ctx.names(a.owner) if a.owner else "",
        horizon=_(HORIZONS[a.horizon]) if a.horizon in HORIZONS else a.horizon or "",
        transition=transition_words(ctx.assessment, a.transition),
        priority=a.priority,
        evidence=[e.text for e in a.evidence],
        sources=references.links(references.cited(a.why, covers), refs),
    )


def transition_words(a: Assessment, transition: str | None) -> str:
    """``defined → aligned``; in another language with the stages' labels
    (``Definiert → Abgestimmt``), which the ids would leave in English."""
    text = (transition or "").replace("->", " → ")
    if reader_language() is None:
        return text
    labels = {s.id: s.label for s in a.stages}
    return " → ".join(labels.get(p, _(ANY_STAGE) if p == "any" else p) for p in text.split(" → "))


def _advice_view(
    ctx: _Context,
    refs: list[Reference],
    covers: Mapping[str, Sequence[str]],
    top: int,
    notes: list[str],
) -> AdviceView | None:
    """The advice in client words; tool hints go to ``notes`` (the consultant's)."""
    advice = ctx.assessment.advice
    if advice is None:
        return None
    som = advice.stay_or_move
    # recommend has put the actions in order (priority 1 first)
    actions = [_action_view(ctx, a, refs, covers.get(a.rule, ())) for a in advice.actions]
    rules = ""
    if advice.rules is not None:
        rules = _("{rules} (version {version})").format(
            rules=advice.rules.title or advice.rules.id, version=advice.rules.version
        )
    nxt = som.next_stage
    here = som.current_stage.label if som.current_stage else ""
    worded = client.advice_message(
        som.message, som.verdict, here, nxt.label if nxt else "", advice.missing_inputs
    )
    notes += worded.notes + client.missing_notes(advice.missing_inputs)
    stay, hints = client.client_sentences(som.stay_reasons)
    move, more_hints = client.client_sentences(som.move_reasons)
    notes += hints + more_hints
    missing = client.missing_sentence(advice.missing_inputs)
    return AdviceView(
        verdict=som.verdict,
        verdict_label=_(VERDICT_WORDS[som.verdict])
        if som.verdict in VERDICT_WORDS
        else som.verdict,
        message=worded.message,
        current_stage=here,
        next_stage=nxt.label if nxt else "",
        next_description=ctx.descriptions.get(nxt.id, "") if nxt else "",
        stay_reasons=stay,
        move_reasons=move,
        actions=actions,
        missing_inputs=[missing] if missing else [],
        rules=rules,
        notes=worded.caveats,
        top=top,
    )


# -- appendix A --------------------------------------------------------------------------


class _Appendix(TypedDict):
    stages: list[StageRow]
    methods: list[tuple[str, str]]
    settings: list[tuple[str, str]]


def _appendix(ctx: _Context, options: ReportOptions) -> _Appendix:
    a = ctx.assessment
    current = a.overall.stage.id if a.overall.stage else None
    threshold = comment_threshold(a, options)
    return _Appendix(
        stages=stage_rows(a, ctx.descriptions, current),
        methods=methods_text(a, ctx.first, ctx.second),
        settings=settings_rows(a, options, threshold, ctx.names),
    )
