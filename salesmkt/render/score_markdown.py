"""The score summary in Markdown (``score --format markdown``).

Vocabulary: the *headline* is the organisation's stage, or why it cannot be estimated
(a compared group withheld); *groups*, *strongest gaps*, *dimensions*, *items* (means
and % favourable), *participation* (``--headcount``), *segments* and *data quality*
follow as sections. A withheld group's size reads "<K", never its exact count. Every
string that came from a user or a respondent (file names, group and item labels, segment values,
respondent codes, reasons, warnings) goes through :func:`md_escape`; the figures are
formatted by :mod:`salesmkt.wording`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from salesmkt.l10n import N_, _, ngettext, number
from salesmkt.model.assessment import Assessment, GroupResult, ItemResult
from salesmkt.render.text import md_escape
from salesmkt.wording import (
    DASH,
    fmt_gap,
    fmt_mean,
    fmt_n,
    fmt_pct,
    fmt_score,
    settings_line,
    stage_edges,
    with_favourable,
)

if TYPE_CHECKING:
    from salesmkt.analysis.scoring import ScoreResult

TOP_GAPS = 5
POOLED_FOOTNOTE = N_(
    "pooled mean of the groups shown in that row: a compared group is missing or withheld there"
)
MAX_LISTED = 50


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return [*out, ""]


def _stage(group: GroupResult) -> str:
    return md_escape(group.stage.label) if group.stage else DASH


def strongest_gaps(a: Assessment, limit: int = TOP_GAPS) -> list[ItemResult]:
    """The flagged items with the largest gaps, largest first."""
    flagged = [i for i in a.items if i.flagged and i.gap is not None]
    return sorted(flagged, key=lambda i: (-abs(i.gap or 0.0), i.id))[:limit]


def _group_row(g: GroupResult, edges: list[float]) -> list[str]:
    label = md_escape(g.label)
    n = fmt_n(g.n, g.n_fewer_than)
    if g.suppressed:
        return [label, n, _("withheld"), DASH, DASH, DASH, DASH, DASH]
    span = DASH if g.min is None else f"{fmt_score(g.min)}–{fmt_score(g.max)}"
    sd = DASH if g.sd is None else number(f"{g.sd:.1f}")
    median = fmt_score(g.median, edges)
    mean = fmt_score(g.mean, edges)
    return [label, n, mean, median, sd, span, fmt_pct(g.favourable), _stage(g)]


def render_markdown(a: Assessment) -> str:
    """The score summary: headline, groups, gaps, dimensions, items, participation,
    segments, data quality."""
    edges = stage_edges(a.stages)
    lines = _headline(a, edges) + _groups(a, edges) + _gaps(a)
    lines += _dimensions(a) + _items(a) + _participation(a) + _segments(a, edges)
    return "\n".join(lines + _quality(a))


def headline_words(a: Assessment) -> tuple[str, str | None]:
    """The organisation's stage line when it cannot be shown, and the split warning."""
    o = a.overall
    return (o.not_estimable or _("no score could be shown"), o.hides_split)


def weighting_words(a: Assessment, labels: dict[str, str]) -> str:
    """How the organisation's score was made: "Sales and Marketing weighted equally"."""
    if a.overall.method == "equal-weight":
        names = _(" and ").join(labels.get(c, c) for c in a.compare)
        return _("{groups} weighted equally").format(groups=names)
    return _("pooled respondent mean")


def _group_names(a: Assessment) -> dict[str, str]:
    return {g.id: g.label for g in a.groups}


def _headline(a: Assessment, edges: list[float]) -> list[str]:
    lo, hi = (edges[0], a.stages[-1].max) if edges and a.stages else (None, None)
    labels = _group_names(a)
    title = md_escape(a.questionnaire.title or a.questionnaire.id)
    lines = [_("# {title}: score summary").format(title=title), ""]
    o = a.overall
    if o.stage is not None:
        how = md_escape(weighting_words(a, labels))
        scale = (
            _(" on {low}–{high}").format(low=number(f"{lo:g}"), high=number(f"{hi:g}"))
            if lo is not None and isinstance(hi, int | float)
            else ""
        )
        lines.append(
            _(
                "**Overall stage: {stage}**: score {score}{scale} ({how}); "
                "pooled respondent mean {pooled}."
            ).format(
                stage=md_escape(o.stage.label),
                score=fmt_score(o.score, edges),
                scale=scale,
                how=how,
                pooled=fmt_score(o.pooled_mean, edges),
            )
        )
    elif o.not_estimable:
        lines.append(
            _("**Organisation stage: cannot be estimated.**") + f" {md_escape(o.not_estimable)}"
        )
    else:
        lines.append(_("**Overall stage: not available** (no score could be shown)."))
    lines.append("")
    if o.hides_split:
        lines += [f"> **{md_escape(o.hides_split)}**", ""]
    if o.note:
        lines += [f"*{md_escape(o.note)}*", ""]
    r = a.respondents
    source = f"`{md_escape(a.source_file)}`, " if a.source_file else ""
    fav = (
        " " + _("{pct} of the answers shown are favourable.").format(pct=fmt_pct(o.favourable))
        if o.favourable
        else ""
    )
    counts = ngettext(
        "{total} respondent read, {scored} scored ({prorated} prorated), {excluded} excluded.",
        "{total} respondents read, {scored} scored ({prorated} prorated), {excluded} excluded.",
        r.total,
    ).format(total=r.total, scored=r.scored, prorated=r.prorated, excluded=len(r.excluded))
    questionnaire = _("questionnaire {id} {version}").format(
        id=md_escape(a.questionnaire.id), version=md_escape(a.questionnaire.version)
    )
    lines += [
        f"{source}{questionnaire}: {counts}{fav}",
        "",
        settings_line(a),
        "",
    ]
    if a.stage_disagreement and a.stage_disagreement.headline:
        lines += [f"> **{md_escape(a.stage_disagreement.headline)}**", ""]
    return lines


def _groups(a: Assessment, edges: list[float]) -> list[str]:
    header = [_("Group"), "n", _("Mean"), _("Median"), _("SD"), _("Min–max")]
    header += [_("% favourable"), _("Stage")]
    rows = [_group_row(g, edges) for g in a.groups]
    return ["## " + _("Groups"), "", *_table(header, rows, right={1, 2, 3, 4, 6})]


def _gaps(a: Assessment) -> list[str]:
    lines = ["## " + _("Strongest perception gaps"), ""]
    gaps = strongest_gaps(a)
    if not gaps:
        reason = next((i.not_estimable for i in a.items if i.not_estimable), None)
        return [
            *lines,
            md_escape(_("No gaps: {reason}.").format(reason=reason))
            if reason
            else _("No item differs by {threshold} point(s) or more.").format(
                threshold=number(f"{a.settings.gap_threshold:g}")
            ),
            "",
        ]
    labels = _group_names(a)
    first, second = [*a.compare, "", ""][:2]
    rows = [
        [
            md_escape(i.id),
            md_escape(i.short or i.text),
            fmt_mean(i.means_by_group.get(first)),
            fmt_mean(i.means_by_group.get(second)),
            fmt_gap(i.gap),
            md_escape(labels.get(i.direction or "", i.direction or DASH)),
        ]
        for i in gaps
    ]
    first_label, second_label = labels.get(first, first), labels.get(second, second)
    header = [_("Item"), _("Statement"), md_escape(first_label), md_escape(second_label)]
    return lines + _table([*header, _("Gap"), _("Rates higher")], rows, right={2, 3, 4})


def _dimensions(a: Assessment) -> list[str]:
    if not a.dimensions:
        return []
    shown = [g for g in a.groups if not g.suppressed]
    header = [_("Dimension"), *(md_escape(g.label) for g in shown), _("All"), _("Gap")]
    rows = [
        [
            md_escape(d.label),
            *(
                with_favourable(d.means_by_group.get(g.id), d.favourable_by_group.get(g.id))
                for g in shown
            ),
            with_favourable(d.mean, d.favourable),
            fmt_gap(d.gap),
        ]
        for d in a.dimensions
    ]
    note = _("Each cell: mean (% favourable).")
    return [
        "## " + _("Dimensions"),
        "",
        note,
        "",
        *_table(header, rows, right=set(range(1, len(header)))),
    ]


def _items(a: Assessment) -> list[str]:
    if not a.items:
        return []
    shown = [g for g in a.groups if not g.suppressed]
    header = [_("Item"), _("Statement"), *(md_escape(g.label) for g in shown), _("All")]
    rows = [
        [
            md_escape(i.id),
            md_escape(i.short or i.text),
            *(
                with_favourable(i.means_by_group.get(g.id), i.favourable_by_group.get(g.id))
                for g in shown
            ),
            with_favourable(i.mean, i.favourable),
        ]
        for i in a.items
    ]
    right = set(range(2, len(header)))
    note = _("Each cell: mean (% favourable).")
    return ["## " + _("Items"), "", note, "", *_table(header, rows, right)]


def _participation(a: Assessment) -> list[str]:
    if not a.participation:
        return []
    labels = _group_names(a)
    rows = [
        [
            md_escape(labels.get(p.group, p.group)),
            md_escape(f"{p.by} = {p.value}") if p.by else _("all"),
            str(p.invited),
            _("withheld") if p.withheld else fmt_n(p.responded),
            _("withheld") if p.withheld else fmt_pct(p.rate) + (_(" (low)") if p.low else ""),
        ]
        for p in a.participation
    ]
    header = [_("Group"), _("Segment"), _("Invited"), _("Responded"), _("Response rate")]
    return ["## " + _("Participation"), "", *_table(header, rows, right={2, 3, 4})]


def _segments(a: Assessment, edges: list[float]) -> list[str]:
    lines: list[str] = []
    footnote = False
    for by in dict.fromkeys(s.by for s in a.segments):
        rows = []
        for s in (s for s in a.segments if s.by == by):
            overall = segment_score(s.suppressed, s.overall.not_estimable, s.overall.score, edges)
            if not s.suppressed and s.overall.method == "pooled" and s.overall.score is not None:
                overall += "\\*"
                footnote = True
            stage = md_escape(s.overall.stage.label) if s.overall.stage else DASH
            cells = "; ".join(md_escape(segment_cell(g, edges)) for g in s.groups)
            rows.append([md_escape(s.value), fmt_n(s.n, s.n_fewer_than), overall, stage, cells])
        header = [md_escape(by), "n", _("Score"), _("Stage"), _("Groups")]
        title = _("By {by}").format(by=md_escape(by))
        lines += [f"## {title}", "", *_table(header, rows, right={1, 2})]
    return lines + ([f"\\* {_(POOLED_FOOTNOTE)}", ""] if footnote else [])


def segment_cell(g: GroupResult, edges: list[float]) -> str:
    """A group within a segment: ``Sales 63.7 (n=5)``, ``Sales withheld (n<5)``, or
    ``Sales withheld`` for a cell withheld to protect another (its size is not told)."""
    if not g.suppressed:
        return f"{g.label} {fmt_score(g.mean, edges)} (n={fmt_n(g.n)})"
    if g.n_fewer_than is not None:
        return _("{group} withheld (n<{k})").format(group=g.label, k=g.n_fewer_than)
    return _("{group} withheld").format(group=g.label)


def segment_score(
    suppressed: bool, not_estimable: str | None, score: float | None, edges: list[float]
) -> str:
    """A segment's overall score: withheld, not estimable, or the score."""
    if suppressed:
        return _("withheld")
    return _("not estimable") if not_estimable else fmt_score(score, edges)


def _quality(a: Assessment) -> list[str]:
    r = a.respondents
    quality: list[str] = []
    for e in r.excluded[:MAX_LISTED]:
        who = ", ".join(md_escape(x) for x in (e.respondent, e.group) if x)
        who = f" ({who})" if who else ""
        excluded = _("Excluded row {row}").format(row=e.row)
        quality.append(f"{excluded}{who}: {md_escape(e.reason)}")
    if len(r.excluded) > MAX_LISTED:
        more = len(r.excluded) - MAX_LISTED
        quality.append(_("… and {n} more excluded respondents").format(n=more))
    for w in a.warnings[:MAX_LISTED]:
        where = _("row {row}").format(row=w.row) + ": " if w.row is not None else ""
        quality.append(_("Warning:") + f" {where}{md_escape(w.message)}")
    if len(a.warnings) > MAX_LISTED:
        more = len(a.warnings) - MAX_LISTED
        quality.append(_("… and {n} more warnings").format(n=more))
    quality += [_("Withheld:") + f" {md_escape(note)}" for note in a.suppressed]
    body = [f"- {q}" for q in quality] if quality else [_("No problems found.")]
    return ["## " + _("Data quality"), "", *body, ""]


def render_score(result: ScoreResult) -> str:
    """The ``score`` subject's renderer (see :mod:`salesmkt.render.registry`)."""
    return render_markdown(result.assessment)
