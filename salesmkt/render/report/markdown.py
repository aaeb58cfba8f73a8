"""The workshop report as Markdown: the same sections as the HTML page, from the same view.

Vocabulary: the *view* is :class:`salesmkt.render.report.view.Report` (worded, formatted);
this module only lays it out, one function per *section*, in :data:`SECTIONS` order.
Every string that did not come from this file goes through
:func:`salesmkt.render.text.md_escape`, so respondent text, group and segment names and
labels cannot inject Markdown or HTML. Charts appear only as image links to the files
written by ``--charts DIR`` (``chart_links``); without them the Markdown report has
tables only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote

from salesmkt.l10n import N_, _, ngettext
from salesmkt.render.report.evidence import markdown_section as evidence_section
from salesmkt.render.report.summary import move_up_words
from salesmkt.render.report.view import ActionView, HeatCell, Report, SourceLink
from salesmkt.render.text import md_escape, visible

if TYPE_CHECKING:
    from salesmkt.render.charts import Chart

_E = md_escape


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]) -> list[str]:
    out = ["| " + " | ".join(_E(h) for h in header) + " |"]
    out.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    for row in rows:
        out.append("| " + " | ".join(_E(c) for c in row) + " |")
    return [*out, ""]


def _bullets(items: Sequence[str]) -> list[str]:
    return [f"- {_E(x)}" for x in items] + ([""] if items else [])


def _chart(name: str, title: str, links: Mapping[str, str] | None) -> list[str]:
    if not links or name not in links:
        return []
    return [f"![{_E(title)}]({quote(links[name], safe='/._-~')})", ""]


def _progress(r: Report) -> list[str]:
    pr = r.progress
    assert pr is not None
    lines = [
        "## " + _("Progress since the baseline"),
        "",
        _("Compared with {baseline}.").format(baseline=f"**{_E(pr.baseline)}**")
        + f" {_E(pr.design_note)}",
        "",
    ]
    if pr.stages:
        lines += _table([_("Stage of"), _("Before"), _("Now"), _("Moved")], pr.stages, right=set())
    before_now = [_("Before"), _("Now"), _("Change")]
    if pr.totals:
        lines += ["### " + _("Scores"), ""]
        lines += _table([_("Score"), *before_now, _("95% CI"), "p"], pr.totals, right={1, 2, 3, 4})
    if pr.dimensions:
        lines += ["### " + _("Dimensions"), ""]
        lines += _table(
            [_("Dimension"), *before_now, _("95% CI")], pr.dimensions, right={1, 2, 3, 4}
        )
    if pr.gaps:
        lines += ["### " + _("Perception gaps"), ""]
        gap = _("Gap ({first} − {second})").format(first=r.first_label, second=r.second_label)
        lines += _table([gap, _("Before"), _("Now"), _("Since then")], pr.gaps, right={1, 2})
    if pr.movers:
        lines += ["### " + _("Statements that moved most"), ""]
        lines += _table([_("Statement"), *before_now], pr.movers, right={1, 2, 3})
    for note in pr.notes:
        lines += [f"*{_E(note)}*", ""]
    return lines


Section = Callable[[Report, Mapping[str, str] | None], list[str]]


def _title(r: Report, links: Mapping[str, str] | None) -> list[str]:
    sub = [r.brand.client] if r.brand.client else []
    sub.append(r.questionnaire)
    if r.generated:
        sub.append(r.generated)
    if r.brand.consultant:
        sub.append(_("prepared by {consultant}").format(consultant=r.brand.consultant))
    return [f"# {_E(r.title)}", "", _E(" · ".join(sub)), ""]


def _summary(r: Report, links: Mapping[str, str] | None) -> list[str]:
    """Page one: the stage, what matters most, the verdict and the top three actions."""
    sm = r.summary
    assert sm is not None  # build_report always makes one
    lines = ["## " + _("Executive summary"), ""]
    stage = "**" + _("Stage of the relationship: {stage}").format(stage=_E(r.headline_stage)) + "**"
    score = (
        _("score {score}, band {band}").format(
            score=_E(r.headline_score), band=_E(r.headline_range)
        )
        if r.headline_range
        else _("score {score}").format(score=_E(r.headline_score))
    )
    lines += [f"{stage} ({score})", ""]
    if not sm.estimable:
        lines += [f"**{_E(sm.stage_sentence)}**", ""]
    elif r.headline_description:
        lines += [f"*{_('What it means:')}* {_E(r.headline_description)}", ""]
    if r.headline_note and sm.estimable:
        lines += [_E(r.headline_note), ""]
    if sm.findings:
        lines += ["**" + _("What matters most") + "**", ""]
        lines += [f"{n}. {_E(f)}" for n, f in enumerate(sm.findings, 1)] + [""]
    verdict = "**" + _("Verdict: {verdict}.").format(verdict=_E(sm.verdict)) + "**"
    lines += [verdict + (f" {_E(sm.verdict_sentence)}" if sm.verdict_sentence else ""), ""]
    if sm.actions:
        top = ngettext("Top {n} action", "Top {n} actions", len(sm.actions))
        lines += ["**" + top.format(n=len(sm.actions)) + "**", ""]
        lines += [
            f"{n}. {_E(a.title)}"
            + (" (" + _("owner: {owner}").format(owner=_E(a.owner)) + ")" if a.owner else "")
            for n, a in enumerate(sm.actions, 1)
        ] + [""]
    return lines


def _headline(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("Key findings"), ""]
    if r.overall_method:
        lines += [_("Overall score: {method}.").format(method=_E(r.overall_method)), ""]
    return lines + _bullets(r.key_findings)


def _scores(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("Scores by group"), ""]
    lines += _chart("band-chart", _("Scores on the stage scale"), links)
    header = [
        _("Group"),
        "n",
        _("Score"),
        _("Stage"),
        _("95% CI"),
        _("Median"),
        _("SD"),
        _("Range"),
        _("% favourable"),
    ]
    rows: list[list[object]] = [
        [
            g.label + (" (" + _("compared") + ")" if g.compared else ""),
            g.n,
            g.score,
            g.stage,
            g.ci,
            g.median,
            g.sd,
            g.range,
            g.favourable,
        ]
        for g in r.groups
    ]
    if not r.group_ci:  # no interval anywhere: leave the column out
        header.pop(4)
        for row in rows:
            row.pop(4)
    right = {1, 2, 4, 5, 6, 7} if not r.group_ci else {1, 2, 4, 5, 6, 7, 8}
    lines += _table(header, rows, right=right)
    lines += [_("% favourable: the share of answers in the top two points of the scale."), ""]
    if r.hides_split:
        lines += [f"> **{_('The average hides a split.')}** {_E(r.hides_split)}", ""]
    if r.stage_disagreement:
        lines += [
            f"> **{_('Stage disagreement.')}** {_E(r.stage_disagreement)}. "
            + _(
                "The two functions place the relationship in different stages; that "
                "difference is a finding in its own right."
            ),
            "",
        ]
    for b in r.borderline:
        lines += [f"> **{_('Borderline.')}** {_E(b)}", ""]
    return lines


def _progress_section(r: Report, links: Mapping[str, str] | None) -> list[str]:
    return _progress(r) if r.progress is not None else []


def _gaps(r: Report, links: Mapping[str, str] | None) -> list[str]:
    first, second = r.first_label, r.second_label
    heading = _("Perception gaps: where {first} and {second} see it differently")
    lines = ["## " + heading.format(first=_E(first), second=_E(second)), ""]
    if r.total_gap:
        lines += [_E(r.total_gap), ""]
    alt = _("Perception gaps: {first} minus {second}").format(first=first, second=second)
    lines += _chart("gap-chart", alt, links)
    if r.flagged_items:
        lines += ["### " + _("Flagged gaps"), ""]
        lines += _table(
            [
                _("Statement"),
                first,
                second,
                _("Gap"),
                _("95% CI"),
                _("Effect"),
                _("Backed by the data?"),
            ],
            [
                [f"{i.id} {i.short}", i.first, i.second, i.gap, i.ci, i.effect, i.support]
                for i in r.flagged_items
            ],
            right={1, 2, 3, 4},
        )
    else:
        lines += [_("No statement reaches the flag threshold."), ""]
    if r.not_estimable_items:
        listed = "; ".join(r.not_estimable_items)
        lines += [_E(_("Not estimable: {items}.").format(items=listed)), ""]
    return lines


def _dimensions(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("Dimension profile"), ""]
    lines += _chart("dimension-profile", _("Dimension profile"), links)
    if not r.dimensions:
        return [*lines, _("This questionnaire has no dimensions."), ""]
    return (
        lines
        + _table(
            [_("Dimension"), r.first_label, r.second_label, _("Gap"), _("Quadrant")],
            [
                [
                    d.label + (" (" + _("flagged") + ")" if d.flagged else ""),
                    d.first,
                    d.second,
                    d.gap,
                    d.quadrant,
                ]
                for d in r.dimensions
            ],
            right={1, 2, 3},
        )
        + [_("Each group's cell: mean (% favourable)."), ""]
    )


def _action(n: int, act: ActionView) -> list[str]:
    lines = [f"#### {n}. {_E(act.title)}", ""]
    owner = _("owner: {owner}").format(owner=act.owner) if act.owner else ""
    tags = [t for t in (owner, act.horizon, act.transition) if t]
    if tags:
        lines += [_E(" · ".join(tags)), ""]
    lines += [_E(act.action), ""]
    if act.why:
        lines += [f"*{_('Why:')}* {_E(act.why)}", ""]
    if act.evidence:
        lines += [_("Evidence:"), "", *_bullets(act.evidence)]
    if act.sources:
        lines += [_("Sources:") + " " + "; ".join(_cite(c) for c in act.sources), ""]
    return lines


def _cite(c: SourceLink) -> str:
    return f"[\\[{c.number}\\] {_E(c.short)}](#{c.anchor})"


def _advice(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("Stay or move up, and what to do"), ""]
    a = r.advice
    if a is None:
        return [*lines, _(NO_ADVICE_SENTENCE), ""]
    verdict = a.verdict_label
    if a.verdict == "move_up" and a.next_stage:
        verdict = move_up_words(verdict, a.current_stage, a.next_stage)
    lines += [f"**{_E(verdict)}**", ""]
    if a.message:
        lines += [_E(a.message), ""]
    lines += _bullets(a.notes)
    if a.move_reasons:
        lines += [_("Arguments for moving up:"), "", *_bullets(a.move_reasons)]
    if a.stay_reasons:
        lines += [_("Arguments for staying:"), "", *_bullets(a.stay_reasons)]
    if a.next_stage and a.next_description:
        looks = _("{stage} would look like this:").format(stage=_E(a.next_stage))
        lines += [f"*{looks}* {_E(a.next_description)}", ""]
    if a.actions:
        lines += ["### " + _("Recommended actions"), ""]
        for n, act in enumerate(a.top_actions, 1):
            lines += _action(n, act)
        more = len(a.more_actions)
        if more:
            lines += [further_actions(more).replace("{link}", _("Appendix C")), ""]
    else:
        lines += [_("No action rule fired for this assessment."), ""]
    for m in a.missing_inputs:
        lines += [_E(m), ""]
    if a.rules:
        lines += [_E(_("Rules: {rules}.").format(rules=a.rules)), ""]
    return lines


NO_ADVICE_SENTENCE = N_(
    "This report makes no recommendations: the stay-or-move-up verdict and the "
    "action list were not part of this assessment."
)


def further_actions(more: int) -> str:
    """The sentence on the actions left to Appendix C, with ``{link}`` where its name goes."""
    return ngettext(
        "{n} further action is listed in {link}, one line each.",
        "{n} further actions are listed in {link}, one line each.",
        more,
    ).replace("{n}", str(more))


def _comments(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("Comments"), ""]
    for g in r.comments:
        lines += [f"### {_E(g.label)} ({_E(comment_count(g.n, len(g.texts), g.total))})", ""]
        for t in g.texts:
            lines += [f"> {_E(t)}", ""]
    return [*lines, f"*{_E(r.comments_note)}*", ""]


def _quality(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("How far the figures can be trusted"), ""]
    lines += ["### " + _("Reliability of the total"), ""]
    lines += _bullets(r.reliability) if r.reliability else [_("Not computed."), ""]
    lines += ["### " + _("Agreement within each group"), ""]
    lines += _bullets(r.agreement) if r.agreement else [_("Not computed."), ""]
    return lines


def _data(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("Data quality"), "", _E(r.respondents), ""]
    if r.excluded:
        more = [and_more(r.excluded_more)] if r.excluded_more else []
        lines += ["### " + _("Excluded respondents"), "", *_bullets(r.excluded + more)]
    if r.suppressed:
        lines += ["### " + _("Withheld for anonymity"), "", *_bullets(r.suppressed)]
    if r.warnings:
        more = [and_more(r.warnings_more)] if r.warnings_more else []
        lines += ["### " + _("Warnings"), "", *_bullets(r.warnings + more)]
    if not (r.excluded or r.suppressed or r.warnings):
        lines += [
            _("No respondent was excluded, nothing was withheld and no warning was raised."),
            "",
        ]
    if r.participation:
        lines += ["### " + _("Participation"), ""]
        lines += _table(
            [_("Group"), _("Segment"), _("Invited"), _("Responded"), _("Response rate")],
            r.participation,
            right={2, 3, 4},
        )
        lines += [_E(r.participation_note), ""]
    if r.segments:
        lines += ["### " + _("Breakdown"), ""]
        lines += _table(
            [_("Segment"), "n", _("Overall"), _("Stage"), _("Groups")],
            [[f"{s.by}: {s.value}", s.n, s.overall, s.stage, s.groups] for s in r.segments],
            right={1, 2},
        )
    return lines


def _methods(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("Appendix A: Methods"), "", "### " + _("Scoring key"), ""]
    lines += _table(
        [_("Stage"), _("Total"), _("What it looks like")],
        [
            [s.label + (" (" + _("this report") + ")" if s.current else ""), s.range, s.description]
            for s in r.stages
        ],
        right={1},
    )
    lines += ["### " + _("Formulas and thresholds"), ""]
    for name, text in r.methods:
        lines += [f"**{_E(name)}.** {_E(text)}", ""]
    lines += ["### " + _("Settings"), ""]
    return lines + _table([_("Setting"), _("Value")], r.settings, right=set())


def _statements(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("Appendix B: Every statement"), ""]
    lines += _table(
        [
            _("Statement"),
            r.first_label,
            r.second_label,
            _("Gap"),
            _("95% CI"),
            "δ",
            _("p (adj.)"),
            _("Quadrant"),
        ],
        [
            [f"{i.id} {i.short}", i.first, i.second, i.gap, i.ci, i.delta, i.p, i.quadrant]
            for i in r.items
        ],
        right={1, 2, 3, 4, 5, 6},
    )
    return [*lines, _("Each group's cell: mean (% favourable)."), ""]


def _footer(r: Report, links: Mapping[str, str] | None) -> list[str]:
    return [_E(made_with(r))]


def made_with(r: Report) -> str:
    """The footer's first sentence: the tool's version and the questionnaire's."""
    return _(
        "Made with salesmkt {tool} from the {questionnaire} (id {id}, version {version})."
    ).format(
        tool=r.tool_version,
        questionnaire=r.questionnaire,
        id=r.questionnaire_id,
        version=r.questionnaire_version,
    )


def comment_count(n: int, shown: int, total: int) -> str:
    """``12 respondents`` and, when sampled, how many of the comments are shown."""
    text = ngettext("{n} respondent", "{n} respondents", n).format(n=n)
    if total > shown:
        text += "; " + _("{shown} of {total} comments, a random sample").format(
            shown=shown, total=total
        )
    return text


def and_more(n: int) -> str:
    return _("… and {n} more").format(n=n)


def _segments(r: Report, links: Mapping[str, str] | None) -> list[str]:
    h = r.heatmap
    if h is None:
        return []
    heading = _("Segments: where each {by} stands against the organisation")
    lines = ["## " + heading.format(by=_E(h.by)), ""]
    lines += [_E(h.key), ""]
    rows = [[row.label, row.reference, *[_heat_text(c) for c in row.cells]] for row in h.rows]
    right = set(range(1, len(h.segments) + 2))
    return lines + _table([_("Dimension"), _("Organisation"), *h.segments], rows, right=right)


def _heat_text(c: HeatCell) -> str:
    if c.withheld or not c.diff:
        return c.text
    mark = {"above": " ▲", "below": " ▼"}.get(c.direction, "")
    return f"{c.text} ({c.diff}{mark})"


def _extra(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines: list[str] = []
    for x in r.extra_sections:  # the producer's Markdown, trusted as its HTML is
        lines += [f"## {_E(x.title)}", "", x.markdown.rstrip("\n"), ""]
    return lines


def _notes(r: Report, links: Mapping[str, str] | None) -> list[str]:
    if not r.consultant_notes:
        return []
    return ["## " + _("Consultant notes"), "", *_bullets(r.consultant_notes)]


def _references(r: Report, links: Mapping[str, str] | None) -> list[str]:
    lines = ["## " + _("References"), ""]
    for ref in r.references:
        lines += [
            f'{ref.number}. <a id="{ref.anchor}"></a>{_E(ref.citation)} '
            f"*{_('Used for:')}* {_E(ref.used_for)}"
        ]
    return [*lines, "", _(PARAPHRASED), ""]


PARAPHRASED = N_(
    "The questionnaire's statements and the actions are written in salesmkt's own "
    "words; the sources are paraphrased, never quoted."
)


def _more_actions(r: Report, links: Mapping[str, str] | None) -> list[str]:
    a = r.advice
    if a is None or not a.more_actions:
        return []
    lines = ["## " + _("Appendix C: Further actions"), ""]
    rows = [
        [
            str(a.top + n),
            act.title,
            act.owner,
            act.horizon,
            act.transition,
            " ".join(f"[{c.number}]" for c in act.sources),
        ]
        for n, act in enumerate(a.more_actions, 1)
    ]
    header = ["#", _("Action"), _("Owner"), _("When"), _("Move"), _("Sources")]
    return lines + _table(header, rows, right={0})


# The report's sections in page order (the same order as the HTML template).
SECTIONS: tuple[Section, ...] = (
    _title,
    _summary,
    _headline,
    _scores,
    _progress_section,
    _gaps,
    evidence_section,
    _dimensions,
    _segments,
    _advice,
    _comments,
    _quality,
    _data,
    _extra,
    _notes,
    _references,
    _methods,
    _statements,
    _more_actions,
    _footer,
)


def render_markdown(report: Report, *, chart_links: Mapping[str, str] | None = None) -> str:
    """The report as Markdown; ``chart_links`` maps chart names to relative file paths."""
    lines = [line for section in SECTIONS for line in section(report, chart_links)]
    # Every piece of file text is md_escaped; this last pass also covers the figures and
    # the few worded fields that are not, so no control character leaves raw.
    return visible("\n".join(lines) + "\n")


def render_page(report: Report, charts: Sequence[Chart], chart_links: Mapping[str, str]) -> str:
    """The Markdown renderer of :data:`salesmkt.render.report.formats.REPORT_RENDERERS`.

    Markdown cannot inline the drawings: it links to the chart files, if any were written.
    """
    return render_markdown(report, chart_links=chart_links or None)
