"""The score as rich renderables, big and plain enough for a projector.

Vocabulary: the *headline* is the organisation's stage; a *band bar* draws the score
range (20–100 for ``alignment``) as one line of characters, one shade per stage band
(░ ▒ ▓ █, so it reads in black and white too), with ``●`` where the score falls. Then
the strongest perception gaps, the stage disagreement and the *data-quality findings*:
excluded respondents with their reasons, warnings and what was withheld.

All respondent- and user-supplied text is put in ``Text`` objects (never parsed as
markup), so a code like ``[bold]x[/]`` prints as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from salesmkt.l10n import _, ngettext, number
from salesmkt.model.assessment import Assessment, GroupResult
from salesmkt.render.score_markdown import (
    POOLED_FOOTNOTE,
    segment_cell,
    segment_score,
    strongest_gaps,
    weighting_words,
)
from salesmkt.render.terminal_layout import Col, FittedTable
from salesmkt.render.text import plain, visible
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

BAR_WIDTH = 20
_TITLED = {"title_style": "bold"}
MAX_LISTED = 20
_SHADES = ("░", "▒", "▓", "█")
_COLOURS = ("red", "yellow", "green", "cyan", "magenta", "blue")


def _bands(a: Assessment) -> list[tuple[float, float, str, str]]:
    """(low, high, label, id) per stage, in score order."""
    out: list[tuple[float, float, str, str]] = []
    stages = sorted(a.stages, key=lambda s: s.min)
    for i, s in enumerate(stages):
        if i + 1 < len(stages):
            high = stages[i + 1].min
        else:
            high = float(s.max) if s.max is not None else s.min
        out.append((s.min, high, s.label, s.id))
    return out


def _style(index: int) -> str:
    return _COLOURS[index % len(_COLOURS)]


def band_bar(a: Assessment, score: float | None, width: int = BAR_WIDTH) -> Text:
    """One line: the stage bands across the score range, ``●`` at ``score``."""
    bands = _bands(a)
    if not bands:
        return plain("")
    lo, hi = bands[0][0], bands[-1][1]
    span = hi - lo or 1.0
    marker = None
    if score is not None:
        marker = min(width - 1, max(0, int((score - lo) / span * width)))
    bar = Text()
    for pos in range(width):
        value = lo + span * (pos + 0.5) / width
        index = next((i for i, b in enumerate(bands) if value < b[1]), len(bands) - 1)
        colour = _style(index)
        if pos == marker:
            bar.append("●", style=f"bold white on {colour}")
        else:
            bar.append(_SHADES[min(index, len(_SHADES) - 1)], style=colour)
    return bar


def band_axis(a: Assessment, width: int = BAR_WIDTH) -> Text:
    """The band edges as numbers under the bar (20, 40, 60, 80, 100)."""
    bands = _bands(a)
    if not bands:
        return plain("")
    lo, hi = bands[0][0], bands[-1][1]
    span = hi - lo or 1.0
    cells = [" "] * (width + 4)
    for edge in [b[0] for b in bands] + [hi]:
        label = f"{edge:g}"
        pos = min(int((edge - lo) / span * width), width + 4 - len(label))
        if all(c == " " for c in cells[max(0, pos - 1) : pos + len(label)]):
            cells[pos : pos + len(label)] = list(label)
    return plain("".join(cells).rstrip(), style="dim")


def _stage_text(a: Assessment, stage_id: str | None, label: str | None) -> Text:
    if not stage_id or not label:
        return plain(DASH)
    index = next((i for i, b in enumerate(_bands(a)) if b[3] == stage_id), 0)
    return plain(label, style=f"bold {_style(index)}")


def _headline(a: Assessment) -> RenderableType:
    o = a.overall
    edges = stage_edges(a.stages)
    labels = {g.id: g.label for g in a.groups}
    title = Text()
    if o.stage is not None:
        title.append(_("Overall stage: "), style="bold")
        title.append_text(_stage_text(a, o.stage.id, o.stage.label.upper()))
        how = weighting_words(a, labels)
        title.append(
            "\n" + _("score {score}").format(score=fmt_score(o.score, edges)), style="bold"
        )
        title.append(visible(f" ({how})"))
        pooled = fmt_score(o.pooled_mean, edges)
        title.append("\n" + _("pooled respondent mean {score}").format(score=pooled))
    elif o.not_estimable:
        title.append(_("Organisation stage: cannot be estimated"), style="bold")
        title.append(visible(f"\n{o.not_estimable}"))
    else:
        title.append(_("Overall stage: not available"), style="bold")
    if o.favourable is not None:
        fav = _("{pct} of the answers shown are favourable").format(pct=fmt_pct(o.favourable))
        title.append("\n" + fav)
    if o.note:
        title.append(visible(f"\n{o.note}"), style="italic")
    title.append("\n" + _scored_line(a), style="dim")
    title.append(visible(f"\n{settings_line(a)}"), style="dim")
    heading = plain(a.questionnaire.title or a.questionnaire.id)
    return Panel(title, title=heading, title_align="left", padding=(1, 2), expand=False)


def _scored_line(a: Assessment) -> str:
    r = a.respondents
    return ngettext(
        "{scored} of {total} respondent scored ({prorated} prorated, {excluded} excluded)",
        "{scored} of {total} respondents scored ({prorated} prorated, {excluded} excluded)",
        r.total,
    ).format(scored=r.scored, total=r.total, prorated=r.prorated, excluded=len(r.excluded))


def _groups_table(a: Assessment) -> FittedTable:
    edges = stage_edges(a.stages)
    cols = [
        Col(_("Group"), wrap=True, min_width=12, key=True),
        Col("n", justify="right"),
        Col(_("Score"), justify="right"),
        Col(_("% fav"), justify="right"),
        Col(_("Stage")),
        # The band bar is a picture of the score beside it: the first to go.
        Col(band_axis(a), drop=1, stack_label="", split_header=False),
    ]
    rows: list[list[Text | str]] = []

    def row(label: str, g: GroupResult | None, score: float | None, fav: float | None) -> None:
        if g is not None and g.suppressed:
            n = fmt_n(g.n, g.n_fewer_than)
            rows.append([plain(label), n, _("withheld"), DASH, plain(DASH), plain("")])
            return
        stage = g.stage if g is not None else a.overall.stage
        rows.append(
            [
                plain(label),
                "" if g is None else fmt_n(g.n),
                fmt_score(score, edges),
                fmt_pct(fav),
                _stage_text(a, stage.id if stage else None, stage.label if stage else None),
                band_bar(a, score),
            ]
        )

    for g in a.groups:
        row(g.label, g, g.mean, g.favourable)
    if a.overall.not_estimable:
        rows.append([_("Organisation"), "", _("cannot be estimated"), "", plain(DASH), plain("")])
    else:
        row(_("Overall"), None, a.overall.score, a.overall.favourable)
    return FittedTable(
        cols, rows, title=_("Groups"), table_options=_TITLED, sections=(len(a.groups) - 1,)
    )


def _gaps(a: Assessment) -> RenderableType:
    labels = {g.id: g.label for g in a.groups}
    first, second = [*a.compare, "", ""][:2]
    gaps = strongest_gaps(a)
    if not gaps:
        reason = next((i.not_estimable for i in a.items if i.not_estimable), None)
        threshold = number(f"{a.settings.gap_threshold:g}")
        text = (
            _("Perception gaps: none shown ({reason}).").format(reason=reason)
            if reason
            else _(
                "Perception gaps: no item differs by {threshold} point(s) or more between "
                "{first} and {second}."
            ).format(
                threshold=threshold,
                first=labels.get(first, first),
                second=labels.get(second, second),
            )
        )
        return plain(text)
    cols = [
        Col(_("Item"), key=True),
        Col(_("Statement"), wrap=True, key=True),
        Col(plain(labels.get(first, first)), justify="right"),
        Col(plain(labels.get(second, second)), justify="right"),
        Col(_("Gap"), justify="right"),
    ]
    rows: list[list[Text | str]] = [
        [
            plain(i.id, style="bold"),
            plain(i.short or i.text),
            fmt_mean(i.means_by_group.get(first)),
            fmt_mean(i.means_by_group.get(second)),
            plain(fmt_gap(i.gap), style="bold"),
        ]
        for i in gaps
    ]
    threshold = number(f"{a.settings.gap_threshold:g}")
    title = _("Strongest perception gaps (≥ {threshold} point)").format(threshold=threshold)
    return FittedTable(cols, rows, title=title, table_options=_TITLED)


def _segments(a: Assessment) -> list[RenderableType]:
    edges = stage_edges(a.stages)
    out: list[RenderableType] = []
    for by in dict.fromkeys(s.by for s in a.segments):
        cols = [
            Col(plain(by), wrap=True, min_width=12, key=True),
            Col("n", justify="right"),
            Col(_("Score"), justify="right"),
            Col(_("Stage")),
            Col(_("Groups"), wrap=True, min_width=24),
        ]
        rows: list[list[Text | str]] = []
        caption = None
        for s in (s for s in a.segments if s.by == by):
            stage = s.overall.stage
            groups = "; ".join(segment_cell(g, edges) for g in s.groups)
            o = s.overall
            score = segment_score(s.suppressed, o.not_estimable, o.score, edges)
            if not s.suppressed and s.overall.method == "pooled" and s.overall.score is not None:
                score += "*"
                caption = f"* {_(POOLED_FOOTNOTE)}"
            rows.append(
                [
                    plain(s.value),
                    fmt_n(s.n, s.n_fewer_than),
                    score,
                    _stage_text(a, stage.id if stage else None, stage.label if stage else None),
                    plain(groups),
                ]
            )
        options = {**_TITLED, "caption_justify": "left"}
        out.append(
            FittedTable(
                cols,
                rows,
                title=plain(_("By {by}").format(by=by)),
                caption=caption,
                table_options=options,
            )
        )
    return out


def _listed(lines: Sequence[str], more: str) -> list[str]:
    """The first lines; ``more`` (with ``{n}``) says how many were left out."""
    shown = list(lines[:MAX_LISTED])
    if len(lines) > MAX_LISTED:
        shown.append(more.format(n=len(lines) - MAX_LISTED))
    return shown


def _quality(a: Assessment) -> RenderableType:
    r = a.respondents
    out = Text()
    out.append(_("Data quality") + "\n", style="bold")
    excluded = []
    for e in r.excluded:
        who = ", ".join(x for x in (e.respondent, e.group) if x)
        row = _("row {row}").format(row=e.row)
        excluded.append(row + (f" ({who})" if who else "") + f": {e.reason}")
    warnings = [
        (_("row {row}").format(row=w.row) + ": " if w.row is not None else "") + w.message
        for w in a.warnings
    ]
    if not (excluded or warnings or a.suppressed):
        out.append(_("No problems found: every respondent was scored.") + "\n")
    more_excluded = _("and {n} more excluded respondents (see --format json)")
    for line in _listed(excluded, more_excluded):
        out.append(_("✗ excluded") + " ", style="bold red")
        out.append(visible(line + "\n"))
    for line in _listed(warnings, _("and {n} more warnings (see --format json)")):
        out.append(_("! warning") + " ", style="bold yellow")
        out.append(visible(line + "\n"))
    for note in a.suppressed:
        out.append(_("◌ withheld") + " ", style="bold")
        out.append(visible(note + "\n"))
    out.rstrip()
    return out


def _items(a: Assessment) -> RenderableType:
    """Every item's mean and % favourable, per shown group and for all of them."""
    shown = [g for g in a.groups if not g.suppressed]
    cols = [
        Col(_("Item"), key=True),
        Col(_("Statement"), wrap=True, key=True),
        *(Col(plain(g.label), justify="right") for g in shown),
        Col(_("All"), justify="right"),
    ]
    rows: list[list[Text | str]] = []
    for i in a.items:
        cells = [
            with_favourable(i.means_by_group.get(g.id), i.favourable_by_group.get(g.id))
            for g in shown
        ]
        rows.append(
            [plain(i.id), plain(i.short or i.text), *cells, with_favourable(i.mean, i.favourable)]
        )
    return FittedTable(cols, rows, title=_("Items: mean (% favourable)"), table_options=_TITLED)


def _dimensions(a: Assessment) -> RenderableType:
    shown = [g for g in a.groups if not g.suppressed]
    cols = [
        Col(_("Dimension"), wrap=True, min_width=14, key=True),
        *(Col(plain(g.label), justify="right") for g in shown),
        Col(_("All"), justify="right"),
    ]
    rows: list[list[Text | str]] = []
    for d in a.dimensions:
        cells = [
            with_favourable(d.means_by_group.get(g.id), d.favourable_by_group.get(g.id))
            for g in shown
        ]
        rows.append([plain(d.label), *cells, with_favourable(d.mean, d.favourable)])
    title = _("Dimensions: mean (% favourable)")
    return FittedTable(cols, rows, title=title, table_options=_TITLED)


def _participation(a: Assessment) -> RenderableType:
    labels = {g.id: g.label for g in a.groups}
    cols = [
        Col(_("Group"), wrap=True, min_width=12, key=True),
        Col(_("Segment"), wrap=True, min_width=12, key=True),
        *(Col(name, justify="right") for name in (_("Invited"), _("Responded"), _("Rate"))),
    ]
    rows: list[list[Text | str]] = []
    for p in a.participation:
        rate = plain(fmt_pct(p.rate), style="bold red") if p.low else plain(fmt_pct(p.rate))
        rows.append(
            [
                plain(labels.get(p.group, p.group)),
                plain(f"{p.by} = {p.value}" if p.by else _("all")),
                str(p.invited),
                _("withheld") if p.withheld else fmt_n(p.responded),
                plain(_("withheld")) if p.withheld else rate,
            ]
        )
    return FittedTable(cols, rows, title=_("Participation"), table_options=_TITLED)


def render_terminal(a: Assessment) -> RenderableType:
    """The projector view of an assessment."""
    parts: list[RenderableType] = [_headline(a)]
    if a.overall.hides_split:
        parts.append(plain(f"⚠ {a.overall.hides_split}", style="bold yellow"))
    if a.stage_disagreement and a.stage_disagreement.headline:
        parts.append(plain(f"⚠ {a.stage_disagreement.headline}", style="bold yellow"))
    for b in a.borderline:
        parts.append(plain(f"◆ {b.message}", style="yellow"))
    parts += [plain(""), _groups_table(a), plain(""), _gaps(a)]
    if a.dimensions:
        parts += [plain(""), _dimensions(a)]
    if a.items:
        parts += [plain(""), _items(a)]
    if a.participation:
        parts += [plain(""), _participation(a)]
    for seg in _segments(a):
        parts += [plain(""), seg]
    parts += [plain(""), _quality(a)]
    return Group(*parts)


def render_score(result: ScoreResult) -> RenderableType:
    """The ``score`` subject's renderer (see :mod:`salesmkt.render.registry`)."""
    return render_terminal(result.assessment)
