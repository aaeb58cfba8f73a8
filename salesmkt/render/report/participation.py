"""The report's participation table (``--headcount``): response rate per group and segment.

Vocabulary: a *row* is (group, segment, invited, responded, rate) in words; a withheld
cell shows "withheld" for both responded and rate (a rate times the invited count would
give its size away); a rate below the floor (60%) is marked "low". The *note* says what
low participation means for the figures, or is empty without a headcount file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from salesmkt.l10n import _, number
from salesmkt.model.assessment import PARTICIPATION_FLOOR, Assessment
from salesmkt.wording import fmt_n, fmt_pct


class ParticipationFields(TypedDict):
    participation: list[tuple[str, str, str, str, str]]
    participation_note: str


def participation_fields(a: Assessment, names: Callable[[str], str]) -> ParticipationFields:
    rows: list[tuple[str, str, str, str, str]] = []
    for p in a.participation:
        rate = _("withheld") if p.withheld else fmt_pct(p.rate) + (_(" (low)") if p.low else "")
        rows.append(
            (
                names(p.group),
                f"{p.by}: {p.value}" if p.by else _("all"),
                str(p.invited),
                _("withheld") if p.withheld else fmt_n(p.responded),
                rate,
            )
        )
    note = ""
    if rows:
        note = _(
            "Response rate = scored respondents / people invited (from the headcount file). "
            "Below {floor} the figures may not speak for the whole group."
        ).format(floor=number(f"{PARTICIPATION_FLOOR:.0%}"))
    return ParticipationFields(participation=rows, participation_note=note)
