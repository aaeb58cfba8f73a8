"""Renderers of a wave comparison (:class:`salesmkt.analysis.compare.Comparison`).

Vocabulary: the same sections in every format: *stages* (before → after per scope),
*scores* (change with its 95% interval and, for independent waves, the Mann–Whitney
p-value), *paired changes* (the matched respondents, Wilcoxon signed-rank), the
*perception gap* (narrowed, widened, reversed), *dimensions* and the *items that moved
most*, then the notes. Changes carry their sign; a missing figure is an en dash.

Terminal output builds every cell as a rich ``Text`` (never parsed as markup), and the
Markdown escapes every label and file name with ``md_escape``: labels come from
user-supplied questionnaires and file names from the command line.

Every word is in the reader's language (:func:`salesmkt.l10n._`); the column heads stay
English keys inside (the layout picks columns by them) and are translated when shown.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType

from salesmkt.analysis.comparison import Change, Comparison, GapChange, PairedChange, StageChange
from salesmkt.l10n import N_, _, ngettext
from salesmkt.model.assessment import StageRef
from salesmkt.render.terminal_layout import Col, FittedTable
from salesmkt.render.text import md_escape, plain
from salesmkt.wording import DASH, fmt_ci, fmt_gap, fmt_mean, fmt_p

TITLE = N_("Progress between two survey waves")


# -- shared wording ----------------------------------------------------------------------


def _stage(ref: StageRef | None) -> str:
    return ref.label if ref else DASH


def stage_move(s: StageChange) -> str:
    if s.direction == "unknown" or s.steps is None:
        return DASH
    if s.steps == 0:
        return _("no change")
    n = abs(s.steps)
    if s.steps > 0:
        return ngettext("up {n} stage", "up {n} stages", n).format(n=n)
    return ngettext("down {n} stage", "down {n} stages", n).format(n=n)


def gap_verdict(g: GapChange) -> str:
    if g.narrowed is None or g.before is None or g.after is None:
        return g.note or _("not known")
    if g.narrowed:
        word = _("narrowed")
    elif abs(abs(g.after) - abs(g.before)) <= 1e-9:
        word = _("unchanged")
    else:
        word = _("widened")
    return _("{verdict} (reversed)").format(verdict=word) if g.reversed else word


def _paired_counts(p: PairedChange) -> str:
    if p.improved is None:
        return DASH
    return f"{p.improved}/{p.unchanged}/{p.worsened}"


def _source(c: Comparison, role: str) -> str:
    wave = c.before if role == "before" else c.after
    kind = _("saved assessment") if wave.kind == "assessment" else _("responses")
    return _("{source} ({kind}, {n} scored)").format(
        source=wave.source or _("(unnamed)"), kind=kind, n=wave.scored
    )


def headline(c: Comparison) -> str:
    """One sentence for the top: the organisation's stage change and the score change."""
    stage = c.stage("overall")
    total = c.total("overall")
    parts: list[str] = []
    if stage and stage.before and stage.after:
        if stage.steps:
            move = _("Stage {before} → {after}")
            parts.append(move.format(before=stage.before.label, after=stage.after.label))
        else:
            parts.append(_("Stage unchanged ({stage})").format(stage=stage.after.label))
    if total and total.change is not None:
        parts.append(
            _("overall score {before} → {after} ({change})").format(
                before=fmt_mean(total.before, 1),
                after=fmt_mean(total.after, 1),
                change=fmt_gap(total.change, 1),
            )
        )
    gap = c.gap("total")
    if gap and gap.narrowed is not None:
        parts.append(_("perception gap {verdict}").format(verdict=gap_verdict(gap)))
    return "; ".join(parts) + "." if parts else _("No comparable figures.")


def _total_row(t: Change) -> list[str]:
    test = f"{fmt_p(t.p_value)}" if t.p_value is not None else DASH
    note = t.note or ""
    return [
        t.label,
        fmt_mean(t.before, 1),
        fmt_mean(t.after, 1),
        fmt_gap(t.change, 1),
        fmt_ci(t.ci, 1),
        test,
        note,
    ]


def _dimension_row(d: Change) -> list[str]:
    return [
        d.label,
        fmt_mean(d.before),
        fmt_mean(d.after),
        fmt_gap(d.change),
        fmt_ci(d.ci, 2),
        d.note or "",
    ]


def _paired_row(p: PairedChange) -> list[str]:
    return [
        p.label,
        str(p.n),
        fmt_mean(p.mean_before, 1),
        fmt_mean(p.mean_after, 1),
        fmt_gap(p.mean_difference, 1),
        fmt_ci(p.ci, 1),
        _paired_counts(p),
        fmt_mean(p.wilcoxon_statistic, 1),
        fmt_p(p.p_value),
        p.note or "",
    ]


def _gap_row(g: GapChange) -> list[str]:
    decimals = 1 if g.scope == "total" else 2
    return [g.label, fmt_gap(g.before, decimals), fmt_gap(g.after, decimals), gap_verdict(g)]


def _compared_names(c: Comparison) -> str:
    return " − ".join(c.compare) if len(c.compare) == 2 else _("first − second group")


# The heads' English texts are the layout's keys; each is translated where it is shown.
BEFORE, AFTER, CHANGE, CI, NOTE = (
    N_("before"),
    N_("after"),
    N_("change"),
    N_("95% CI"),
    N_("note"),
)
TOTAL_HEAD = ["", BEFORE, AFTER, CHANGE, CI, "p", NOTE]
DIM_HEAD = [N_("dimension"), BEFORE, AFTER, CHANGE, CI, NOTE]
PAIRED_HEAD = ["", "n", BEFORE, AFTER, CHANGE, CI, N_("up/=/down"), "W", "p", NOTE]
GAP_HEAD = [N_("gap"), BEFORE, AFTER, N_("verdict")]
ITEM_HEAD = [N_("item"), N_("statement"), BEFORE, AFTER, CHANGE]


Section = tuple[str, list[str], list[list[str]], str | None]  # title, header, rows, caption


def _sections(c: Comparison) -> list[Section]:
    """(title, header, rows, caption) for every table, shared by the renderers."""
    stages = [
        [s.label, _stage(s.before), _stage(s.after), stage_move(s), s.note or ""] for s in c.stages
    ]
    out: list[Section] = [(_("Stages"), ["", BEFORE, AFTER, CHANGE, NOTE], stages, None)]
    out.append(_totals_section(c))
    if c.paired:
        caption = _(
            "before, after: the matched people's mean totals; change: the mean of each "
            "person's own change; p: Wilcoxon signed-rank test."
        )
        rows = [_paired_row(p) for p in c.paired]
        title = _("Paired changes ({n} matched respondents)").format(n=c.matched)
        out.append((title, PAIRED_HEAD, rows, caption))
    gap_caption = _("Narrowed: the gap is smaller in size after than before.")
    gap_rows = [_gap_row(g) for g in c.gaps]
    gap_title = _("Perception gap ({groups})").format(groups=_compared_names(c))
    out.append((gap_title, GAP_HEAD, gap_rows, gap_caption))
    if c.dimensions:
        dims = [_dimension_row(d) for d in c.dimensions]
        out.append((_("Dimensions (mean per respondent)"), DIM_HEAD, dims, None))
    if c.movers:
        movers = [
            [m.id, m.label, fmt_mean(m.before), fmt_mean(m.after), fmt_gap(m.change)]
            for m in c.movers
        ]
        out.append((_("Items that moved most"), ITEM_HEAD, movers, None))
    return out


def _totals_section(c: Comparison) -> Section:
    """The total scores; the p column only when some change was tested."""
    independent = c.design == "independent"
    caption = _("p: Mann–Whitney U, waves as independent samples.") if independent else None
    rows = [_total_row(t) for t in c.totals]
    head = TOTAL_HEAD
    if not any(t.p_value is not None for t in c.totals):
        rows = [r[:5] + r[6:] for r in rows]
        head = TOTAL_HEAD[:5] + TOTAL_HEAD[6:]
    return (_("Scores (total)"), head, rows, caption)


def _drop_empty_notes(head: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    if head and head[-1] == NOTE and not any(r[-1] for r in rows):
        return head[:-1], [r[:-1] for r in rows]
    return head, rows


# -- Markdown ----------------------------------------------------------------------------


def comparison_markdown(c: Comparison) -> str:
    q = c.questionnaire
    lines = [
        f"# {_(TITLE)}",
        "",
        f"*{md_escape(q.title or q.id)} ({md_escape(q.id)} {md_escape(q.version)})*",
        "",
        f"- **{_('Before:')}** {md_escape(_source(c, 'before'))}",
        f"- **{_('After:')}** {md_escape(_source(c, 'after'))}",
        "",
        f"**{md_escape(headline(c))}**",
        "",
        md_escape(c.design_note),
        "",
    ]
    for title, head, rows, caption in _sections(c):
        head, rows = _drop_empty_notes(head, rows)
        lines += [f"## {md_escape(title)}", ""]
        lines.append("| " + " | ".join(md_escape(_(h) if h else h) for h in head) + " |")
        lines.append("|" + "|".join("---" for _ in head) + "|")
        for row in rows:
            lines.append("| " + " | ".join(md_escape(v) for v in row) + " |")
        lines.append("")
        if caption:
            lines += [f"*{md_escape(caption)}*", ""]
    if c.notes:
        lines += [f"## {_('Notes')}", ""]
        lines += [f"- {md_escape(n)}" for n in c.notes]
        lines.append("")
    lines.append(f"*{md_escape(_(METHODS_NOTE))}*")
    return "\n".join(lines) + "\n"


METHODS_NOTE = N_(
    "95% intervals: Welch t (waves as independent samples); paired changes: Student t of "
    "the matched differences and the exact Wilcoxon signed-rank p up to 50 pairs."
)


# -- JSON --------------------------------------------------------------------------------


def comparison_json(c: Comparison) -> str:
    return c.model_dump_json(indent=2) + "\n"


# -- terminal ----------------------------------------------------------------------------


def comparison_terminal(c: Comparison) -> RenderableType:
    q = c.questionnaire
    parts: list[RenderableType] = [
        plain(f"{_(TITLE)}: {q.title or q.id} ({q.id} {q.version})", style="bold"),
        *_wave_lines(c),
        plain(""),
        plain(headline(c), style="bold"),
        plain(c.design_note, style="dim"),
    ]
    for title, head, rows, caption in _sections(c):
        # Notes go under the table, not in a column: a narrow terminal keeps the figures.
        footnotes: list[str] = []
        if head[-1] == NOTE:
            footnotes = [f"{r[0]}: {r[-1]}" for r in rows if r[-1]]
            head, rows = head[:-1], [r[:-1] for r in rows]
        if "W" in head:  # the statistic means little to a workshop; JSON and Markdown keep it
            k = head.index("W")
            head, rows = head[:k] + head[k + 1 :], [r[:k] + r[k + 1 :] for r in rows]
        parts += [plain(""), _fitted(title, head, rows)]
        parts += [plain(line, style="dim") for line in ([caption] if caption else []) + footnotes]
    if c.notes:
        parts.append(plain(""))
        parts += [plain(f"• {n}") for n in c.notes]
    parts.append(plain(_(METHODS_NOTE), style="dim"))
    return Group(*parts)


def _wave_lines(c: Comparison) -> list[RenderableType]:
    """ "Before: …" and "After: …", their sources aligned under each other."""
    words = (_("Before:"), _("After:"))
    width = max(len(w) for w in words) + 1
    return [
        plain(f"{word.ljust(width)}{_source(c, role)}")
        for word, role in zip(words, ("before", "after"), strict=True)
    ]


def _fitted(title: str, head: list[str], rows: list[list[str]]) -> FittedTable:
    """One section's table: labels and statements wrap, figures stay whole; on a narrow
    terminal the interval goes first (see :mod:`salesmkt.render.terminal_layout`)."""
    cols = [
        Col(
            plain(_(name) if name else name),
            justify="left" if k == 0 or name == "statement" else "right",
            wrap=k == 0 or name == "statement",
            min_width=12 if k == 0 else 20,
            key=k == 0 or name == "statement",
            drop=1 if name == CI else 0,
        )
        for k, name in enumerate(head)
    ]
    options = {"box": box.SIMPLE_HEAVY, "pad_edge": False}
    return FittedTable(cols, rows, title=plain(title, style="bold"), table_options=options)
