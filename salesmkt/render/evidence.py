"""Renderers of the CRM evidence (:class:`~salesmkt.model.evidence.EvidenceResult`).

Vocabulary: every format shows the same *sections*, each a title, a header and rows of
text cells (:func:`sections`): the files read, the funnel figures, the breakdowns per
origin, source, segment and period, the forecast by period, then, when a responses
file was given, *what the data say* about each linked statement. A figure on a small
denominator is marked ``small n``; a missing figure is an en dash with its reason.

Terminal output builds every cell as a rich ``Text`` (never parsed as markup); the
Markdown escapes every cell with ``md_escape``: sources, segments and file names come
from the exports.

The tool's words are in the reader's language (:func:`salesmkt.l10n._`); the column
heads stay English keys inside (the layout picks columns by them) and are translated
when shown. A figure's name is the metric catalogue's, in the reader's language, so a
saved JSON in one language reads in another; the breakdowns' own values (origins, the
pooled and blank values) are translated when shown, the exports' values never.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult

from salesmkt.analysis.evidence_claims import mean_words
from salesmkt.definitions.metrics import metric_name
from salesmkt.l10n import N_, _
from salesmkt.model.evidence import Breakdown, ClaimVerdict, EvidenceResult, Figure
from salesmkt.render.terminal_layout import Col, FittedTable
from salesmkt.render.text import md_escape, plain
from salesmkt.wording import DASH, fmt_count, fmt_figure, fmt_figure_ci, fmt_hours

TITLE = N_("What the funnel data show")
CAVEAT = N_(
    "Funnel evidence, not proof of intent: the exports say what happened to leads and "
    "deals, not why. Intervals are 95%; 'small n' marks figures on fewer records than "
    "--min-n, which never settle a claim."
)
LEAD_COLUMNS = (
    ("lead_volume", N_("leads")),
    ("mql_volume", N_("MQLs")),
    ("mql_acceptance_rate", N_("accepted")),
    ("mql_disposition_rate", N_("verdict")),
    ("mql_to_sql_rate", "MQL→SQL"),
    ("lead_to_opportunity_rate", N_("lead→opp")),
    ("first_touch_within_sla_rate", N_("in SLA")),
    ("leakage_rate", N_("leaked")),
)
OPPORTUNITY_COLUMNS = (
    ("opportunities", N_("opportunities")),
    ("win_rate", N_("win rate")),
    ("pipeline", N_("open pipeline")),
    ("won_amount", N_("closed-won")),
)
#: The other column heads (English keys, translated where shown) and the breakdowns.
HEAD_WORDS = (
    N_("statement"),
    N_("the survey says"),
    N_("the data show"),
    N_("file"),
    N_("read as"),
    N_("records"),
    N_("figure"),
    N_("value"),
    N_("95% CI"),
    N_("note"),
    N_("origin"),
    N_("source"),
    N_("segment"),
    N_("period"),
    N_("forecast"),
    N_("miss"),
)
BREAKDOWN_TITLES = {
    "leads": N_("Leads by {by}"),
    "opportunities": N_("Opportunities by {by}"),
}
SMALL_N = N_("small n")
#: The breakdowns' values the tool itself names (the rest are the exports' own).
VALUE_WORDS = {
    ("origin", "marketing"): N_("marketing"),
    ("origin", "sales"): N_("sales"),
    ("origin", "other"): N_("other"),
    ("source", "(other values)"): N_("(other values)"),
    ("segment", "(other values)"): N_("(other values)"),
    ("source", "(blank)"): N_("(blank)"),
    ("segment", "(blank)"): N_("(blank)"),
    ("period", "(no date)"): N_("(no date)"),
}


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    lines: list[str] = field(default_factory=list)  # shown under the table, one each
    text_columns: tuple[str, ...] = ()  # may wrap on the terminal; the rest stay whole


def _n(f: Figure) -> str:
    if f.kind == "difference" and f.numerator is not None:
        return f"{fmt_count(f.numerator)} / {fmt_count(f.denominator)}"
    if f.denominator is None:
        return ""
    if f.numerator is None:
        return fmt_count(f.denominator)
    of = _("{n} of {total}")
    return of.format(n=fmt_count(f.numerator), total=fmt_count(f.denominator))


def head_word(name: str) -> str:
    """A column head as the reader sees it."""
    return _(name) if name else name


def figure_row(f: Figure) -> list[str]:
    flag = _(SMALL_N) if f.small else ""
    note = f.note if f.value is None else flag
    name = metric_name(f.metric, f.label)
    return [name, fmt_figure(f.kind, f.value), fmt_figure_ci(f.kind, f.ci), _n(f), note or ""]


def _cell(f: Figure | None) -> str:
    if f is None:
        return DASH
    text = fmt_figure(f.kind, f.value)
    return f"{text}*" if f.small and f.value is not None else text


def _breakdown_section(items: list[Breakdown], records: str, by: str) -> Section:
    columns = LEAD_COLUMNS if records == "leads" else OPPORTUNITY_COLUMNS
    rows = []
    for b in items:
        found = {f.metric: f for f in b.figures}
        shown = VALUE_WORDS.get((by, b.value))
        value = _(shown) if shown else b.value
        rows.append([value, *(_cell(found.get(m)) for m, _h in columns)])
    title = BREAKDOWN_TITLES.get(records, "{by}")
    return Section(
        _(title).format(by=_(by)),
        [by, *(h for _m, h in columns)],
        rows,
        _("* small n: fewer records than --min-n"),
    )


def _claim_row(c: ClaimVerdict) -> list[str]:
    said = [f"{v.label} {mean_words(v)}" for v in c.views]
    f = c.figure
    shown = DASH
    if f is not None and f.value is not None:
        shown = f"{fmt_figure(f.kind, f.value)} {fmt_figure_ci(f.kind, f.ci)}"
    return [f"{c.item} {c.short}".strip(), "; ".join(said), shown, c.verdict]


def claim_section(claims: list[ClaimVerdict]) -> Section:
    return Section(
        _("What the data say"),
        ["statement", "the survey says", "the data show", "verdict"],
        [_claim_row(c) for c in claims],
        _("A group agrees when its mean is above the scale's midpoint.") + " " + _(CAVEAT),
        [f"{c.item}: {c.why}" for c in claims],
        text_columns=("statement", "the survey says", "verdict"),
    )


def sections(r: EvidenceResult) -> list[Section]:
    out = [
        Section(
            _("Files read"),
            ["file", "read as", "records"],
            [[f.path, f.mapping, fmt_count(f.rows)] for f in r.files],
            text_columns=("file", "read as"),
        ),
        Section(
            _("Funnel figures"),
            ["figure", "value", "95% CI", "n", "note"],
            [figure_row(f) for f in r.overall],
            _("SLA for the first touch: {sla}.").format(sla=fmt_hours(r.settings.sla_hours))
            + " "
            + _(CAVEAT),
            text_columns=("note",),
        ),
    ]
    if r.claims:
        out.insert(0, claim_section(r.claims))
    groups: dict[tuple[str, str], list[Breakdown]] = {}
    for b in r.breakdowns:
        groups.setdefault((b.records, b.by), []).append(b)
    out += [_breakdown_section(items, rec, by) for (rec, by), items in groups.items()]
    if r.forecast:
        out.append(
            Section(
                _("Forecast against closed-won"),
                ["period", "forecast", "closed-won", "miss"],
                [
                    [
                        p.period,
                        fmt_figure("amount", p.forecast),
                        fmt_figure("amount", p.actual),
                        fmt_figure("rate", p.error),
                    ]
                    for p in r.forecast
                ],
            )
        )
    return out


# -- formats ---------------------------------------------------------------------------------


# A section's text columns wrap; every other cell is a figure or an id and stays whole.
# On a narrow terminal these figure columns go first (the highest number first), then
# rows become blocks.
_DROPS = {"verdict": 2, "lead→opp": 1, "open pipeline": 1}


class Indented:
    """A line wrapped to the terminal's width, its lines indented by two spaces.

    Wrapped with :mod:`textwrap`, which breaks at ASCII spaces only: a figure's
    no-break space (``10,0\u00a0%``, ``4,6\u00a0T.``) keeps it whole, where rich's own
    wrap would break there."""

    def __init__(self, text: str, indent: int = 2) -> None:
        self.text, self.indent = text, indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        import textwrap

        width = max(options.max_width - self.indent, 20)
        for line in textwrap.wrap(self.text, width, break_on_hyphens=False) or [""]:
            yield plain(" " * self.indent + line)


def _terminal(s: Section) -> list[RenderableType]:
    cols = [
        Col(
            plain(head_word(h)),
            wrap=k == 0 or h in s.text_columns,
            min_width=12,
            key=k == 0,
            drop=0 if k == 0 or h in s.text_columns else _DROPS.get(h, 0),
        )
        for k, h in enumerate(s.header)
    ]
    options = {"box": box.SIMPLE_HEAD}
    table = FittedTable(cols, s.rows, title=s.title, table_options=options)
    parts: list[RenderableType] = [table]
    # Wrapped lines stay indented under their first line.
    parts += [Indented(line) for line in s.lines]
    if s.note:
        parts.append(plain(s.note, "dim"))
    return parts


def render_terminal(r: EvidenceResult) -> RenderableType:
    parts: list[RenderableType] = [plain(_(TITLE), "bold")]
    for s in sections(r):
        parts += [plain(""), *_terminal(s)]
    parts += [plain(_("note: {note}").format(note=n), "yellow") for n in r.notes]
    return Group(*parts)


def markdown_table(s: Section) -> str:
    lines = [f"## {md_escape(s.title)}", ""]
    lines.append("| " + " | ".join(md_escape(head_word(h)) for h in s.header) + " |")
    lines.append("|" + "---|" * len(s.header))
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in s.rows]
    if s.lines:
        lines += ["", *(f"- {md_escape(line)}" for line in s.lines)]
    if s.note:
        lines += ["", md_escape(s.note)]
    return "\n".join(lines) + "\n"


def render_markdown(r: EvidenceResult) -> str:
    parts = [f"# {_(TITLE)}\n"]
    parts += [markdown_table(s) for s in sections(r)]
    if r.notes:
        parts.append(
            f"## {_('Notes')}\n\n" + "\n".join(f"- {md_escape(n)}" for n in r.notes) + "\n"
        )
    return "\n".join(parts)


def render_json(r: EvidenceResult) -> str:
    return r.model_dump_json(indent=2) + "\n"


# -- the claims alone, after another command's output (score/gaps --evidence) ----------------


def render_claims_terminal(r: EvidenceResult) -> RenderableType:
    return Group(*_terminal(claim_section(r.claims)))


def claims_markdown(r: EvidenceResult) -> str:
    return markdown_table(claim_section(r.claims))
