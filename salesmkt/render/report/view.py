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
# Translated where shown (render.report.build): this module imports nothing of the tool.
DEFAULT_TITLE = "Sales & Marketing alignment: workshop report"
DEFAULT_TOP = 10  # = recommend --top
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
    consultant_notes: bool = True  # the "Consultant notes" box (--no-consultant-notes)
    top: int = DEFAULT_TOP  # actions shown in full, as recommend --top (0: all)
    heatmap_items: bool = False  # the segments heatmap also shows every statement


@dataclass(frozen=True)
class ExtraSection:
    """A section made elsewhere (e.g. a benchmark or a trend), shown before the appendices.

    ``html`` is a trusted HTML fragment (the producer escapes what it shows), ``markdown``
    its Markdown twin; ``id`` is the section's anchor (letters, digits and hyphens).
    """

    id: str
    title: str
    html: str
    markdown: str


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
    sources: list[SourceLink] = field(default_factory=list)


@dataclass(frozen=True)
class SourceLink:
    """A reference an action rests on: its number in the references and its anchor."""

    number: int
    anchor: str
    short: str


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
    notes: list[str] = field(default_factory=list)  # caveats, one sentence each
    top: int = 0  # how many actions are shown in full (the rest in the appendix table)

    @property
    def top_actions(self) -> list[ActionView]:
        return self.actions[: self.top] if self.top else list(self.actions)

    @property
    def more_actions(self) -> list[ActionView]:
        return self.actions[self.top :] if self.top else []


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


@dataclass(frozen=True)
class Reference:
    """One source in the references: its number, anchor and full citation."""

    number: int
    anchor: str
    short: str
    citation: str
    used_for: str


@dataclass
class Summary:
    """The one-page executive summary: stage, three findings, verdict, top three actions."""

    stage: str
    estimable: bool
    stage_sentence: str
    findings: list[str]
    verdict: str
    verdict_sentence: str
    actions: list[ActionView]


@dataclass
class HeatCell:
    """One cell: the worded figure, its difference, a shade -1..+1 and whether withheld."""

    text: str
    diff: str = ""
    shade: float | None = None
    withheld: bool = False
    direction: str = ""  # "above", "below" or "" (a word, so colour is not the only cue)


@dataclass
class HeatRow:
    label: str
    kind: str  # "dimension" or "item"
    cells: list[HeatCell]
    reference: str  # the organisation's figure for the same groups


@dataclass
class Heatmap:
    """Dimensions (and statements, on demand) × segments, against the organisation."""

    by: str
    segments: list[str]  # column labels, with n
    rows: list[HeatRow]
    key: str
    notes: list[str]


@dataclass(frozen=True)
class Brand:
    """The branding the HTML shows: client, consultant, accent and the logo as a data URI."""

    client: str = ""
    consultant: str = ""
    accent: str = ""
    accent_ink: str = ""  # text colour readable on the accent
    accent_text: str = ""  # the accent darkened until it reads on white (AA contrast)
    logo_uri: str = ""


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
    summary: Summary | None = None
    score_finding: str = ""  # the key finding the summary's stage sentence says already
    consultant_notes: list[str] = field(default_factory=list)  # [] when switched off
    references: list[Reference] = field(default_factory=list)
    heatmap: Heatmap | None = None
    brand: Brand = field(default_factory=Brand)
    # Sections made elsewhere (benchmark, trend), shown before the appendices.
    extra_sections: list[ExtraSection] = field(default_factory=list)
