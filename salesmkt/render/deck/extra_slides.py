"""The deck's slides for the report's optional sections: the trend across waves (a
native line chart) and the benchmark among peers (a native table).

Vocabulary as in :mod:`salesmkt.render.deck.slides`; the *trend* is a
:class:`~salesmkt.model.trend.Trend`, the *placement* a
:class:`~salesmkt.benchmark.placement.Placement`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesmkt.l10n import N_, _
from salesmkt.l10n import number as local_number
from salesmkt.render.deck.fit import Para
from salesmkt.render.deck.slides import ChartSpec, DeckInputs, Series, Slide, TableSpec
from salesmkt.wording import fmt_mean

if TYPE_CHECKING:
    from salesmkt.benchmark.placement import Cell, Placement
    from salesmkt.model.trend import Trend

HEADER = ["", N_("Client"), "P25", N_("Median"), "P75", N_("Rank")]


def extra_slides(inputs: DeckInputs) -> list[Slide]:
    """The trend slide and the benchmark slides, for what the report was given."""
    slides = [trend_slide(inputs.trend)] if inputs.trend is not None else []
    return slides + (benchmark_slides(inputs.benchmark) if inputs.benchmark else [])


def trend_slide(t: Trend) -> Slide:
    """Score per wave for the organisation and each compared group, as a line chart; a
    withheld group's points are gaps in its line."""
    from salesmkt.render.trend import headline, point_value, step_name, verdict

    shown = [s for s in t.series if s.kind in ("overall", "group")]
    shown = [s for s in shown if any(p.value is not None for p in s.points)]
    chart = ChartSpec(
        categories=[w.label for w in t.waves],
        series=[Series(s.label, [p.value for p in s.points]) for s in shown],
        number_format="0.0",
        axis=_axis(t),
        major_unit=20.0,
        kind="line",
    )
    notes = [headline(t)]
    notes += [
        f"{s.label}: " + "; ".join(f"{p.wave} {point_value(t, p)}" for p in s.points) for s in shown
    ]
    for s in (s for s in t.series if s.kind in ("overall", "group", "gap")):
        notes += [f"{s.label}, {step_name(step)}: {verdict(step)}" for step in s.steps]
    return Slide(_("Trend across survey waves"), [Para(headline(t))], chart=chart, notes=notes)


def _axis(t: Trend) -> tuple[float | None, float | None]:
    if not t.stages:
        return (None, None)
    top = max(float(b.max) if b.max is not None else b.min for b in t.stages)
    return (min(b.min for b in t.stages), top)


def benchmark_slides(p: Placement) -> list[Slide]:
    """One slide per compared scope (the organisation first, then each group): the total
    and each dimension beside the peers' quartiles and the client's percentile rank, or
    why there is no benchmark. The statements stay in the written report."""
    order = sorted(p.scopes, key=lambda s: s.id != "overall")
    slides = []
    for scope in order:
        title = _("Benchmark: {scope}").format(scope=scope.label)
        if scope.withheld:
            why = _("No benchmark: {why}").format(why=scope.withheld)
            slides.append(Slide(title, [Para(why)]))
            continue
        cells = [c for c in p.cells if c.scope == scope.id and not c.metric.startswith("item:")]
        rows = [_row(c) for c in cells]
        header = [_(h) if h else h for h in HEADER]
        table = TableSpec(header, rows, [[None] * len(HEADER) for _row in rows])
        body = [
            Para(_("{n} peer organisations; {rules}.").format(n=scope.peers, rules=p.rules_text))
        ]
        notes = [p.rules_text, *(n for n in (scope.note,) if n)]
        slides.append(Slide(title, body, table=table, notes=notes))
    return slides


def _row(cell: Cell) -> list[str]:
    if cell.withheld:
        return [cell.label, _("withheld"), "", "", "", ""]
    places = 1 if cell.metric == "total" else 2
    figures = [fmt_mean(v, places) for v in (cell.client, cell.p25, cell.median, cell.p75)]
    rank = "—" if cell.rank is None else local_number(f"{cell.rank:.0f}%")
    return [cell.label, *figures, rank]
