"""Benchmark outputs: where an assessment stands among its peers, and the store's list.

Vocabulary: a *placement* (:class:`salesmkt.benchmark.placement.Placement`) has one
*scope* per group plus ``overall``, each with one *cell* per metric (total score,
dimensions, items). Terminal (fits 80 columns), JSON and Markdown render a whole
placement; :func:`benchmark_section_markdown` and :func:`benchmark_section_html` render
it as one section for the report and the deck. A withheld cell reads "no benchmark for
this cell" and why, never a figure. Every text that came from a user (client id,
metadata, labels) is escaped for the format. The tool's words are in the reader's
language (:func:`salesmkt.l10n._`), percentile heads included.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from salesmkt.l10n import N_, _
from salesmkt.render.text import md_escape, visible
from salesmkt.wording import fmt_mean, fmt_pct

if TYPE_CHECKING:
    from salesmkt.benchmark.placement import Cell, Placement
    from salesmkt.benchmark.store import Listed

__all__ = [
    "benchmark_json",
    "benchmark_markdown",
    "benchmark_section_html",
    "benchmark_section_markdown",
    "benchmark_terminal",
    "listing_json",
    "listing_terminal",
]

WIDTH = 80
LABEL = 30
HEADS = (N_("client"), "P25", N_("median"), "P75", "P90", N_("rank"))


def _heads() -> list[str]:
    return [_(h) for h in HEADS]


def _fig(cell: Cell, value: float | None) -> str:
    return fmt_mean(value, 1 if cell.metric == "total" else 2)


def _rank(value: float | None) -> str:
    return "—" if value is None else fmt_pct(value / 100)


def _row(cell: Cell) -> list[str]:
    figures = [cell.client, cell.p25, cell.median, cell.p75, cell.p90]
    return [*(_fig(cell, v) for v in figures), _rank(cell.rank)]


def _clip(text: str, width: int) -> str:
    text = visible(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def benchmark_terminal(p: Placement) -> str:
    """Plain text, at most 80 columns wide."""
    lines = [
        _clip(_title(p), WIDTH),
        *_wrap(_("Rules: {rules}.").format(rules=p.rules_text), WIDTH),
    ]
    for scope in p.scopes:
        count = "" if scope.withheld else f": {_peers(scope.peers)}"
        lines += ["", _clip(f"{scope.label}{count}", WIDTH)]
        if scope.filters:
            peers = ", ".join(f"{k} {v}" for k, v in scope.filters.items())
            lines.append(_clip("  " + _("peers: {filters}").format(filters=peers), WIDTH))
        for extra in (scope.note, scope.withheld):
            if extra:
                lines += _wrap("  " + extra, WIDTH)
        if scope.withheld:
            continue
        lines.append(f"  {'':<{LABEL}}" + "".join(f"{h:>8}" for h in _heads()))
        for cell in (c for c in p.cells if c.scope == scope.id):
            label = _clip(cell.label, LABEL)
            if cell.withheld:
                lines.append(_clip(f"  {label:<{LABEL}} {cell.withheld}", WIDTH))
            else:
                lines.append(f"  {label:<{LABEL}}" + "".join(f"{v:>8}" for v in _row(cell)))
    return "\n".join(lines) + "\n"


def _title(p: Placement) -> str:
    return _("Benchmark: {questionnaire}, as of {date}").format(
        questionnaire=p.questionnaire, date=p.as_of
    )


def _peers(n: int) -> str:
    return _("{n} peer organisations").format(n=n)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(visible(text), width, subsequent_indent="    ") or [""]


def benchmark_json(p: Placement) -> str:
    return json.dumps(p.to_dict(), indent=2, ensure_ascii=False) + "\n"


def benchmark_section_markdown(p: Placement, level: int = 2, *, heading: bool = True) -> str:
    """The benchmark as one Markdown section (for the report), headings at ``level``;
    without its own heading when the report gives it one (``heading=False``)."""
    hashes = "#" * level
    out = [f"{hashes} {_('Benchmark')}", ""] if heading else []
    out += [md_escape(_("Peers compared: {rules}.").format(rules=p.rules_text)), ""]
    for scope in p.scopes:
        out += [f"{hashes}# {md_escape(scope.label)}", ""]
        facts = [] if scope.withheld else [_peers(scope.peers)]
        facts += [f"{k}: {v}" for k, v in scope.filters.items()]
        out += [md_escape("; ".join(facts)), ""] if facts else []
        for extra in (scope.note, scope.withheld):
            if extra:
                out += [f"*{md_escape(extra)}*", ""]
        if scope.withheld:
            continue
        out += ["| | " + " | ".join(_heads()) + " |", "|---" * (len(HEADS) + 1) + "|"]
        for cell in (c for c in p.cells if c.scope == scope.id):
            if cell.withheld:
                rest = [md_escape(cell.withheld)] + [""] * (len(HEADS) - 1)
            else:
                rest = _row(cell)
            out.append(f"| {md_escape(cell.label)} | " + " | ".join(rest) + " |")
        out.append("")
    return "\n".join(out)


def benchmark_markdown(p: Placement) -> str:
    return (
        f"# {md_escape(_title(p))}\n\n" + (benchmark_section_markdown(p, level=1).split("\n", 2)[2])
    )


def benchmark_section_html(p: Placement, *, heading: bool = True) -> str:
    """The benchmark as one self-contained ``<section>`` (no script, escaped text);
    without its own heading and anchor when the report gives it both
    (``heading=False``)."""
    e = html.escape
    top = ['<section class="benchmark" id="benchmark">', f"<h2>{e(_('Benchmark'))}</h2>"]
    out = top if heading else ['<section class="benchmark">']
    out.append(f"<p>{e(_('Peers compared: {rules}.').format(rules=p.rules_text))}</p>")
    for scope in p.scopes:
        out.append(f"<h3>{e(scope.label)}</h3>")
        facts = [] if scope.withheld else [_peers(scope.peers)]
        facts += [f"{k}: {v}" for k, v in scope.filters.items()]
        if facts:
            out.append(f"<p>{e('; '.join(facts))}</p>")
        for extra in (scope.note, scope.withheld):
            if extra:
                out.append(f'<p class="note">{e(extra)}</p>')
        if scope.withheld:
            continue
        head = "".join(f'<th scope="col">{e(h)}</th>' for h in _heads())
        # In the report's box that scrolls sideways, so a phone's page never does.
        label = e(_("Benchmark: {scope} (table)").format(scope=scope.label))
        out.append(f'<div class="table-wrap" tabindex="0" role="region" aria-label="{label}">')
        out.append(f'<table><thead><tr><th scope="col"></th>{head}</tr></thead><tbody>')
        for cell in (c for c in p.cells if c.scope == scope.id):
            if cell.withheld:
                body = f'<td colspan="{len(HEADS)}" class="withheld">{e(cell.withheld)}</td>'
            else:
                body = "".join(f"<td>{e(v)}</td>" for v in _row(cell))
            out.append(f'<tr><th scope="row">{e(cell.label)}</th>{body}</tr>')
        out.append("</tbody></table></div>")
    out.append("</section>")
    return "\n".join(out) + "\n"


def listing_terminal(rows: list[Listed], where: str) -> str:
    if not rows:
        return f"The benchmark store {visible(where)} holds no client yet.\n"
    lines = [_clip(f"{where}: {len(rows)} wave(s)", WIDTH)]
    for r in rows:
        groups = ", ".join(f"{g} {n}" for g, n in r.groups.items())
        meta = ", ".join(x for x in (r.industry, r.size, r.region) if x) or "no metadata"
        lines.append(_clip(f"{r.client}  wave {r.wave}  {r.collected}  {r.questionnaire}", WIDTH))
        lines.append(_clip(f"    {meta}; respondents: {groups}", WIDTH))
    return "\n".join(lines) + "\n"


def listing_json(rows: list[Listed]) -> str:
    import dataclasses

    return json.dumps([dataclasses.asdict(r) for r in rows], indent=2, ensure_ascii=False) + "\n"
