"""Admission: which stored organisations may stand in a published peer cell.

Vocabulary:
- *organisation*: one client of the store; it counts once per cell, with its most
  recent wave inside the age window.
- *scope*: a group (``sales``, ``marketing``…) or ``overall`` (the two compared groups
  together); a *cell* is one metric within one scope.
- *rules* (:class:`Rules`, documented in docs/methods.md): at least ``min_orgs``
  organisations per published cell (10; 20 for an *external* claim, one made outside the
  consultancy), at least ``min_respondents`` respondents in each organisation's group
  (5), no organisation contributing more than ``max_share`` of the cell's respondents
  (the *dominance* rule, 50%), nothing collected more than ``max_age_months`` before the
  reference date (24), and the client being compared never among its own peers. Rules
  can be made stricter, never looser: a looser value is a usage error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from salesmkt.errors import UsageError

if TYPE_CHECKING:
    from salesmkt.benchmark.aggregates import Contribution

__all__ = ["DEFAULT_RULES", "Rules", "latest_waves"]


@dataclass(frozen=True)
class Rules:
    """The admission rules; :meth:`checked` refuses any value looser than the default."""

    min_orgs: int = 10
    external: bool = False
    min_respondents: int = 5
    max_share: float = 0.5
    max_age_months: int = 24

    @property
    def needed_orgs(self) -> int:
        """Organisations a cell needs: at least 20 for an external claim."""
        return max(self.min_orgs, 20) if self.external else self.min_orgs

    @property
    def claim(self) -> str:
        return "external" if self.external else "internal"

    def checked(self) -> Rules:
        base = DEFAULT_RULES
        looser = [
            ("--min-orgs", self.min_orgs < base.min_orgs, f"at least {base.min_orgs}"),
            (
                "--min-respondents",
                self.min_respondents < base.min_respondents,
                f"at least {base.min_respondents}",
            ),
            (
                "--max-share",
                not 0 < self.max_share <= base.max_share,
                f"above 0 and at most {base.max_share}",
            ),
            (
                "--max-age-months",
                not 0 < self.max_age_months <= base.max_age_months,
                f"1 to {base.max_age_months}",
            ),
        ]
        for flag, bad, expected in looser:
            if bad:
                raise UsageError(
                    f"{flag}: the admission rules can only be made stricter: {expected}"
                )
        return self

    def oldest(self, as_of: dt.date) -> dt.date:
        """The earliest collection date still inside the age window."""
        month = as_of.year * 12 + as_of.month - 1 - self.max_age_months
        year, mon = divmod(month, 12)
        day = min(as_of.day, 28)  # a window end on the 31st falls back to a safe day
        return dt.date(year, mon + 1, day)

    def describe(self) -> str:
        """The rules in words, in the reader's language."""
        from salesmkt.l10n import _
        from salesmkt.wording import fmt_pct

        claim = _("external claim") if self.external else _("internal claim")
        return _(
            "{claim}: at least {orgs} organisations per cell, at least {respondents} "
            "respondents per organisation and group, no organisation above {share} of a "
            "cell's respondents, data at most {months} months old, the client left out of "
            "its own peers"
        ).format(
            claim=claim,
            orgs=self.needed_orgs,
            respondents=self.min_respondents,
            share=fmt_pct(self.max_share),
            months=self.max_age_months,
        )


DEFAULT_RULES = Rules()


def latest_waves(
    stored: list[Contribution], rules: Rules, as_of: dt.date, exclude: str | None
) -> list[Contribution]:
    """Each organisation once: its latest wave inside the age window (not the client)."""
    oldest = rules.oldest(as_of)
    best: dict[str, Contribution] = {}
    for c in stored:
        when = c.meta.collected_date()
        if c.client == exclude or when < oldest or when > as_of:
            continue
        held = best.get(c.client)
        if held is None or (when, c.wave) > (held.meta.collected_date(), held.wave):
            best[c.client] = c
    return [best[k] for k in sorted(best)]
