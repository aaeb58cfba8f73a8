"""Inference that agrees with itself: the 'backed' verdict, the adjustment, the limits of
small groups, and the t intervals of groups and the organisation.

Oracles: statsmodels' ``multipletests`` for the adjustments, scipy's t tests for the
intervals, and hand formulas for the smallest attainable p and the detectable effect.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from salesmkt.analysis.gapdata import GapData
from salesmkt.analysis.gaps import fill_assessment, gap_limits
from salesmkt.analysis.statistics.intervals import detectable_effect, smallest_rank_p, t_interval
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.model.assessment import (
    Assessment,
    DimensionResult,
    GroupResult,
    ItemResult,
    Overall,
    QuestionnaireRef,
    Respondents,
    Settings,
)

ALIGNMENT = Path(__file__).resolve().parent.parent / "questionnaires" / "alignment.yaml"


def _alignment() -> Questionnaire:
    return load(ALIGNMENT)


def _data(n_sales: int, n_marketing: int, seed: int = 7) -> tuple[np.ndarray, list[str]]:
    """Answers with real gaps on the first five items and none on the rest."""
    rng = np.random.default_rng(seed)
    sales = rng.integers(1, 6, size=(n_sales, 20)).astype(float)
    marketing = rng.integers(1, 6, size=(n_marketing, 20)).astype(float)
    sales[:, :5] = rng.integers(4, 6, size=(n_sales, 5))
    marketing[:, :5] = rng.integers(1, 3, size=(n_marketing, 5))
    return np.vstack([sales, marketing]), ["sales"] * n_sales + ["marketing"] * n_marketing


def _assess(rows: np.ndarray, groups: list[str], **options: object) -> Assessment:
    q = _alignment()
    ids = [g.id for g in q.groups]
    a = Assessment(
        questionnaire=QuestionnaireRef(id=q.id, version=q.version),
        compare=list(q.compare),
        respondents=Respondents(total=len(groups), scored=len(groups)),
        items=[ItemResult(id=i.id, text=i.text, dimension=i.dimension) for i in q.items],
        dimensions=[DimensionResult(id=d.id, label=d.label) for d in q.dimensions],
        groups=[GroupResult(id=g, label=g, n=groups.count(g)) for g in ids if g in groups],
    )
    totals = rows.sum(axis=1)
    means = [totals[[g == gid for g in groups]].mean() for gid in q.compare]
    a.overall = Overall(score=float(np.mean(means)))
    data = GapData(items=rows, group_code=np.array([ids.index(g) for g in groups]), group_ids=ids)
    fill_assessment(a, data, q, Settings(**options))  # type: ignore[arg-type]
    return a


@pytest.mark.parametrize(("adjust", "method"), [("bh", "fdr_bh"), ("holm", "holm"), ("none", None)])
def test_backed_is_the_adjusted_test_as_statsmodels_adjusts(
    adjust: str, method: str | None
) -> None:
    rows, groups = _data(12, 10)
    a = _assess(rows, groups, adjust=adjust)
    raw = np.array([i.p_value for i in a.items], dtype=float)
    if method is None:
        expected, reject = raw, raw < 0.05
    else:
        reject, expected, _, _ = multipletests(raw, alpha=0.05, method=method)
    assert [i.p_adjusted for i in a.items] == pytest.approx(list(expected), rel=1e-12)
    # The verdict is read off the printed adjusted p: the two can never disagree.
    assert [i.backed for i in a.items] == [bool(r) for r in reject]
    for i in a.items:
        assert i.p_adjusted is not None
        assert i.backed is (i.p_adjusted < 0.05)


def test_benjamini_hochberg_is_the_default() -> None:
    assert Settings().adjust == "bh"


def test_smallest_attainable_p_by_enumeration() -> None:
    # 5 vs 4, untied: of the C(9, 4) = 126 splits only the two fully separated ones are
    # as extreme as a complete separation.
    assert smallest_rank_p(5, 4) == pytest.approx(2 / 126)
    assert smallest_rank_p(9, 5) == pytest.approx(2 / math.comb(14, 5))
    separated = stats.mannwhitneyu([6, 7, 8, 9, 10], [1, 2, 3, 4], method="exact")
    assert smallest_rank_p(5, 4) == pytest.approx(float(separated.pvalue))
    # Large groups: C(n, k) overflows a float, the p underflows to 0 without an error.
    assert smallest_rank_p(600_000, 350_000) == 0.0
    assert smallest_rank_p(30, 30) == pytest.approx(2 / math.comb(60, 30), rel=1e-9)
    assert "<0.001" in gap_limits(600_000, 350_000, 20, "bh").message


def test_limits_say_when_no_item_can_be_backed() -> None:
    holm = gap_limits(5, 4, 20, "holm")
    assert holm.smallest_p_adjusted == pytest.approx(min(1.0, 20 * 2 / 126))
    assert "no item can be backed" in holm.message
    bh = gap_limits(5, 4, 20, "bh")
    assert "only when several items" in bh.message
    assert "standard deviations" in bh.message
    big = gap_limits(40, 40, 20, "bh")
    assert "no item can be backed" not in big.message


def test_detectable_effect_by_hand_and_by_statsmodels() -> None:
    from statsmodels.stats.power import TTestIndPower

    df = 9 + 5 - 2
    hand = (stats.t.ppf(0.975, df) + stats.t.ppf(0.80, df)) * math.sqrt(1 / 9 + 1 / 5)
    assert detectable_effect(9, 5) == pytest.approx(hand, rel=1e-12)
    # The exact (noncentral t) answer is close: the formula is the usual approximation.
    exact = TTestIndPower().solve_power(nobs1=9, ratio=5 / 9, alpha=0.05, power=0.80)
    assert detectable_effect(9, 5) == pytest.approx(exact, rel=0.05)


def test_item_mde_is_the_detectable_effect_times_the_pooled_sd() -> None:
    rows, groups = _data(9, 5)
    a = _assess(rows, groups)
    x, y = rows[:9, 7], rows[9:, 7]
    pooled = math.sqrt(((len(x) - 1) * x.var(ddof=1) + (len(y) - 1) * y.var(ddof=1)) / 12)
    d = detectable_effect(9, 5)
    assert d is not None
    assert a.items[7].mde == pytest.approx(d * pooled, rel=1e-12)
    assert a.gap_limits is not None and a.gap_limits.n_first == 9


def test_group_and_overall_intervals_are_t_intervals() -> None:
    rows, groups = _data(9, 5)
    a = _assess(rows, groups)
    totals = rows.sum(axis=1)
    sales, marketing = totals[:9], totals[9:]
    for g, x in (("sales", sales), ("marketing", marketing)):
        ci = a.group(g).ci  # type: ignore[union-attr]
        ref = stats.ttest_1samp(x, 0.0).confidence_interval(0.95)
        assert ci == pytest.approx((ref.low, ref.high), rel=1e-12)
    # Equal weight: (x̄₁ + x̄₂)/2 with se² = (s₁²/n₁ + s₂²/n₂)/4, Welch–Satterthwaite df.
    a1, a2 = sales.var(ddof=1) / 9 / 4, marketing.var(ddof=1) / 5 / 4
    df = (a1 + a2) ** 2 / (a1**2 / 8 + a2**2 / 4)
    half = stats.t.ppf(0.975, df) * math.sqrt(a1 + a2)
    mid = (sales.mean() + marketing.mean()) / 2
    assert a.overall.ci == pytest.approx((mid - half, mid + half), rel=1e-12)


def test_t_interval_of_a_gap_is_welchs() -> None:
    x = [4, 5, 3, 4, 5, 4, 2, 5, 4]
    y = [2, 3, 3, 4, 2]
    ci, why = t_interval((Tally.of(x), Tally.of(y)), (1.0, -1.0))
    ref = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert why is None and ci == pytest.approx((ref.low, ref.high), rel=1e-12)
    assert t_interval((Tally.of([3, 3]), Tally.of([2, 2])), (1.0, -1.0))[0] is None
    assert t_interval((Tally.of([3]),), (1.0,))[0] is None


def test_segment_groups_and_overall_get_t_intervals(runner: Any) -> None:
    import io
    import json

    import pandas as pd

    from salesmkt.cli import app

    workshop = str(Path(__file__).resolve().parent.parent / "examples" / "workshop.csv")
    args = ["score", workshop, "--by", "region", "--min-group-size", "3"]
    doc = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    frame = pd.read_csv(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout))
    checked = 0
    for seg in doc["segments"]:
        here = frame[frame["Region"] == seg["value"]]
        for g in seg["groups"]:
            totals = here.loc[here["group"] == g["id"], "total"].to_numpy(dtype=float)
            if g["suppressed"] or len(totals) < 2 or totals.std() == 0:
                assert g["ci"] is None
                continue
            ref = stats.ttest_1samp(totals, 0.0).confidence_interval(0.95)
            # The CSV rounds prorated totals to four decimals.
            assert g["ci"] == pytest.approx([ref.low, ref.high], rel=1e-6)
            checked += 1
        if seg["overall"]["method"] == "equal-weight" and seg["overall"]["ci"] is not None:
            x = here.loc[here["group"] == "sales", "total"].to_numpy(dtype=float)
            y = here.loc[here["group"] == "marketing", "total"].to_numpy(dtype=float)
            a1, a2 = x.var(ddof=1) / len(x) / 4, y.var(ddof=1) / len(y) / 4
            df = (a1 + a2) ** 2 / (a1**2 / (len(x) - 1) + a2**2 / (len(y) - 1))
            half = stats.t.ppf(0.975, df) * math.sqrt(a1 + a2)
            mid = (x.mean() + y.mean()) / 2
            assert seg["overall"]["ci"] == pytest.approx([mid - half, mid + half], rel=1e-6)
            checked += 1
    assert checked >= 2  # at threshold 3 two segment groups of the example are shown
