"""Appendix A of the report: the scoring key, the methods text and the settings used.

Vocabulary: the *scoring key* is the assessment's stage table (each stage's range of
totals and what it looks like); the *methods* are (name, text) pairs that say how every
figure in the report was made, worded from the assessment's own settings so the text
never disagrees with the run; the *settings* are (name, value) rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from salesmkt.l10n import N_, _, number, reader_language
from salesmkt.model.assessment import PARTICIPATION_FLOOR, Assessment, StageBand
from salesmkt.render.report.view import ReportOptions, StageRow
from salesmkt.render.report.words import RELIABILITY_FLOOR
from salesmkt.wording import DASH

Method = tuple[str, str]


# -- the scoring key ---------------------------------------------------------------------


def _num_text(value: object) -> str:
    return number(f"{value:g}") if isinstance(value, int | float) else str(value)


def stage_range(stage: StageBand) -> str:
    """A stage's band of totals: ``40–59``, or ``80 and above`` when it has no maximum."""
    low, high = stage.min, stage.max
    if high is None:
        return _("{low} and above").format(low=_num_text(low))
    return f"{_num_text(low)}–{_num_text(high)}"


def stage_rows(
    assessment: Assessment, descriptions: Mapping[str, str], current: str | None
) -> list[StageRow]:
    """The scoring key, lowest stage first; ``current`` marks the organisation's stage."""
    rows = []
    for stage in sorted(assessment.stages, key=lambda s: s.min):
        rows.append(
            StageRow(
                label=stage.label,
                range=stage_range(stage),
                description=descriptions.get(stage.id, ""),
                current=stage.id == current,
            )
        )
    return rows


# -- formulas and thresholds -------------------------------------------------------------


def _scores(a: Assessment, first: str, second: str) -> list[Method]:
    s = a.settings
    overall = (
        _(
            "the mean of the {first} and {second} group means, so each function counts "
            "equally whatever its head count; the pooled mean, which weighs every respondent "
            "equally, is shown beside it"
        ).format(first=first, second=second)
        if a.overall.method == "equal-weight"
        else _("the mean of every scored respondent's total (pooled)")
    )
    return [
        (
            _("Total score"),
            _(
                "Each answer is an item score; reverse-worded items are recoded as "
                "(scale minimum + scale maximum − answer). A respondent's total is the sum of "
                "the item scores. A respondent who skipped at most "
                "{share} of the items is prorated: mean of the answered items × "
                "number of items. Anyone missing more is excluded and listed."
            ).format(share=number(f"{s.max_missing:.0%}")),
        ),
        (
            _("Group and overall score"),
            _(
                "A group's score is the mean of its members' totals; its stage is the band "
                "that mean falls in. The overall score is {overall}."
            ).format(overall=overall),
        ),
    ]


_ADJUST_NAMES = {"holm": "Holm", "bh": "Benjamini–Hochberg", "none": N_("none")}


def _gaps(a: Assessment, first: str, second: str) -> list[Method]:
    s = a.settings
    midpoint = number(f"{s.midpoint:g}") if s.midpoint is not None else _("the scale's midpoint")
    adjust = _ADJUST_NAMES.get(s.adjust, s.adjust)
    return [
        (
            _("Perception gap"),
            _(
                "gap = mean({first}) − mean({second}); a positive gap means {first} rates "
                "the statement higher. The 95% confidence interval is Welch's t interval "
                "(not adjusted for the number of items); group scores and the overall score "
                "get the same t interval."
            ).format(first=first, second=second),
        ),
        (
            _("Significance"),
            _(
                "Mann–Whitney U test (a permutation p-value for small groups); on the total "
                "also Welch's t-test. Item p-values are adjusted for multiple comparisons "
                "({adjust}); a gap is backed by the data when "
                "its adjusted p-value is below 0.05, so the verdict and the printed p agree."
            ).format(adjust=_(adjust) if s.adjust == "none" else adjust),
        ),
        (
            _("Effect size"),
            _(
                "Cliff's delta δ = P(X > Y) − P(X < Y) for a random {first} answer X and "
                "{second} answer Y, read with Romano et al.'s bands: negligible "
                "{abs_delta} < 0.147, small < 0.33, medium < 0.474, large otherwise. Hedges' g "
                "on the total and "
                "the dimensions."
            ).format(first=first, second=second, abs_delta="|δ|"),
        ),
        (
            _("Flagged gap"),
            _(
                "{abs_gap} ≥ {threshold} scale point(s) per item (the same per-item "
                "threshold for dimension means, and scaled by the number of items for the "
                "total). Practical size decides the flag; the adjusted p-value says "
                "whether the data are strong enough to back it."
            ).format(abs_gap=f"|{_('gap')}|", threshold=number(f"{s.gap_threshold:g}")),
        ),
        (
            _("Quadrant"),
            _(
                "Midpoint: {midpoint}. Split view: a flagged gap. Otherwise shared strength: "
                "both groups' means at or above the midpoint; shared pain: both below it; "
                "mixed: one on each side."
            ).format(midpoint=midpoint),
        ),
    ]


def _quality(a: Assessment, first: str, second: str) -> list[Method]:
    return [
        (
            _("Reliability"),
            _(
                "Cronbach's alpha = k/(k − 1) · (1 − Σ item variances / variance of the "
                "total), k items, from the covariance pooled within the groups (each group's "
                "answers about its own means, so a gap between Sales and Marketing cannot pass "
                "for reliability), per compared group and per dimension, on the respondents who "
                "answered every item of that scope; with Feldt's 95% interval and McDonald's "
                "omega (one factor). Below {floor} the total is not a reliable "
                "measure for those respondents."
            ).format(floor=number(f"{RELIABILITY_FLOOR:.2f}")),
        ),
        (
            _("Agreement within a group"),
            _(
                "r*wg(J) = 1 − s̄²/σ²ₑ (Lindell, Brandt & Whitney), with s̄² the mean item "
                "variance and σ²ₑ = (A² − 1)/12 for an A-point scale (uniform null; also shown "
                "against a slightly skewed null); below 0.70 agreement is low. r_wg(J) = "
                "J(1 − s̄²/σ²ₑ) / (J(1 − s̄²/σ²ₑ) + s̄²/σ²ₑ) is shown for comparison: over many "
                "items it stays near 1. AD_M is the mean absolute deviation from the item "
                "mean; above c/6 (c = number of scale points) agreement is low. ICC(1) and "
                "ICC(2) of the totals (one-way ANOVA) say how much of the spread lies between "
                "groups and how reliable a group's mean is."
            ),
        ),
        (
            _("Anonymity"),
            _(
                "A group or segment with fewer than {n} respondents "
                'is withheld: no figure, and its size reads only "fewer than '
                '{n}"; no withheld figure can be worked out from the '
                "figures shown. When a compared group is withheld, the organisation stage cannot "
                "be estimated and is not shown."
            ).format(n=a.settings.min_group_size),
        ),
    ]


def _field(a: Assessment, first: str, second: str) -> list[Method]:
    """% favourable and the response rate."""
    start = a.settings.favourable_from
    top = (
        _("answers of {start} or more (after reverse items are recoded)").format(
            start=number(f"{start:g}")
        )
        if start
        else "—"
    )
    methods = [
        (
            _("% favourable"),
            _(
                "The share of answers in the top two points of the scale: {top}. Per statement, "
                "per dimension (all the answers to its statements) and per group (all its "
                "answers); missing answers are left out."
            ).format(top=top),
        )
    ]
    if a.participation:
        methods.append(
            (
                _("Response rate"),
                _(
                    "Scored respondents divided by the people invited, from the headcount file, "
                    "per group and segment; below {floor} it is marked low."
                ).format(floor=number(f"{PARTICIPATION_FLOOR:.0%}")),
            )
        )
    return methods


_METHOD_PARTS: tuple[Callable[[Assessment, str, str], list[Method]], ...] = (
    _scores,
    _gaps,
    _quality,
    _field,
)


def methods_text(assessment: Assessment, first: str, second: str) -> list[Method]:
    """How every figure was made, as (name, text) pairs in report order."""
    return [m for part in _METHOD_PARTS for m in part(assessment, first, second)]


def _adjustment(adjust: str) -> str:
    """The p-value adjustment as the settings table shows it: the method's id in English
    (as it always read), its name in another language."""
    if adjust == "none":
        return _(_ADJUST_NAMES["none"])
    return adjust if reader_language() is None else _ADJUST_NAMES.get(adjust, adjust)


# -- settings ------------------------------------------------------------------------------


def settings_rows(
    assessment: Assessment,
    options: ReportOptions,
    threshold: int,
    names: Callable[[str], str],
) -> list[tuple[str, str]]:
    """The settings of the run, as (name, value) rows."""
    s = assessment.settings
    q = assessment.questionnaire
    rows = [
        (
            _("Questionnaire"),
            _("{title} (id {id}, version {version})").format(
                title=q.title or q.id, id=q.id, version=q.version
            ),
        ),
        (_("Tool"), f"salesmkt {assessment.tool_version}".strip()),
        (_("Compared groups"), " − ".join(names(g) for g in assessment.compare) or DASH),
        (_("Minimum group size"), str(s.min_group_size)),
        (
            _("Favourable answers"),
            _("{start} or more").format(start=number(f"{s.favourable_from:g}"))
            if s.favourable_from
            else DASH,
        ),
        (_("Headcount"), _("given") if s.headcount else _("not given")),
        (_("Maximum missing answers"), number(f"{s.max_missing:.0%}")),
        (
            _("Gap threshold"),
            _("{threshold} scale point(s) per item").format(
                threshold=number(f"{s.gap_threshold:g}")
            ),
        ),
        (_("p-value adjustment"), _adjustment(s.adjust)),
        (
            _("Bootstrap (borderline stage shares)"),
            _("{n} resamples, seed {seed}").format(n=s.n_boot, seed=s.seed),
        ),
        (
            _("Quadrant midpoint"),
            number(f"{s.midpoint:g}") if s.midpoint is not None else _("scale midpoint"),
        ),
        (_("Breakdown by"), ", ".join(s.by) or _("none")),
        (
            _("Comments"),
            _("groups of at least {n}").format(n=threshold)
            if options.show_comments
            else _("left out"),
        ),
    ]
    if options.generated:
        rows.append((_("Generated"), options.generated))
    return rows
