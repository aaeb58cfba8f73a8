"""Reliability and agreement that can say no: alpha pooled within groups with Feldt's
interval, McDonald's omega, per dimension; r*wg(J) and ICC(1)/ICC(2).

Oracles: hand formulas in numpy and pandas, scipy's F distribution and one-way ANOVA,
and a covariance matrix built to follow one factor exactly (its omega is known).
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from salesmkt.analysis.gapdata import GapData
from salesmkt.analysis.gaps import fill_assessment
from salesmkt.analysis.statistics.reliability import feldt_interval, omega_total
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.model.assessment import (
    Assessment,
    DimensionResult,
    ItemResult,
    QuestionnaireRef,
    Respondents,
    Settings,
)

# The package exports a function named ``agreement`` too; the module itself is wanted here.
agr = importlib.import_module("salesmkt.analysis.statistics.agreement")
FOUR = Path(__file__).parent / "fixtures" / "gaps" / "four.yaml"


def _four() -> Questionnaire:
    return load(FOUR)


def _run(rows: np.ndarray, groups: list[str]) -> Assessment:
    q = _four()
    ids = [g.id for g in q.groups]
    a = Assessment(
        questionnaire=QuestionnaireRef(id=q.id, version=q.version),
        compare=list(q.compare),
        respondents=Respondents(total=len(groups), scored=len(groups)),
        items=[ItemResult(id=i.id, text=i.text, dimension=i.dimension) for i in q.items],
        dimensions=[DimensionResult(id=d.id, label=d.label) for d in q.dimensions],
    )
    data = GapData(items=rows, group_code=np.array([ids.index(g) for g in groups]), group_ids=ids)
    fill_assessment(a, data, q, Settings(min_group_size=1))
    return a


def _hand_alpha(m: np.ndarray) -> float:
    k = m.shape[1]
    return float(k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / m.sum(axis=1).var(ddof=1)))


def _correlated(n: int, shift: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n, 1))
    raw = 3 + shift + common + 0.8 * rng.normal(size=(n, 4))
    return np.clip(np.rint(raw), 1, 5)


# -- alpha pooled within groups -----------------------------------------------------------


def test_constant_groups_with_different_means_are_not_reliable_by_accident() -> None:
    # Every Sales answer is 5 and every Marketing answer 1: pooled naively, alpha = 1.0.
    rows = np.vstack([np.full((12, 4), 5.0), np.full((12, 4), 1.0)])
    groups = ["sales"] * 12 + ["marketing"] * 12
    naive = _hand_alpha(rows)
    assert naive == pytest.approx(1.0)
    pooled = _run(rows, groups).reliability[0]
    assert pooled.alpha is None and pooled.not_estimable is not None


def test_pooled_alpha_and_feldt_interval_by_hand() -> None:
    rows = np.vstack([_correlated(14, 1.0, 1), _correlated(12, -1.0, 2)])
    groups = ["sales"] * 14 + ["marketing"] * 12
    a = _run(rows, groups)
    pooled = a.reliability[0]
    frame = pd.DataFrame(rows)
    centred = (frame - frame.groupby(groups).transform("mean")).to_numpy()
    alpha = _hand_alpha(centred)
    assert pooled.alpha == pytest.approx(alpha, rel=1e-12)
    assert pooled.n == 26
    # The naive pooled alpha is inflated by the gap between the groups.
    assert _hand_alpha(rows) > alpha
    # Feldt with the within-groups degrees of freedom, N − G = 24, as pingouin writes it.
    d1, d2 = 24, 24 * 3
    low = 1 - (1 - alpha) * stats.f.isf(0.025, d1, d2)
    high = 1 - (1 - alpha) * stats.f.isf(0.975, d1, d2)
    assert pooled.alpha_ci == pytest.approx((low, high), rel=1e-10)
    sales = next(r for r in a.reliability if r.scope == "sales")
    s_alpha = _hand_alpha(rows[:14])
    assert sales.alpha == pytest.approx(s_alpha, rel=1e-12)
    s_low = 1 - (1 - s_alpha) * stats.f.isf(0.025, 13, 39)
    assert sales.alpha_ci is not None and sales.alpha_ci[0] == pytest.approx(s_low, rel=1e-10)


def test_feldt_interval_refuses_what_it_cannot_do() -> None:
    assert feldt_interval(0.8, 0, 4) is None
    assert feldt_interval(0.8, 10, 1) is None


def test_dimension_reliability_uses_the_complete_answers_of_that_dimension() -> None:
    rows = np.vstack([_correlated(14, 1.0, 3), _correlated(12, -1.0, 4)])
    rows[0, 0] = np.nan  # incomplete for "talk" (q1, q2), complete for "work" (q3, q4)
    groups = ["sales"] * 14 + ["marketing"] * 12
    a = _run(rows, groups)
    by = {(r.dimension, r.scope): r for r in a.reliability_dimensions}
    assert by[("talk", "pooled")].n == 25 and by[("work", "pooled")].n == 26
    assert a.reliability[0].n == 25
    work = rows[:, 2:]
    frame = pd.DataFrame(work)
    centred = (frame - frame.groupby(groups).transform("mean")).to_numpy()
    assert by[("work", "pooled")].alpha == pytest.approx(_hand_alpha(centred), rel=1e-12)
    assert by[("work", "sales")].alpha == pytest.approx(_hand_alpha(work[:14]), rel=1e-12)


# -- omega -----------------------------------------------------------------------------------


def test_omega_of_an_exact_one_factor_structure() -> None:
    # Sigma = lambda lambda' + diag(psi): one factor fits exactly, so omega is known.
    lam = np.array([0.9, 0.7, 1.1, 0.5, 0.8])
    psi = np.array([0.5, 0.8, 0.4, 0.9, 0.6])
    cov = np.outer(lam, lam) + np.diag(psi)
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum())
    assert omega_total(cov) == pytest.approx(expected, rel=1e-8)
    # Rescaling the items changes the unit-weighted sum, and omega follows the hand value.
    scale = np.array([1.0, 2.0, 0.5, 1.0, 1.5])
    cov2 = cov * np.outer(scale, scale)
    lam2, psi2 = lam * scale, psi * scale**2
    assert omega_total(cov2) == pytest.approx(
        lam2.sum() ** 2 / (lam2.sum() ** 2 + psi2.sum()), rel=1e-8
    )


def test_omega_from_a_large_one_factor_sample_is_near_the_truth() -> None:
    rng = np.random.default_rng(11)
    lam = np.array([0.8, 0.6, 0.7, 0.5])
    n = 20000
    x = rng.normal(size=(n, 1)) * lam + rng.normal(size=(n, 4)) * np.sqrt(1 - lam**2)
    truth = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    assert omega_total(np.cov(x, rowvar=False)) == pytest.approx(truth, abs=0.01)


def test_omega_needs_three_items_with_variance() -> None:
    assert omega_total(np.eye(2)) is None
    cov = np.eye(3)
    cov[1, 1] = 0.0
    assert omega_total(cov) is None


# -- r*wg(J) ---------------------------------------------------------------------------------


def test_rwg_star_by_hand_and_the_flag_fires_where_rwg_j_cannot() -> None:
    # Each item spread over 2..4 and 1..5: mean item variance well above 0.6, so r*wg(J)
    # falls below 0.70, while the Spearman-Brown r_wg(J) over 20 items stays near 1.
    rng = np.random.default_rng(5)
    m = rng.choice([1, 2, 3, 4, 5], size=(30, 20), p=[0.05, 0.2, 0.45, 0.25, 0.05]).astype(float)
    mean_var = float(np.mean(m.var(axis=0, ddof=1)))
    result = agr.agreement(m, 5, group="sales")
    assert result.rwg_star_j == pytest.approx(1 - mean_var / 2.0, rel=1e-12)
    assert result.rwg_star_j_skewed == pytest.approx(1 - mean_var / 1.34, rel=1e-9)
    assert result.rwg_j is not None and result.rwg_j > 0.9
    assert result.rwg_star_j < 0.70
    # AD_M alone would not flag this team: the flag fires on r*wg(J).
    assert result.ad_m is not None and result.ad_m <= 5 / 6
    assert result.low_agreement is True


def test_skewed_null_variance_is_lebreton_and_senters() -> None:
    assert agr.skewed_null_variance(5) == pytest.approx(1.34)
    assert agr.skewed_null_variance(4) is None


# -- ICC(1), ICC(2) ------------------------------------------------------------------------


def test_icc_against_a_one_way_anova() -> None:
    rng = np.random.default_rng(9)
    groups = [rng.normal(60 + shift, 8, n).round() for shift, n in ((5, 9), (-4, 5), (0, 7))]
    icc1, icc2, f, p, n0 = agr.icc_oneway([Tally.of(g) for g in groups])  # type: ignore[misc]
    ref = stats.f_oneway(*groups)
    assert f == pytest.approx(float(ref.statistic), rel=1e-10)
    assert p == pytest.approx(float(ref.pvalue), rel=1e-8)
    frame = pd.DataFrame(
        {"y": np.concatenate(groups), "g": np.repeat(range(3), [len(x) for x in groups])}
    )
    grand = frame.y.mean()
    means = frame.groupby("g").y.transform("mean")
    msb = ((means - grand) ** 2).sum() / 2
    msw = ((frame.y - means) ** 2).sum() / (len(frame) - 3)
    sizes = frame.groupby("g").size().to_numpy()
    n0_hand = (sizes.sum() - (sizes**2).sum() / sizes.sum()) / 2
    assert n0 == pytest.approx(n0_hand)
    assert icc1 == pytest.approx((msb - msw) / (msb + (n0_hand - 1) * msw), rel=1e-10)
    assert icc2 == pytest.approx((msb - msw) / msb, rel=1e-10)


def test_the_assessment_carries_icc_of_the_totals() -> None:
    rows = np.vstack([_correlated(14, 1.0, 6), _correlated(12, -1.0, 7)])
    groups = ["sales"] * 14 + ["marketing"] * 12
    agg = _run(rows, groups).aggregation
    assert agg is not None and agg.groups == 2 and agg.n == 26
    totals = rows.sum(axis=1)
    ref = stats.f_oneway(totals[:14], totals[14:])
    assert agg.f == pytest.approx(float(ref.statistic), rel=1e-10)
    assert agg.icc2 == pytest.approx(1 - 1 / float(ref.statistic), rel=1e-10)
    assert math.isfinite(agg.icc1 or math.nan)


# -- prorating: a skipped dimension --------------------------------------------------------


def test_a_skipped_dimension_is_not_prorated_into_and_is_warned_about(
    tmp_path: Path, runner: Any
) -> None:
    import json

    from salesmkt.cli import app

    data = tmp_path / "r.csv"
    data.write_text(
        "group,q1,q2,q3,q4\n"
        "sales,4,4,,\n"  # answered no item of "work" (q3, q4)
        "sales,4,5,4,4\nsales,3,4,4,4\n"
        "marketing,2,2,2,3\nmarketing,2,3,3,3\nmarketing,3,2,2,2\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        # groups of three, shown
        [
            "score",
            str(data),
            "-q",
            str(FOUR),
            "--max-missing",
            "0.5",
            "-f",
            "json",
            "--min-group-size",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    codes = [w["code"] for w in doc["warnings"]]
    assert codes == ["low-anonymity-threshold", "skipped-dimension"]
    assert doc["warnings"][1]["row"] == 2
    sales = next(g for g in doc["groups"] if g["id"] == "sales")
    # Work's Sales mean is over the two who answered it, not a prorated third.
    assert sales["dimension_means"]["work"] == pytest.approx((4 + 4 + 4 + 4) / 4)
    # The total is still prorated: (4 + 4) / 2 x 4 = 16.
    assert sales["mean"] == pytest.approx((16 + 17 + 15) / 3)
