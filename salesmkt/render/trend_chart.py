"""The trend chart: the overall score and each group's mean total across the waves.

Vocabulary:
- *line*: one series of :class:`~salesmkt.model.trend.Trend` (the overall score, then
  each group), its points joined in wave order; each point has its 95% interval as a
  vertical bar with caps. Lines are *dodged* (shifted a little sideways) so that their
  intervals never hide one another.
- *stage bands*: the questionnaire's stages shaded across the plot, named at the left.
- *withheld*: a group below the anonymity threshold in a wave has no point there (the
  line breaks); the legend says in which waves.

Written by hand as SVG with real ``<text>`` (selectable, searchable, read by screen
readers), not drawn by matplotlib: the chart opens with ``<title>`` and ``<desc>``
elements and ``role="img"``, and the description says every figure in words. Every
label is XML-escaped. The y axis spans the intervals (rounded out to tens, within the
scale), so small movements stay visible; the bands say where the stage edges are.
"""

from __future__ import annotations

import math
from html import escape

from salesmkt.l10n import _
from salesmkt.model.trend import Trend, TrendSeries
from salesmkt.render.text import visible
from salesmkt.wording import fmt_ci, fmt_score

__all__ = ["trend_description", "trend_svg"]

WIDTH, HEIGHT = 800, 400
LEFT, RIGHT, TOP, BOTTOM = 64, 580, 48, 350
# Okabe–Ito colours (as the report's charts): distinguishable with colour-vision deficiencies.
LINE_COLOURS = ["#222222", "#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#009E73", "#D55E00"]
BAND_COLOURS = ["#F4D9D0", "#F7EBCB", "#DCEBD9", "#CFE3F1", "#E3DDF0", "#EEEEEE"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4"]
MUTED = "#555555"
# Characters per legend line: the legend column is about 190 pixels wide at 12 px.
LEGEND_CHARS = 26


def _x(t: Trend, k: int, dodge: float) -> float:
    n = len(t.waves)
    # The first wave sits clear of the band names at the left edge.
    span = RIGHT - LEFT - 120
    return LEFT + 84 + (span * k / (n - 1) if n > 1 else span / 2) + dodge


def _range(t: Trend, lines: list[TrendSeries]) -> tuple[float, float]:
    lows: list[float] = []
    highs: list[float] = []
    for s in lines:
        for p in s.points:
            if p.value is None:
                continue
            lo, hi = p.ci if p.ci else (p.value, p.value)
            lows.append(lo)
            highs.append(hi)
    bottom = min((b.min for b in t.stages), default=0.0)
    top = max((float(b.max) for b in t.stages if b.max is not None), default=100.0)
    if not lows:
        return bottom, top
    lo = max(bottom, math.floor((min(lows) - 2) / 10) * 10)
    hi = min(top, math.ceil((max(highs) + 2) / 10) * 10)
    return (lo, hi) if hi > lo else (bottom, top)


def _y(value: float, lo: float, hi: float) -> float:
    return BOTTOM - (value - lo) / (hi - lo) * (BOTTOM - TOP)


def _bands(t: Trend, lo: float, hi: float) -> list[str]:
    out = []
    ordered = sorted(t.stages, key=lambda b: b.min)
    for k, band in enumerate(ordered):
        upper = ordered[k + 1].min if k + 1 < len(ordered) else float(band.max or hi)
        a, b = max(band.min, lo), min(upper, hi)
        if b <= a:
            continue
        y1, y2 = _y(b, lo, hi), _y(a, lo, hi)
        colour = BAND_COLOURS[k % len(BAND_COLOURS)]
        out.append(
            f'<rect x="{LEFT}" y="{y1:.1f}" width="{RIGHT - LEFT}" height="{y2 - y1:.1f}" '
            f'fill="{colour}"/>'
        )
        if y2 - y1 >= 14:
            out.append(
                f'<text x="{LEFT + 6}" y="{y1 + 13:.1f}" font-size="11" fill="{MUTED}">'
                f"{escape(visible(band.label))}</text>"
            )
    return out


def _axes(t: Trend, lo: float, hi: float) -> list[str]:
    out = [
        f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="{MUTED}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}" stroke="{MUTED}"/>',
    ]
    step = 10 if hi - lo > 20 else 5
    tick = math.ceil(lo / step) * step
    while tick <= hi + 1e-9:
        y = _y(tick, lo, hi)
        out.append(
            f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" stroke="{MUTED}"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{tick:g}</text>'
        )
        tick += step
    for k, w in enumerate(t.waves):
        x = _x(t, k, 0)
        out.append(
            f'<text x="{x:.1f}" y="{BOTTOM + 18}" font-size="12" text-anchor="middle">'
            f"{escape(visible(w.label))}</text>"
        )
    axis_label = escape(_("score (95% interval)"))
    out.append(
        f'<text x="16" y="{(TOP + BOTTOM) / 2:.1f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 16 {(TOP + BOTTOM) / 2:.1f})">{axis_label}</text>'
    )
    return out


def _line(t: Trend, s: TrendSeries, k: int, dodge: float, lo: float, hi: float) -> list[str]:
    colour = LINE_COLOURS[k % len(LINE_COLOURS)]
    width = 3 if s.kind == "overall" else 2
    out = [f'<g class="line" data-scope="{escape(visible(s.scope))}">']
    path: list[str] = []
    for i, p in enumerate(s.points):
        if p.value is None:
            if len(path) > 1:
                out.append(_polyline(path, colour, width, DASHES[k % len(DASHES)]))
            path = []
            continue
        x, y = _x(t, i, dodge), _y(p.value, lo, hi)
        path.append(f"{x:.1f},{y:.1f}")
        if p.ci:
            y1, y2 = _y(p.ci[1], lo, hi), _y(p.ci[0], lo, hi)
            out.append(
                f'<path d="M{x - 4:.1f} {y1:.1f}H{x + 4:.1f}M{x:.1f} {y1:.1f}V{y2:.1f}'
                f'M{x - 4:.1f} {y2:.1f}H{x + 4:.1f}" stroke="{colour}" fill="none"/>'
            )
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{width + 1.5}" fill="{colour}"/>')
    if len(path) > 1:
        out.append(_polyline(path, colour, width, DASHES[k % len(DASHES)]))
    out.append("</g>")
    return out


def _polyline(points: list[str], colour: str, width: int, dash: str) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}"{dashes}/>'
    )


def _legend_lines(s: TrendSeries) -> list[str]:
    """A legend entry, wrapped to fit beside the plot (never cut)."""
    import textwrap

    withheld = [p.wave for p in s.points if p.withheld]
    lines = textwrap.wrap(s.label, LEGEND_CHARS) or [""]
    if withheld:
        every = len(withheld) == len(s.points)
        note = (
            _("withheld in every wave")
            if every
            else _("withheld: {waves}").format(waves=", ".join(withheld))
        )
        lines += textwrap.wrap(note, LEGEND_CHARS)
    return lines


def _legend(lines: list[TrendSeries]) -> list[str]:
    out = []
    y = TOP + 8
    for k, s in enumerate(lines):
        colour = LINE_COLOURS[k % len(LINE_COLOURS)]
        dash = DASHES[k % len(DASHES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{RIGHT + 16}" y1="{y}" x2="{RIGHT + 40}" y2="{y}" stroke="{colour}" '
            f'stroke-width="{3 if s.kind == "overall" else 2}"{dashes}/>'
        )
        words = _legend_lines(s)
        spans = "".join(
            f'<tspan x="{RIGHT + 46}" dy="{0 if i == 0 else 15}">{escape(visible(w))}</tspan>'
            for i, w in enumerate(words)
        )
        out.append(f'<text x="{RIGHT + 46}" y="{y + 4}" font-size="12">{spans}</text>')
        y += 15 * len(words) + 9
    return out


def trend_description(t: Trend) -> str:
    """Every plotted figure in words, for screen readers (the chart's ``<desc>``)."""
    sentences = []
    edges = sorted(b.min for b in t.stages)
    for s in t.of_kind("overall", "group"):
        parts = []
        for p in s.points:
            if p.withheld:
                parts.append(_("{wave} withheld").format(wave=p.wave))
            elif p.value is None:
                parts.append(_("{wave} no score").format(wave=p.wave))
            else:
                stage = f", {p.stage.label}" if p.stage else ""
                parts.append(
                    f"{p.wave} {fmt_score(p.value, edges)} {fmt_ci(p.ci, 1, signed=False)}{stage}"
                )
        sentences.append(f"{s.label}: {'; '.join(parts)}.")
    return " ".join(sentences)


def trend_svg(t: Trend, *, standalone: bool = True) -> str:
    """The chart as SVG text: a document of its own, or (``standalone=False``) an
    element to put inside an HTML page."""
    lines = t.of_kind("overall", "group")
    lo, hi = _range(t, lines)
    title = _("{questionnaire}: score by wave and group").format(
        questionnaire=t.questionnaire.title or t.questionnaire.id
    )
    body = [
        f"<title>{escape(visible(title))}</title>",
        f"<desc>{escape(visible(trend_description(t)))}</desc>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>',
        f'<text x="{LEFT}" y="28" font-size="15" font-weight="bold">{escape(visible(title))}'
        "</text>",
        *_bands(t, lo, hi),
        *_axes(t, lo, hi),
    ]
    width = 6.0
    for k, s in enumerate(lines):
        dodge = (k - (len(lines) - 1) / 2) * width
        body += _line(t, s, k, dodge, lo, hi)
    body += _legend(lines)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" font-family="DejaVu Sans, Arial, '
        f'sans-serif">'
    )
    if not standalone:  # inside a page: shrink with a narrow column, keep the proportions
        head = head.replace(' role="img"', ' role="img" style="max-width:100%;height:auto"')
    svg = head + "\n" + "\n".join(body) + "\n</svg>\n"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg) if standalone else svg
