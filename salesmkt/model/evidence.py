"""The evidence result: what the CRM exports show, and what that says about each claim.

Vocabulary:
- *figure*: one metric's value (:class:`Figure`), with its interval (``ci``, 95%), its
  numerator and denominator where it is a share, and ``small`` when the denominator
  (or the number of durations or periods) is below the minimum the run was given: the
  figure is shown, flagged, and never used to settle a claim.
- *breakdown*: the same figures per lead *origin* (marketing-, sales-sourced, other),
  *source*, *segment* and *period* (the quarter the record was created).
- *claim*: a questionnaire statement that declares the metric that tests it; its
  *verdict* (:class:`ClaimVerdict`) sets what Sales says and what Marketing says beside
  what the data show. Verdicts are funnel evidence, not proof of anyone's intent.

Plain data (no numpy): ``evidence --format json`` writes it and ``--evidence FILE``
reads it back.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from salesmkt.model.defaults import empty_list

EVIDENCE_KIND = "salesmkt-evidence"

DataSay = Literal["supports", "contradicts", "inconclusive", "not_enough"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Figure(_Model):
    metric: str
    label: str
    kind: str
    value: float | None = None
    ci: tuple[float, float] | None = None
    numerator: int | None = None
    denominator: int | None = None
    small: bool = False
    note: str | None = Field(None, description="Why the value is missing, or how to read it.")


class Breakdown(_Model):
    by: Literal["origin", "source", "segment", "period"]
    records: Literal["leads", "opportunities"] = "leads"
    value: str
    figures: list[Figure] = Field(default_factory=empty_list)


class PeriodForecast(_Model):
    period: str
    forecast: float
    actual: float
    error: float | None = Field(None, description="|actual − forecast| / forecast.")


class FileRead(_Model):
    path: str
    mapping: str
    export: str
    rows: int


class EvidenceSettings(_Model):
    sla_hours: float = 24.0
    min_n: int = 30
    date_format: str | None = None


class GroupView(_Model):
    group: str
    label: str
    mean: float | None = None
    n: int = 0
    view: Literal["agrees", "disagrees", "undecided", "unknown"] = "unknown"


class ClaimVerdict(_Model):
    item: str
    statement: str
    short: str = ""
    metric: str
    supports_if: str = Field(description="In words: the result that would support it.")
    views: list[GroupView] = Field(default_factory=empty_list)
    figure: Figure | None = None
    data_say: DataSay = "not_enough"
    verdict: str
    why: str = ""


class EvidenceResult(_Model):
    kind: Literal["salesmkt-evidence"] = "salesmkt-evidence"
    tool_version: str = ""
    settings: EvidenceSettings = Field(default_factory=EvidenceSettings)
    files: list[FileRead] = Field(default_factory=empty_list)
    overall: list[Figure] = Field(default_factory=empty_list)
    breakdowns: list[Breakdown] = Field(default_factory=empty_list)
    forecast: list[PeriodForecast] = Field(default_factory=empty_list)
    notes: list[str] = Field(default_factory=empty_list)
    claims: list[ClaimVerdict] = Field(default_factory=empty_list)
    responses_file: str | None = None

    def figure(self, metric: str) -> Figure | None:
        for f in self.overall:
            if f.metric == metric:
                return f
        return None
