"""The wave comparison: what ``compare`` fills in and its renderers read.

Vocabulary (see :mod:`salesmkt.analysis.compare` for how each figure is computed):
- *wave*: one round of the survey, *before* or *after* (:class:`Wave`: its assessment
  and, for a responses file, the per-respondent table).
- *change* (:class:`Change`): after − before for one score, with its 95% bootstrap
  interval when the per-respondent data allow; *stage change* (:class:`StageChange`):
  the stage before and after, ``steps`` counting bands moved.
- *gap change* (:class:`GapChange`): the perception gap before and after, and whether it
  narrowed or reversed.
- *movers* (:class:`ItemMove`): the items whose overall mean moved most.
- *paired change* (:class:`PairedChange`): the matched respondents' own changes.
- *design*: ``paired``, ``independent`` or ``summary``.
- *withheld*: a group below the anonymity threshold in either wave gets no figures.

Like :mod:`salesmkt.model.assessment` this is plain data that round-trips through JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from salesmkt import __version__
from salesmkt.l10n import _
from salesmkt.model.assessment import Assessment, GroupResult, QuestionnaireRef, StageRef
from salesmkt.model.defaults import empty_list

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SCHEMA_VERSION",
    "Change",
    "Comparison",
    "Design",
    "Direction",
    "GapChange",
    "ItemMove",
    "PairedChange",
    "StageChange",
    "Wave",
    "WaveSummary",
    "group_ids",
    "withheld",
]

SCHEMA_VERSION = 1

Design = Literal["paired", "independent", "summary"]
Direction = Literal["up", "down", "same", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WaveSummary(_Model):
    role: Literal["before", "after"]
    source: str | None = None
    kind: Literal["responses", "assessment"]
    scored: int
    n_by_group: dict[str, int] = Field(default_factory=dict)
    has_codes: bool = Field(False, description="Whether respondent codes were present.")


class StageChange(_Model):
    scope: str = Field(description="'overall' or a group id.")
    label: str
    before: StageRef | None = None
    after: StageRef | None = None
    direction: Direction = "unknown"
    steps: int | None = Field(None, description="Stage bands moved (+ up, − down).")
    note: str | None = None


class Change(_Model):
    """after − before for one score, with its bootstrap interval when estimable."""

    scope: str = Field(description="'overall', a group id or a dimension id.")
    label: str
    before: float | None = None
    after: float | None = None
    change: float | None = None
    ci: tuple[float, float] | None = Field(None, description="95% bootstrap CI of the change.")
    ci_excludes_zero: bool | None = None
    p_value: float | None = None
    test: str | None = None
    n_before: int | None = None
    n_after: int | None = None
    note: str | None = None


class GapChange(_Model):
    scope: str = Field(description="'total' or a dimension id.")
    label: str
    before: float | None = None
    after: float | None = None
    narrowed: bool | None = None
    reversed: bool | None = None
    note: str | None = None


class ItemMove(_Model):
    id: str
    label: str
    text: str
    dimension: str | None = None
    before: float
    after: float
    change: float


class PairedChange(_Model):
    """The matched respondents' own changes in total (after − before, per person)."""

    scope: str = Field(description="'all' or a group id.")
    label: str
    n: int
    mean_before: float | None = None
    mean_after: float | None = None
    mean_difference: float | None = None
    median_difference: float | None = None
    ci: tuple[float, float] | None = Field(None, description="95% bootstrap CI of the mean.")
    improved: int | None = None
    worsened: int | None = None
    unchanged: int | None = None
    wilcoxon_statistic: float | None = None
    p_value: float | None = None
    note: str | None = None


class Comparison(_Model):
    schema_version: int = SCHEMA_VERSION
    tool_version: str = __version__
    questionnaire: QuestionnaireRef
    compare: list[str] = Field(default_factory=empty_list)
    before: WaveSummary
    after: WaveSummary
    design: Design
    design_note: str
    matched: int = 0
    seed: int = 2006
    n_boot: int = 2000
    stages: list[StageChange] = Field(default_factory=empty_list)
    totals: list[Change] = Field(default_factory=empty_list)
    dimensions: list[Change] = Field(default_factory=empty_list)
    gaps: list[GapChange] = Field(default_factory=empty_list)
    movers: list[ItemMove] = Field(default_factory=empty_list)
    paired: list[PairedChange] = Field(default_factory=empty_list)
    notes: list[str] = Field(default_factory=empty_list)

    def total(self, scope: str) -> Change | None:
        return next((c for c in self.totals if c.scope == scope), None)

    def stage(self, scope: str) -> StageChange | None:
        return next((s for s in self.stages if s.scope == scope), None)

    def gap(self, scope: str) -> GapChange | None:
        return next((g for g in self.gaps if g.scope == scope), None)


@dataclass
class Wave:
    """One wave: its assessment and, for a responses file, the per-respondent table."""

    assessment: Assessment
    respondents: pd.DataFrame | None = None
    source: str | None = None


def group_ids(a: Assessment, b: Assessment) -> list[tuple[str, str]]:
    """Every group of either wave, (id, label), in order of first appearance."""
    seen: dict[str, str] = {}
    for g in [*a.groups, *b.groups]:
        seen.setdefault(g.id, g.label)
    return list(seen.items())


def withheld(ga: GroupResult | None, gb: GroupResult | None) -> str | None:
    """Why a group has no change figures (missing or withheld in a wave), or None."""
    if ga is None:
        return _("no respondents before")
    if gb is None:
        return _("no respondents after")
    if ga.suppressed and gb.suppressed:
        return _("withheld before and after (too few respondents)")
    if ga.suppressed:
        return _("withheld before (too few respondents)")
    if gb.suppressed:
        return _("withheld after (too few respondents)")
    return None
