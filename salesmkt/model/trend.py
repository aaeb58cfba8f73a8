"""The trend across survey waves: what ``trend`` fills in and every format renders.

Vocabulary (see :mod:`salesmkt.analysis.trend` for how each figure is computed):
- *wave*: one round of the survey, in the order given, named by its *label*
  (``--wave LABEL``, else the file's stem) (:class:`TrendWave`).
- *series*: one line over the waves (:class:`TrendSeries`): the organisation's overall
  score (``kind`` ``overall``), a group's mean total (``group``), the perception gap
  between the compared groups on the total (``gap``), or a ``--by`` segment's overall
  score (``segment``, scope ``column=value``).
- *point*: a series' figure in one wave, with its 95% interval, its stage and its head
  count (:class:`TrendPoint`); a *withheld* point (a group below the anonymity
  threshold in that wave) carries no figure and no exact size.
- *step*: the change of a series between two waves (:class:`TrendStep`): every pair of
  consecutive waves and, with three waves or more, the first against the last (a
  *span*). Its p-value is adjusted with the other steps of the same series (the
  *family*); ``larger_than_noise`` is the verdict (adjusted p below 0.05).
- *dimension line* (:class:`DimensionLine`): one dimension's mean per wave, for the
  organisation or one group.

Plain data like :mod:`salesmkt.model.assessment`, so it round-trips through JSON.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from salesmkt import __version__
from salesmkt.model.assessment import QuestionnaireRef, StageBand, StageRef
from salesmkt.model.defaults import empty_list

__all__ = [
    "SCHEMA_VERSION",
    "DimensionLine",
    "SeriesKind",
    "Trend",
    "TrendPoint",
    "TrendSeries",
    "TrendStep",
    "TrendWave",
]

SCHEMA_VERSION = 1

SeriesKind = Literal["overall", "group", "gap", "segment"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class TrendWave(_Model):
    label: str
    source: str | None = None
    kind: Literal["responses", "assessment"]
    scored: int
    min_group_size: int


class TrendPoint(_Model):
    """A series' figure in one wave (None when withheld or not estimable)."""

    wave: str = Field(description="The wave's label.")
    value: float | None = None
    ci: tuple[float, float] | None = Field(None, description="95% t interval.")
    stage: StageRef | None = None
    n: int | None = Field(None, description="Respondents; null when withheld.")
    n_fewer_than: int | None = Field(None, description="A withheld group has fewer than this.")
    withheld: bool = False
    note: str | None = None


class TrendStep(_Model):
    """The change of a series from one wave to a later one, and whether it is real."""

    start: str = Field(description="The earlier wave's label.")
    end: str = Field(description="The later wave's label.")
    span: bool = Field(False, description="First against last wave (not consecutive).")
    change: float | None = None
    ci: tuple[float, float] | None = Field(
        None, description="95% Welch t interval of the change (not adjusted)."
    )
    p_value: float | None = Field(None, description="Welch t test of the change, two-sided.")
    p_adjusted: float | None = Field(None, description="Adjusted within the series' steps.")
    larger_than_noise: bool | None = Field(None, description="The adjusted p-value is below 0.05.")
    note: str | None = None


class TrendSeries(_Model):
    scope: str = Field(description="'overall', 'gap', a group id or 'column=value'.")
    kind: SeriesKind
    label: str
    points: list[TrendPoint] = Field(default_factory=empty_list)
    steps: list[TrendStep] = Field(default_factory=empty_list)


class DimensionLine(_Model):
    dimension: str
    label: str
    scope: str = Field(description="'overall' or a group id.")
    scope_label: str
    means: list[float | None] = Field(
        default_factory=empty_list, description="One mean per wave; null when withheld."
    )


class Trend(_Model):
    schema_version: int = SCHEMA_VERSION
    tool_version: str = __version__
    questionnaire: QuestionnaireRef
    compare: list[str] = Field(default_factory=empty_list)
    stages: list[StageBand] = Field(default_factory=empty_list)
    waves: list[TrendWave] = Field(default_factory=empty_list)
    series: list[TrendSeries] = Field(default_factory=empty_list)
    dimensions: list[DimensionLine] = Field(default_factory=empty_list)
    adjust: str = Field("holm", description="p-value adjustment within each series' steps.")
    by: list[str] = Field(default_factory=empty_list)
    notes: list[str] = Field(default_factory=empty_list)

    def get(self, scope: str) -> TrendSeries | None:
        return next((s for s in self.series if s.scope == scope), None)

    def of_kind(self, *kinds: SeriesKind) -> list[TrendSeries]:
        return [s for s in self.series if s.kind in kinds]
