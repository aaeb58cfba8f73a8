"""Renderers of a wave comparison (:class:`salesmkt.analysis.compare.Comparison`).

Vocabulary: the same sections in every format: *stages* (before → after per scope),
*scores* (change with its 95% interval and, for independent waves, the Mann–Whitney
p-value), *paired changes* (the matched respondents, Wilcoxon signed-rank), the
*perception gap* (narrowed, widened, reversed), *dimensions* and the *items that moved
most*, then the notes. Changes carry their sign; a missing figure is an en dash.

Terminal output builds every cell as a rich ``Text`` (never parsed as markup), and the
Markdown escapes every label and file name with ``md_escape``: labels come from
user-supplied questionnaires and file names from the command line.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType

from salesmkt.analysis.comparison import Change, Comparison, GapChange, PairedChange, StageChange
from salesmkt.model.assessment import StageRef
from salesmkt.render.terminal_layout import Col, FittedTable
from salesmkt.render.text import md_escape, plain
from salesmkt.wording import DASH, fmt_ci, fmt_gap, fmt_mean, fmt_p

TITLE = "Progress between two survey waves"


# -- shared wording ----------------------------------------------------------------------


def _stage(ref: StageRef | None) -> str:
    return ref.label if ref else DASH


def stage_move(s: StageChange) -> str:
    if s.direction == "unknown" or s.steps is None:
        return DASH
    if s.steps == 0:
        return "no change"
    word = "stage" if abs(s.steps) == 1 else "stages"
    return f"{'up' if s.steps > 0 else 'down'} {abs(s.steps)} {word}"


def gap_verdict(g: GapChange) -> str:
    if g.narrowed is None or g.before is None or g.after is None:
        return g.note or "not known"
    if g.narrowed:
        word = "narrowed"
    elif abs(abs(g.after) - abs(g.before)) <= 1e-9:
        word = "unchanged"
    else:
        word = "widened"
    return f"{word} (reversed)" if g.reversed else word


def _paired_counts(p: PairedChange) -> str:
    if p.improved is None:
        return DASH
    return f"{p.improved}/{p.unchanged}/{p.worsened}"


def _source(c: Comparison, role: str) -> str:
    wave = c.before if role == "before" else c.after
    kind = "saved assessment" if wave.kind == "assessment" else "responses"
    return f"{wave.source or '(unnamed)'} ({kind}, {wave.scored} scored)"


def headline(c: Comparison) -> str:
    """One sentence for the top: the organisation's stage change and the score change."""
    stage = c.stage("overall")
    total = c.total("overall")
    parts: list[str] = []
    if stage and stage.before and stage.after:
        if stage.steps:
            parts.append(f"Stage {stage.before.label} → {stage.after.label}")
        else:
            parts.append(f"Stage unchanged ({stage.after.label})")
    if total and total.change is not None:
        parts.append(
            f"overall score {fmt_mean(total.before, 1)} → {fmt_mean(total.after, 1)} "
            f"({fmt_gap(total.change, 1)})"
        )
    gap = c.gap("total")
    if gap and gap.narrowed is not None:
        parts.append(f"perception gap {gap_verdict(gap)}")
    return "; ".join(parts) + "." if parts else "No comparable figures."


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
    return " − ".join(c.compare) if len(c.compare) == 2 else "first − second group"


TOTAL_HEAD = ["", "before", "after", "change", "95% CI", "p", "note"]
DIM_HEAD = ["dimension", "before", "after", "change", "95% CI", "note"]
PAIRED_HEAD = [
    "",
    "n",
    "before",
    "after",
    "change",
    "95% CI",
    "up/=/down",
    "W",
    "p",
    "note",
]
GAP_HEAD = ["gap", "before", "after", "verdict"]
ITEM_HEAD = ["item", "statement", "before", "after", "change"]


Section = tuple[str, list[str], list[list[str]], str | None]  # title, header, rows, caption


def _sections(c: Comparison) -> list[Section]:
    """(title, header, rows, caption) for every table, shared by the renderers."""
    stages = [
        [s.label, _stage(s.before), _stage(s.after), stage_move(s), s.note or ""] for s in c.stages
    ]
    out: list[Section] = [("Stages", ["", "before", "after", "change", "note"], stages, None)]
    out.append(_totals_section(c))
    if c.paired:
        caption = (
            "before, after: the matched people's mean totals; change: the mean of each "
            "person's own change; p: Wilcoxon signed-rank test."
        )
        rows = [_paired_row(p) for p in c.paired]
        out.append(
            (f"Paired changes ({c.matched} matched respondents)", PAIRED_HEAD, rows, caption)
        )
    gap_caption = "Narrowed: the gap is smaller in size after than before."
    gap_rows = [_gap_row(g) for g in c.gaps]
    out.append((f"Perception gap ({_compared_names(c)})", GAP_HEAD, gap_rows, gap_caption))
    if c.dimensions:
        dims = [_dimension_row(d) for d in c.dimensions]
        out.append(("Dimensions (mean per respondent)", DIM_HEAD, dims, None))
    if c.movers:
        movers = [
            [m.id, m.label, fmt_mean(m.before), fmt_mean(m.after), fmt_gap(m.change)]
            for m in c.movers
        ]
        out.append(("Items that moved most", ITEM_HEAD, movers, None))
    return out


def _totals_section(c: Comparison) -> Section:
    """The total scores; the p column only when some change was tested."""
    caption = (
        "p: Mann–Whitney U, waves as independent samples." if c.design == "independent" else None
    )
    rows = [_total_row(t) for t in c.totals]
    head = TOTAL_HEAD
    if not any(t.p_value is not None for t in c.totals):
        rows = [r[:5] + r[6:] for r in rows]
        head = TOTAL_HEAD[:5] + TOTAL_HEAD[6:]
    return ("Scores (total)", head, rows, caption)


def _drop_empty_notes(head: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    if head and head[-1] == "note" and not any(r[-1] for r in rows):
        return head[:-1], [r[:-1] for r in rows]
    return head, rows


# -- Markdown ----------------------------------------------------------------------------


def comparison_markdown(c: Comparison) -> str:
    q = c.questionnaire
    lines = [
        f"# {TITLE}",
        "",
        f"*{md_escape(q.title or q.id)} ({md_escape(q.id)} {md_escape(q.version)})*",
        "",
        f"- **Before:** {md_escape(_source(c, 'before'))}",
        f"- **After:** {md_escape(_source(c, 'after'))}",
        "",
        f"**{md_escape(headline(c))}**",
        "",
        md_escape(c.design_note),
        "",
    ]
    for title, head, rows, caption in _sections(c):
        head, rows = _drop_empty_notes(head, rows)
        lines += [f"## {md_escape(title)}", ""]
        lines.append("| " + " | ".join(md_escape(h) for h in head) + " |")
        lines.append("|" + "|".join("---" for _ in head) + "|")
        for row in rows:
            lines.append("| " + " | ".join(md_escape(v) for v in row) + " |")
        lines.append("")
        if caption:
            lines += [f"*{md_escape(caption)}*", ""]
    if c.notes:
        lines += ["## Notes", ""]
        lines += [f"- {md_escape(n)}" for n in c.notes]
        lines.append("")
    lines.append(f"*{md_escape(METHODS_NOTE)}*")
    return "\n".join(lines) + "\n"


METHODS_NOTE = (
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
        plain(f"{TITLE}: {q.title or q.id} ({q.id} {q.version})", style="bold"),
        plain(f"Before: {_source(c, 'before')}"),
        plain(f"After:  {_source(c, 'after')}"),
        plain(""),
        plain(headline(c), style="bold"),
        plain(c.design_note, style="dim"),
    ]
    for title, head, rows, caption in _sections(c):
        # Notes go under the table, not in a column: a narrow terminal keeps the figures.
        footnotes: list[str] = []
        if head[-1] == "note":
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
    parts.append(plain(METHODS_NOTE, style="dim"))
    return Group(*parts)


def _fitted(title: str, head: list[str], rows: list[list[str]]) -> FittedTable:
    """One section's table: labels and statements wrap, figures stay whole; on a narrow
    terminal the interval goes first (see :mod:`salesmkt.render.terminal_layout`)."""
    cols = [
        Col(
            plain(name),
            justify="left" if k == 0 or name == "statement" else "right",
            wrap=k == 0 or name == "statement",
            min_width=12 if k == 0 else 20,
            key=k == 0 or name == "statement",
            drop=1 if name == "95% CI" else 0,
        )
        for k, name in enumerate(head)
    ]
    options = {"box": box.SIMPLE_HEAVY, "pad_edge": False}
    return FittedTable(cols, rows, title=plain(title, style="bold"), table_options=options)
