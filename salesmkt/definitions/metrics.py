"""The catalogue of funnel metrics that CRM evidence can show, and that claims may name.

Vocabulary:
- *metric*: one figure computed from CRM exports (:mod:`salesmkt.analysis.evidence`),
  named by a stable id such as ``mql_acceptance_rate``.
- *kind*: ``count`` (a number of records), ``rate`` (a share of a denominator, with a
  Wilson interval), ``difference`` (one rate minus another, with a Newcombe interval),
  ``hours`` (a median or 90th percentile of a duration, with a bootstrap interval),
  ``error`` (a mean absolute percentage error, with a bootstrap interval over periods)
  or ``amount`` (a sum of money, no interval).
- *testable*: a metric a questionnaire item's ``evidence:`` entry may name; counts and
  amounts describe the funnel's size and cannot support or contradict a statement.

This module is pure data (no pandas): ``validate`` checks a questionnaire's evidence
links against it without importing the analysis stage. A metric's ``label`` and
``description`` are English msgids (marked ``N_``); :meth:`MetricInfo.name` and
:meth:`MetricInfo.meaning` give them in the reader's language, at use time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from salesmkt.l10n import N_, _

MetricKind = Literal["count", "rate", "difference", "hours", "error", "amount"]


@dataclass(frozen=True)
class MetricInfo:
    id: str
    label: str
    kind: MetricKind
    needs: str  # the exports it needs, in words
    description: str

    def name(self) -> str:
        """The label in the reader's language."""
        return _(self.label)

    def meaning(self) -> str:
        """The description in the reader's language."""
        return _(self.description)

    @property
    def testable(self) -> bool:
        return self.kind in ("rate", "difference", "hours", "error")


def _m(id_: str, label: str, kind: MetricKind, needs: str, description: str) -> MetricInfo:
    return MetricInfo(id_, label, kind, needs, description)


CATALOGUE: dict[str, MetricInfo] = {
    m.id: m
    for m in (
        _m("lead_volume", N_("Leads"), "count", "leads", N_("Leads created.")),
        _m(
            "mql_volume",
            N_("MQLs"),
            "count",
            "leads",
            N_("Leads Marketing passed to Sales (MQLs)."),
        ),
        _m(
            "mql_acceptance_rate",
            N_("MQL→SAL acceptance"),
            "rate",
            "leads",
            N_("Share of MQLs that Sales accepted (SAL or beyond)."),
        ),
        _m(
            "mql_rejection_rate",
            N_("MQL rejection"),
            "rate",
            "leads",
            N_("Share of MQLs that Sales rejected (disqualified)."),
        ),
        _m(
            "mql_recycle_rate",
            N_("MQL recycled"),
            "rate",
            "leads",
            N_("Share of MQLs that Sales sent back to Marketing for nurturing."),
        ),
        _m(
            "mql_disposition_rate",
            N_("MQLs dispositioned by Sales"),
            "rate",
            "leads",
            N_(
                "Share of MQLs that Sales accepted, rejected or recycled: a recorded verdict "
                "on the lead, the feedback the CRM holds."
            ),
        ),
        _m(
            "mql_to_sql_rate",
            N_("MQL→SQL conversion"),
            "rate",
            "leads",
            N_("Share of MQLs that became sales-qualified (SQL or converted)."),
        ),
        _m(
            "lead_to_opportunity_rate",
            N_("Lead→opportunity conversion"),
            "rate",
            "leads",
            N_("Share of leads converted to an opportunity."),
        ),
        _m(
            "first_touch_median_hours",
            N_("Time to first touch, median"),
            "hours",
            "leads and a first-touch date (activities export or a column)",
            N_(
                "Median hours from the MQL date (else the creation date) to the first sales "
                "activity, over the MQLs that were touched."
            ),
        ),
        _m(
            "first_touch_p90_hours",
            N_("Time to first touch, 90th percentile"),
            "hours",
            "leads and a first-touch date",
            N_("90th percentile of the same hours."),
        ),
        _m(
            "first_touch_within_sla_rate",
            N_("First touch within the SLA"),
            "rate",
            "leads and a first-touch date",
            N_(
                "Share of MQLs touched within --sla of becoming an MQL (untouched ones count "
                "as outside)."
            ),
        ),
        _m(
            "leakage_rate",
            N_("Leakage at the hand-off"),
            "rate",
            "leads and a first-touch date",
            N_("Share of MQLs with no sales activity at all and no verdict (never touched)."),
        ),
        _m(
            "win_rate",
            N_("Win rate"),
            "rate",
            "opportunities",
            N_("Share of closed opportunities that were won."),
        ),
        _m(
            "win_rate_marketing_sourced",
            N_("Win rate, marketing-sourced"),
            "rate",
            "opportunities",
            N_("Win rate of opportunities whose source the mapping calls marketing."),
        ),
        _m(
            "win_rate_sales_sourced",
            N_("Win rate, sales-sourced"),
            "rate",
            "opportunities",
            N_("Win rate of opportunities whose source the mapping calls sales."),
        ),
        _m(
            "campaign_win_rate_lift",
            N_("Win-rate lift of campaign-influenced deals"),
            "difference",
            "opportunities with a campaign column",
            N_(
                "Win rate of closed opportunities with a marketing campaign attached minus "
                "that of the others."
            ),
        ),
        _m(
            "pipeline_marketing_sourced",
            N_("Open pipeline, marketing-sourced"),
            "amount",
            "opportunities",
            N_("Amount of open opportunities sourced by marketing."),
        ),
        _m(
            "pipeline_sales_sourced",
            N_("Open pipeline, sales-sourced"),
            "amount",
            "opportunities",
            N_("Amount of open opportunities sourced by sales."),
        ),
        _m(
            "won_amount",
            N_("Closed-won amount"),
            "amount",
            "opportunities",
            N_("Amount of won opportunities."),
        ),
        _m(
            "forecast_error",
            N_("Forecast error (MAPE)"),
            "error",
            "opportunities and a forecast export",
            N_("Mean over periods of |closed-won − forecast| / forecast."),
        ),
    )
}


def metric_name(metric: str, fallback: str = "") -> str:
    """A metric's label in the reader's language; ``fallback`` (else the id) for an id
    not in the catalogue (a saved JSON of another version)."""
    info = CATALOGUE.get(metric)
    return info.name() if info is not None else fallback or metric


def testable_ids() -> list[str]:
    """The metric ids a questionnaire item's evidence entry may name."""
    return [m.id for m in CATALOGUE.values() if m.testable]
