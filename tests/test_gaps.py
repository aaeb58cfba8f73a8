"""Gap statistics in the assessment, checked against scipy and hand computations."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from salesmkt.analysis import quality
from salesmkt.analysis import statistics as sstats
from salesmkt.analysis.gapdata import GapData
from salesmkt.analysis.gaps import fill_assessment, fill_gap, quadrant
from salesmkt.analysis.statistics import reliability
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.errors import UsageError
from salesmkt.model.assessment import (
    AGREEMENT_FLOOR,
    RELIABILITY_FLOOR,
    AgreementResult,
    Assessment,
    DimensionResult,
    GapFields,
    ItemResult,
    QuestionnaireRef,
    ReliabilityResult,
    Respondents,
    Settings,
    TotalGap,
    ad_m_limit,
)

FIXTURES = Path(__file__).parent / "fixtures" / "gaps"
NA = math.nan

# The reference example.
X = [4, 5, 3, 4, 5, 4, 2]
Y = [2, 3, 3, 4, 2, 1, 3, 2]


def q_of(name: str) -> Questionnaire:
    return load(FIXTURES / f"{name}.yaml")


def blank(q: Questionnaire) -> Assessment:
    """An assessment with the questionnaire's items and dimensions and no figures yet."""
    return Assessment(
        questionnaire=QuestionnaireRef(id=q.id, version=q.version),
        compare=list(q.compare),
        respondents=Respondents(total=0, scored=0),
        items=[ItemResult(id=i.id, text=i.text, dimension=i.dimension) for i in q.items],
        dimensions=[DimensionResult(id=d.id, label=d.label) for d in q.dimensions],
    )


def run(
    q: Questionnaire,
    rows: Sequence[Sequence[float]],
    groups: Sequence[str],
    **options: Any,
) -> Assessment:
    ids = [g.id for g in q.groups]
    a = blank(q)
    data = GapData(
        items=np.array(rows, dtype=np.float64).reshape(len(rows), len(q.items)),
        group_code=np.array([ids.index(g) for g in groups], dtype=np.int64),
        group_ids=ids,
    )
    options.setdefault("min_group_size", 1)
    fill_assessment(a, data, q, Settings(**options))
    return a


def reference() -> Assessment:
    q = q_of("one")
    return run(q, [[v] for v in X + Y], ["sales"] * len(X) + ["marketing"] * len(Y))


def no_nan_json(a: Assessment) -> str:
    # allow_nan=False raises on NaN or inf anywhere in the document.
    return json.dumps(a.model_dump(mode="json"), allow_nan=False)


def _u_stat(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    pooled = np.concatenate([a, b], axis=axis)
    ranks = stats.rankdata(pooled, axis=axis)
    n1 = a.shape[axis]
    u = ranks[..., :n1].sum(axis=-1) - n1 * (n1 + 1) / 2
    return np.abs(u - n1 * b.shape[axis] / 2)


# -- the reference example, end to end -------------------------------------------------


def test_reference_example_against_scipy() -> None:
    a = reference()
    item, dim, total = a.items[0], a.dimensions[0], a.total_gap
    assert total is not None
    welch = stats.ttest_ind(X, Y, equal_var=False)
    assert total.welch_t == pytest.approx(2.6099, abs=5e-5)
    assert total.welch_t == pytest.approx(float(welch.statistic), rel=1e-12)
    assert total.welch_p == pytest.approx(float(welch.pvalue), rel=1e-9)
    assert total.welch_df == pytest.approx(float(welch.df), rel=1e-9)
    mw = stats.mannwhitneyu(X, Y)
    assert item.mann_whitney_u == 46.5 == float(mw.statistic)
    assert item.cliffs_delta == pytest.approx(0.6607, abs=5e-5)
    assert item.cliffs_delta == pytest.approx(2 * 46.5 / (7 * 8) - 1)
    assert item.effect_size == "large"  # 0.66 >= 0.474
    assert total.hedges_g == pytest.approx(1.2844, abs=5e-5)
    assert dim.hedges_g == total.hedges_g
    assert item.hedges_g is None  # Hedges' g is reported on dimensions and the total
    assert item.gap == pytest.approx(27 / 7 - 20 / 8)
    assert total.gap == dim.gap == item.gap


def test_small_groups_get_an_exact_permutation_p() -> None:
    item = reference().items[0]
    assert item.p_method == "permutation"
    exact = stats.permutation_test(
        (np.array(X, float), np.array(Y, float)),
        _u_stat,
        permutation_type="independent",
        n_resamples=np.inf,
        alternative="greater",
        vectorized=True,
    )
    assert item.p_value == pytest.approx(float(exact.pvalue), rel=1e-9)
    # A family of one item: adjustment leaves it alone.
    assert item.p_adjusted == item.p_value


def test_gap_interval_is_welchs_as_scipy_computes_it() -> None:
    a = reference()
    item = a.items[0]
    assert item.ci is not None
    lo, hi = item.ci
    assert lo < item.gap < hi  # type: ignore[operator]
    ref = stats.ttest_ind(X, Y, equal_var=False).confidence_interval(0.95)
    assert (lo, hi) == pytest.approx((ref.low, ref.high), rel=1e-12)
    assert item.ci_excludes_zero is (lo > 0)
    # A fixed seed: the same data give the same interval.
    assert reference().items[0].ci == item.ci


def test_large_groups_use_the_tie_corrected_normal_approximation() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, 60)
    y = rng.integers(1, 6, 70)
    q = q_of("one")
    a = run(q, [[v] for v in [*x, *y]], ["sales"] * 60 + ["marketing"] * 70)
    ref = stats.mannwhitneyu(x, y, method="asymptotic")
    assert a.items[0].p_method == "asymptotic"
    assert a.items[0].p_value == pytest.approx(float(ref.pvalue), rel=1e-9)


def test_flagged_total_is_scaled_and_backed() -> None:
    total = reference().total_gap
    assert total is not None
    # One item: the total's threshold is 1.0 × 1 item; 1.36 ≥ 1.
    assert total.flagged and total.direction == "sales"
    assert total.quadrant is None  # quadrants are for items and dimensions


# -- flags and quadrants -----------------------------------------------------------------

# Four items, two Sales and two Marketing respondents:
#   q1: Sales 5,4 (4.5) vs Marketing 4,4 (4.0) → gap +0.5, both high → shared strength
#   q2: Sales 2,2 (2.0) vs Marketing 1,2 (1.5) → gap +0.5, both low  → shared pain
#   q3: Sales 5,4 (4.5) vs Marketing 2,2 (2.0) → gap +2.5, flagged   → split (sales)
#   q4: Sales 4,3 (3.5) vs Marketing 2,3 (2.5) → gap +1.0, exactly the threshold → split
QUAD_ROWS = [
    [5, 2, 5, 4],  # sales
    [4, 2, 4, 3],  # sales
    [4, 1, 2, 2],  # marketing
    [4, 2, 2, 3],  # marketing
]
QUAD_GROUPS = ["sales", "sales", "marketing", "marketing"]


def test_quadrants_and_flags_on_hand_made_items() -> None:
    a = run(q_of("four"), QUAD_ROWS, QUAD_GROUPS)
    by = {i.id: i for i in a.items}
    expected = {
        "q1": (0.5, False, None, "shared_strength"),
        "q2": (0.5, False, None, "shared_pain"),
        "q3": (2.5, True, "sales", "split"),
        "q4": (1.0, True, "sales", "split"),
    }
    for item_id, (gap, flagged, direction, quad) in expected.items():
        got = by[item_id]
        assert got.gap == pytest.approx(gap), item_id
        assert (got.flagged, got.direction, got.quadrant) == (flagged, direction, quad), item_id


def test_mixed_quadrant_and_marketing_direction() -> None:
    # q1: Sales 3.5 vs Marketing 2.75 (gap 0.75, not flagged, either side of 3) → mixed.
    # q2: Marketing higher by 2 → split, direction marketing.
    rows = [[4, 2, 3, 3], [3, 1, 3, 3], [3, 4, 3, 3], [2, 3, 3, 3], [3, 3, 3, 3], [3, 4, 3, 3]]
    groups = ["sales", "sales", "marketing", "marketing", "marketing", "marketing"]
    a = run(q_of("four"), rows, groups)
    q1, q2, q3 = a.items[0], a.items[1], a.items[2]
    assert q1.gap == pytest.approx(0.75) and not q1.flagged and q1.quadrant == "mixed"
    assert q2.gap == pytest.approx(1.5 - 3.5)
    assert q2.flagged and q2.direction == "marketing" and q2.quadrant == "split"
    # q3: everyone answered 3: gap 0 at the midpoint → shared strength (both ≥ 3).
    assert q3.gap == 0 and q3.quadrant == "shared_strength"


def test_configured_midpoint_moves_the_quadrants() -> None:
    a = run(q_of("four"), QUAD_ROWS, QUAD_GROUPS, midpoint=4.25)
    # q1 means 4.5 and 4.0 now sit on either side of 4.25.
    assert a.items[0].quadrant == "mixed"
    assert a.items[1].quadrant == "shared_pain"


def test_threshold_scales_to_dimensions_and_total() -> None:
    a = run(q_of("four"), QUAD_ROWS, QUAD_GROUPS, gap_threshold=1.5)
    talk, work = a.dimensions
    # Dimension scores are item means: talk gap 0.5 (< 1.5), work gap (4 - 2.25) = 1.75.
    assert talk.gap == pytest.approx(0.5) and not talk.flagged
    assert talk.quadrant == "mixed"  # Sales 3.25, Marketing 2.75
    assert work.gap == pytest.approx(1.75) and work.flagged and work.direction == "sales"
    total = a.total_gap
    assert total is not None
    # Totals: Sales 16, 13 (14.5); Marketing 9, 11 (10): gap 4.5 < 1.5 × 4 = 6.
    assert total.gap == pytest.approx(4.5) and not total.flagged
    b = run(q_of("four"), QUAD_ROWS, QUAD_GROUPS, gap_threshold=1.125)
    assert b.total_gap is not None and b.total_gap.flagged  # 4.5 ≥ 1.125 × 4


def test_threshold_survives_float_noise() -> None:
    target = GapFields()
    fill_gap(target, [3.3, 3.3], [2.3, 2.3], compare=("sales", "marketing"), threshold=1.0)
    assert target.flagged and target.direction == "sales"


def test_quadrant_function() -> None:
    assert quadrant(4, 3, False, 3) == "shared_strength"
    assert quadrant(2.9, 1, False, 3) == "shared_pain"
    assert quadrant(4, 2, False, 3) == "mixed"
    assert quadrant(4, 2, True, 3) == "split"
    assert quadrant(None, 2, True, 3) is None


# -- multiple comparisons --------------------------------------------------------------


def _holm(ps: list[float]) -> list[float]:
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        out[i] = running
    return out


def _spread_data() -> tuple[list[list[float]], list[str]]:
    rng = np.random.default_rng(11)
    sales = rng.integers(1, 6, (12, 4)) + np.array([1, 0, 0, 0])
    marketing = rng.integers(1, 6, (14, 4)) - np.array([0, 1, 0, 0])
    rows = np.clip(np.vstack([sales, marketing]), 1, 5).tolist()
    return rows, ["sales"] * 12 + ["marketing"] * 14


def test_holm_across_items_matches_hand_computation() -> None:
    rows, groups = _spread_data()
    a = run(q_of("four"), rows, groups, adjust="holm")
    ps = [i.p_value for i in a.items]
    assert all(p is not None for p in ps)
    want = _holm([float(p) for p in ps if p is not None])
    assert [i.p_adjusted for i in a.items] == pytest.approx(want, rel=1e-12)
    # Dimensions are their own family of two.
    dps = [float(d.p_value) for d in a.dimensions if d.p_value is not None]
    assert [d.p_adjusted for d in a.dimensions] == pytest.approx(_holm(dps), rel=1e-12)


def test_bh_matches_scipy_and_none_leaves_p_alone() -> None:
    rows, groups = _spread_data()
    a = run(q_of("four"), rows, groups, adjust="bh")
    ps = np.array([i.p_value for i in a.items], dtype=float)
    want = stats.false_discovery_control(ps, method="bh")
    assert [i.p_adjusted for i in a.items] == pytest.approx(list(want), rel=1e-12)
    b = run(q_of("four"), rows, groups, adjust="none")
    assert [i.p_adjusted for i in b.items] == [i.p_value for i in b.items]


def test_unknown_adjustment_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="holm, bh or none"):
        run(q_of("four"), QUAD_ROWS, QUAD_GROUPS, adjust="bonferroni")


# -- swapping groups and shuffling rows --------------------------------------------------

answers = st.one_of(st.integers(1, 5).map(float), st.just(NA))


def _gap_fields(a: Assessment) -> list[GapFields]:
    out: list[GapFields] = [*a.items, *a.dimensions]
    if a.total_gap is not None:
        out.append(a.total_gap)
    return out


def _neg(pair: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if pair is None else (-pair[1], -pair[0])


def _neg_or_none(v: float | None) -> float | None:
    return None if v is None else -v


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sales=st.lists(st.lists(answers, min_size=4, max_size=4), min_size=2, max_size=9),
    marketing=st.lists(st.lists(answers, min_size=4, max_size=4), min_size=2, max_size=9),
    seed=st.integers(0, 2**16),
)
def test_swapping_groups_flips_every_sign(
    sales: list[list[float]], marketing: list[list[float]], seed: int
) -> None:
    q = q_of("four")
    rows = sales + marketing
    # Every respondent answers at least one item (scoring excludes the others).
    rows = [r if any(not math.isnan(v) for v in r) else [3.0, *r[1:]] for r in rows]
    groups = ["sales"] * len(sales) + ["marketing"] * len(marketing)
    swapped = ["marketing" if g == "sales" else "sales" for g in groups]
    opts = {"seed": seed, "n_boot": 200}
    a = run(q, rows, groups, **opts)
    b = run(q, rows, swapped, **opts)
    for x, y in zip(_gap_fields(a), _gap_fields(b), strict=True):
        assert y.gap == _neg_or_none(x.gap)
        # Identical samples too: statistics makes their interval symmetric about 0.
        assert y.ci == _neg(x.ci)
        assert y.cliffs_delta == _neg_or_none(x.cliffs_delta)
        assert y.hedges_g == _neg_or_none(x.hedges_g)
        assert y.p_value == x.p_value
        assert y.p_adjusted == x.p_adjusted
        assert (y.flagged, y.quadrant, y.effect_size) == (x.flagged, x.quadrant, x.effect_size)
        if x.direction is not None:
            assert {x.direction, y.direction} == {"sales", "marketing"}
    assert a.total_gap is not None and b.total_gap is not None
    assert b.total_gap.welch_t == _neg_or_none(a.total_gap.welch_t)
    assert b.total_gap.welch_p == a.total_gap.welch_p
    no_nan_json(a)

    order = np.random.default_rng(seed).permutation(len(rows))
    c = run(q, [rows[i] for i in order], [groups[i] for i in order], **opts)
    for x, z in zip(_gap_fields(a), _gap_fields(c), strict=True):
        assert x.model_dump() == z.model_dump()
    assert [b.model_dump() for b in a.borderline] == [b.model_dump() for b in c.borderline]
    for r1, r2 in zip(a.reliability, c.reliability, strict=True):
        assert (r1.n, r1.not_estimable) == (r2.n, r2.not_estimable)
        assert r1.alpha == (None if r2.alpha is None else pytest.approx(r2.alpha, abs=1e-9))
    for g1, g2 in zip(a.agreement, c.agreement, strict=True):
        assert g1.rwg_j == (None if g2.rwg_j is None else pytest.approx(g2.rwg_j, abs=1e-9))
        assert g1.ad_m == (None if g2.ad_m is None else pytest.approx(g2.ad_m, abs=1e-9))


def test_identical_groups_get_a_symmetric_interval_either_way_round() -> None:
    # Sales and Marketing answer exactly alike (in another order): every gap is 0.
    rows = [[1, 2, 3, 4], [2, 2, 4, 5], [5, 4, 3, 1], [3, 3, 3, 3]]
    sales, marketing = rows, rows[::-1]
    groups = ["sales"] * 4 + ["marketing"] * 4
    swapped = ["marketing"] * 4 + ["sales"] * 4
    a = run(q_of("four"), sales + marketing, groups, n_boot=300)
    b = run(q_of("four"), sales + marketing, swapped, n_boot=300)
    for x, y in zip(_gap_fields(a), _gap_fields(b), strict=True):
        assert x.gap == 0.0 and x.ci is not None
        assert x.ci[0] == -x.ci[1] < 0
        assert y.ci == _neg(x.ci) == x.ci
        assert x.ci_excludes_zero is False


# -- degenerate data -------------------------------------------------------------------


def test_one_group_missing() -> None:
    a = run(q_of("four"), QUAD_ROWS[:2], ["sales", "sales"])
    for t in _gap_fields(a):
        assert t.not_estimable == "there are no Marketing respondents"
        assert t.gap is None and t.ci is None and t.p_value is None and not t.flagged
    # Sales (14.5, interval 13–16) still sits on the Mid/High edge; no organisation score.
    assert [b.who for b in a.borderline] == ["sales"]
    assert [r.scope for r in a.reliability] == ["pooled", "sales"]
    no_nan_json(a)


def test_a_single_respondent_gives_a_gap_but_no_test() -> None:
    a = run(q_of("four"), QUAD_ROWS[:3], ["sales", "sales", "marketing"])
    item = a.items[0]
    assert item.gap == pytest.approx(0.5)
    assert item.ci is None and item.p_value is None and item.cliffs_delta is None
    assert item.not_estimable is not None
    assert "fewer than 2 respondents in Marketing" in item.not_estimable
    assert a.total_gap is not None and a.total_gap.welch_t is None
    marketing = next(g for g in a.agreement if g.group == "marketing")
    assert marketing.rwg_j is None and marketing.not_estimable
    no_nan_json(a)


def test_identical_answers_are_not_estimable_not_nan() -> None:
    rows = [[3, 3, 3, 3]] * 6
    a = run(q_of("four"), rows, ["sales"] * 3 + ["marketing"] * 3)
    item = a.items[0]
    assert item.gap == 0 and item.cliffs_delta == 0
    assert item.p_value is None and item.ci is None and item.p_adjusted is None
    assert item.not_estimable is not None and "identical" in item.not_estimable
    assert item.quadrant == "shared_strength"
    assert a.total_gap is not None
    assert a.total_gap.hedges_g is None and a.total_gap.welch_t is None
    pooled = a.reliability[0]
    assert pooled.alpha is None and pooled.not_estimable
    sales = next(g for g in a.agreement if g.group == "sales")
    assert sales.rwg_j == 1.0 and sales.ad_m == 0.0 and sales.low_agreement is False
    text = no_nan_json(a)
    assert "NaN" not in text and "Infinity" not in text


def test_questionnaire_without_a_comparison() -> None:
    q = q_of("four").model_copy(update={"compare": []})
    a = run(q, QUAD_ROWS, QUAD_GROUPS)
    assert a.total_gap is None
    assert all(i.not_estimable == "this questionnaire compares no two groups" for i in a.items)
    assert a.borderline == []


def test_bad_shapes_are_caller_errors() -> None:
    q = q_of("four")
    with pytest.raises(ValueError, match="respondents × 4 items"):
        fill_assessment(
            blank(q),
            GapData(np.zeros((2, 3)), np.zeros(2, dtype=np.int64), ["sales"]),
            q,
            Settings(min_group_size=3),
        )


# -- anonymity -------------------------------------------------------------------------


def test_suppressed_group_contributes_nothing() -> None:
    rng = np.random.default_rng(9)
    sales = rng.integers(1, 6, (10, 4)).astype(float)
    sales[:, 1] = np.clip(sales[:, 0] + rng.integers(-1, 2, 10), 1, 5)
    rows = [*sales.tolist(), [1, 1, 1, 1], [5, 5, 5, 5]]
    groups = ["sales"] * 10 + ["marketing"] * 2
    a = run(q_of("four"), rows, groups, min_group_size=3)
    reason = "suppressed: fewer than 3 respondents in Marketing"
    for t in _gap_fields(a):
        assert t.not_estimable == reason
        assert t.gap is None and t.ci is None and t.p_value is None
        assert t.cliffs_delta is None and t.quadrant is None and not t.flagged
    assert all(b.who == "sales" for b in a.borderline)  # no Marketing, no overall
    by_scope = {r.scope: r for r in a.reliability}
    assert by_scope["marketing"].not_estimable == reason
    assert by_scope["marketing"].alpha is None and by_scope["marketing"].items == []
    # Pooled reliability is Sales alone: the hand formula on the ten Sales rows.
    assert by_scope["pooled"].n == 10
    assert by_scope["pooled"].alpha == pytest.approx(_hand_alpha(sales))
    assert by_scope["sales"].alpha == by_scope["pooled"].alpha
    marketing = next(g for g in a.agreement if g.group == "marketing")
    assert (marketing.n, marketing.rwg_j, marketing.ad_m) == (2, None, None)
    assert marketing.not_estimable == reason


def test_reliability_needs_ten_complete_answer_sets() -> None:
    rows, groups = _spread_data()
    a = run(q_of("four"), rows[:9] + rows[12:], groups[:9] + groups[12:])
    sales = next(r for r in a.reliability if r.scope == "sales")
    assert sales.n == 9 and sales.alpha is None and sales.items == []
    assert sales.not_estimable == (
        "not estimable: 9 complete answer sets; Cronbach's alpha needs at least 10"
    )
    assert a.reliability[0].alpha is not None  # pooled: 23 respondents


# -- borderline stages -----------------------------------------------------------------


def _totals_rows(totals: Sequence[int]) -> list[list[float]]:
    """Rows of four answers summing to each total (4..20)."""
    out = []
    for t in totals:
        base, extra = divmod(t, 4)
        out.append([float(base + (1 if j < extra else 0)) for j in range(4)])
    return out


def test_borderline_group_and_organisation() -> None:
    sales_totals = [16, 17, 18, 19, 20, 16, 18]  # far inside High: no borderline
    marketing_totals = [8, 9, 10, 11, 12, 9, 11, 10]  # mean 10, on the Low/Mid edge
    rows = _totals_rows(sales_totals + marketing_totals)
    groups = ["sales"] * 7 + ["marketing"] * 8
    a = run(q_of("four"), rows, groups)
    by = {b.who: b for b in a.borderline}
    assert "sales" not in by
    m = by["marketing"]
    assert m.score == pytest.approx(10.0) and m.edge == 10.0
    assert m.ci[0] < 10 <= m.ci[1]
    assert sum(m.shares.values()) == pytest.approx(1.0)
    low, mid = round(m.shares["low"] * 100), round(m.shares["mid"] * 100)
    assert m.message == (
        f"Marketing's 10.0 sits on the Low/Mid edge: {low}% of resamples Low, {mid}% Mid"
    )
    # The organisation: (18.0 + 10.0) / 2 = 14.0, its interval reaches the Mid/High edge 15?
    x = np.array(sales_totals, float)
    y = np.array(marketing_totals, float)
    ci = sstats.bootstrap_equal_weight_mean(x, y)
    assert ("overall" in by) == (ci.ci_low is not None and ci.ci_low < 15 <= ci.ci_high)


def test_borderline_possessive_and_organisation_message() -> None:
    sales_totals = [14, 15, 16, 15, 14, 16]  # mean 15: the Mid/High edge
    marketing_totals = [14, 16, 15, 15, 14, 16]
    a = run(
        q_of("four"),
        _totals_rows(sales_totals + marketing_totals),
        ["sales"] * 6 + ["marketing"] * 6,
    )
    by = {b.who: b for b in a.borderline}
    assert by["sales"].message.startswith("Sales' 15.0 sits on the Mid/High edge: ")
    assert by["overall"].message.startswith("The organisation's 15.0 sits on the Mid/High edge: ")
    assert by["overall"].ci[0] < 15 <= by["overall"].ci[1]


def test_no_borderline_without_an_interval() -> None:
    rows = _totals_rows([10] * 3 + [15] * 3)  # every total identical within its group
    a = run(q_of("four"), rows, ["sales"] * 3 + ["marketing"] * 3)
    assert a.borderline == []


# -- reliability -----------------------------------------------------------------------


def _hand_alpha(m: np.ndarray) -> float:
    k = m.shape[1]
    return float(k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / m.sum(axis=1).var(ddof=1)))


def _within(data: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    """Each respondent's answers minus their group's item means (pandas, by hand)."""
    import pandas as pd

    frame = pd.DataFrame(data)
    return (frame - frame.groupby(list(groups)).transform("mean")).to_numpy()


def test_reliability_against_hand_formulas() -> None:
    rows, groups = _spread_data()
    a = run(q_of("four"), rows, groups)
    data = np.array(rows, dtype=float)
    pooled = a.reliability[0]
    assert pooled.scope == "pooled" and pooled.n == len(rows)
    assert pooled.method == "pooled within groups"
    # Pooled within groups: alpha of the answers about their own group's means (the
    # common divisor N − G cancels in alpha's ratio of variances).
    centred = _within(data, groups)
    assert pooled.alpha == pytest.approx(_hand_alpha(centred))
    for j, stat in enumerate(pooled.items):
        rest = np.delete(centred, j, axis=1)
        assert stat.item == f"q{j + 1}"
        r = np.corrcoef(centred[:, j], rest.sum(axis=1))[0, 1]
        assert stat.item_total_r == pytest.approx(r)
        assert stat.alpha_if_dropped == pytest.approx(_hand_alpha(rest))
    sales = next(r for r in a.reliability if r.scope == "sales")
    assert sales.alpha == pytest.approx(_hand_alpha(data[:12]))


def test_low_alpha_warns_that_the_total_is_not_reliable() -> None:
    rows, groups = _spread_data()  # random answers: no common construct
    a = run(q_of("four"), rows, groups)
    low = [r for r in a.reliability if r.below_floor]
    assert low
    for r in low:
        assert r.alpha is not None and r.alpha < 0.70
        assert r.warning is not None and "not a reliable measure" in r.warning
    for r in a.reliability:
        assert (r.warning is not None) == r.below_floor


def test_floors_are_plain_properties_outside_the_json() -> None:
    assert RELIABILITY_FLOOR == 0.70 and AGREEMENT_FLOOR == 0.70
    rel = [ReliabilityResult(scope="pooled", n=20, alpha=v) for v in (0.69, 0.70, None, -0.2)]
    assert [r.below_floor for r in rel] == [True, False, False, True]
    agr = [AgreementResult(group="sales", n=5, rwg_star_j=v) for v in (0.69, 0.70, None)]
    assert [g.rwg_below_floor for g in agr] == [True, False, False]
    flags = [AgreementResult(group="sales", n=5, low_agreement=v) for v in (True, False, None)]
    assert [g.low for g in flags] == [True, False, False]
    assert ad_m_limit(5) == 5 / 6
    # Properties, not fields: the JSON an assessment writes does not change.
    assert "below_floor" not in rel[0].model_dump_json()
    assert set(agr[0].model_dump()) == set(AgreementResult.model_fields)


def test_fast_reliability_path_equals_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    n = 300
    rows = rng.integers(1, 6, (n, 4)).astype(float)
    rows[:, 1] = np.clip(rows[:, 0] + rng.integers(-1, 2, n), 1, 5)  # some correlation
    rows[rng.random((n, 4)) < 0.05] = np.nan
    rows[np.isnan(rows).all(axis=1), 0] = 3.0
    groups = rng.choice(["sales", "marketing", "leadership"], n).tolist()
    slow = run(q_of("four"), rows.tolist(), groups)
    monkeypatch.setattr(quality, "FAST_RELIABILITY_CELLS", 0)
    fast = run(q_of("four"), rows.tolist(), groups)
    assert [r.scope for r in fast.reliability] == ["pooled", "sales", "marketing"]
    for s, f in zip(slow.reliability, fast.reliability, strict=True):
        assert (s.scope, s.n, s.not_estimable) == (f.scope, f.n, f.not_estimable)
        assert f.alpha == pytest.approx(s.alpha, abs=1e-12)
        for si, fi in zip(s.items, f.items, strict=True):
            assert fi.item_total_r == pytest.approx(si.item_total_r, abs=1e-12)
            assert fi.alpha_if_dropped == pytest.approx(si.alpha_if_dropped, abs=1e-12)
    # The pooled figure leaves nobody out: the hand formula on complete rows, about their
    # groups' means.
    keep = ~np.isnan(rows).any(axis=1)
    kept_groups = [g for g, k in zip(groups, keep, strict=True) if k]
    centred = _within(rows[keep], kept_groups)
    assert fast.reliability[0].alpha == pytest.approx(_hand_alpha(centred))


def test_moments_in_many_small_blocks_with_a_validity_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fast path gathers respondents and multiplies them in blocks; tiny blocks make
    # every boundary case happen (a block with no complete row, a last short block).
    rng = np.random.default_rng(8)
    n = 240
    rows = rng.integers(1, 6, (n, 4)).astype(float)
    rows[:, 2] = np.clip(rows[:, 3] + rng.integers(-1, 2, n), 1, 5)
    rows[rng.random((n, 4)) < 0.08] = np.nan
    rows[:20, 1] = np.nan  # the first blocks hold no complete answer set
    groups = rng.choice(["sales", "marketing", "leadership"], n, p=[0.5, 0.4, 0.1]).tolist()
    q = q_of("four")
    slow = run(q, rows.tolist(), groups)
    monkeypatch.setattr(quality, "FAST_RELIABILITY_CELLS", 0)
    monkeypatch.setattr(reliability, "_GATHER_ROWS", 7)
    monkeypatch.setattr(reliability, "_PRODUCT_ROWS", 3)
    # Scoring's form: zeros in the blanks and a mask saying which cells were answered.
    ids = [g.id for g in q.groups]
    a = blank(q)
    fill_assessment(
        a,
        GapData(
            items=np.where(np.isnan(rows), 0.0, rows),
            group_code=np.array([ids.index(g) for g in groups], dtype=np.int64),
            group_ids=ids,
            valid=~np.isnan(rows),
        ),
        q,
        Settings(min_group_size=1),
    )
    assert [r.scope for r in a.reliability] == ["pooled", "sales", "marketing"]
    for s_rel, f_rel in zip(slow.reliability, a.reliability, strict=True):
        assert (s_rel.scope, s_rel.n) == (f_rel.scope, f_rel.n)
        assert f_rel.alpha == pytest.approx(s_rel.alpha, abs=1e-12)
        for si, fi in zip(s_rel.items, f_rel.items, strict=True):
            assert fi.item_total_r == pytest.approx(si.item_total_r, abs=1e-12)
            assert fi.alpha_if_dropped == pytest.approx(si.alpha_if_dropped, abs=1e-12)
    sales = rows[np.array(groups) == "sales"]
    complete = sales[~np.isnan(sales).any(axis=1)]
    assert a.reliability[1].n == len(complete)
    assert a.reliability[1].alpha == pytest.approx(_hand_alpha(complete))
    assert [g.model_dump() for g in a.agreement] == [g.model_dump() for g in slow.agreement]


# -- agreement -------------------------------------------------------------------------


def test_agreement_against_hand_formulas() -> None:
    # Sales split into two camps; Marketing nearly unanimous.
    sales = [[1, 1, 5, 5], [5, 5, 1, 1], [1, 5, 1, 5], [5, 1, 5, 1]]
    marketing = [[4, 4, 4, 4], [4, 4, 4, 5], [4, 4, 4, 4]]
    a = run(q_of("four"), sales + marketing, ["sales"] * 4 + ["marketing"] * 3)
    by = {g.group: g for g in a.agreement}
    for gid, rows in (("sales", sales), ("marketing", marketing)):
        m = np.array(rows, dtype=float)
        ratio = m.var(axis=0, ddof=1).mean() / ((5**2 - 1) / 12)
        rwg = 0.0 if ratio >= 1 else 4 * (1 - ratio) / (4 * (1 - ratio) + ratio)
        adm = np.abs(m - m.mean(axis=0)).mean(axis=0).mean()
        assert by[gid].rwg_j == pytest.approx(rwg)
        assert by[gid].ad_m == pytest.approx(adm)
    assert by["sales"].low_agreement is True
    assert by["sales"].note is not None
    assert by["sales"].note.startswith("Sales' mean hides a split team")
    assert "truncated to 0" in by["sales"].note
    assert by["marketing"].low_agreement is False and by["marketing"].note is None


def test_agreement_counts_only_respondents_who_answered_something() -> None:
    sales = [[1, 2, 3, 4], [NA, NA, NA, NA], [2, 2, NA, 4], [5, NA, 3, 3]]
    marketing = [[4, 4, 4, 4], [4, 5, 4, NA], [NA, 4, 4, 5]]
    q = q_of("four")
    ids = [g.id for g in q.groups]
    groups = ["sales"] * 4 + ["marketing"] * 3
    a = blank(q)
    # Straight to fill_assessment: scoring would have excluded the empty row.
    fill_assessment(
        a,
        GapData(
            items=np.array(sales + marketing, dtype=float),
            group_code=np.array([ids.index(g) for g in groups], dtype=np.int64),
            group_ids=ids,
        ),
        q,
        Settings(min_group_size=1),
    )
    by = {g.group: g for g in a.agreement}
    assert (by["sales"].n, by["marketing"].n) == (3, 3)
    m = np.array(sales, dtype=float)
    # Per item over those who answered it: variances of (1, 2, 5), (2, 2), (3, 3), (4, 4, 3).
    variances = [np.var(c[~np.isnan(c)], ddof=1) for c in m.T]
    ratio = np.mean(variances) / 2.0
    assert by["sales"].rwg_j == pytest.approx(4 * (1 - ratio) / (4 * (1 - ratio) + ratio))
    deviations = [np.mean(np.abs(c[~np.isnan(c)] - np.mean(c[~np.isnan(c)]))) for c in m.T]
    assert by["sales"].ad_m == pytest.approx(np.mean(deviations))


def test_agreement_does_not_depend_on_where_the_scale_starts() -> None:
    rows = [[0, 1, 2], [1, 1, 2], [0, 2, 2], [4, 4, 3], [3, 4, 4], [4, 3, 4]]
    groups = ["sales"] * 3 + ["marketing"] * 3
    a = run(q_of("zero"), rows, groups)
    sales = a.agreement[0]
    m = np.array(rows[:3], dtype=float)
    ratio = m.var(axis=0, ddof=1).mean() / ((5**2 - 1) / 12)
    assert sales.rwg_j == pytest.approx(3 * (1 - ratio) / (3 * (1 - ratio) + ratio))
    assert sales.note is None  # no "answers outside 1..5" for a 0–4 scale


# -- one target at a time ----------------------------------------------------------------


def test_fill_gap_kinds() -> None:
    item, dim, total = GapFields(), GapFields(), TotalGap()
    for target, kind in ((item, "item"), (dim, "dimension"), (total, "total")):
        fill_gap(
            target,
            X,
            Y,
            compare=("sales", "marketing"),
            threshold=1.0,
            midpoint=3.0,
            kind=kind,  # type: ignore[arg-type]
        )
    assert item.hedges_g is None and dim.hedges_g == pytest.approx(1.2844, abs=5e-5)
    assert total.welch_t == pytest.approx(2.6099, abs=5e-5)
    assert item.quadrant == dim.quadrant == "split" and total.quadrant is None


def test_fill_gap_clears_old_figures() -> None:
    target = GapFields(gap=9.0, flagged=True, direction="sales", quadrant="split")
    fill_gap(target, [3, 3], [3, 3], compare=("sales", "marketing"), threshold=1.0, midpoint=3)
    assert (target.gap, target.flagged, target.direction) == (0.0, False, None)
    assert target.quadrant == "shared_strength"


# -- through scoring ---------------------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sales=st.lists(st.lists(answers, min_size=4, max_size=4), min_size=3, max_size=8),
    marketing=st.lists(st.lists(answers, min_size=4, max_size=4), min_size=3, max_size=8),
)
def test_score_table_swap_and_shuffle(
    sales: list[list[float]], marketing: list[list[float]]
) -> None:
    from support.scoring import make_table

    from salesmkt.analysis.scoring import score_table

    q = q_of("four")
    rows = [r if any(not math.isnan(v) for v in r) else [3.0, *r[1:]] for r in sales + marketing]
    groups = ["sales"] * len(sales) + ["marketing"] * len(marketing)
    swapped = ["marketing" if g == "sales" else "sales" for g in groups]
    opts = Settings(min_group_size=3, n_boot=200)
    a = score_table(make_table(q, rows, groups), opts).assessment
    b = score_table(make_table(q, rows, swapped), opts).assessment
    for x, y in zip(_gap_fields(a), _gap_fields(b), strict=True):
        assert y.gap == _neg_or_none(x.gap)
        assert y.cliffs_delta == _neg_or_none(x.cliffs_delta)
        assert y.hedges_g == _neg_or_none(x.hedges_g)
        assert (y.p_value, y.p_adjusted) == (x.p_value, x.p_adjusted)
        assert y.ci == _neg(x.ci)
    order = np.random.default_rng(len(rows)).permutation(len(rows))
    c = score_table(
        make_table(q, [rows[i] for i in order], [groups[i] for i in order]), opts
    ).assessment
    assert [t.model_dump() for t in _gap_fields(c)] == [t.model_dump() for t in _gap_fields(a)]
    # Scoring hands over zero-filled answers with a validity mask; the figures are those
    # of the same answers given with NaN for the blanks.
    direct = run(q, rows, groups, n_boot=200, min_group_size=3)
    fields = set(TotalGap.model_fields)
    for x, z in zip(_gap_fields(a), _gap_fields(direct), strict=True):
        assert x.model_dump(include=fields) == z.model_dump(include=fields)
    no_nan_json(a)
