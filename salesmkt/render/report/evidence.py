"""The report's section "What the data say": the survey's claims against the funnel data.

Vocabulary: a *claim row* (:class:`~salesmkt.render.report.view.ClaimRow`) is one
statement linked to a funnel metric, worded for the page: what Sales says and what
Marketing says (each group's mean and whether it agrees), what the data show (the
figure and its 95% interval) and the verdict, with the reason. The verdicts come from
:mod:`salesmkt.analysis.evidence_claims`; the section is filled in when ``report`` is
given ``--evidence`` (see :mod:`salesmkt.pipeline.report`). Both renderers print the
same rows: :func:`markdown_section` here, the HTML template's ``evidence`` block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from salesmkt.analysis.evidence_claims import mean_words
from salesmkt.l10n import N_, _
from salesmkt.model.evidence import ClaimVerdict
from salesmkt.render.report.view import ClaimRow, Report
from salesmkt.render.text import md_escape
from salesmkt.wording import DASH, fmt_figure, fmt_figure_ci

TITLE = N_("What the data say")
INTRO = N_(
    "Statements the company's CRM data can test, set against the funnel figures. A "
    "group agrees with a statement when its mean is above the scale's midpoint. The "
    "data show what happened to leads and deals, not why: this is evidence of the "
    "funnel, not proof of anyone's intent."
)


def claim_rows(claims: Sequence[ClaimVerdict]) -> list[ClaimRow]:
    rows = []
    for c in claims:
        f = c.figure
        shown = DASH
        if f is not None and f.value is not None:
            shown = f"{fmt_figure(f.kind, f.value)} {fmt_figure_ci(f.kind, f.ci)}"
        rows.append(
            ClaimRow(
                statement=f"{c.item} {c.short or c.statement}",
                survey="; ".join(f"{v.label} {mean_words(v)}" for v in c.views),
                data=shown,
                verdict=c.verdict,
                why=c.why,
            )
        )
    return rows


def markdown_section(r: Report, links: Mapping[str, str] | None = None) -> list[str]:
    """The section in Markdown (nothing when the report was not given evidence)."""
    if not r.evidence:
        return []
    lines = [f"## {_(TITLE)}", "", _(INTRO), ""]
    head = (_("Statement"), _("The survey says"), _("The data show"), _("Verdict"))
    lines.append("| " + " | ".join(md_escape(h) for h in head) + " |")
    lines.append("|---|---|---|---|")
    for row in r.evidence:
        cells = (row.statement, row.survey, row.data, row.verdict)
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    lines.append("")
    lines += [f"- {md_escape(row.statement)}: {md_escape(row.why)}" for row in r.evidence]
    return [*lines, ""]
