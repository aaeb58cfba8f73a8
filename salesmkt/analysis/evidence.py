"""Funnel metrics from CRM data: the figures of :mod:`salesmkt.definitions.metrics`.

Vocabulary (one boolean per lead, computed once for all leads, :func:`lead_flags`):
- *MQL*: a lead Marketing passed to Sales: a status at ``mql`` or beyond (accepted,
  SQL, rejected, recycled), an MQL or SQL date, or converted.
- *accepted* (SAL): status ``sal`` or ``sql``, an SQL date, or converted;
  *rejected*, *recycled*: those statuses; *dispositioned*: any of the three, a recorded
  verdict of Sales on the lead.
- *SQL*: status ``sql``, an SQL date, or converted; *opportunity*: converted or naming
  an opportunity.
- *hours to first touch*: from the MQL date (else the creation date) to the first
  sales activity; a touch recorded before that moment counts as 0 hours.
- *within the SLA*: an MQL touched within ``sla_hours``; an untouched MQL is outside.
- *leaked*: an MQL with no activity at all and no verdict.
Rates are over MQLs (lead→opportunity over all leads; win rates over closed
opportunities). Every rate carries its Wilson interval; a denominator below ``min_n``
is *small*: shown and flagged, never hidden.

A figure's label and note are written in the reader's language (:mod:`salesmkt.l10n`)
when the figure is made, inside the run; the metric id stays the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from salesmkt.analysis.evidence_stats import newcombe, quantile, quantile_interval, wilson
from salesmkt.definitions.metrics import CATALOGUE
from salesmkt.intake.evidence.read import CrmData
from salesmkt.l10n import N_, _
from salesmkt.model.evidence import Figure

if TYPE_CHECKING:
    import pandas as pd

RATES = {
    # metric id: (numerator flag, denominator flag)
    "mql_acceptance_rate": ("accepted", "mql"),
    "mql_rejection_rate": ("rejected", "mql"),
    "mql_recycle_rate": ("recycled", "mql"),
    "mql_disposition_rate": ("dispositioned", "mql"),
    "mql_to_sql_rate": ("sql", "mql"),
    "lead_to_opportunity_rate": ("opportunity", "all"),
    "first_touch_within_sla_rate": ("within_sla", "mql"),
    "leakage_rate": ("leaked", "mql"),
}
TOUCH_METRICS = ("first_touch_within_sla_rate", "leakage_rate")
NO_TOUCH = N_("no first-touch dates: give an activities (Tasks) export or a first-touch column")
NO_RECORDS = N_("no records to count")


def lead_flags(leads: pd.DataFrame, sla_hours: float) -> pd.DataFrame:
    """The booleans of the module docstring, one row per lead, and the hours."""
    import numpy as np
    import pandas as pd

    step = leads["step"]
    dated = leads["mql_at"].notna() | leads["sql_at"].notna() | leads["converted"]
    accepted = step.isin([2, 3]) | leads["sql_at"].notna() | leads["converted"]
    rejected, recycled = step == 5, step == 4
    mql = (step >= 1) | dated
    start = leads["mql_at"].fillna(leads["created"])
    hours = (leads["first_touch_at"] - start).dt.total_seconds() / 3600.0
    hours = hours.clip(lower=0.0).where(mql)
    touched = hours.notna()
    return pd.DataFrame(
        {
            "all": np.ones(len(leads), dtype=bool),
            "mql": mql,
            "accepted": accepted,
            "rejected": rejected,
            "recycled": recycled,
            "dispositioned": accepted | rejected | recycled,
            "sql": (step == 3) | leads["sql_at"].notna() | leads["converted"],
            "opportunity": leads["converted"] | (leads["opportunity"] != ""),
            "within_sla": touched & (hours <= sla_hours),
            "leaked": mql & ~touched & ~(accepted | rejected | recycled),
            "hours": hours,
        }
    )


def rate(metric: str, k: int, n: int, min_n: int, note: str | None = None) -> Figure:
    info = CATALOGUE[metric]
    return Figure(
        metric=metric,
        label=info.name(),
        kind=info.kind,
        value=k / n if n else None,
        ci=wilson(k, n),
        numerator=k,
        denominator=n,
        small=n < min_n,
        note=note if n else (note or _(NO_RECORDS)),
    )


def count(metric: str, value: float) -> Figure:
    info = CATALOGUE[metric]
    return Figure(metric=metric, label=info.name(), kind=info.kind, value=value)


def missing(metric: str, why: str) -> Figure:
    info = CATALOGUE[metric]
    return Figure(metric=metric, label=info.name(), kind=info.kind, note=why)


def flag_sums(flags: pd.DataFrame) -> dict[str, int]:
    """How many leads have each flag."""
    return {c: int(flags[c].sum()) for c in flags.columns if c != "hours"}


def lead_figures(sums: Mapping[str, int], min_n: int, touch: bool) -> list[Figure]:
    """Volumes and rates from the flag counts of some leads (all, or one breakdown's)."""
    out = [count("lead_volume", sums["all"]), count("mql_volume", sums["mql"])]
    for metric, (num, den) in RATES.items():
        if metric in TOUCH_METRICS and not touch:
            out.append(missing(metric, NO_TOUCH))
        else:
            out.append(rate(metric, sums[num], sums[den], min_n))
    return out


def touch_figures(flags: pd.DataFrame, min_n: int, touch: bool) -> list[Figure]:
    """Median and 90th percentile of the hours to first touch, with exact bootstrap CIs."""
    import numpy as np

    if not touch:
        return [missing(m, NO_TOUCH) for m in ("first_touch_median_hours", "first_touch_p90_hours")]
    hours = np.sort(flags["hours"].dropna().to_numpy(dtype=float))
    out = []
    for metric, q in (("first_touch_median_hours", 0.5), ("first_touch_p90_hours", 0.9)):
        info = CATALOGUE[metric]
        empty = len(hours) == 0
        out.append(
            Figure(
                metric=metric,
                label=info.name(),
                kind=info.kind,
                value=None if empty else quantile(hours, q),
                ci=None if empty else quantile_interval(hours, q),
                denominator=len(hours),
                small=len(hours) < min_n,
                note=_("no MQL was touched") if empty else None,
            )
        )
    return out


def opportunity_figures(opps: pd.DataFrame, min_n: int, campaign: bool) -> list[Figure]:
    """Win rates (overall, by origin), campaign lift, pipeline and won amounts."""
    closed, won = opps["closed"], opps["won"] & opps["closed"]
    out = [rate("win_rate", int(won.sum()), int(closed.sum()), min_n)]
    for origin, code in (("marketing", 1), ("sales", 2)):
        mine = opps["origin"] == code
        out.append(
            rate(
                f"win_rate_{origin}_sourced",
                int((won & mine).sum()),
                int((closed & mine).sum()),
                min_n,
            )
        )
    out.append(
        _lift(opps, min_n)
        if campaign
        else missing("campaign_win_rate_lift", N_("no campaign column"))
    )
    open_ = ~closed
    for origin, code in (("marketing", 1), ("sales", 2)):
        amount = float(opps.loc[open_ & (opps["origin"] == code), "amount"].sum())
        out.append(count(f"pipeline_{origin}_sourced", amount))
    out.append(count("won_amount", float(opps.loc[won, "amount"].sum())))
    return out


def _lift(opps: pd.DataFrame, min_n: int) -> Figure:
    closed = opps["closed"]
    won = opps["won"] & closed
    with_c = opps["campaign"]
    k1, n1 = int((won & with_c).sum()), int((closed & with_c).sum())
    k2, n2 = int((won & ~with_c).sum()), int((closed & ~with_c).sum())
    info = CATALOGUE["campaign_win_rate_lift"]
    value = k1 / n1 - k2 / n2 if n1 and n2 else None
    return Figure(
        metric=info.id,
        label=info.name(),
        kind=info.kind,
        value=value,
        ci=newcombe(k1, n1, k2, n2),
        numerator=n1,
        denominator=n2,
        small=min(n1, n2) < min_n,
        note=_("{k1}/{n1} won with a campaign, {k2}/{n2} without").format(
            k1=k1, n1=n1, k2=k2, n2=n2
        ),
    )


def overall(data: CrmData, sla_hours: float, min_n: int) -> list[Figure]:
    out: list[Figure] = []
    if data.leads is not None:
        flags = lead_flags(data.leads, sla_hours)
        out += lead_figures(flag_sums(flags), min_n, data.has_first_touch)
        out += touch_figures(flags, min_n, data.has_first_touch)
    if data.opportunities is not None:
        out += opportunity_figures(data.opportunities, min_n, data.has_campaign)
    return out
