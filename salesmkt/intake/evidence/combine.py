"""From files to :class:`~.read.CrmData`: recognise, read, check ids and references.

Vocabulary: *duplicate ids* (two records of one export with the same id) are problems,
each located with the record it repeats; *references* are the links between exports (a
converted lead's opportunity, an activity's lead): one outside the exports is a note,
counted and located, since an export filtered by date leaves such links behind. The
notes are in the reader's language (:mod:`salesmkt.l10n`); problems (errors) stay English.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.definitions.crm_mapping import CrmMapping
from salesmkt.errors import EvidenceDataError
from salesmkt.intake.evidence import read
from salesmkt.intake.evidence.recognise import open_export, recognise
from salesmkt.intake.evidence.sheet import read_sheet
from salesmkt.l10n import _
from salesmkt.wording import fmt_count

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_BUILDERS = {
    "leads": read.leads_table,
    "opportunities": read.opportunities_table,
    "forecast": read.forecast_table,
}


def read_exports(
    paths: Sequence[Path], mappings: list[CrmMapping], *, date_format: str | None = None
) -> read.CrmData:
    """Read every export (EvidenceDataError listing every problem of every file)."""
    files = read.export_files(paths)
    data = read.CrmData()
    problems: list[str] = []
    tables: dict[str, list[pd.DataFrame]] = {k: [] for k in (*_BUILDERS, "activities")}
    for number, path in enumerate(files):
        opened = open_export(path)
        mapping = recognise(opened, mappings)
        sheet = read_sheet(opened, mapping, date_format)
        export = mapping.export
        if not sheet.problems:
            if export == "activities":
                tables[export].append(read.activities_table(sheet))
            else:
                tables[export].append(_BUILDERS[export](sheet, number))
        problems += sheet.problems
        data.files.append(read.ReadFile(str(path), mapping.id, export, len(sheet.frame)))
        data.has_campaign |= export == "opportunities" and mapping.header("campaign") is not None
        data.has_first_touch |= export == "activities" or (
            export == "leads" and mapping.header("first_touch_at") is not None
        )
    names = [f.path for f in data.files]
    data.leads = _joined(tables["leads"], names, "lead", problems)
    data.opportunities = _joined(tables["opportunities"], names, "opportunity", problems)
    data.forecast = _joined(tables["forecast"], names, "forecast", problems, key="period")
    if problems:
        raise EvidenceDataError(
            f"the CRM exports cannot be read: {len(problems):,} problem(s)", problems
        )
    _first_touch(data, tables["activities"])
    _references(data, names)
    return data


def _joined(
    frames: list[pd.DataFrame], names: list[str], what: str, problems: list[str], key: str = "id"
) -> pd.DataFrame | None:
    import pandas as pd

    if not frames:
        return None
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    repeated = table[key].duplicated(keep="first") & (table[key] != "")
    if repeated.any():
        firsts = table.drop_duplicates(key).set_index(key)
        for _, rec in table[repeated].head(20).iterrows():
            first = firsts.loc[rec[key]]
            problems.append(
                f"{names[rec['file']]}:{rec['row']}: duplicate {what} {key} {rec[key]!r}; "
                f"first at {names[first['file']]}:{first['row']}"
            )
        if int(repeated.sum()) > 20:
            problems.append(f"… and {int(repeated.sum()) - 20:,} more duplicate {what} ids")
    return table


def joint_codes(left: pd.Series, right: pd.Series) -> tuple[np.ndarray, np.ndarray, int]:
    """Integer codes of two id columns in one numbering (one hash pass, no string joins)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(pd.concat([left, right], ignore_index=True))
    return np.asarray(codes[: len(left)]), np.asarray(codes[len(left) :]), len(uniques)


def _first_touch(data: read.CrmData, activities: list[pd.DataFrame]) -> None:
    """The earliest activity per lead becomes (or improves on) its first touch."""
    import numpy as np
    import pandas as pd

    if not activities or data.leads is None:
        return
    acts = pd.concat(activities, ignore_index=True) if len(activities) > 1 else activities[0]
    lead_codes, act_codes, size = joint_codes(data.leads["id"], acts["lead"])
    # Naive UTC datetime64 values: a tz-aware column would become Python objects here.
    naive = acts["touched_at"].dt.tz_convert(None).to_numpy()
    first = pd.Series(naive).groupby(act_codes).min()
    mapped = pd.Series(first.reindex(lead_codes).to_numpy(), index=data.leads.index)
    mapped = mapped.dt.tz_localize("UTC")
    current = data.leads["first_touch_at"]
    data.leads["first_touch_at"] = current.where(current.notna() & ~(mapped < current), mapped)
    known = np.zeros(size, dtype=bool)
    known[lead_codes] = True
    blank = (acts["lead"] == "").to_numpy()
    unknown = ~known[act_codes] & ~blank
    if unknown.any():
        data.notes.append(
            _(
                "{n} activit(ies) name a record that is not in the leads export; they do "
                "not count as a first touch"
            ).format(n=fmt_count(int(unknown.sum())))
        )
    if blank.any():
        data.notes.append(
            _(
                "{n} activit(ies) name no lead or contact (logged against an account or a "
                "deal); they do not count as a first touch"
            ).format(n=fmt_count(int(blank.sum())))
        )


def _references(data: read.CrmData, names: list[str]) -> None:
    import numpy as np

    if data.leads is None or data.opportunities is None:
        return
    opp = data.leads["opportunity"]
    lead_codes, opp_codes, size = joint_codes(opp, data.opportunities["id"])
    known = np.zeros(size, dtype=bool)
    known[opp_codes] = True
    dangling = (opp != "").to_numpy() & ~known[lead_codes]
    if dangling.any():
        first = data.leads[dangling].iloc[0]
        where = f"{names[first['file']]}:{first['row']}"
        data.notes.append(
            _(
                "{where}: {n} converted lead(s) name an opportunity that is not in the "
                "opportunities export (first: {first}); they still count as converted"
            ).format(
                where=where, n=fmt_count(int(dangling.sum())), first=repr(first["opportunity"])
            )
        )
