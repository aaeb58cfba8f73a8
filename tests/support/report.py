"""A realistic, hand-made assessment for the report tests (no scoring involved).

It mirrors a small workshop on the built-in ``alignment`` questionnaire: 9 Sales and 6
Marketing respondents, 2 Leadership (suppressed at the default minimum group size of 3),
one excluded respondent, a straight-lining warning, three flagged gaps, a borderline
Sales score, a stage disagreement, reliability, agreement, a ``--by region`` breakdown
with a suppressed segment, and advice with actions and evidence.

Every figure is typed in by hand so the report tests compare the rendered text against
numbers that no code produced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.model.assessment import (
    Action,
    Advice,
    AgreementResult,
    Assessment,
    Borderline,
    DataWarning,
    DimensionResult,
    Evidence,
    Excluded,
    GroupResult,
    ItemResult,
    ItemTotalStat,
    Overall,
    QuestionnaireRef,
    ReliabilityResult,
    Respondents,
    SegmentResult,
    Settings,
    StageDisagreement,
    StageRef,
    StayOrMove,
    TotalGap,
)
from salesmkt.render.charts import Chart
from salesmkt.render.report.build import build_report
from salesmkt.render.report.formats import REPORT_RENDERERS
from salesmkt.render.report.view import Comment, ReportOptions

STAGES: list[dict[str, object]] = [
    {"id": "undefined", "label": "Undefined", "min": 20, "max": 39},
    {"id": "defined", "label": "Defined", "min": 40, "max": 59},
    {"id": "aligned", "label": "Aligned", "min": 60, "max": 79},
    {"id": "integrated", "label": "Integrated", "min": 80, "max": 100},
]

UNDEFINED = StageRef(id="undefined", label="Undefined")
DEFINED = StageRef(id="defined", label="Defined")
ALIGNED = StageRef(id="aligned", label="Aligned")
INTEGRATED = StageRef(id="integrated", label="Integrated")

# item id -> (sales mean, marketing mean); 20 items, sums 62.6 and 53.0 when rounded
# to the stated group totals below (the report never re-adds them).
ITEM_MEANS: dict[str, tuple[float, float]] = {
    "q01": (3.1, 2.9),
    "q02": (3.0, 2.5),
    "q03": (2.2, 2.4),
    "q04": (3.4, 2.9),
    "q05": (2.9, 4.2),  # flagged: Marketing rates its material higher (split)
    "q06": (4.2, 2.6),  # flagged: Sales says it shares feedback (split)
    "q07": (3.6, 3.0),
    "q08": (3.3, 2.7),
    "q09": (3.0, 2.6),
    "q10": (3.2, 2.8),
    "q11": (2.4, 2.2),
    "q12": (2.1, 1.9),  # shared pain
    "q13": (3.5, 2.3),  # flagged, CI includes zero
    "q14": (2.3, 2.1),
    "q15": (3.3, 2.8),
    "q16": (4.1, 3.9),  # shared strength
    "q17": (2.0, 2.0),
    "q18": (2.5, 2.4),
    "q19": (3.8, 3.6),
    "q20": (2.7, 2.0),
}
FLAGGED = {"q05", "q06", "q13"}
CIS: dict[str, tuple[float, float]] = {
    "q05": (-2.0, -0.6),
    "q06": (0.9, 2.3),
    "q13": (-0.1, 2.4),
}


def questionnaire() -> Questionnaire:
    return load("alignment")


def _quadrant(sales: float, marketing: float, flagged: bool) -> str:
    if flagged:
        return "split"
    if sales >= 3 and marketing >= 3:
        return "shared_strength"
    if sales < 3 and marketing < 3:
        return "shared_pain"
    return "mixed"


def _band(delta: float) -> str:
    size = abs(delta)
    if size < 0.147:
        return "negligible"
    if size < 0.33:
        return "small"
    if size < 0.474:
        return "medium"
    return "large"


def make_assessment(*, sales_label: str = "Sales", with_advice: bool = True) -> Assessment:
    """The workshop above as an :class:`Assessment`; ``sales_label`` lets XSS tests inject."""
    q = questionnaire()
    items: list[ItemResult] = []
    for item in q.items:
        s, m = ITEM_MEANS[item.id]
        gap = round(s - m, 2)
        flagged = item.id in FLAGGED
        delta = round(max(-1.0, min(1.0, gap / 2.2)), 2)
        ci = CIS.get(item.id, (round(gap - 0.8, 2), round(gap + 0.8, 2)))
        items.append(
            ItemResult(
                id=item.id,
                text=item.text,
                short=item.short,
                dimension=item.dimension,
                mean=round((9 * s + 6 * m) / 15, 2),
                means_by_group={"sales": s, "marketing": m, "leadership": None},
                n_by_group={"sales": 9, "marketing": 6, "leadership": 2},
                gap=gap,
                ci=ci,
                ci_excludes_zero=ci[0] > 0 or ci[1] < 0,
                p_value=0.01 if flagged else 0.4,
                p_method="permutation",
                # Backed (adjusted p < 0.05) where the interval excludes 0, so that the
                # report shows both verdicts.
                p_adjusted=0.02 if ci[0] > 0 or ci[1] < 0 else (0.2 if flagged else 1.0),
                backed=ci[0] > 0 or ci[1] < 0,
                cliffs_delta=delta,
                effect_size=_band(delta),  # type: ignore[arg-type]
                flagged=flagged,
                direction=("sales" if gap > 0 else "marketing") if flagged else None,
                quadrant=_quadrant(s, m, flagged),  # type: ignore[arg-type]
            )
        )
    dims: list[DimensionResult] = []
    dim_means: dict[str, dict[str, float | None]] = {"sales": {}, "marketing": {}}
    for d in q.dimensions:
        ids = [i.id for i in q.items_in(d.id)]
        s = round(sum(ITEM_MEANS[i][0] for i in ids) / len(ids), 2)
        m = round(sum(ITEM_MEANS[i][1] for i in ids) / len(ids), 2)
        dim_means["sales"][d.id] = s
        dim_means["marketing"][d.id] = m
        dims.append(
            DimensionResult(
                id=d.id,
                label=d.label,
                items=ids,
                mean=round((s + m) / 2, 2),
                means_by_group={"sales": s, "marketing": m, "leadership": None},
                gap=round(s - m, 2),
                flagged=d.id == "customer",
                quadrant=_quadrant(s, m, d.id == "customer"),  # type: ignore[arg-type]
            )
        )
    sales = GroupResult(
        id="sales",
        label=sales_label,
        n=9,
        mean=61.4,
        median=62.0,
        sd=7.9,
        min=48.0,
        max=74.0,
        ci=(56.2, 66.3),
        stage=ALIGNED,
        dimension_means=dim_means["sales"],
        item_means={k: v[0] for k, v in ITEM_MEANS.items()},
    )
    marketing = GroupResult(
        id="marketing",
        label="Marketing",
        n=6,
        mean=52.8,
        median=53.5,
        sd=6.1,
        min=44.0,
        max=60.0,
        ci=(48.1, 57.0),
        stage=DEFINED,
        dimension_means=dim_means["marketing"],
        item_means={k: v[1] for k, v in ITEM_MEANS.items()},
    )
    leadership = GroupResult(id="leadership", label="Leadership", n=2, suppressed=True)
    advice = None
    if with_advice:
        advice = Advice(
            rules=QuestionnaireRef(id="moving-up", version="1.0", title="Moving up"),
            stay_or_move=StayOrMove(
                verdict="move_up",
                current_stage=DEFINED,
                next_stage=ALIGNED,
                move_reasons=[
                    "Effort is still duplicated despite defined roles (n07).",
                    "The market is moving towards customised offerings (n09).",
                ],
                stay_reasons=["Traditional roles still work in parts of the market (n05)."],
                message=(
                    "You are Defined. Your situation argues for moving up to Aligned: "
                    "effort is still duplicated and offerings are becoming customised."
                ),
            ),
            actions=[
                Action(
                    rule="feedback-loop",
                    title="Make sales feedback cheap to give",
                    action=(
                        "Replace ad-hoc requests with a monthly one-page insight summary "
                        "and a five-question form after key calls."
                    ),
                    why="Sales believes it shares what it learns; Marketing does not see it.",
                    transition="defined->aligned",
                    owner="both",
                    horizon="this quarter",
                    priority=90,
                    evidence=[
                        Evidence(
                            kind="gap",
                            text=(
                                'q06 "Sales shares feedback": Sales 4.2 vs Marketing 2.6, '
                                "gap +1.6, large effect"
                            ),
                        )
                    ],
                ),
                Action(
                    rule="collateral-review",
                    title="Salespeople review collateral before it is printed",
                    action="Put two account managers on the review list of every sales piece.",
                    why="Marketing rates its material far higher than the people who use it.",
                    transition="defined->aligned",
                    owner="marketing",
                    horizon="now",
                    priority=80,
                    evidence=[
                        Evidence(
                            kind="gap",
                            text=(
                                'q05 "Useful sales material": Sales 2.9 vs Marketing 4.2, '
                                "gap -1.3, large effect"
                            ),
                        ),
                        Evidence(kind="stage", text="Organisation stage: Defined (57.1)"),
                    ],
                ),
            ],
            missing_inputs=["funnel"],
        )
    return Assessment(
        tool_version="0.1.0",
        source_file="workshop.csv",
        questionnaire=QuestionnaireRef(id=q.id, version=q.version, title=q.title),
        compare=["sales", "marketing"],
        stages=[dict(s) for s in STAGES],
        settings=Settings(min_group_size=3, by=["region"]),
        respondents=Respondents(
            total=18,
            scored=17,
            prorated=2,
            excluded=[
                Excluded(
                    row=12,
                    respondent="r11",
                    group="sales",
                    reason="5 of 20 answers missing (more than the 20% allowed)",
                )
            ],
        ),
        overall=Overall(
            score=57.1,
            stage=DEFINED,
            method="equal-weight",
            pooled_mean=58.0,
            ci=(53.6, 60.7),
        ),
        groups=[sales, marketing, leadership],
        dimensions=dims,
        items=items,
        total_gap=TotalGap(
            gap=8.6,
            ci=(1.9, 15.2),
            ci_excludes_zero=True,
            p_value=0.03,
            p_method="permutation",
            cliffs_delta=0.63,
            effect_size="large",
            hedges_g=1.18,
            flagged=False,
            welch_t=2.37,
            welch_df=12.8,
            welch_p=0.034,
        ),
        stage_disagreement=StageDisagreement(
            stages={"sales": ALIGNED, "marketing": DEFINED},
            differs=True,
            headline="Sales sees Aligned, Marketing sees Defined",
        ),
        borderline=[
            Borderline(
                who="sales",
                score=61.4,
                ci=(56.2, 66.3),
                edge=60.0,
                shares={"defined": 0.31, "aligned": 0.69},
                message=(
                    "Sales (61.4) is within its confidence interval of the Defined/Aligned "
                    "edge at 60: 69% of resamples say Aligned, 31% Defined."
                ),
            )
        ],
        reliability=[
            ReliabilityResult(
                scope="pooled",
                n=15,
                alpha=0.84,
                alpha_ci=(0.68, 0.93),
                omega=0.86,
                method="pooled within groups",
                items=[ItemTotalStat(item="q01", item_total_r=0.41, alpha_if_dropped=0.83)],
            ),
            ReliabilityResult(
                scope="marketing",
                n=6,
                alpha=0.62,
                warning="Alpha below .70: the total is not a reliable measure for marketing.",
            ),
        ],
        agreement=[
            AgreementResult(
                group="sales", n=9, rwg_j=0.86, rwg_star_j=0.76, ad_m=0.58, low_agreement=False
            ),
            AgreementResult(
                group="marketing",
                n=6,
                rwg_j=0.44,
                rwg_star_j=0.41,
                ad_m=0.91,
                low_agreement=True,
                note="Marketing's answers spread widely: its mean may hide a split team.",
            ),
        ],
        segments=[
            SegmentResult(
                by="region",
                value="North",
                n=11,
                overall=Overall(score=58.3, stage=DEFINED),
                groups=[
                    GroupResult(id="sales", label=sales_label, n=6, mean=62.0, stage=ALIGNED),
                    GroupResult(id="marketing", label="Marketing", n=4, mean=54.5, stage=DEFINED),
                ],
            ),
            SegmentResult(by="region", value="South", n=2, suppressed=True),
        ],
        suppressed=[
            "Leadership (n = 2) is below the minimum group size of 3: its figures are withheld.",
            "Region South (n = 2) is below the minimum group size of 3.",
        ],
        warnings=[
            DataWarning(
                code="straight-lining",
                message="row 7: every answer is 4 (straight-lining)",
                row=7,
                respondent="r06",
            )
        ],
        advice=advice,
    )


COMMENTS: list[tuple[str, str]] = [
    ("sales", "Marketing never asks us what customers actually say."),
    ("sales", "Leads are thrown over the wall with no context."),
    ("sales", "The new battle cards were useful."),
    ("sales", "We should plan the trade show together."),
    ("sales", "<script>alert(1)</script>"),
    ("sales", "Too many meetings, not enough decisions."),
    ("marketing", "Sales ignores the lead-scoring rules we agreed."),
    ("marketing", "<img src=x onerror=alert(1)>"),
    ("marketing", "Feedback from the field arrives months late."),
    ("marketing", "We rarely see the key-account plans."),
    ("marketing", "Joint pipeline reviews would help a lot."),
    ("leadership", "A leadership comment that must never be shown."),
]


COMMENT_OBJS = [Comment(g, t) for g, t in COMMENTS]


def render_page(
    fmt: str,
    assessment: Assessment,
    *,
    comments: Sequence[Comment] = (),
    options: ReportOptions | None = None,
    charts: Sequence[Chart] = (),
    chart_links: Mapping[str, str] | None = None,
) -> str:
    """The report page in ``fmt`` (html, md), worded and rendered as the report run does.

    The fixture's groups have 6 respondents: comments are shown from groups of 5 unless
    ``options`` says otherwise (the command's default is 10)."""
    options = options or ReportOptions(min_comment_group=5)
    report = build_report(
        assessment, questionnaire=questionnaire(), comments=comments, options=options
    )
    return REPORT_RENDERERS[fmt](report, charts, chart_links or {})
