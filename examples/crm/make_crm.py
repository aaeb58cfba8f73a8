"""Write the synthetic CRM exports of the workshop example company (examples/crm/).

Everything here is invented: no record describes a real person, company or deal. The
files have the headers of Salesforce's data export (Leads, Opportunities, Tasks) and a
forecast sheet per quarter, so that ``salesmkt evidence examples/crm`` reads them with
the built-in mappings. The data are built (seeded, so every run writes the same bytes)
to tell the story the example survey (examples/workshop.csv) argues about:

- many MQLs get no verdict from Sales (status still "Open - Not Contacted"), and many
  are never touched: Marketing's "we never hear back from the field";
- deals with a marketing campaign attached are won less often than the others: Sales'
  "the material does not help us win";
- the quarterly forecast misses closed-won by about a third, though both teams believe
  it holds.

Usage: python examples/crm/make_crm.py [OUT_DIR] [--leads N] [--seed S]
(the benchmark uses it with --leads 1000000).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

START = pd.Timestamp("2024-07-01")
END = pd.Timestamp("2025-12-31")
AS_OF = pd.Timestamp("2026-01-15")
SOURCES = ["Web", "Webinar", "Trade Show", "Paid Search", "Cold Call", "Partner Referral", "Other"]
SOURCE_P = [0.38, 0.15, 0.10, 0.15, 0.12, 0.05, 0.05]
MARKETING = {"Web", "Webinar", "Trade Show", "Paid Search"}
STATUSES = [
    "Nurture",
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
    "Recycled",
]
STATUS_P = [0.25, 0.34, 0.11, 0.15, 0.11, 0.04]
INDUSTRIES = ["Manufacturing", "Healthcare", "Financial Services", "Retail"]
OPEN_STAGES = ["Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review"]


def sf_ids(prefix: str, n: int, offset: int = 0) -> np.ndarray:
    """Salesforce-style 18-character ids (prefix, then a zero-padded counter)."""
    return np.array([f"{prefix}{i:015d}" for i in range(offset + 1, offset + n + 1)])


def iso(stamps: pd.Series) -> pd.Series:
    return stamps.dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def leads(rng: np.random.Generator, n: int) -> pd.DataFrame:
    span = (END - START).total_seconds()
    created = START + pd.to_timedelta(np.sort(rng.uniform(0, span, n)), unit="s")
    frame = pd.DataFrame(
        {
            "Id": sf_ids("00Q", n),
            "LeadSource": rng.choice(SOURCES, n, p=SOURCE_P),
            "Status": rng.choice(STATUSES, n, p=STATUS_P),
            "CreatedDate": pd.Series(created),
            "Industry": rng.choice(INDUSTRIES, n),
            "OwnerId": rng.choice(sf_ids("005", 12), n),
        }
    )
    frame["IsConverted"] = np.where(frame["Status"] == "Closed - Converted", "true", "false")
    return frame


def tasks(rng: np.random.Generator, lead: pd.DataFrame) -> pd.DataFrame:
    """First touches: every worked lead, a quarter of the open ones, none of the nurture."""
    status = lead["Status"]
    worked = ~status.isin(["Nurture", "Open - Not Contacted"])
    touched = worked | ((status == "Open - Not Contacted") & (rng.random(len(lead)) < 0.25))
    who = lead.loc[touched, "Id"].to_numpy()
    hours = rng.lognormal(mean=np.log(30.0), sigma=1.0, size=len(who))
    first = lead.loc[touched, "CreatedDate"].to_numpy() + pd.to_timedelta(hours, unit="h")
    again = first + pd.to_timedelta(rng.uniform(24, 240, len(who)), unit="h")
    stamps = pd.Series(np.concatenate([first, again]))
    n = len(stamps)
    return pd.DataFrame(
        {
            "Id": sf_ids("00T", n),
            "WhoId": np.concatenate([who, who]),
            "CreatedDate": iso(stamps),
            "Subject": rng.choice(["Call", "Email", "Meeting"], n),
            "OwnerId": rng.choice(sf_ids("005", 12), n),
        }
    )


def opportunities(rng: np.random.Generator, lead: pd.DataFrame, direct: int) -> pd.DataFrame:
    converted = lead[lead["Status"] == "Closed - Converted"]
    n_conv = len(converted)
    source = np.concatenate(
        [converted["LeadSource"].to_numpy(), rng.choice(["Cold Call", "Partner Referral"], direct)]
    )
    n = len(source)
    base = np.concatenate(
        [
            converted["CreatedDate"].to_numpy(),
            (
                START
                + pd.to_timedelta(rng.uniform(0, (END - START).total_seconds(), direct), unit="s")
            ).to_numpy(),
        ]
    )
    created = pd.Series(base) + pd.to_timedelta(rng.uniform(24, 400, n), unit="h")
    close = created + pd.to_timedelta(rng.uniform(20, 150, n), unit="D")
    marketing = np.isin(source, list(MARKETING))
    campaign = np.where(
        marketing & (rng.random(n) < 0.85) | (~marketing & (rng.random(n) < 0.1)),
        rng.choice(sf_ids("701", 9), n),
        "",
    )
    won = rng.random(n) < np.where(campaign != "", 0.18, 0.31)
    closed = close < AS_OF
    stage = np.where(
        ~closed, rng.choice(OPEN_STAGES, n), np.where(won, "Closed Won", "Closed Lost")
    )
    ids = sf_ids("006", n)
    lead.loc[converted.index, "ConvertedOpportunityId"] = ids[:n_conv]
    lead.loc[converted.index, "ConvertedDate"] = created[:n_conv].dt.strftime("%Y-%m-%d").to_numpy()
    return pd.DataFrame(
        {
            "Id": ids,
            "LeadSource": source,
            "CampaignId": campaign,
            "StageName": stage,
            "IsWon": np.where(closed & won, "true", "false"),
            "IsClosed": np.where(closed, "true", "false"),
            "Amount": np.round(rng.lognormal(np.log(18000.0), 0.6, n), -2).astype(int).astype(str),
            "CreatedDate": iso(created),
            "CloseDate": close.dt.strftime("%Y-%m-%d"),
            "ForecastCategoryName": np.where(
                closed, np.where(won, "Closed", "Omitted"), "Pipeline"
            ),
            "OwnerId": rng.choice(sf_ids("005", 12), n),
        }
    )


def forecast(rng: np.random.Generator, opp: pd.DataFrame) -> pd.DataFrame:
    """A forecast per quarter that misses closed-won by 20-45%, either way."""
    won = opp[opp["StageName"] == "Closed Won"]
    close = pd.to_datetime(won["CloseDate"])
    period = close.dt.year.astype(str) + "-Q" + close.dt.quarter.astype(str)
    actual = won["Amount"].astype(float).groupby(period).sum()
    actual = actual[actual.index <= "2025-Q4"]
    miss = rng.uniform(0.2, 0.45, len(actual)) * rng.choice([-1, 1], len(actual))
    return pd.DataFrame(
        {
            "Period": actual.index,
            "Forecast": np.round(actual.to_numpy() * (1 + miss), -3).astype(int),
        }
    )


def write(out: Path, n_leads: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    lead = leads(rng, n_leads)
    lead["ConvertedOpportunityId"] = ""
    lead["ConvertedDate"] = ""
    opp = opportunities(rng, lead, direct=max(1, n_leads // 16))
    task = tasks(rng, lead)
    lead["CreatedDate"] = iso(lead["CreatedDate"])
    out.mkdir(parents=True, exist_ok=True)
    lead.to_csv(out / "leads.csv", index=False)
    opp.to_csv(out / "opportunities.csv", index=False)
    task.to_csv(out / "tasks.csv", index=False)
    forecast(rng, opp).to_csv(out / "forecast.csv", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(Path(__file__).parent))
    parser.add_argument("--leads", type=int, default=2400)
    parser.add_argument("--seed", type=int, default=2006)
    args = parser.parse_args()
    write(Path(args.out), args.leads, args.seed)


if __name__ == "__main__":
    main()
