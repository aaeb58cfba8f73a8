"""The perception gaps (``salesmkt gaps``) for a projector, in Markdown and as CSV.

Vocabulary:
- *first* / *second*: the compared groups (Sales and Marketing); a gap is first − second.
- *diverging bar*: one line per item, centred on ``│`` (no gap): cells to the right mean
  the first group rates higher, cells to the left the second. Its full half-width is the
  whole answer scale (4 points on 1–5), so bar lengths compare across items; ``█`` is a
  whole cell, ``▌``/``▐`` half a cell.
- *backed*: the adjusted p-value (``--adjust``, Benjamini–Hochberg by default) is below
  0.05, i.e. the data are strong enough to support the gap even among all the items
  tested. The verdict is read off the printed adjusted p, so the two always agree; the
  95% interval is not adjusted, and the header says so. The size of a gap comes first;
  backing is the support.
- *p (adj.)*: the Mann–Whitney p-value after the ``--adjust`` correction across items
  (dimensions form their own family).

Every piece of user or respondent text goes through ``Text`` (terminal, never parsed as
markup), :func:`md_escape` (Markdown) or :func:`neutralise_cell` (CSV).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from salesmkt.l10n import N_, _, ngettext, number
from salesmkt.model.assessment import (
    RELIABILITY_FLOOR,
    AgreementResult,
    Assessment,
    DimensionResult,
    GapFields,
    ItemResult,
    ReliabilityResult,
)
from salesmkt.render.assessment_json import render_json
from salesmkt.render.terminal_layout import Col, FittedTable
from salesmkt.render.text import md_escape, neutralise_cell, plain, visible
from salesmkt.wording import (
    DASH,
    effect_words,
    fmt_ci,
    fmt_gap,
    fmt_mean,
    fmt_n,
    fmt_p,
    fmt_pct,
    quadrant_words,
    reliability_figures,
    settings_line,
    with_favourable,
)

BAR_HALF = 8
# Below this many respondents in a compared group, significance is hard to reach and
# the output says so.
SMALL_GROUP = 20
_FIRST_STYLE = "cyan"
_SECOND_STYLE = "magenta"
# The effect-size band as one word, for the terminal's narrow column.
_EFFECT_SHORT = {
    "negligible": N_("negligible"),
    "small": N_("small"),
    "medium": N_("medium"),
    "large": N_("large"),
}


@dataclass(frozen=True)
class GapsView:
    """What ``gaps`` shows: the assessment, and the answer scale's (min, max) when known.

    The scale sizes the diverging bars; a saved assessment JSON shows without it.
    """

    assessment: Assessment
    scale: tuple[float, float] | None = None


# -- shared pieces -----------------------------------------------------------------------


def _labels(a: Assessment) -> tuple[str, str, str, str]:
    """(first id, second id, first label, second label)."""
    first, second = [*a.compare, "", ""][:2]
    names = {g.id: g.label for g in a.groups}
    return first, second, names.get(first, first), names.get(second, second)


def item_span(a: Assessment, scale: tuple[float, float] | None = None) -> float:
    """The width of the answer scale (max − min), from ``scale`` or the scoring key."""
    if scale is not None and scale[1] > scale[0]:
        return float(scale[1] - scale[0])
    lo = min((s.min for s in a.stages), default=None)
    hi = max((float(s.max) for s in a.stages if s.max is not None), default=None)
    if lo is not None and hi is not None and hi > lo and a.items:
        return (hi - lo) / len(a.items)
    biggest = max((abs(i.gap) for i in a.items if i.gap is not None), default=0.0)
    return max(1.0, biggest)


def diverging_bar(gap: float | None, span: float, half: int = BAR_HALF) -> tuple[str, str]:
    """The left and right halves of a diverging bar (each ``half`` characters).

    Right: the first group rates higher; left: the second. ``span`` is the gap that
    fills a half completely; the length is rounded to half cells.
    """
    if gap is None or span <= 0:
        return " " * half, " " * half
    halves = min(2 * half, round(abs(gap) / span * 2 * half))
    full, part = divmod(halves, 2)
    if gap > 0:
        return " " * half, ("█" * full + ("▌" if part else "")).ljust(half)
    if gap < 0:
        return ("▐" if part else "").rjust(half - full) + "█" * full, " " * half
    return " " * half, " " * half


def backed_words(t: GapFields) -> str:
    if t.backed is None:
        return DASH
    return _("yes") if t.backed else _("no")


def _split_words(t: GapFields, labels: dict[str, str]) -> str:
    words = quadrant_words(t.quadrant)
    if t.quadrant == "split" and t.direction:
        words += " " + _("({group} higher)").format(group=labels.get(t.direction, t.direction))
    return words


def p_shown(a: Assessment, t: GapFields) -> float | None:
    return t.p_value if a.settings.adjust == "none" else t.p_adjusted


def by_gap_size(items: Sequence[ItemResult]) -> list[ItemResult]:
    """Largest |gap| first; items without a gap last, in questionnaire order."""
    return sorted(items, key=lambda i: (i.gap is None, -abs(i.gap or 0.0)))


def small_sample_note(a: Assessment) -> str | None:
    """Plain words when the compared groups are too small for significance."""
    first, second, first_label, second_label = _labels(a)
    sizes = {g.id: g.n for g in a.groups if not g.suppressed and g.n is not None}
    if first not in sizes or second not in sizes:
        return None
    n1, n2 = sizes[first], sizes[second]
    if min(n1, n2) >= SMALL_GROUP:
        return None
    who = (
        ngettext("{n} person per group", "{n} people per group", n1).format(n=n1)
        if n1 == n2
        else _("{n1} {first} and {n2} {second} respondents").format(
            n1=n1, first=first_label, n2=n2, second=second_label
        )
    )
    return _(
        "With {who} almost nothing is significant: read the size of the gap first. "
        "The interval and p-value only say whether the data are strong enough to back it."
    ).format(who=who)


def _means(t: ItemResult | DimensionResult, first: str, second: str) -> tuple[str, str]:
    return fmt_mean(t.means_by_group.get(first)), fmt_mean(t.means_by_group.get(second))


def _means_favourable(t: ItemResult | DimensionResult, first: str, second: str) -> tuple[str, str]:
    """Each compared group's mean with its % favourable beside it (Markdown)."""
    return (
        with_favourable(t.means_by_group.get(first), t.favourable_by_group.get(first)),
        with_favourable(t.means_by_group.get(second), t.favourable_by_group.get(second)),
    )


def favourable_line(a: Assessment) -> str | None:
    """Each compared group's % favourable, for the terminal, whose table has no room for
    it per item (Markdown, CSV and JSON carry it per item and dimension)."""
    first, second, first_label, second_label = _labels(a)
    groups = {g.id: g for g in a.groups}
    shares = [
        f"{label} {fmt_pct(groups[g].favourable)}"
        for g, label in ((first, first_label), (second, second_label))
        if g in groups and groups[g].favourable is not None
    ]
    if not shares:
        return None
    if a.settings.favourable_from is None:
        return None
    return _(
        "% favourable (answers of {k} or more): {shares}; per item with --format markdown, "
        "csv or json."
    ).format(k=number(f"{a.settings.favourable_from:g}"), shares=", ".join(shares))


def _total_line(a: Assessment) -> str | None:
    t = a.total_gap
    if t is None:
        return None
    if t.gap is None:
        why = t.not_estimable or _("not estimable")
        return _("Total: no gap ({reason}).").format(reason=why)
    parts = [_("Total: gap {gap} {ci}").format(gap=fmt_gap(t.gap, 1), ci=fmt_ci(t.ci, 1))]
    if t.welch_t is not None and t.welch_df is not None:
        df, welch_t = number(f"{t.welch_df:.1f}"), number(f"{t.welch_t:.2f}")
        parts.append(f"Welch t({df}) = {welch_t}, p = {fmt_p(t.welch_p)}")
    if t.p_value is not None:
        parts.append(f"Mann–Whitney p = {fmt_p(t.p_value)}")
    if t.hedges_g is not None:
        parts.append(f"Hedges' g = {number(f'{t.hedges_g:.2f}')}")
    if t.cliffs_delta is not None:
        delta = number(f"{t.cliffs_delta:.2f}")
        parts.append(f"Cliff's delta = {delta} ({effect_words(t.effect_size)})")
    parts.append(_("backed by the data: {answer}").format(answer=backed_words(t)))
    if t.flagged:
        points = number(f"{a.settings.gap_threshold * len(a.items):g}")
        parts.append(_("flagged (≥ {points} points)").format(points=points))
    return "; ".join(parts) + "."


def _why(reason: str | None) -> str:
    text = reason or _("no data")
    return text.removeprefix(_("not estimable: "))


def _quality_lines(a: Assessment) -> list[str]:
    lines: list[str] = []
    names = {g.id: g.label for g in a.groups}
    dims = {d.id: d.label for d in a.dimensions}
    for r in [*a.reliability, *a.reliability_dimensions]:
        if r.dimension is not None and r.scope != "pooled":
            continue  # per group and dimension: in the JSON
        who = _("all shown respondents") if r.scope == "pooled" else names.get(r.scope, r.scope)
        if r.dimension is not None:
            who = f"{who}, {dims.get(r.dimension, r.dimension)}"
        alpha = _("Cronbach's alpha, {who}:").format(who=who)
        if r.dimension is not None and r.alpha is not None:
            floor = number(f"{RELIABILITY_FLOOR:.2f}")
            low = _(", below {floor}").format(floor=floor) if r.below_floor else ""
            line = f"{alpha} {_reliability_bits(r)}{low}"
        elif r.warning:
            line = f"{r.warning} ({_reliability_bits(r)})"
        elif r.alpha is not None:
            line = f"{alpha} {_reliability_bits(r)}"
        else:
            line = f"{alpha} " + _not_estimable(r.not_estimable)
        lines.append(line)
    lines += [_agreement_line(g, names) for g in a.agreement]
    agg = a.aggregation
    if agg is not None:
        if agg.icc1 is None or agg.icc2 is None:
            lines.append(_("ICC across groups:") + " " + _not_estimable(agg.not_estimable))
        else:
            line = ngettext(
                "ICC(1) = {icc1}, ICC(2) = {icc2} across {n} group",
                "ICC(1) = {icc1}, ICC(2) = {icc2} across {n} groups",
                agg.groups,
            ).format(icc1=_two(agg.icc1), icc2=_two(agg.icc2), n=agg.groups)
            lines.append(line + (f". {agg.note}" if agg.note else ""))
    return lines


def _two(value: float | None) -> str:
    """A coefficient with two decimals (a dash when missing)."""
    return DASH if value is None else number(f"{value:.2f}")


def _not_estimable(reason: str | None) -> str:
    return _("not estimable ({reason})").format(reason=_why(reason))


def _agreement_line(g: AgreementResult, names: dict[str, str]) -> str:
    head = _("Agreement, {who}:").format(who=names.get(g.group, g.group))
    if g.not_estimable:
        return f"{head} {_not_estimable(g.not_estimable)}"
    skew = (
        ""
        if g.rwg_star_j_skewed is None
        else " " + _("({value} skewed null)").format(value=_two(g.rwg_star_j_skewed))
    )
    line = (
        f"{head} r*wg(J) = {_two(g.rwg_star_j)}{skew}, r_wg(J) = {_two(g.rwg_j)}, "
        f"AD_M = {_two(g.ad_m)}"
    )
    return line + (f". {g.note}" if g.note else "")


def _reliability_bits(r: ReliabilityResult) -> str:
    if r.alpha is not None:
        return reliability_figures(r)
    return _("n = {n} complete").format(n=r.n)


def _reasons(a: Assessment) -> list[str]:
    """Why figures are missing, each reason once, with the items it applies to."""
    found: dict[str, list[str]] = {}
    targets: list[ItemResult | DimensionResult] = [*a.items, *a.dimensions]
    for t in targets:
        if t.not_estimable:
            found.setdefault(t.not_estimable, []).append(t.id)
    out = []
    for reason, ids in found.items():
        more = " " + _("and {n} more").format(n=len(ids) - 8) if len(ids) > 8 else ""
        listed = ", ".join(ids[:8]) + more
        out.append(f"{listed}: {reason}")
    return out


def _header(a: Assessment) -> str:
    first, second, first_label, second_label = _labels(a)
    sizes = {g.id: g for g in a.groups}
    # A withheld group's size reads "<5", never its exact count.
    n1 = fmt_n(sizes[first].n, sizes[first].n_fewer_than) if first in sizes else "0"
    n2 = fmt_n(sizes[second].n, sizes[second].n_fewer_than) if second in sizes else "0"
    s = a.settings
    text = _(
        "Gap = {first} − {second} (positive: {first} rates higher); {first} n = {n1}, "
        "{second} n = {n2}. Flag at {abs_gap} ≥ {threshold} per item."
    ).format(
        abs_gap=abs_gap(),
        first=first_label,
        second=second_label,
        n1=n1,
        n2=n2,
        threshold=number(f"{s.gap_threshold:g}"),
    )
    return f"{text} {verdict_words(s.adjust)} {settings_line(a)}"


def abs_gap() -> str:
    """``|gap|`` in the reader's words (outside the sentences: gettext's plural forms are
    joined with ``|`` by the catalogue check)."""
    return "|" + _("gap") + "|"


def verdict_words(adjust: str) -> str:
    """What 'backed' and the intervals mean, for every output that shows them."""
    name = {"holm": "Holm", "bh": "Benjamini–Hochberg", "none": _("no")}.get(adjust, adjust)
    p = (
        _("p-value")
        if adjust == "none"
        else _("p-value adjusted across items ({method})").format(method=name)
    )
    return _(
        "Backed by the data = {p} below {alpha}; the {level} intervals (Welch t) are not "
        "adjusted for the number of items."
    ).format(p=p, alpha=number("0.05"), level=number("95%"))


def flag_summary(a: Assessment) -> str:
    """'5 of 20 items flagged (|gap| ≥ 1); the data back 4 of them.'"""
    flagged = [i for i in a.items if i.flagged]
    backed = sum(1 for i in flagged if i.backed)
    threshold = number(f"{a.settings.gap_threshold:g}")
    text = ngettext(
        "{k} of {n} item flagged ({abs_gap} ≥ {threshold})",
        "{k} of {n} items flagged ({abs_gap} ≥ {threshold})",
        len(a.items),
    ).format(k=len(flagged), n=len(a.items), abs_gap=abs_gap(), threshold=threshold)
    if flagged:
        text += _("; the data back {k} of them").format(k=backed)
    return text + "."


# -- terminal ----------------------------------------------------------------------------


def _bar_text(gap: float | None, span: float, flagged: bool) -> Text:
    left, right = diverging_bar(gap, span)
    bold = " bold" if flagged else ""
    bar = Text()
    bar.append(left, style=f"{_SECOND_STYLE}{bold}")
    bar.append("│", style="dim")
    bar.append(right, style=f"{_FIRST_STYLE}{bold}")
    return bar


def _gap_table(
    a: Assessment,
    rows: Sequence[ItemResult | DimensionResult],
    title: str,
    span: float,
    *,
    hedges: bool,
) -> FittedTable:
    """Items or dimensions by gap. The figures that carry the finding (means, gap, p,
    backed) always show; on a narrow screen the interval, quadrant and effect size go
    first, with a note (see :mod:`salesmkt.render.terminal_layout`)."""
    first_label, second_label = _labels(a)[2:]
    legend = plain(f"{title}   ", style="bold")
    higher = _("{group} rates higher")
    legend.append(visible("◀ " + higher.format(group=second_label)), style=_SECOND_STYLE)
    legend.append(" │ ", style="dim")
    legend.append(visible(higher.format(group=first_label) + " ▶"), style=_FIRST_STYLE)
    # An item's statement wraps under itself, so the id stands alone in its column.
    names = (
        [Col(_("Dimension"), wrap=True, min_width=20, key=True)]
        if hedges
        else [Col(_("Item"), key=True), Col("", wrap=True, min_width=14, key=True)]
    )
    cols = [
        *names,
        Col("", stack_label=""),
        Col(plain(first_label), justify="right"),
        Col(plain(second_label), justify="right"),
        Col(_("Gap"), justify="right"),
        Col(_("95% CI"), justify="right", drop=1),
        Col(_("Quadrant"), drop=2),
        Col(_("Effect"), drop=3),
        *([Col("g", justify="right", drop=3)] if hedges else []),
        Col(_("p adj.") if a.settings.adjust != "none" else "p", justify="right"),
        Col(_("Backed")),
    ]
    table_rows = [_gap_row(a, t, span, hedges=hedges) for t in rows]
    options = {"box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False}
    options["padding"] = (0, 1, 0, 0)
    return FittedTable(cols, table_rows, title=legend, table_options=options)


def _gap_row(
    a: Assessment, t: ItemResult | DimensionResult, span: float, *, hedges: bool
) -> list[Text | str]:
    first, second = _labels(a)[:2]
    mean_a, mean_b = _means(t, first, second)
    names = (
        [plain(t.id, style="bold"), plain(t.short or t.text)]
        if isinstance(t, ItemResult)
        else [plain(t.label, style="bold")]
    )
    strong = "bold" if t.flagged else ""
    cells: list[Text | str] = [
        *names,
        _bar_text(t.gap, span, t.flagged),
        mean_a,
        mean_b,
        plain(fmt_gap(t.gap), style=strong),
        plain(fmt_ci(t.ci), style=strong),
        plain(quadrant_words(t.quadrant), style="bold" if t.quadrant == "split" else ""),
        _(_EFFECT_SHORT.get(t.effect_size, t.effect_size)) if t.effect_size else DASH,
    ]
    if hedges:
        cells.append(DASH if t.hedges_g is None else number(f"{t.hedges_g:+.2f}"))
    return [*cells, fmt_p(p_shown(a, t)), backed_words(t)]


def render_gaps_terminal(a: Assessment, scale: tuple[float, float] | None = None) -> RenderableType:
    """The full per-item gap table, dimensions, total and measurement notes."""
    span = item_span(a, scale)
    parts: list[RenderableType] = [
        plain(_("Perception gaps"), style="bold"),
        plain(_header(a)),
        plain(flag_summary(a), style="bold"),
    ]
    note = small_sample_note(a)
    if note:
        parts.append(plain(f"⚠ {note}", style="bold yellow"))
    if a.gap_limits and a.gap_limits.message:
        parts.append(plain(f"⚠ {a.gap_limits.message}", style="yellow"))
    if a.stage_disagreement and a.stage_disagreement.headline:
        parts.append(plain(f"⚠ {a.stage_disagreement.headline}", style="bold yellow"))
    items = _gap_table(a, by_gap_size(a.items), _("Items"), span, hedges=False)
    parts += [plain(""), items]
    if a.dimensions:
        dims = sorted(a.dimensions, key=lambda d: (d.gap is None, -abs(d.gap or 0.0)))
        parts += [plain(""), _gap_table(a, dims, _("Dimensions"), span, hedges=True)]
    total = _total_line(a)
    if total:
        parts += [plain(""), plain(total)]
    favourable = favourable_line(a)
    if favourable:
        parts.append(plain(favourable))
    notes: list[tuple[str, str]] = [("◆", b.message) for b in a.borderline]
    notes += [("·", line) for line in _quality_lines(a)]
    notes += [("–", line) for line in _reasons(a)]
    notes += [("◌", _("withheld") + f" {s}") for s in a.suppressed]
    if notes:
        # A wrapped note hangs under its own text, so each mark starts one note.
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for mark, line in notes:
            grid.add_row(plain(mark, style="bold"), plain(line))
        parts += [plain(""), grid]
    return Group(*parts)


# -- Markdown ----------------------------------------------------------------------------


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return [*out, ""]


def _md_rows(
    a: Assessment, rows: Sequence[ItemResult | DimensionResult], span: float, *, hedges: bool
) -> tuple[list[str], list[list[str]], set[int]]:
    first, second, first_label, second_label = _labels(a)
    labels = {first: first_label, second: second_label}
    header = [
        "#",
        _("Item") if not hedges else _("Dimension"),
        f"◀ {md_escape(second_label)} · {md_escape(first_label)} ▶",
        md_escape(first_label),
        md_escape(second_label),
        _("Gap [95% CI]"),
        _("Quadrant"),
        _("Effect"),
        *(["g"] if hedges else []),
        _("p adj.") if a.settings.adjust != "none" else "p",
        _("Backed"),
    ]
    out = []
    for rank, t in enumerate(rows, start=1):
        left, right = diverging_bar(t.gap, span)
        name = (
            f"**{md_escape(t.id)}** {md_escape(t.short or t.text)}"
            if isinstance(t, ItemResult)
            else md_escape(t.label)
        )
        gap = f"{fmt_gap(t.gap)} {fmt_ci(t.ci)}"
        out.append(
            [
                str(rank),
                name,
                f"`{left}│{right}`",
                *_means_favourable(t, first, second),
                f"**{gap}**" if t.flagged else gap,
                md_escape(_split_words(t, labels)),
                effect_words(t.effect_size),
                *([DASH if t.hedges_g is None else number(f"{t.hedges_g:+.2f}")] if hedges else []),
                fmt_p(p_shown(a, t)),
                backed_words(t),
            ]
        )
    right_cols = {0, 3, 4, 5} | ({8, 9} if hedges else {8})
    return header, out, right_cols


def render_gaps_markdown(a: Assessment, scale: tuple[float, float] | None = None) -> str:
    span = item_span(a, scale)
    title = md_escape(a.questionnaire.title or a.questionnaire.id)
    lines = [_("# {title}: perception gaps").format(title=title), "", md_escape(_header(a)), ""]
    lines += [_("Each group's cell: mean (% favourable)."), ""]
    lines += [f"**{md_escape(flag_summary(a))}**", ""]
    note = small_sample_note(a)
    if note:
        lines += [f"> **{md_escape(note)}**", ""]
    if a.gap_limits and a.gap_limits.message:
        lines += [f"> {md_escape(a.gap_limits.message)}", ""]
    if a.stage_disagreement and a.stage_disagreement.headline:
        lines += [f"> **{md_escape(a.stage_disagreement.headline)}**", ""]
    lines += ["## " + _("Items (largest gap first)"), ""]
    header, rows, right = _md_rows(a, by_gap_size(a.items), span, hedges=False)
    lines += _md_table(header, rows, right)
    if a.dimensions:
        dims = sorted(a.dimensions, key=lambda d: (d.gap is None, -abs(d.gap or 0.0)))
        header, rows, right = _md_rows(a, dims, span, hedges=True)
        lines += ["## " + _("Dimensions"), ""]
        lines += _md_table(header, rows, right)
    total = _total_line(a)
    if total:
        lines += ["## " + _("Total"), "", md_escape(total), ""]
    notes = [b.message for b in a.borderline] + _quality_lines(a) + _reasons(a)
    notes += [_("Withheld:") + f" {s}" for s in a.suppressed]
    if notes:
        lines += ["## " + _("Notes"), ""]
        lines += [f"- {md_escape(n)}" for n in notes]
        lines.append("")
    return "\n".join(lines)


# -- CSV ---------------------------------------------------------------------------------

CSV_FIELDS = [
    "kind",
    "id",
    "label",
    "dimension",
    "first_group",
    "second_group",
    "mean_first",
    "mean_second",
    "favourable_first",
    "favourable_second",
    "gap",
    "ci_low",
    "ci_high",
    "ci_excludes_zero",
    "p_value",
    "p_method",
    "p_adjusted",
    "backed",
    "mde",
    "mann_whitney_u",
    "cliffs_delta",
    "effect_size",
    "hedges_g",
    "welch_t",
    "welch_df",
    "welch_p",
    "flagged",
    "direction",
    "quadrant",
    "not_estimable",
]


def _csv_row(
    kind: str,
    t: GapFields,
    *,
    ident: str,
    label: str,
    dimension: str | None,
    means: tuple[float | None, float | None],
    compare: tuple[str, str],
    favourable: tuple[float | None, float | None] = (None, None),
) -> list[object]:
    ci_low, ci_high = t.ci if t.ci is not None else (None, None)
    welch = [getattr(t, name, None) for name in ("welch_t", "welch_df", "welch_p")]
    values: list[object] = [
        kind,
        ident,
        label,
        dimension,
        compare[0],
        compare[1],
        means[0],
        means[1],
        favourable[0],
        favourable[1],
        t.gap,
        ci_low,
        ci_high,
        t.ci_excludes_zero,
        t.p_value,
        t.p_method,
        t.p_adjusted,
        t.backed,
        t.mde,
        t.mann_whitney_u,
        t.cliffs_delta,
        t.effect_size,
        t.hedges_g,
        *welch,
        t.flagged,
        t.direction,
        t.quadrant,
        t.not_estimable,
    ]
    return ["" if v is None else neutralise_cell(v) for v in values]


def render_gaps_csv(a: Assessment) -> str:
    """One row per item, dimension and the total, with every gap field."""
    first, second = _labels(a)[:2]
    compare = (first, second)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for i in a.items:
        writer.writerow(
            _csv_row(
                "item",
                i,
                ident=i.id,
                label=i.short or i.text,
                dimension=i.dimension,
                means=(i.means_by_group.get(first), i.means_by_group.get(second)),
                compare=compare,
                favourable=(i.favourable_by_group.get(first), i.favourable_by_group.get(second)),
            )
        )
    for d in a.dimensions:
        writer.writerow(
            _csv_row(
                "dimension",
                d,
                ident=d.id,
                label=d.label,
                dimension=None,
                means=(d.means_by_group.get(first), d.means_by_group.get(second)),
                compare=compare,
                favourable=(d.favourable_by_group.get(first), d.favourable_by_group.get(second)),
            )
        )
    if a.total_gap is not None:
        groups = {g.id: g for g in a.groups}
        mean_a = groups[first].mean if first in groups else None
        mean_b = groups[second].mean if second in groups else None
        fav = tuple(groups[g].favourable if g in groups else None for g in compare)
        writer.writerow(
            _csv_row(
                "total",
                a.total_gap,
                ident="total",
                label=_("Total"),
                dimension=None,
                means=(mean_a, mean_b),
                compare=compare,
                favourable=(fav[0], fav[1]),
            )
        )
    return buffer.getvalue()


# -- the registry's entry points -----------------------------------------------------------


def render_view_terminal(view: GapsView) -> RenderableType:
    return render_gaps_terminal(view.assessment, view.scale)


def render_view_markdown(view: GapsView) -> str:
    return render_gaps_markdown(view.assessment, view.scale)


def render_view_csv(view: GapsView) -> str:
    return render_gaps_csv(view.assessment)


def render_view_json(view: GapsView) -> str:
    return render_json(view.assessment)
