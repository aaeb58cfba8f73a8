"""The slide deck's content: which slides, in which order, saying what (no drawing here).

Vocabulary:
- *deck inputs*: a :class:`DeckInputs`, the worded report view
  (:class:`~salesmkt.render.report.view.Report`, the one the HTML and Markdown reports
  print), the assessment it was worded from, the branding and ``top`` (how many actions,
  as ``recommend --top``; 0 for all).
- *slide*: a :class:`Slide`, a title, paragraphs of text, at most one chart or table,
  and the speaker notes. A *chart* (:class:`ChartSpec`) is drawn as a native, editable
  PowerPoint bar chart; a *table* (:class:`TableSpec`) as a native table whose cells
  may be *shaded* from -1 (well below the organisation) to +1 (well above).
- *chart values*: every number in a chart is the figure as the report words it
  (:mod:`salesmkt.wording`), read back as a number, so the deck cannot show a figure
  that the HTML or Markdown report rounds differently.
- *heatmap*: with ``--by``, one row per segment and one column per dimension; a cell is
  the mean of the compared groups' dimension means in that segment (each function
  weighs equally, as in the overall score; where one group is withheld there, the other
  alone, and the row says so) and its difference from the same group(s) in the whole
  organisation. Withheld segments show as withheld, never as a figure.

Every text comes from the report view or is worded here through :mod:`salesmkt.wording`;
file-supplied text is passed through :func:`salesmkt.render.text.visible` when drawn.
The deck never shows free-text comments, so no respondent's words (or code) can be in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from salesmkt.l10n import _, list_separator
from salesmkt.l10n import number as local_number
from salesmkt.model.assessment import Assessment, SegmentResult
from salesmkt.render.branding import Branding
from salesmkt.render.deck.fit import Para
from salesmkt.render.report.heatmap import segment_cell, shown_groups
from salesmkt.render.report.summary import stage_sentence, summary
from salesmkt.render.report.view import ActionView, HeatCell, ItemRow, Report
from salesmkt.render.report.words import and_list
from salesmkt.wording import fmt_mean

if TYPE_CHECKING:
    from salesmkt.benchmark.placement import Placement
    from salesmkt.model.trend import Trend

GAP_BARS = 20  # most bars on the perception-gap slide (flagged first, then largest)
LABEL_CHARS = 44  # chart category labels are cut here; the notes carry the whole text
HEATMAP_ROWS = 9  # segments per heatmap slide
HEATMAP_COLUMNS = 6  # dimensions per heatmap slide


@dataclass(frozen=True)
class DeckInputs:
    report: Report
    assessment: Assessment
    branding: Branding = field(default_factory=Branding)
    top: int = 10
    trend: Trend | None = None  # report --trend-from
    benchmark: Placement | None = None  # report --benchmark-client


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class ChartSpec:
    """A horizontal bar chart: categories top to bottom, one or two series."""

    categories: list[str]
    series: list[Series]
    number_format: str
    axis: tuple[float | None, float | None] = (None, None)
    emphasis: list[bool] = field(default_factory=list)  # per category: drawn solid
    major_unit: float | None = None
    axis_format: str = ""  # the value axis's number format [default: number_format]
    kind: Literal["bar", "line"] = "bar"  # line: categories left to right (waves)


@dataclass(frozen=True)
class TableSpec:
    header: list[str]
    rows: list[list[str]]
    shades: list[list[float | None]]  # per cell, -1..+1; None: no shade


@dataclass
class Slide:
    title: str
    body: list[Para] = field(default_factory=list)
    chart: ChartSpec | None = None
    table: TableSpec | None = None
    notes: list[str] = field(default_factory=list)
    kind: Literal["title", "content"] = "content"
    size: float | None = None  # the body's point size, when layout has fixed it


_LEADING_NUMBER = re.compile(r"^[+\-]?\d+(?:[.,]\d+)?")


def number(worded: str) -> float | None:
    """A worded figure back as a number: its leading number ("+1.3" → 1.3, "3.67 (57%)"
    → 3.67, the mean beside its % favourable; "+1,3" in a language with a decimal comma);
    None when it holds none ("–", "<5"). The report's figures are small (a score, a mean,
    a gap) and carry no group separator, so a comma can only be the decimal sign."""
    found = _LEADING_NUMBER.match(worded.strip().replace("\u2212", "-"))
    return float(found.group().replace(",", ".")) if found else None


def cut(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` on one line, at most ``limit`` characters (cut at a word, ending "…")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head[limit // 2 :]:
        head = head[: head.rindex(" ")]
    return head.rstrip(" ,;:") + "…"


def bullet(text: str, level: int = 0) -> Para:
    return Para(f"• {text}", level=level)


# -- the deck ----------------------------------------------------------------------------


def deck_slides(inputs: DeckInputs, extra: Sequence[Slide] = ()) -> list[Slide]:
    """Every slide, in order: title, summary, results, advice, segments, the ``extra``
    slides (trend, benchmark: :mod:`.extra_slides`), appendix."""
    r = inputs.report
    slides = [title_slide(inputs), summary_slide(inputs), stage_slide(inputs)]
    slides += [s for s in (gap_slide(inputs), dimension_slide(r)) if s is not None]
    slides.append(verdict_slide(r))
    slides += action_slides(r, inputs.top)
    slides += heatmap_slides(inputs)
    slides += extra
    slides += [methods_slide(r), quality_slide(r)]
    return slides


def title_slide(inputs: DeckInputs) -> Slide:
    r, b = inputs.report, inputs.branding
    body = [Para(b.client, bold=True, scale=1.3)] if b.client else []
    body.append(
        Para(
            _("{questionnaire} (version {version})").format(
                questionnaire=r.questionnaire, version=r.questionnaire_version
            )
        )
    )
    if b.consultant:
        body.append(Para(_("Prepared by {consultant}").format(consultant=b.consultant)))
    if r.generated:
        body.append(Para(r.generated))
    notes = [
        _(
            "Figures from {source}, scored with salesmkt {version}. Every figure matches the "
            "written report."
        ).format(source=r.source_file or _("the assessment"), version=r.tool_version),
    ]
    return Slide(r.title, body, notes=notes, kind="title")


def top_actions(r: Report, top: int) -> list[ActionView]:
    if r.advice is None:
        return []
    actions = r.advice.actions
    return actions if top == 0 else actions[:top]


def action_line(number_: int, action: ActionView) -> str:
    if not action.owner:
        return f"{number_}. {action.title}"
    owner = _("owner: {owner}").format(owner=action.owner)
    return f"{number_}. {action.title} ({owner})"


def summary_slide(inputs: DeckInputs) -> Slide:
    """The report's executive summary (page one), as one slide."""
    r = inputs.report
    sm = r.summary or summary(r)
    body = [Para(sm.stage_sentence, bold=True)]
    body += [Para(_("What matters most"), bold=True)] + [bullet(f) for f in sm.findings]
    body.append(Para(_("Verdict: {verdict}").format(verdict=sm.verdict), bold=True))
    actions = sm.actions
    if actions:
        heading = _("Top three actions") if len(actions) == 3 else _("Top actions")
        body.append(Para(heading, bold=True))
        body += [Para(action_line(i, a), level=1) for i, a in enumerate(actions, 1)]
    notes = [stage_sentence(r), r.overall_method, *r.key_findings]
    if r.advice is not None and r.advice.message:
        verdict = _("Verdict: {verdict}.").format(verdict=r.advice.verdict_label)
        notes.append(f"{verdict} {r.advice.message}")
    return Slide(_("Executive summary"), body, notes=[n for n in notes if n])


# -- results -----------------------------------------------------------------------------


def _scale(assessment: Assessment) -> tuple[float | None, float | None]:
    """The total scale's ends, from the scoring key (20 and 100 for ``alignment``)."""
    bands = assessment.stages
    if not bands:
        return (None, None)
    top = max(float(b.max) if b.max is not None else b.min for b in bands)
    return (min(b.min for b in bands), top)


def _band_width(assessment: Assessment) -> float | None:
    """The stages' common width (20 for ``alignment``), so gridlines mark the band edges."""
    edges = sorted(b.min for b in assessment.stages)
    widths = {round(b - a, 9) for a, b in pairwise(edges)}
    return widths.pop() if len(widths) == 1 else None


def stage_slide(inputs: DeckInputs) -> Slide:
    r = inputs.report
    shown = [g for g in r.groups if not g.suppressed]
    categories = [_("The organisation: {stage}").format(stage=r.headline_stage)]
    categories += [f"{g.label} (n = {g.n}): {g.stage}" for g in shown]
    values = [number(r.headline_score)] + [number(g.score) for g in shown]
    low, high = _scale(inputs.assessment)
    chart = ChartSpec(
        categories,
        [Series(_("Score"), values)],
        "0.0",
        (low, high),
        major_unit=_band_width(inputs.assessment),
        axis_format="0",
    )
    stages = "; ".join(f"{g.label}: {g.stage}" for g in shown)
    body = [
        Para(
            _("Stage by group: {stages}.").format(stages=stages)
            if stages
            else _("No group can be shown.")
        )
    ]
    if r.stage_disagreement:
        body.append(Para(_("The groups disagree: {what}.").format(what=r.stage_disagreement)))
    withheld = [f"{g.label} (n = {g.n})" for g in r.groups if g.suppressed]
    if withheld:
        body.append(
            Para(_("Withheld to protect anonymity: {groups}.").format(groups=", ".join(withheld)))
        )
    notes = [stage_sentence(r), r.overall_method]
    notes += [
        _(
            "{group}: n = {n}, score {score}, 95% CI {ci}, median {median}, SD {sd}, "
            "range {range}, stage {stage}."
        ).format(
            group=g.label,
            n=g.n,
            score=g.score,
            ci=g.ci,
            median=g.median,
            sd=g.sd,
            range=g.range,
            stage=g.stage,
        )
        for g in shown
    ]
    notes += r.borderline
    return Slide(_("Stage by group"), body, chart=chart, notes=[n for n in notes if n])


def _gap_rows(r: Report) -> list[ItemRow]:
    """At most GAP_BARS estimable items (flagged, then largest |gap|), largest gap on top."""
    rows = [i for i in r.items if number(i.gap) is not None]
    ranked = sorted(rows, key=lambda i: (not i.flagged, -abs(number(i.gap) or 0.0), i.id))
    return sorted(ranked[:GAP_BARS], key=lambda i: (-(number(i.gap) or 0.0), i.id))


def _span(values: Sequence[float], threshold: float) -> float:
    """A symmetric axis end: past the largest gap and the threshold, in half points."""
    largest = max([abs(v) for v in values] + [threshold * 1.25]) * 1.15
    step = 0.5 if largest <= 2 else 1.0  # the axis's major unit: gridlines on round numbers
    return (int(largest / step) + 1) * step


def gap_slide(inputs: DeckInputs) -> Slide | None:
    r, threshold = inputs.report, inputs.assessment.settings.gap_threshold
    rows = _gap_rows(r)
    if not rows or not r.second_label:
        return None
    values = [number(i.gap) or 0.0 for i in rows]
    span = _span(values, threshold)
    chart = ChartSpec(
        [f"{i.id} {cut(i.short)}" + (" ●" if i.flagged else "") for i in rows],
        [Series(minus(r), list(values))],
        "+0.0;-0.0;+0.0",
        (-span, span),
        [i.flagged for i in rows],
        major_unit=0.5 if span <= 2.5 else 1.0,
    )
    body = [
        Para(
            _(
                "Bars to the right: {first} rates the statement higher; to the left: "
                "{second} does. ● marks a gap of at least {threshold} point(s) "
                "either way ({n} flagged)."
            ).format(
                first=r.first_label,
                second=r.second_label,
                threshold=local_number(f"{threshold:g}"),
                n=len(r.flagged_items),
            )
        )
    ]
    left_out = sum(number(i.gap) is not None for i in r.items) - len(rows)
    if left_out:
        body.append(
            Para(
                _("{n} smaller gap(s) are not drawn; the report lists them all.").format(n=left_out)
            )
        )
    notes = [r.total_gap or ""] + [_item_note(r, i) for i in rows] + r.not_estimable_items
    title = _("Perception gaps: {first} minus {second}").format(
        first=r.first_label, second=r.second_label
    )
    return Slide(title, body, chart=chart, notes=[n for n in notes if n])


def minus(r: Report) -> str:
    """The gap chart's series: ``Sales minus Marketing``."""
    return _("{first} minus {second}").format(first=r.first_label, second=r.second_label)


def _item_note(r: Report, i: ItemRow) -> str:
    flag = _("FLAGGED.") + " " if i.flagged else ""
    return flag + _(
        "{id} {text}: {first} {first_mean}, {second} {second_mean}, "
        "gap {gap} (95% CI {ci}), {effect}, p = {p}, {quadrant}; {support}."
    ).format(
        id=i.id,
        text=i.text,
        first=r.first_label,
        first_mean=i.first,
        second=r.second_label,
        second_mean=i.second,
        gap=i.gap,
        ci=i.ci,
        effect=i.effect,
        p=i.p,
        quadrant=i.quadrant,
        support=i.support,
    )


def dimension_slide(r: Report) -> Slide | None:
    rows = [d for d in r.dimensions if number(d.first) is not None or number(d.second) is not None]
    if not rows:
        return None
    series = [Series(r.first_label, [number(d.first) for d in rows])]
    if r.second_label:
        series.append(Series(r.second_label, [number(d.second) for d in rows]))
    highest = max(v for s in series for v in s.values if v is not None)
    chart = ChartSpec(
        [cut(d.label) for d in rows], series, "0.00", (0.0, 5.0 if highest <= 5 else None)
    )
    flagged = [f"{d.label} ({d.gap}, {d.quadrant})" for d in rows if d.flagged]
    text = (
        _("Largest differences: {dimensions}.").format(dimensions=list_separator().join(flagged))
        if flagged
        else _("No dimension shows a large difference between the two groups.")
    )
    notes = [
        _("{label}: {first} {first_mean}, {second} {second_mean}, gap {gap}, {quadrant}.").format(
            label=d.label,
            first=r.first_label,
            first_mean=d.first,
            second=r.second_label,
            second_mean=d.second,
            gap=d.gap,
            quadrant=d.quadrant + (" (" + _("flagged") + ")" if d.flagged else ""),
        )
        for d in rows
    ]
    return Slide(_("Dimension profile"), [Para(text)], chart=chart, notes=notes)


# -- advice ------------------------------------------------------------------------------


def verdict_slide(r: Report) -> Slide:
    a = r.advice
    if a is None:
        text = _("No advice was made: the shipped rules are not written for this questionnaire.")
        return Slide(_("Stay or move up?"), [Para(text)], notes=[text])
    body = [Para(a.verdict_label, bold=True, scale=1.2)]
    if a.message:
        body.append(Para(a.message))
    if a.current_stage and a.next_stage:
        body.append(
            Para(
                _("From {here} to {there}: {description}").format(
                    here=a.current_stage, there=a.next_stage, description=a.next_description
                )
            )
        )
    if a.stay_reasons:
        body += [Para(_("Reasons to stay"), bold=True)] + [bullet(x) for x in a.stay_reasons]
    if a.move_reasons:
        body += [Para(_("Reasons to move up"), bold=True)] + [bullet(x) for x in a.move_reasons]
    body += [Para(m) for m in a.missing_inputs]  # already sentences in client words
    notes = [
        _("Verdict: {verdict}.").format(verdict=a.verdict_label),
        a.message,
        _("Rules: {rules}.").format(rules=a.rules) if a.rules else "",
    ]
    return Slide(_("Stay or move up?"), body, notes=[n for n in notes if n])


def action_slides(r: Report, top: int) -> list[Slide]:
    actions = top_actions(r, top)
    if not actions:
        text = _("No action was recommended.") if r.advice else _("No advice was made.")
        return [Slide(_("Top actions"), [Para(text)], notes=[text])]
    body: list[Para] = []
    notes: list[str] = []
    for index, a in enumerate(actions, 1):
        meta = [x for x in (a.horizon, a.transition) if x]
        body.append(Para(action_line(index, a), bold=True))
        body.append(Para(a.action + (f" ({', '.join(meta)})" if meta else ""), level=1))
        notes.append(
            _("{n}. {title}. Why: {why} Evidence: {evidence}.").format(
                n=index, title=a.title, why=a.why, evidence="; ".join(a.evidence)
            )
        )
    assert r.advice is not None  # top_actions found some
    more = len(r.advice.actions) - len(actions)
    if more:
        body.append(
            Para(_("{n} further action(s) are listed in the written report.").format(n=more))
        )
    return [Slide(_("Top actions"), body, notes=notes)]


# -- segments ----------------------------------------------------------------------------


def _heat_cell(cell: HeatCell) -> tuple[str, float | None]:
    """The report's heatmap cell as the deck shows it: "3.10 (+0.25)" and its shade."""
    if not cell.diff:
        return cell.text, None
    return f"{cell.text} ({cell.diff})", cell.shade


HeatRow = tuple[list[str], list[float | None]]


def _heat_row(inputs: DeckInputs, seg: SegmentResult, dims: Sequence[str]) -> HeatRow:
    """One segment: its dimension figures against the same groups' organisation figures."""
    a = inputs.assessment
    shown = shown_groups(seg, a.compare[:2])
    label = f"{seg.by} = {seg.value}"
    if 0 < len(shown) < len(a.compare[:2]):
        label += " (" + _("{groups} only").format(groups=and_list([g.label for g in shown])) + ")"
    if seg.suppressed or not shown:
        return [label, str(seg.n)] + [_("withheld")] * (len(dims) + 1), [None] * (len(dims) + 3)
    cells = [_heat_cell(segment_cell(a, seg, "dimension", dim)) for dim in dims]
    texts = [label, str(seg.n), fmt_mean(seg.overall.score, 1)] + [c[0] for c in cells]
    return texts, [None, None, None] + [c[1] for c in cells]


def heatmap_slides(inputs: DeckInputs) -> list[Slide]:
    a = inputs.assessment
    if not a.segments or len(a.compare) < 2:
        return []
    slides = []
    for start in range(0, len(a.dimensions), HEATMAP_COLUMNS):
        dims = a.dimensions[start : start + HEATMAP_COLUMNS]
        header = [_("Segment"), "n", _("Overall score")] + [d.label for d in dims]
        rows = [_heat_row(inputs, s, [d.id for d in dims]) for s in a.segments]
        for first in range(0, len(rows), HEATMAP_ROWS):
            chunk = rows[first : first + HEATMAP_ROWS]
            table = TableSpec(header, [c[0] for c in chunk], [c[1] for c in chunk])
            slides.append(Slide(_("Segments by dimension"), table=table))
    key = heat_key(inputs.report)
    for number_, slide in enumerate(slides, 1):
        if len(slides) > 1:
            slide.title += " (" + _("{n} of {total}").format(n=number_, total=len(slides)) + ")"
        slide.body = [Para(key)]
        slide.notes = [key, *inputs.report.suppressed]
    return slides


def heat_key(r: Report) -> str:
    return _(
        "Each cell: the mean item score of the dimension in that segment "
        "({first} and {second} weigh equally; where one is withheld, the "
        "other alone) and, in brackets, its difference from the same group(s) in the whole "
        "organisation, as in the written report. Accent shading: above; orange: below. "
        "Withheld: too few to show."
    ).format(first=r.first_label, second=r.second_label)


# -- appendix ----------------------------------------------------------------------------


def methods_slide(r: Report) -> Slide:
    body: list[Para] = []
    for name, text in r.methods:
        body += [Para(name, bold=True), Para(text)]
    body.append(Para(_("Settings"), bold=True))
    body += [bullet(f"{name}: {value}") for name, value in r.settings]
    notes = [f"{name}: {text}" for name, text in r.methods]
    return Slide(_("Appendix: methods"), body, notes=notes)


def quality_slide(r: Report) -> Slide:
    body = [Para(r.respondents, bold=True)]
    if r.excluded:
        body += [Para(_("Excluded"), bold=True)] + [bullet(x) for x in r.excluded]
        if r.excluded_more:
            body.append(bullet(_("… and {n} more").format(n=r.excluded_more)))
    more = [_("… and {n} more").format(n=r.warnings_more)] if r.warnings_more else []
    sections = (
        (_("Withheld for anonymity"), r.suppressed),
        (_("Warnings"), r.warnings + more),
        (_("How far the figures can be trusted"), r.reliability + r.agreement),
        (_("Borderline scores"), r.borderline),
        (_("Not estimable"), r.not_estimable_items),
    )
    for heading, lines in sections:
        if lines:
            body += [Para(heading, bold=True)] + [bullet(x) for x in lines]
    notes = [r.respondents, *r.suppressed, *r.reliability, *r.agreement]
    return Slide(_("Appendix: data quality"), body, notes=notes)
