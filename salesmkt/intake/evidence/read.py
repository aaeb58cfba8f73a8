"""Reading a set of CRM exports into the tables of the metric model.

Vocabulary (the tables of :class:`CrmData`, one row per record, every date in UTC):
- *leads*: ``id``, ``created``, ``source``, ``origin`` (``marketing``, ``sales`` or
  ``other``, from the mapping's sources), ``segment``, ``step`` (a code into
  :data:`LEAD_STEPS`), ``mql_at``, ``sql_at``, ``first_touch_at``, ``converted``,
  ``opportunity``; ``file`` and ``row`` locate each record.
- *opportunities*: ``id``, ``created``, ``close_date``, ``source``, ``origin``,
  ``campaign`` (true when a campaign is attached), ``amount``, ``won``, ``closed``.
- *forecast*: ``period`` (``2026-01`` or ``2026-Q1``) and ``forecast``.
- *activities* are read only for the first touch: the earliest per lead is merged into
  ``leads.first_touch_at``.
- *notes*: located remarks that do not stop the reading (a lead converted to an
  opportunity that is not in the exports, activities on records that are not leads).

Every problem of every file is collected first; then reading fails with all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.definitions.crm_mapping import Sources
from salesmkt.errors import EvidenceDataError, UsageError
from salesmkt.intake.evidence.sheet import Sheet

if TYPE_CHECKING:
    import pandas as pd

LEAD_STEPS = ("lead", "mql", "sal", "sql", "recycled", "rejected")
OPPORTUNITY_STEPS = ("open", "won", "lost")
ORIGINS = ("other", "marketing", "sales")


@dataclass(frozen=True)
class ReadFile:
    path: str
    mapping: str
    export: str
    rows: int


@dataclass
class CrmData:
    leads: pd.DataFrame | None = None
    opportunities: pd.DataFrame | None = None
    forecast: pd.DataFrame | None = None
    files: list[ReadFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    has_first_touch: bool = False
    has_campaign: bool = False


def export_files(paths: Sequence[Path]) -> list[Path]:
    """The files named, with every .csv in a folder named (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in {".csv", ".tsv"})
        elif path.is_file():
            files.append(path)
        else:
            raise EvidenceDataError(f"{path}: no such file or folder")
    if not files:
        raise UsageError("no CRM export files (.csv) in " + ", ".join(map(str, paths)))
    return files


def _origin(sheet: Sheet, sources: Sources) -> pd.Series:
    import numpy as np
    import pandas as pd

    text = sheet.text("source")
    if text is None:
        return pd.Series(0, index=sheet.frame.index, dtype="int8")
    marketing = {s.casefold() for s in sources.marketing}
    sales = {s.casefold() for s in sources.sales}
    codes, raw = pd.factorize(text, use_na_sentinel=False)
    folded = [str(u).strip().casefold() for u in raw]
    lookup = np.array(
        [1 if u in marketing else 2 if u in sales else 0 for u in folded], dtype="int8"
    )
    return pd.Series(lookup[codes], index=sheet.frame.index)


def _located(sheet: Sheet, number: int) -> dict[str, object]:
    return {"file": number, "row": sheet.frame.index.to_numpy() + 2}


def _optional(sheet: Sheet, fieldname: str) -> pd.Series:
    """An optional text column of ids, as written (an empty cell: no value)."""
    text = sheet.text(fieldname)
    return sheet.blank() if text is None else text


def leads_table(sheet: Sheet, number: int) -> pd.DataFrame:
    import pandas as pd

    blank = sheet.blank()
    converted = sheet.booleans("converted")
    return pd.DataFrame(
        {
            "id": sheet.ids(),
            "created": sheet.dates("created", required=True),
            "source": (sheet.text("source") if sheet.text("source") is not None else blank),
            "origin": _origin(sheet, sheet.mapping.sources),
            "segment": (sheet.text("segment") if sheet.text("segment") is not None else blank),
            "step": sheet.steps("status", dict(sheet.mapping.statuses), LEAD_STEPS),
            "mql_at": sheet.dates("mql_at"),
            "sql_at": sheet.dates("sql_at"),
            "first_touch_at": sheet.dates("first_touch_at"),
            "converted": converted if converted is not None else False,
            "opportunity": _optional(sheet, "opportunity"),
            **_located(sheet, number),
        }
    )


def opportunities_table(sheet: Sheet, number: int) -> pd.DataFrame:
    import pandas as pd

    blank = sheet.blank()
    won, closed = sheet.booleans("won"), sheet.booleans("closed")
    # With won/closed columns the stages are only checked when the mapping lists them.
    listed = bool(sheet.mapping.stages) or won is None or closed is None
    step = (
        sheet.steps("status", dict(sheet.mapping.stages), OPPORTUNITY_STEPS)
        if listed
        else pd.Series(-1, index=sheet.frame.index, dtype="int8")
    )
    campaign = sheet.text("campaign")
    return pd.DataFrame(
        {
            "id": sheet.ids(),
            "created": sheet.dates("created", required=True),
            "close_date": sheet.dates("close_date"),
            "source": (sheet.text("source") if sheet.text("source") is not None else blank),
            "origin": _origin(sheet, sheet.mapping.sources),
            "campaign": (campaign != "") if campaign is not None else False,
            "amount": sheet.amounts("amount"),
            "won": won if won is not None else step == 1,
            "closed": closed if closed is not None else step >= 1,
            **_located(sheet, number),
        }
    )


def forecast_table(sheet: Sheet, number: int) -> pd.DataFrame:
    import pandas as pd

    text = sheet.text("period")
    periods = normal_periods(text if text is not None else sheet.blank())
    if text is not None:
        sheet.report("period", periods == "", text, "a period such as 2026-03 or 2026-Q1")
    return pd.DataFrame(
        {"period": periods, "forecast": sheet.amounts("forecast"), **_located(sheet, number)}
    )


def normal_periods(text: pd.Series) -> pd.Series:
    """``2026-03``, ``2026-Q1`` (also ``Q1 2026``, ``2026 Q1``, ``03/2026``); else ``""``."""
    s = text.str.strip().str.upper()
    month = s.str.extract(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")
    quarter = s.str.extract(r"^(\d{4})[ -]?Q([1-4])$|^Q([1-4])[ -]?(\d{4})$")
    year_m = month[0].fillna(month[3])
    mon = month[1].fillna(month[2]).fillna("0").astype(int)
    out = (year_m + "-" + mon.map("{:02d}".format)).where(year_m.notna() & mon.between(1, 12))
    year_q = quarter[0].fillna(quarter[3])
    out = out.fillna(year_q + "-Q" + quarter[1].fillna(quarter[2]))
    return out.fillna("")


def activities_table(sheet: Sheet) -> pd.DataFrame:
    import pandas as pd

    lead = _optional(sheet, "lead")
    touched = sheet.dates("touched_at", required=True)
    return pd.DataFrame({"lead": lead, "touched_at": touched})
