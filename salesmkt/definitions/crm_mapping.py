"""The CRM mapping file: which export a CSV is, and what its columns and values mean.

Vocabulary:
- *export*: the kind of records a file holds: ``leads`` (leads or contacts),
  ``opportunities`` (opportunities or deals), ``activities`` (tasks, calls, e-mails:
  the first sales touch) or ``forecast`` (a forecast amount per period).
- *field*: a column of the metric model (``id``, ``created``, ``status``…); ``columns``
  maps each field to the export's header. Which fields each export needs is
  :data:`REQUIRED`.
- *recognise*: header names that identify the export; a file whose header holds all of
  them is read with this mapping.
- *step*: what a lead status means in the funnel (``lead``, ``mql``, ``sal``, ``sql``,
  ``recycled``, ``rejected``), and what an opportunity stage means (``open``, ``won``,
  ``lost``). Every status or stage found in a file must be listed.
- *sources*: which lead-source values count as ``marketing``- or ``sales``-sourced;
  other values are counted as *other sources* and listed.

The built-in mappings (Salesforce and HubSpot, English export headers) are YAML files
in ``salesmkt/definitions/crm/``; ``salesmkt validate`` checks a mapping file like a
questionnaire, and ``salesmkt schema crm-mapping`` prints its JSON Schema.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from salesmkt.definitions.modelbase import DefinitionModel, Slug
from salesmkt.model.defaults import empty_list

Export = Literal["leads", "opportunities", "activities", "forecast"]
LeadStep = Literal["lead", "mql", "sal", "sql", "recycled", "rejected"]
OpportunityStep = Literal["open", "won", "lost"]
Header = Annotated[str, Field(min_length=1, max_length=200)]
Value = Annotated[str, Field(max_length=200)]
"""A status or stage as the export writes it; ``""`` stands for an empty cell."""


class Columns(DefinitionModel):
    """The export's header for each field of the metric model (absent: not in the export)."""

    id: Header | None = None
    created: Header | None = None
    source: Header | None = None
    status: Header | None = Field(None, description="Lead status, or opportunity stage.")
    owner: Header | None = None
    segment: Header | None = None
    converted: Header | None = Field(None, description="Leads: true when converted.")
    opportunity: Header | None = Field(None, description="Leads: the converted opportunity's id.")
    mql_at: Header | None = Field(None, description="Leads: when it became an MQL.")
    sql_at: Header | None = Field(None, description="Leads: when it became an SQL.")
    first_touch_at: Header | None = Field(None, description="Leads: first sales activity.")
    lead: Header | None = Field(None, description="Activities: the lead or contact touched.")
    touched_at: Header | None = Field(None, description="Activities: when it happened.")
    campaign: Header | None = Field(None, description="Opportunities: primary campaign.")
    won: Header | None = Field(None, description="Opportunities: true when won.")
    closed: Header | None = Field(None, description="Opportunities: true when closed.")
    amount: Header | None = None
    close_date: Header | None = None
    period: Header | None = Field(None, description="Forecast: the period (2026-01, 2026-Q1).")
    forecast: Header | None = Field(None, description="Forecast: the forecast amount.")


class Sources(DefinitionModel):
    marketing: list[Header] = Field(default_factory=empty_list)
    sales: list[Header] = Field(default_factory=empty_list)


class CrmMapping(DefinitionModel):
    """One export of one CRM, as a mapping file describes it."""

    id: Slug
    export: Export
    title: Annotated[str, Field(min_length=1, max_length=200)]
    crm: str = ""
    description: str = ""
    recognise: list[Header] = Field(min_length=1)
    columns: Columns
    statuses: dict[Value, LeadStep] = Field(default_factory=dict)
    stages: dict[Value, OpportunityStep] = Field(default_factory=dict)
    sources: Sources = Field(default_factory=Sources)
    date_format: str | None = Field(
        None, description="strftime format of every date, e.g. '%d/%m/%Y' (default: detected)."
    )
    decimal: Literal[".", ","] = "."

    def header(self, field: str) -> str | None:
        value = getattr(self.columns, field)
        return value if isinstance(value, str) else None


REQUIRED: dict[str, tuple[str, ...]] = {
    "leads": ("id", "created", "status"),
    "opportunities": ("id", "created", "status", "amount", "close_date"),
    "activities": ("lead", "touched_at"),
    "forecast": ("period", "forecast"),
}
"""The fields each export must map (the others are optional)."""
