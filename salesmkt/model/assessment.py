"""The assessment: the one result model that every output format renders.

Vocabulary:
- *score*: a total on the questionnaire's scale (20–100 for ``alignment``), the sum of
  item scores after reverse items are recoded; *stage*: the band a score falls in.
- *group*: a respondent group (sales, marketing…); *compared groups*: the questionnaire's
  ``compare`` pair, first minus second (positive gap = the first, Sales, rates higher).
- *overall score*: the mean of the compared groups' mean totals, so each function counts
  equally whatever its head count; the *pooled mean* weighs every respondent equally.
- *suppressed*: a group or segment below the anonymity threshold; it shows ``n`` only and
  every figure is ``None``.
- *gap fields*: the perception-gap statistics carried by items, dimensions and the total.
- *advice*: the stay-or-move-up verdict and the recommended actions, filled in by
  ``recommend``; absent after ``score``.
- *floor*: the conventional threshold below which a quality figure is read as a warning:
  :data:`RELIABILITY_FLOOR` for Cronbach's alpha, :data:`AGREEMENT_FLOOR` for r_wg(J).
  Defined here, once, so the analysis that flags a figure and every renderer that words
  it read the same number (``ReliabilityResult.below_floor``,
  ``AgreementResult.rwg_below_floor``).

Everything here is plain data (no numpy), so it round-trips through JSON: ``recommend``,
``report`` and ``compare`` read back what ``score --format json`` wrote.
"""

# No ``from __future__ import annotations``: pydantic would compile and evaluate each
# field's annotation text when the classes are made (about 4 ms of every start-up).
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from salesmkt.model.defaults import empty_list

SCHEMA_VERSION = 1

# Nunnally's conventional floor for Cronbach's alpha of a scale used to compare groups.
RELIABILITY_FLOOR = 0.70
# LeBreton & Senter (2008): r_wg(J) below .70 is the usual "agreement too weak to aggregate".
AGREEMENT_FLOOR = 0.70
# Burke & Dunlap (2002): AD_M above c/6 (c = number of answer options) signals low
# agreement; 5/6 = 0.8333 on a 5-point scale.
AD_M_DIVISOR = 6.0
# The field's default anonymity threshold (Culture Amp, Qualtrics, Glint, Lattice), the
# lowest one the command line accepts (with a warning), and the smallest group whose
# free-text comments are shown.
DEFAULT_MIN_GROUP_SIZE = 5
LOWEST_MIN_GROUP_SIZE = 3
DEFAULT_MIN_COMMENT_GROUP = 10
# Survey practice: a response rate below 60% limits what the figures say about a group.
PARTICIPATION_FLOOR = 0.60

Quadrant = Literal["shared_strength", "shared_pain", "split", "mixed"]
EffectBand = Literal["negligible", "small", "medium", "large"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class QuestionnaireRef(_Model):
    id: str
    version: str
    title: str = ""


class Excluded(_Model):
    """A respondent left out of every figure, and why (never dropped silently)."""

    row: int = Field(description="Row number as a spreadsheet shows it (header = row 1).")
    respondent: str | None = None
    group: str | None = None
    reason: str


class DataWarning(_Model):
    code: str
    message: str
    row: int | None = None
    respondent: str | None = None


class Respondents(_Model):
    total: int = Field(description="Data rows read.")
    scored: int
    prorated: int = Field(0, description="Scored respondents with some answers missing.")
    excluded: list[Excluded] = Field(default_factory=empty_list)


class GapFields(_Model):
    """Perception-gap statistics between the compared groups (first − second)."""

    gap: float | None = None
    ci: tuple[float, float] | None = Field(
        None, description="95% Welch t interval of the gap (not adjusted for multiplicity)."
    )
    ci_excludes_zero: bool | None = None
    p_value: float | None = None
    p_method: str | None = None
    p_adjusted: float | None = None
    backed: bool | None = Field(
        None,
        description="The verdict 'backed by the data': the adjusted p-value (settings.adjust) "
        "is below 0.05.",
    )
    mde: float | None = Field(
        None,
        description="Minimum detectable gap (scale points) at 80% power, unadjusted 5% "
        "level, for these group sizes and this pooled SD.",
    )
    mann_whitney_u: float | None = Field(None, description="U of the first group.")
    cliffs_delta: float | None = None
    effect_size: EffectBand | None = None
    hedges_g: float | None = None
    flagged: bool = False
    direction: str | None = Field(None, description="Group id that rates higher, when flagged.")
    quadrant: Quadrant | None = None
    not_estimable: str | None = Field(None, description="Why the statistics are missing.")


class ItemResult(GapFields):
    id: str
    text: str
    short: str = ""
    dimension: str | None = None
    reverse: bool = False
    mean: float | None = Field(None, description="Mean of all scored respondents.")
    means_by_group: dict[str, float | None] = Field(default_factory=dict)
    n_by_group: dict[str, int] = Field(default_factory=dict)
    favourable: float | None = Field(
        None, description="Share of answers in the favourable points (0-1), groups shown."
    )
    favourable_by_group: dict[str, float | None] = Field(default_factory=dict)


class DimensionResult(GapFields):
    id: str
    label: str
    items: list[str] = Field(default_factory=empty_list)
    mean: float | None = None
    means_by_group: dict[str, float | None] = Field(default_factory=dict)
    favourable: float | None = Field(
        None, description="Share of the dimension's answers in the favourable points (0-1)."
    )
    favourable_by_group: dict[str, float | None] = Field(default_factory=dict)


class TotalGap(GapFields):
    welch_t: float | None = None
    welch_df: float | None = None
    welch_p: float | None = None


class GapLimits(_Model):
    """What the compared group sizes allow the gap tests to show at all."""

    n_first: int
    n_second: int
    family: int = Field(description="Items tested together (the adjustment's m).")
    adjust: str
    smallest_p: float | None = Field(
        None, description="Smallest two-sided rank-test p these sizes can reach (no ties)."
    )
    smallest_p_adjusted: float | None = Field(
        None, description="smallest_p after adjustment, for one item alone in its family."
    )
    detectable_sd: float | None = Field(
        None, description="Minimum detectable gap in pooled SDs (80% power, 5% level)."
    )
    message: str = ""


class StageRef(_Model):
    id: str
    label: str


class StageBand(_Model):
    """One band of the scoring key (an entry of ``Assessment.stages``): a stage and the
    totals it covers.

    ``max`` is None for a band the questionnaire leaves open below the next one. An open
    last band ends at the highest possible total, a whole number: it stays an ``int`` so
    the JSON keeps reading ``100`` where it always has (``min`` and a declared ``max``
    are floats, ``20.0``).
    """

    id: str
    label: str
    min: float
    max: float | int | None = None


class GroupResult(_Model):
    id: str
    label: str
    n: int | None = Field(None, description="Respondents; null when the group is withheld.")
    n_fewer_than: int | None = Field(
        None, description="A withheld group has fewer than this many respondents."
    )
    suppressed: bool = False
    mean: float | None = None
    median: float | None = None
    sd: float | None = None
    min: float | None = None
    max: float | None = None
    ci: tuple[float, float] | None = None
    stage: StageRef | None = None
    dimension_means: dict[str, float | None] = Field(default_factory=dict)
    item_means: dict[str, float | None] = Field(default_factory=dict)
    favourable: float | None = Field(
        None, description="Share of the group's answers in the favourable points (0-1)."
    )


class Overall(_Model):
    score: float | None = None
    stage: StageRef | None = None
    method: Literal["equal-weight", "pooled"] = "equal-weight"
    pooled_mean: float | None = None
    ci: tuple[float, float] | None = None
    note: str | None = None
    not_estimable: str | None = Field(
        None,
        description="Why the organisation stage cannot be estimated (a compared group is "
        "withheld); score and stage are then null.",
    )
    hides_split: str | None = Field(
        None,
        description="Set when the compared groups sit more than one stage apart: the "
        "organisation average hides the split.",
    )
    favourable: float | None = Field(
        None, description="Share of all shown answers in the favourable points (0-1)."
    )


class StageDisagreement(_Model):
    stages: dict[str, StageRef | None] = Field(default_factory=dict)
    differs: bool = False
    headline: str | None = None


class Borderline(_Model):
    who: str = Field(description="'overall' or a group id.")
    score: float
    ci: tuple[float, float]
    edge: float
    shares: dict[str, float] = Field(description="Share of bootstrap resamples per stage id.")
    message: str


class ItemTotalStat(_Model):
    item: str
    item_total_r: float | None = None
    alpha_if_dropped: float | None = None


class ReliabilityResult(_Model):
    """Cronbach's alpha of the whole scale for one scope, with item diagnostics."""

    scope: str = Field(description="'pooled' or a group id.")
    n: int = Field(description="Complete respondents used (every item of the scope answered).")
    alpha: float | None = None
    alpha_ci: tuple[float, float] | None = Field(None, description="95% Feldt interval of alpha.")
    omega: float | None = Field(
        None, description="McDonald's omega total (one factor, iterated principal axes)."
    )
    dimension: str | None = Field(None, description="A dimension id; None: the whole scale.")
    method: str | None = Field(
        None,
        description="'pooled within groups' (covariance pooled about each group's means) "
        "or 'one group'.",
    )
    items: list[ItemTotalStat] = Field(default_factory=empty_list)
    warning: str | None = None
    not_estimable: str | None = None

    @property
    def below_floor(self) -> bool:
        """True when alpha exists and is below :data:`RELIABILITY_FLOOR` (0.70)."""
        return self.alpha is not None and self.alpha < RELIABILITY_FLOOR


def ad_m_limit(n_options: int) -> float:
    """The AD_M above which a group's answers count as low agreement: c / 6."""
    return n_options / AD_M_DIVISOR


class AgreementResult(_Model):
    """Within-group agreement of one group: r*wg(J), r_wg(J), AD_M and the low-agreement flag.

    ``low_agreement`` is True when r*wg(J) is below :data:`AGREEMENT_FLOOR` or AD_M is
    above :func:`ad_m_limit`, False when both are estimable and fine, None otherwise.
    """

    group: str
    n: int
    rwg_j: float | None = None
    rwg_star_j: float | None = Field(
        None,
        description="r*wg(J) (Lindell, Brandt & Whitney 1999): 1 − mean item variance / "
        "uniform-null variance; the low-agreement flag reads this.",
    )
    rwg_star_j_skewed: float | None = Field(
        None, description="r*wg(J) against a slightly skewed null (5-point scales)."
    )
    ad_m: float | None = None
    low_agreement: bool | None = None
    note: str | None = None
    not_estimable: str | None = None

    @property
    def rwg_below_floor(self) -> bool:
        """True when r*wg(J) exists and is below :data:`AGREEMENT_FLOOR` (0.70): the
        statistic that can fall below it (r_wg(J) with 20 items is near 1 almost always)."""
        return self.rwg_star_j is not None and self.rwg_star_j < AGREEMENT_FLOOR

    @property
    def low(self) -> bool:
        """``low_agreement`` as a plain bool (None, not estimable, reads as False)."""
        return self.low_agreement is True


class AggregationResult(_Model):
    """ICC(1) and ICC(2) of the respondents' totals across the shown groups (one-way
    ANOVA): how much of the spread lies between groups, and how reliable a group mean is."""

    groups: int
    n: int
    icc1: float | None = None
    icc2: float | None = None
    f: float | None = None
    p_value: float | None = None
    note: str | None = None
    not_estimable: str | None = None


class SegmentResult(_Model):
    """Every group figure again, for one value of a ``--by`` column."""

    by: str
    value: str
    n: int | None = Field(None, description="Respondents; null when the segment is withheld.")
    n_fewer_than: int | None = Field(
        None, description="A withheld segment has fewer than this many respondents."
    )
    suppressed: bool = False
    overall: Overall = Field(default_factory=Overall)
    groups: list[GroupResult] = Field(default_factory=empty_list)


class Evidence(_Model):
    """One fact that made a rule fire, in words a consultant can defend."""

    kind: str
    text: str


class Action(_Model):
    rule: str
    title: str
    action: str
    why: str = ""
    transition: str | None = None
    owner: str | None = None
    horizon: str | None = None
    priority: int = 0
    evidence: list[Evidence] = Field(default_factory=empty_list)


class StayOrMove(_Model):
    verdict: Literal["stay", "move_up", "mixed", "unknown", "top"] = "unknown"
    current_stage: StageRef | None = None
    next_stage: StageRef | None = None
    stay_reasons: list[str] = Field(default_factory=empty_list)
    move_reasons: list[str] = Field(default_factory=empty_list)
    message: str = ""


class Advice(_Model):
    rules: QuestionnaireRef | None = None
    stay_or_move: StayOrMove = Field(default_factory=StayOrMove)
    actions: list[Action] = Field(default_factory=empty_list)
    more_actions: int = Field(
        0, description="Lower-priority actions that fired but were left out (--top)."
    )
    missing_inputs: list[str] = Field(default_factory=empty_list)


class Participation(_Model):
    """Response rate of one group, or of one group within one segment (``--headcount``).

    ``responded`` and ``rate`` are null when the cell is withheld (below the anonymity
    threshold): a rate times the invited count would give its head count away.
    """

    group: str
    by: str | None = None
    value: str | None = None
    invited: int
    responded: int | None = None
    rate: float | None = None
    low: bool = Field(False, description="Rate below PARTICIPATION_FLOOR (0.60).")
    withheld: bool = False


class Settings(_Model):
    """The options that shaped the figures, so a reader can reproduce them."""

    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    min_comment_group: int = DEFAULT_MIN_COMMENT_GROUP
    favourable_from: float | None = Field(
        None, description="Recoded answers at or above this point count as favourable."
    )
    headcount: str | None = Field(None, description="The --headcount file, when given.")
    leaders_function: str | None = Field(
        None,
        description="--leaders-function: the column naming the function each leader is "
        "reported within; null: leaders are a group of their own.",
    )
    max_missing: float = 0.2
    gap_threshold: float = 1.0
    adjust: str = "bh"
    seed: int = 2006
    n_boot: int = 2000
    midpoint: float | None = None
    by: list[str] = Field(default_factory=empty_list)


class Assessment(_Model):
    schema_version: int = SCHEMA_VERSION
    tool_version: str = ""
    source_file: str | None = None
    questionnaire: QuestionnaireRef
    compare: list[str] = Field(default_factory=empty_list)
    # The scoring key: one StageBand.model_dump() per stage, in the questionnaire's order.
    # Still typed as plain dicts because renderers (and wording.stage_edges) index them;
    # once they read ``stage_bands``, annotating this list[StageBand] changes no JSON byte.
    stages: list[StageBand] = Field(
        default_factory=empty_list, description="The scoring key: id, label, min, max."
    )
    settings: Settings = Field(default_factory=Settings)
    respondents: Respondents
    overall: Overall = Field(default_factory=Overall)
    groups: list[GroupResult] = Field(default_factory=empty_list)
    dimensions: list[DimensionResult] = Field(default_factory=empty_list)
    items: list[ItemResult] = Field(default_factory=empty_list)
    total_gap: TotalGap | None = None
    gap_limits: GapLimits | None = None
    stage_disagreement: StageDisagreement | None = None
    borderline: list[Borderline] = Field(default_factory=empty_list)
    reliability: list[ReliabilityResult] = Field(default_factory=empty_list)
    reliability_dimensions: list[ReliabilityResult] = Field(
        default_factory=empty_list, description="Alpha and omega of each dimension's items."
    )
    agreement: list[AgreementResult] = Field(default_factory=empty_list)
    aggregation: AggregationResult | None = None
    segments: list[SegmentResult] = Field(default_factory=empty_list)
    participation: list[Participation] = Field(default_factory=empty_list)
    suppressed: list[str] = Field(
        default_factory=empty_list, description="Plain-language notes on what was withheld and why."
    )
    warnings: list[DataWarning] = Field(default_factory=empty_list)
    advice: Advice | None = None

    def group(self, group_id: str) -> GroupResult | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def item(self, item_id: str) -> ItemResult | None:
        return next((i for i in self.items if i.id == item_id), None)

    def dimension(self, dimension_id: str) -> DimensionResult | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)
