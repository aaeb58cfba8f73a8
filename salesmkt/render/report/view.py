"""The worded view of the workshop report: what every renderer prints, and nothing else.

Vocabulary:
- *report*: a :class:`Report`, the plain, already-worded view of an assessment that both
  renderers share (HTML in :mod:`salesmkt.render.report.html`, Markdown in
  :mod:`salesmkt.render.report.markdown`), so the two formats cannot disagree with each
  other. Its figures are words already (through :mod:`salesmkt.wording`); it is built by
  :func:`salesmkt.render.report.build.build_report`.
- *comment*: a respondent's free text with the id of their group. Comments are not part
  of the assessment (which stays figures-only and anonymous) and are handed in
  separately by the caller. A group's comments are shown only when the group has at
  least ``min_comment_group`` scored respondents (and is not suppressed), in an order
  shuffled by a fixed seed so that row order cannot identify anyone.
- *options*: the reader-facing choices (:class:`ReportOptions`): comment threshold,
  comments on or off, the generated date and the title.

This module holds data only: no wording rules, no I/O, no imports beyond the standard
library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_MIN_COMMENT_GROUP = 10  # = model.assessment.DEFAULT_MIN_COMMENT_GROUP (no import here)
DEFAULT_TITLE = "Sales & Marketing alignment: workshop report"
MAX_COMMENTS_PER_GROUP = 200
MAX_LISTED = 50  # excluded respondents / warnings listed one by one before "… and N more"


# -- inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    """One respondent's free text and the id of their group."""

    group: str
    text: str


@dataclass(frozen=True)
class ReportOptions:
    min_comment_group: int = DEFAULT_MIN_COMMENT_GROUP
    show_comments: bool = True
    generated: str | None = None
    title: str = DEFAULT_TITLE


# -- the worded view: one dataclass per kind of row or section -------------------------


@dataclass
class GroupRow:
    id: str
    label: str
    n: str
    suppressed: bool
    score: str
    stage: str
    ci: str
    median: str
    sd: str
    range: str
    compared: bool
    favourable: str = "–"


@dataclass
class ItemRow:
    id: str
    short: str
    text: str
    dimension: str
    first: str
    second: str
    gap: str
    ci: str
    delta: str
    effect: str
    p: str
    quadrant: str
    flagged: bool
    direction: str
    support: str


@dataclass
class DimensionRow:
    id: str
    label: str
    first: str
    second: str
    gap: str
    quadrant: str
    flagged: bool


@dataclass
class ActionView:
    title: str
    action: str
    why: str
    owner: str
    horizon: str
    transition: str
    priority: int
    evidence: list[str]


@dataclass
class AdviceView:
    verdict: str
    verdict_label: str
    message: str
    current_stage: str
    next_stage: str
    next_description: str
    stay_reasons: list[str]
    move_reasons: list[str]
    actions: list[ActionView]
    missing_inputs: list[str]
    rules: str


@dataclass
class CommentGroup:
    label: str
    n: int
    texts: list[str]
    total: int


@dataclass
class StageRow:
    label: str
    range: str
    description: str
    current: bool


@dataclass
class SegmentRow:
    by: str
    value: str
    n: str
    suppressed: bool
    overall: str
    stage: str
    groups: str


@dataclass
class ProgressView:
    """What changed since a baseline wave (``--baseline``), worded."""

    baseline: str
    design_note: str
    stages: list[tuple[str, str, str, str]]  # label, before, after, movement
    totals: list[tuple[str, str, str, str, str, str]]  # label, before, after, change, CI, p
    dimensions: list[tuple[str, str, str, str, str]]  # label, before, after, change, CI
    gaps: list[tuple[str, str, str, str]]  # label, before, after, narrowed/widened
    movers: list[tuple[str, str, str, str]]  # statement, before, after, change
    notes: list[str]


@dataclass
class ClaimRow:
    """One statement of "What the data say" (salesmkt evidence): all already worded."""

    statement: str
    survey: str
    data: str
    verdict: str
    why: str


@dataclass
class Report:
    """Everything a renderer prints, as plain strings and lists (no figures to format)."""

    title: str
    generated: str | None
    questionnaire: str
    questionnaire_id: str
    questionnaire_version: str
    tool_version: str
    source_file: str | None
    first_label: str
    second_label: str
    headline_stage: str
    headline_score: str
    headline_range: str
    headline_description: str
    headline_note: str
    overall_method: str
    key_findings: list[str]
    groups: list[GroupRow]
    group_ci: bool  # whether any group has a confidence interval to show
    stage_disagreement: str | None
    borderline: list[str]
    total_gap: str | None
    flagged_items: list[ItemRow]
    items: list[ItemRow]
    not_estimable_items: list[str]
    dimensions: list[DimensionRow]
    reliability: list[str]
    agreement: list[str]
    respondents: str
    excluded: list[str]
    excluded_more: int
    suppressed: list[str]
    warnings: list[str]
    warnings_more: int
    segments: list[SegmentRow]
    advice: AdviceView | None
    comments: list[CommentGroup]
    comments_note: str
    stages: list[StageRow]
    methods: list[tuple[str, str]]
    settings: list[tuple[str, str]]
    progress: ProgressView | None = None
    # group, segment, invited, responded, rate (--headcount); empty without it
    participation: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    participation_note: str = ""
    hides_split: str | None = None
    evidence: list[ClaimRow] | None = None  # "What the data say", with --evidence
