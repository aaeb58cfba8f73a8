"""Funnel evidence: the intervals against statsmodels, and the figures on examples/crm
against a plain pandas computation written here (never against captured output).

The oracle reads the example exports with pandas and applies the Salesforce meanings
by hand: "Open - Not Contacted" is an MQL without a verdict, "Working - Contacted"
accepted, "Closed - Converted" an SQL converted to an opportunity, "Closed - Not
Converted" rejected, "Recycled" recycled, "Nurture" not an MQL.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from support.paths import ROOT

from salesmkt.analysis.evidence_claims import data_say, verdict
from salesmkt.analysis.evidence_stats import newcombe, quantile, quantile_interval, wilson
from salesmkt.model.evidence import EvidenceResult, Figure, GroupView
from salesmkt.pipeline.evidence import EvidenceRequest, parse_sla, run

CRM = ROOT / "examples" / "crm"


# -- intervals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n"), [(0, 1), (0, 12), (1, 12), (6, 12), (12, 12), (944, 1785), (3, 1000), (1, 2)]
)
def test_wilson_is_statsmodels_wilson(k: int, n: int) -> None:
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    ours = wilson(k, n)
    assert ours is not None
    assert ours == pytest.approx((low, high), abs=1e-12)


def test_wilson_of_nothing_is_none() -> None:
    assert wilson(0, 0) is None


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(32, 213, 70, 210), (5, 10, 5, 10), (0, 20, 3, 25), (30, 30, 1, 40)]
)
def test_newcombe_is_statsmodels_newcomb(k1: int, n1: int, k2: int, n2: int) -> None:
    low, high = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    ours = newcombe(k1, n1, k2, n2)
    assert ours is not None
    assert ours == pytest.approx((low, high), abs=1e-9)


@pytest.mark.parametrize("q", [0.5, 0.9])
def test_exact_quantile_bootstrap_matches_many_resamples(q: float) -> None:
    # The oracle: the percentile interval of 40,000 real resamples. Its bounds are order
    # statistics; Monte Carlo noise may move them by one position, not more.
    rng = np.random.default_rng(7)
    values = np.sort(rng.lognormal(3.0, 1.0, 61))
    draws = rng.choice(values, size=(40_000, len(values)), replace=True)
    boot = np.quantile(draws, q, axis=1, method="inverted_cdf")
    mc_low, mc_high = np.quantile(boot, [0.025, 0.975], method="inverted_cdf")
    exact = quantile_interval(values, q)
    assert exact is not None
    for mine, theirs in zip(exact, (mc_low, mc_high), strict=True):
        i, j = np.searchsorted(values, mine), np.searchsorted(values, theirs)
        assert abs(int(i) - int(j)) <= 1, (q, mine, theirs)
    assert quantile(values, q) == np.quantile(values, q, method="inverted_cdf")


def test_quantile_interval_needs_two_values() -> None:
    assert quantile_interval(np.array([5.0]), 0.5) is None


@pytest.mark.parametrize(
    ("text", "hours"), [("24h", 24.0), ("2d", 48.0), ("90m", 1.5), ("36", 36.0), ("1.5h", 1.5)]
)
def test_sla_durations(text: str, hours: float) -> None:
    assert parse_sla(text) == hours


# -- the example exports against plain pandas ---------------------------------------------


@pytest.fixture(scope="module")
def result() -> EvidenceResult:
    return run(EvidenceRequest(paths=[CRM], sla_hours=24.0, min_n=30))


@pytest.fixture(scope="module")
def oracle() -> dict[str, float]:
    leads = pd.read_csv(CRM / "leads.csv", keep_default_na=False)
    tasks = pd.read_csv(CRM / "tasks.csv", keep_default_na=False)
    opps = pd.read_csv(CRM / "opportunities.csv", keep_default_na=False)
    status = leads["Status"]
    mql = status != "Nurture"
    accepted = status.isin(["Working - Contacted", "Closed - Converted"])
    verdict = accepted | status.isin(["Closed - Not Converted", "Recycled"])
    created = pd.to_datetime(leads["CreatedDate"], utc=True)
    first = pd.to_datetime(tasks["CreatedDate"], utc=True).groupby(tasks["WhoId"]).min()
    touch = leads["Id"].map(first)
    hours = ((touch - created).dt.total_seconds() / 3600).clip(lower=0)[mql & touch.notna()]
    closed = opps["IsClosed"] == True  # noqa: E712 - pandas reads true/false as booleans
    won = closed & (opps["IsWon"] == True)  # noqa: E712
    camp = opps["CampaignId"] != ""
    forecast = pd.read_csv(CRM / "forecast.csv")
    close = pd.to_datetime(opps["CloseDate"])
    quarter = close.dt.year.astype(str) + "-Q" + close.dt.quarter.astype(str)
    actual = opps.loc[won, "Amount"].groupby(quarter[won]).sum()
    misses = [
        abs(actual.get(p, 0) - f) / f
        for p, f in zip(forecast["Period"], forecast["Forecast"], strict=True)
    ]
    return {
        "lead_volume": len(leads),
        "mql_volume": int(mql.sum()),
        "mql_acceptance_rate": accepted.sum() / mql.sum(),
        "mql_rejection_rate": (status == "Closed - Not Converted").sum() / mql.sum(),
        "mql_recycle_rate": (status == "Recycled").sum() / mql.sum(),
        "mql_disposition_rate": verdict.sum() / mql.sum(),
        "mql_to_sql_rate": (status == "Closed - Converted").sum() / mql.sum(),
        "lead_to_opportunity_rate": (status == "Closed - Converted").sum() / len(leads),
        "first_touch_within_sla_rate": (hours <= 24).sum() / mql.sum(),
        "leakage_rate": (mql & touch.isna() & ~verdict).sum() / mql.sum(),
        "first_touch_median_hours": float(np.quantile(hours, 0.5, method="inverted_cdf")),
        "first_touch_p90_hours": float(np.quantile(hours, 0.9, method="inverted_cdf")),
        "win_rate": won.sum() / closed.sum(),
        "campaign_win_rate_lift": (won & camp).sum() / (closed & camp).sum()
        - (won & ~camp).sum() / (closed & ~camp).sum(),
        "won_amount": float(opps.loc[won, "Amount"].sum()),
        "forecast_error": float(np.mean(misses)),
    }


METRICS = [
    "lead_volume",
    "mql_volume",
    "mql_acceptance_rate",
    "mql_rejection_rate",
    "mql_recycle_rate",
    "mql_disposition_rate",
    "mql_to_sql_rate",
    "lead_to_opportunity_rate",
    "first_touch_within_sla_rate",
    "leakage_rate",
    "first_touch_median_hours",
    "first_touch_p90_hours",
    "win_rate",
    "campaign_win_rate_lift",
    "won_amount",
    "forecast_error",
]


@pytest.mark.parametrize("metric", METRICS)
def test_example_figure_equals_plain_pandas(
    result: EvidenceResult, oracle: dict[str, float], metric: str
) -> None:
    figure = result.figure(metric)
    assert figure is not None and figure.value is not None
    assert figure.value == pytest.approx(oracle[metric], rel=1e-9)
    if figure.kind == "rate":
        assert figure.ci == pytest.approx(
            proportion_confint(figure.numerator, figure.denominator, method="wilson"), abs=1e-12
        )
        assert not figure.small


def test_example_win_rates_by_origin_follow_the_mapping(result: EvidenceResult) -> None:
    opps = pd.read_csv(CRM / "opportunities.csv", keep_default_na=False)
    marketing = opps["LeadSource"].isin(["Web", "Webinar", "Trade Show", "Paid Search"])
    closed = opps["IsClosed"] == True  # noqa: E712
    won = closed & (opps["IsWon"] == True)  # noqa: E712
    figure = result.figure("win_rate_marketing_sourced")
    assert figure is not None
    assert (figure.numerator, figure.denominator) == (
        (won & marketing).sum(),
        (closed & marketing).sum(),
    )


def test_example_breakdown_by_source_adds_up(result: EvidenceResult) -> None:
    leads = pd.read_csv(CRM / "leads.csv", keep_default_na=False)
    by_source = {
        b.value: b.figures[0].value
        for b in result.breakdowns
        if b.records == "leads" and b.by == "source"
    }
    assert by_source == leads["LeadSource"].value_counts().to_dict()


def test_example_data_are_said_to_be_synthetic() -> None:
    assert "invented" in (CRM / "make_crm.py").read_text(encoding="utf-8")
    assert "synthetic" in (CRM / "README.md").read_text(encoding="utf-8").lower()


def test_the_generator_writes_the_shipped_files(tmp_path: Path) -> None:
    import runpy

    module = runpy.run_path(str(CRM / "make_crm.py"))
    module["write"](tmp_path, 2400, 2006)
    for name in ("leads.csv", "opportunities.csv", "tasks.csv", "forecast.csv"):
        assert (tmp_path / name).read_bytes() == (CRM / name).read_bytes(), name


def test_small_denominators_are_flagged_not_hidden() -> None:
    small = run(EvidenceRequest(paths=[CRM], min_n=100_000))
    figure = small.figure("win_rate")
    assert figure is not None and figure.value is not None and figure.small
    assert not math.isnan(figure.value)


# -- verdicts -----------------------------------------------------------------------------


def _fig(low: float, high: float, small: bool = False) -> Figure:
    return Figure(
        metric="m", label="m", kind="rate", value=(low + high) / 2, ci=(low, high), small=small
    )


@pytest.mark.parametrize(
    ("ci", "side", "said"),
    [
        ((0.85, 0.9), "above", "supports"),
        ((0.5, 0.6), "above", "contradicts"),
        ((0.75, 0.85), "above", "inconclusive"),
        ((0.5, 0.6), "below", "supports"),
        ((0.85, 0.9), "below", "contradicts"),
    ],
)
def test_what_the_data_say_against_a_threshold_of_80_percent(
    ci: tuple[float, float], side: str, said: str
) -> None:
    assert data_say(_fig(*ci), side, 0.8) == said


def test_a_small_figure_never_decides() -> None:
    assert data_say(_fig(0.1, 0.2, small=True), "above", 0.8) == "not_enough"
    assert data_say(None, "above", 0.8) == "not_enough"


def _views(sales: str, marketing: str) -> list[GroupView]:
    return [
        GroupView(group="sales", label="Sales", view=sales),  # type: ignore[arg-type]
        GroupView(group="marketing", label="Marketing", view=marketing),  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    ("said", "sales", "marketing", "expected"),
    [
        ("supports", "agrees", "disagrees", "the data support Sales' view"),
        ("contradicts", "agrees", "disagrees", "the data support Marketing's view"),
        ("contradicts", "agrees", "agrees", "the data support neither"),
        ("supports", "agrees", "agrees", "the data support both views"),
        ("supports", "disagrees", "undecided", "the data support neither"),
        ("supports", "disagrees", "unknown", "not enough data"),
        ("contradicts", "disagrees", "unknown", "the data support Sales' view"),
        ("inconclusive", "agrees", "disagrees", "not enough data"),
        ("not_enough", "agrees", "disagrees", "not enough data"),
    ],
)
def test_the_verdict_names_whose_view_the_data_support(
    said: str, sales: str, marketing: str, expected: str
) -> None:
    assert verdict(said, _views(sales, marketing)) == expected  # type: ignore[arg-type]
