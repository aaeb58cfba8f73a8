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

from salesmkt.model.assessment import Assessment, SegmentResult
from salesmkt.render.branding import Branding
from salesmkt.render.deck.fit import Para
from salesmkt.render.report.heatmap import segment_cell, shown_groups
from salesmkt.render.report.summary import stage_sentence, summary
from salesmkt.render.report.view import ActionView, HeatCell, ItemRow, Report
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


_LEADING_NUMBER = re.compile(r"^[+\-]?\d+(?:\.\d+)?")


def number(worded: str) -> float | None:
    """A worded figure back as a number: its leading number ("+1.3" → 1.3, "3.67 (57%)"
    → 3.67, the mean beside its % favourable); None when it holds none ("–", "<5")."""
    found = _LEADING_NUMBER.match(worded.strip().replace("\u2212", "-"))
    return float(found.group()) if found else None


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
    body.append(Para(f"{r.questionnaire} (version {r.questionnaire_version})"))
    if b.consultant:
        body.append(Para(f"Prepared by {b.consultant}"))
    if r.generated:
        body.append(Para(r.generated))
    notes = [
        f"Figures from {r.source_file or 'the assessment'}, scored with salesmkt "
        f"{r.tool_version}. Every figure matches the written report.",
    ]
    return Slide(r.title, body, notes=notes, kind="title")


def top_actions(r: Report, top: int) -> list[ActionView]:
    if r.advice is None:
        return []
    actions = r.advice.actions
    return actions if top == 0 else actions[:top]


def action_line(number_: int, action: ActionView) -> str:
    owner = f" (owner: {action.owner})" if action.owner else ""
    return f"{number_}. {action.title}{owner}"


def summary_slide(inputs: DeckInputs) -> Slide:
    """The report's executive summary (page one), as one slide."""
    r = inputs.report
    sm = r.summary or summary(r)
    body = [Para(sm.stage_sentence, bold=True)]
    body += [Para("What matters most", bold=True)] + [bullet(f) for f in sm.findings]
    body.append(Para(f"Verdict: {sm.verdict}", bold=True))
    actions = sm.actions
    if actions:
        heading = "Top three actions" if len(actions) == 3 else "Top actions"
        body.append(Para(heading, bold=True))
        body += [Para(action_line(i, a), level=1) for i, a in enumerate(actions, 1)]
    notes = [stage_sentence(r), r.overall_method, *r.key_findings]
    if r.advice is not None and r.advice.message:
        notes.append(f"Verdict: {r.advice.verdict_label}. {r.advice.message}")
    return Slide("Executive summary", body, notes=[n for n in notes if n])


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
    categories = [f"The organisation: {r.headline_stage}"]
    categories += [f"{g.label} (n = {g.n}): {g.stage}" for g in shown]
    values = [number(r.headline_score)] + [number(g.score) for g in shown]
    low, high = _scale(inputs.assessment)
    chart = ChartSpec(
        categories,
        [Series("Score", values)],
        "0.0",
        (low, high),
        major_unit=_band_width(inputs.assessment),
        axis_format="0",
    )
    stages = "; ".join(f"{g.label}: {g.stage}" for g in shown)
    body = [Para(f"Stage by group: {stages}." if stages else "No group can be shown.")]
    if r.stage_disagreement:
        body.append(Para(f"The groups disagree: {r.stage_disagreement}."))
    withheld = [f"{g.label} (n = {g.n})" for g in r.groups if g.suppressed]
    if withheld:
        body.append(Para(f"Withheld to protect anonymity: {', '.join(withheld)}."))
    notes = [stage_sentence(r), r.overall_method]
    notes += [
        f"{g.label}: n = {g.n}, score {g.score}, 95% CI {g.ci}, median {g.median}, "
        f"SD {g.sd}, range {g.range}, stage {g.stage}."
        for g in shown
    ]
    notes += r.borderline
    return Slide("Stage by group", body, chart=chart, notes=[n for n in notes if n])


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
        [Series(f"{r.first_label} minus {r.second_label}", list(values))],
        "+0.0;-0.0;+0.0",
        (-span, span),
        [i.flagged for i in rows],
        major_unit=0.5 if span <= 2.5 else 1.0,
    )
    body = [
        Para(
            f"Bars to the right: {r.first_label} rates the statement higher; to the left: "
            f"{r.second_label} does. ● marks a gap of at least {threshold:g} point(s) "
            f"either way ({len(r.flagged_items)} flagged)."
        )
    ]
    left_out = sum(number(i.gap) is not None for i in r.items) - len(rows)
    if left_out:
        body.append(Para(f"{left_out} smaller gap(s) are not drawn; the report lists them all."))
    notes = [r.total_gap or ""] + [_item_note(r, i) for i in rows] + r.not_estimable_items
    title = f"Perception gaps: {r.first_label} minus {r.second_label}"
    return Slide(title, body, chart=chart, notes=[n for n in notes if n])


def _item_note(r: Report, i: ItemRow) -> str:
    flag = "FLAGGED. " if i.flagged else ""
    return (
        f"{flag}{i.id} {i.text}: {r.first_label} {i.first}, {r.second_label} {i.second}, "
        f"gap {i.gap} (95% CI {i.ci}), {i.effect}, p = {i.p}, {i.quadrant}; {i.support}."
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
        f"Largest differences: {', '.join(flagged)}."
        if flagged
        else "No dimension shows a large difference between the two groups."
    )
    notes = [
        f"{d.label}: {r.first_label} {d.first}, {r.second_label} {d.second}, gap {d.gap}, "
        f"{d.quadrant}{' (flagged)' if d.flagged else ''}."
        for d in rows
    ]
    return Slide("Dimension profile", [Para(text)], chart=chart, notes=notes)


# -- advice ------------------------------------------------------------------------------


def verdict_slide(r: Report) -> Slide:
    a = r.advice
    if a is None:
        text = "No advice was made: the shipped rules are not written for this questionnaire."
        return Slide("Stay or move up?", [Para(text)], notes=[text])
    body = [Para(a.verdict_label, bold=True, scale=1.2)]
    if a.message:
        body.append(Para(a.message))
    if a.current_stage and a.next_stage:
        body.append(Para(f"From {a.current_stage} to {a.next_stage}: {a.next_description}"))
    if a.stay_reasons:
        body += [Para("Reasons to stay", bold=True)] + [bullet(x) for x in a.stay_reasons]
    if a.move_reasons:
        body += [Para("Reasons to move up", bold=True)] + [bullet(x) for x in a.move_reasons]
    body += [Para(m) for m in a.missing_inputs]  # already sentences in client words
    notes = [f"Verdict: {a.verdict_label}.", a.message, f"Rules: {a.rules}." if a.rules else ""]
    return Slide("Stay or move up?", body, notes=[n for n in notes if n])


def action_slides(r: Report, top: int) -> list[Slide]:
    actions = top_actions(r, top)
    if not actions:
        text = "No action was recommended." if r.advice else "No advice was made."
        return [Slide("Top actions", [Para(text)], notes=[text])]
    body: list[Para] = []
    notes: list[str] = []
    for index, a in enumerate(actions, 1):
        meta = [x for x in (a.horizon, a.transition) if x]
        body.append(Para(action_line(index, a), bold=True))
        body.append(Para(a.action + (f" ({', '.join(meta)})" if meta else ""), level=1))
        notes.append(f"{index}. {a.title}. Why: {a.why} Evidence: {'; '.join(a.evidence)}.")
    assert r.advice is not None  # top_actions found some
    more = len(r.advice.actions) - len(actions)
    if more:
        body.append(Para(f"{more} further action(s) are listed in the written report."))
    return [Slide("Top actions", body, notes=notes)]


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
        label += f" ({' and '.join(g.label for g in shown)} only)"
    if seg.suppressed or not shown:
        return [label, str(seg.n)] + ["withheld"] * (len(dims) + 1), [None] * (len(dims) + 3)
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
        header = ["Segment", "n", "Overall score"] + [d.label for d in dims]
        rows = [_heat_row(inputs, s, [d.id for d in dims]) for s in a.segments]
        for first in range(0, len(rows), HEATMAP_ROWS):
            chunk = rows[first : first + HEATMAP_ROWS]
            table = TableSpec(header, [c[0] for c in chunk], [c[1] for c in chunk])
            slides.append(Slide("Segments by dimension", table=table))
    key = heat_key(inputs.report)
    for number_, slide in enumerate(slides, 1):
        if len(slides) > 1:
            slide.title += f" ({number_} of {len(slides)})"
        slide.body = [Para(key)]
        slide.notes = [key, *inputs.report.suppressed]
    return slides


def heat_key(r: Report) -> str:
    return (
        "Each cell: the mean item score of the dimension in that segment "
        f"({r.first_label} and {r.second_label} weigh equally; where one is withheld, the "
        "other alone) and, in brackets, its difference from the same group(s) in the whole "
        "organisation, as in the written report. Accent shading: above; orange: below. "
        "Withheld: too few to show."
    )


# -- appendix ----------------------------------------------------------------------------


def methods_slide(r: Report) -> Slide:
    body: list[Para] = []
    for name, text in r.methods:
        body += [Para(name, bold=True), Para(text)]
    body.append(Para("Settings", bold=True))
    body += [bullet(f"{name}: {value}") for name, value in r.settings]
    notes = [f"{name}: {text}" for name, text in r.methods]
    return Slide("Appendix: methods", body, notes=notes)


def quality_slide(r: Report) -> Slide:
    body = [Para(r.respondents, bold=True)]
    if r.excluded:
        body += [Para("Excluded", bold=True)] + [bullet(x) for x in r.excluded]
        if r.excluded_more:
            body.append(bullet(f"… and {r.excluded_more} more"))
    sections = (
        ("Withheld for anonymity", r.suppressed),
        ("Warnings", r.warnings + ([f"… and {r.warnings_more} more"] if r.warnings_more else [])),
        ("How far the figures can be trusted", r.reliability + r.agreement),
        ("Borderline scores", r.borderline),
        ("Not estimable", r.not_estimable_items),
    )
    for heading, lines in sections:
        if lines:
            body += [Para(heading, bold=True)] + [bullet(x) for x in lines]
    notes = [r.respondents, *r.suppressed, *r.reliability, *r.agreement]
    return Slide("Appendix: data quality", body, notes=notes)
