"""Renderers of a trend across waves (:class:`salesmkt.model.trend.Trend`).

Vocabulary: the same sections in every format: *scores* (each wave's overall score and
group means with 95% intervals and stages; withheld groups say so, with no figure),
*perception gap* (the compared groups' gap per wave), *steps* (each change, its
interval, adjusted p-value and the verdict "beyond noise"), *segments* (``--by``),
*dimension lines* (one column per wave), then the notes. Figures are worded through
:mod:`salesmkt.wording`; a missing figure is an en dash.

The terminal builds every cell as a rich ``Text`` (never markup) and lets long labels
fold rather than be cut, so nothing is truncated at 80 columns; Markdown escapes every
label with ``md_escape`` and the CSV neutralises every text cell (labels come from
user-supplied questionnaires, wave labels from the command line). ``trend_section_html``
and ``trend_section_markdown`` are the fragments the report embeds.

Every word is in the reader's language (:func:`salesmkt.l10n._`); the column heads stay
English keys inside (the layout picks columns by them) and are translated when shown;
the CSV's column names stay English.
"""

from __future__ import annotations

import csv
import html
import io

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table

from salesmkt.l10n import N_, _
from salesmkt.model.trend import Trend, TrendPoint, TrendSeries, TrendStep
from salesmkt.render.text import md_escape, neutralise_cell, plain
from salesmkt.wording import DASH, fmt_ci, fmt_gap, fmt_mean, fmt_n, fmt_p, fmt_score

TITLE = N_("Trend across survey waves")
METHODS_NOTE = N_(
    "95% intervals: Student t for a group's mean, weights ½, ½ for the overall score, Welch "
    "for the gap and for each change (waves as independent samples). Beyond noise: the "
    "Welch t test's p-value, adjusted within each line's steps, is below 0.05; the "
    "intervals are not adjusted."
)
ADJUST_WORDS = {"holm": "Holm", "bh": "Benjamini–Hochberg", "none": N_("no adjustment")}

Section = tuple[str, list[str], list[list[str]], str | None]  # title, header, rows, caption


# -- shared wording ----------------------------------------------------------------------


def _edges(t: Trend) -> list[float]:
    return sorted(s.min for s in t.stages)


def point_value(t: Trend, p: TrendPoint, *, gap: bool = False) -> str:
    """A point's figure: the score (signed for a gap), or "withheld"."""
    if p.withheld:
        return _("withheld")
    return fmt_gap(p.value, 1) if gap else fmt_score(p.value, _edges(t))


def verdict(s: TrendStep) -> str:
    if s.larger_than_noise is None:
        return DASH
    return _("yes") if s.larger_than_noise else _("no")


def step_name(s: TrendStep) -> str:
    return f"{s.start} → {s.end}"


def headline(t: Trend) -> str:
    """One line: the organisation's stage and score in each wave."""
    overall = t.get("overall")
    if overall is None:
        return ""
    parts = [f"{p.stage.label if p.stage else DASH} {point_value(t, p)}" for p in overall.points]
    return _("Overall: {stages}").format(stages=" → ".join(parts))


def _score_rows(t: Trend, series: list[TrendSeries]) -> list[list[str]]:
    rows = []
    for s in series:
        for k, p in enumerate(s.points):
            rows.append(
                [
                    s.label if k == 0 else "",
                    p.wave,
                    point_value(t, p),
                    fmt_ci(p.ci, 1, signed=False),
                    p.stage.label if p.stage else DASH,
                    fmt_n(p.n, p.n_fewer_than),
                    p.note or "",
                ]
            )
    return rows


def _gap_rows(t: Trend) -> list[list[str]]:
    gap = t.get("gap")
    if gap is None:
        return []
    return [
        [p.wave, point_value(t, p, gap=True), fmt_ci(p.ci, 1), p.note or ""] for p in gap.points
    ]


def _step_rows(t: Trend) -> list[list[str]]:
    rows = []
    for s in t.of_kind("overall", "group", "gap"):
        for k, st in enumerate(s.steps):
            rows.append(
                [
                    s.label if k == 0 else "",
                    step_name(st),
                    fmt_gap(st.change, 1),
                    fmt_ci(st.ci, 1),
                    fmt_p(st.p_value),
                    fmt_p(st.p_adjusted),
                    verdict(st),
                    st.note or "",
                ]
            )
    return rows


def _dimension_rows(t: Trend) -> list[list[str]]:
    rows = []
    seen: set[str] = set()
    for d in t.dimensions:
        first = d.dimension not in seen
        seen.add(d.dimension)
        name = d.label if first else ""
        rows.append([name, d.scope_label, *(fmt_mean(m) for m in d.means)])
    return rows


# The heads' English texts are the layout's keys; :func:`head_word` translates them.
HEAD_WORDS = (
    N_("wave"),
    N_("score"),
    N_("95% CI"),
    N_("stage"),
    N_("note"),
    N_("gap"),
    N_("step"),
    N_("change"),
    N_("p adj."),
    N_("beyond noise"),
    N_("dimension"),
)
SCORE_HEAD = ["", "wave", "score", "95% CI", "stage", "n", "note"]
GAP_HEAD = ["wave", "gap", "95% CI", "note"]
STEP_HEAD = ["", "step", "change", "95% CI", "p", "p adj.", "beyond noise", "note"]


def head_word(name: str) -> str:
    """A column head as the reader sees it (a wave's label stays as it is)."""
    return _(name) if name in HEAD_WORDS else name


def sections(t: Trend) -> list[Section]:
    """(title, header, rows, caption) for every table, shared by the renderers."""
    scores = _score_rows(t, t.of_kind("overall", "group"))
    out: list[Section] = [(_("Scores by wave"), SCORE_HEAD, scores, None)]
    names = " − ".join(t.compare) if len(t.compare) == 2 else _("first − second group")
    gaps = _gap_rows(t)
    if gaps:
        title = _("Perception gap ({groups}), total score").format(groups=names)
        out.append((title, GAP_HEAD, gaps, None))
    adjust = _(ADJUST_WORDS.get(t.adjust, t.adjust))
    caption = _(
        "p: Welch t test of the change; p adj.: {adjust} within each line's steps; "
        "beyond noise: p adj. below 0.05."
    ).format(adjust=adjust)
    out.append((_("Steps"), STEP_HEAD, _step_rows(t), caption))
    segments = t.of_kind("segment")
    if segments:
        rows = _score_rows(t, segments)
        out.append((_("Segments (--by), overall score"), SCORE_HEAD, rows, None))
    if t.dimensions:
        head = ["dimension", "", *(w.label for w in t.waves)]
        title = _("Dimension lines (mean per respondent)")
        out.append((title, head, _dimension_rows(t), None))
    return out


def _drop_empty_notes(head: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    if head and head[-1] == "note" and not any(r[-1] for r in rows):
        return head[:-1], [r[:-1] for r in rows]
    return head, rows


def _wave_lines(t: Trend) -> list[str]:
    out = []
    for k, w in enumerate(t.waves, start=1):
        kind = _("saved assessment") if w.kind == "assessment" else _("responses")
        source = _("{source} ({kind}, {n} scored)").format(
            source=w.source or _("(unnamed)"), kind=kind, n=w.scored
        )
        out.append(f"{k}. {w.label}: {source}")
    return out


# -- Markdown ----------------------------------------------------------------------------


def _markdown_table(head: list[str], rows: list[list[str]]) -> list[str]:
    head, rows = _drop_empty_notes(head, rows)
    lines = ["| " + " | ".join(md_escape(head_word(h)) for h in head) + " |"]
    lines.append("|" + "|".join("---" for _ in head) + "|")
    lines += ["| " + " | ".join(md_escape(v) for v in row) + " |" for row in rows]
    return lines


def trend_section_markdown(t: Trend, *, level: int = 2) -> str:
    """The trend as a Markdown fragment (headings from ``level``), for the report."""
    mark = "#" * level
    lines = [f"**{md_escape(headline(t))}**", ""]
    for title, head, rows, caption in sections(t):
        lines += [f"{mark} {md_escape(title)}", "", *_markdown_table(head, rows), ""]
        if caption:
            lines += [f"*{md_escape(caption)}*", ""]
    if t.notes:
        lines += [f"- {md_escape(n)}" for n in t.notes]
        lines.append("")
    lines.append(f"*{md_escape(_(METHODS_NOTE))}*")
    return "\n".join(lines) + "\n"


def trend_markdown(t: Trend) -> str:
    q = t.questionnaire
    lines = [
        f"# {_(TITLE)}",
        "",
        f"*{md_escape(q.title or q.id)} ({md_escape(q.id)} {md_escape(q.version)})*",
        "",
        *(f"- {md_escape(line)}" for line in _wave_lines(t)),
        "",
    ]
    return "\n".join(lines) + "\n" + trend_section_markdown(t)


# -- HTML fragment -----------------------------------------------------------------------


def trend_section_html(
    t: Trend, *, level: int = 2, chart: bool = True, heading: bool = True
) -> str:
    """The trend as an HTML fragment (a ``<section>``), for the report: the chart (inline
    SVG, with its own title and description) and the tables. Everything is escaped.
    ``heading=False`` leaves out the title when the report gives the section one."""
    h = f"h{level}"
    sub = f"h{min(level + 1, 6)}"
    esc = html.escape
    title = f"<{h}>{esc(_(TITLE))}</{h}>" if heading else ""
    parts = [
        f'<section class="trend">{title}',
        f"<p><strong>{esc(headline(t))}</strong></p>",
    ]
    if chart:
        from salesmkt.render.trend_chart import trend_svg

        parts.append(f'<figure class="trend-chart">{trend_svg(t, standalone=False)}</figure>')
    for title, head, rows, caption in sections(t):
        head, rows = _drop_empty_notes(head, rows)
        # In the report's box that scrolls sideways, so a phone's page never does.
        box = (
            '<div class="table-wrap" tabindex="0" role="region" '
            f'aria-label="{esc(_("{title} (table)").format(title=title))}">'
        )
        parts.append(f"<{sub}>{esc(title)}</{sub}>{box}<table><thead><tr>")
        parts += [f'<th scope="col">{esc(head_word(c))}</th>' for c in head]
        parts.append("</tr></thead><tbody>")
        for row in rows:
            parts.append("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>")
        parts.append("</tbody></table></div>")
        if caption:
            parts.append(f'<p class="caption">{esc(caption)}</p>')
    parts += [f'<p class="note">{esc(n)}</p>' for n in t.notes]
    parts.append(f'<p class="caption">{esc(_(METHODS_NOTE))}</p></section>')
    return "\n".join(parts) + "\n"


# -- JSON and CSV ------------------------------------------------------------------------


def trend_json(t: Trend) -> str:
    return t.model_dump_json(indent=2) + "\n"


CSV_HEAD = [
    "wave",
    "wave_order",
    "scope",
    "kind",
    "label",
    "measure",
    "dimension",
    "value",
    "ci_low",
    "ci_high",
    "stage",
    "n",
    "withheld",
    "from_wave",
    "p_value",
    "p_adjusted",
    "larger_than_noise",
    "note",
]


def _num(value: float | None) -> str:
    return "" if value is None else repr(round(value, 10))


def _csv_rows(t: Trend) -> list[list[object]]:
    order = {w.label: k for k, w in enumerate(t.waves, start=1)}
    rows: list[list[object]] = []
    for s in t.series:
        measure = "gap" if s.kind == "gap" else "score"
        for p in s.points:
            lo, hi = p.ci if p.ci else (None, None)
            stage = p.stage.id if p.stage else ""
            n = "" if p.n is None else p.n
            rows.append(
                [p.wave, order[p.wave], s.scope, s.kind, s.label, measure, "", _num(p.value),
                 _num(lo), _num(hi), stage, n, p.withheld, "", "", "", "", p.note or ""]
            )  # fmt: skip
        for st in s.steps:
            lo, hi = st.ci if st.ci else (None, None)
            verdict_cell = "" if st.larger_than_noise is None else st.larger_than_noise
            rows.append(
                [st.end, order[st.end], s.scope, s.kind, s.label, "change", "", _num(st.change),
                 _num(lo), _num(hi), "", "", "", st.start, _num(st.p_value), _num(st.p_adjusted),
                 verdict_cell, st.note or ""]
            )  # fmt: skip
    for d in t.dimensions:
        for w, mean in zip(t.waves, d.means, strict=True):
            rows.append(
                [w.label, order[w.label], d.scope, "dimension", d.scope_label, "dimension",
                 d.dimension, _num(mean), "", "", "", "", mean is None, "", "", "", "", ""]
            )  # fmt: skip
    return rows


def trend_csv(t: Trend) -> str:
    """One row per wave × line × measure (score, gap, change, dimension mean)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEAD)
    for row in _csv_rows(t):
        writer.writerow([neutralise_cell(v) if isinstance(v, str) else v for v in row])
    return buf.getvalue()


# -- terminal ----------------------------------------------------------------------------


def _terminal_table(head: list[str], rows: list[list[str]]) -> Table:
    table = Table(box=box.SIMPLE_HEAVY, pad_edge=False)
    for k, name in enumerate(head):
        text_column = k == 0 or name in ("", "wave", "step", "stage", "dimension")
        # Labels fold onto a second line when the terminal is narrow; figures, wave
        # labels and steps never wrap.
        table.add_column(
            plain(head_word(name)),
            justify="left" if text_column else "right",
            no_wrap=name not in ("", "dimension", "stage"),
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(plain(v) for v in row))
    return table


def trend_terminal(t: Trend) -> RenderableType:
    q = t.questionnaire
    parts: list[RenderableType] = [
        plain(f"{_(TITLE)}: {q.title or q.id} ({q.id} {q.version})", style="bold"),
        *(plain(line) for line in _wave_lines(t)),
        plain(""),
        plain(headline(t), style="bold"),
    ]
    for title, head, rows, caption in sections(t):
        footnotes: list[str] = []
        if head[-1] == "note":  # notes under the table: a narrow terminal keeps the figures
            footnotes = _footnotes(head, rows)
            head, rows = head[:-1], [r[:-1] for r in rows]
        if "p" in head:  # the raw p-value stays in JSON, CSV and Markdown
            k = head.index("p")
            head, rows = head[:k] + head[k + 1 :], [r[:k] + r[k + 1 :] for r in rows]
        # The title is a line of its own: a table title would wrap at the table's width.
        parts += [plain(""), plain(title, style="bold"), _terminal_table(head, rows)]
        parts += [plain(line, style="dim") for line in ([caption] if caption else []) + footnotes]
    if t.notes:
        parts.append(plain(""))
        parts += [plain(f"• {n}") for n in t.notes]
    parts.append(plain(_(METHODS_NOTE), style="dim"))
    return Group(*parts)


def _footnotes(head: list[str], rows: list[list[str]]) -> list[str]:
    """One line per note; a line withheld in every row says so once."""
    by_label: dict[str, list[tuple[str, str]]] = {}
    label = ""
    for r in rows:
        label = r[0] or label
        by_label.setdefault(label, []).append((r[1] if len(head) > 2 else "", r[-1]))
    out = []
    for label, notes in by_label.items():
        # A withheld point's note starts with the word "withheld" in every language.
        withheld = _("withheld")
        if len(notes) > 1 and all(n.startswith(withheld) for _sub, n in notes):
            out.append(
                _("{label}: withheld in every wave (too few respondents)").format(label=label)
            )
            continue
        if len(notes) > 1 and notes[0][1] and all(n == notes[0][1] for _sub, n in notes):
            every = _("{label}, every wave: {note}")  # said once, not per wave
            out.append(every.format(label=label, note=notes[0][1]))
            continue
        out += [f"{' '.join(v for v in (label, sub) if v)}: {n}" for sub, n in notes if n]
    return list(dict.fromkeys(out))
