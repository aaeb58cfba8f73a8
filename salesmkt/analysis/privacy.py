"""Anonymity of the data-quality details: warnings and exclusions that concern a
respondent in a withheld group (or a withheld ``--by`` cell) are not listed.

Vocabulary:
- *withheld respondent*: a scored respondent whose group, segment or group within a
  segment is withheld (``hidden`` in :func:`~salesmkt.analysis.scoring.score_table`).
- *withheld exclusion*: an excluded respondent of a questionnaire group with fewer than
  K scored respondents (excluded respondents belong to no ``--by`` cell: they are not
  scored, so only their group counts).

A warning about a withheld respondent (straight-lining names the row, the respondent
code and the one answer given to every item) is dropped. It is replaced by a count only
when the count cannot point at anyone: at least K withheld respondents in all, and not
every one of them concerned (``c of P`` with ``P >= K`` and ``c < P``). Otherwise
nothing is said, since even "one withheld respondent straight-lined" names the only
member of a group of one.

A withheld exclusion is dropped from the list; a note gives only how many were left
out. That count adds nothing: it is already ``total − scored − listed exclusions``.
"""

from __future__ import annotations

from collections.abc import Iterable

from salesmkt.l10n import _, ngettext
from salesmkt.model.assessment import DataWarning, Excluded


def withhold_warnings(
    warnings: Iterable[DataWarning], hidden_rows: set[int], pool: int, k_min: int
) -> list[DataWarning]:
    """The warnings less those about withheld respondents (by file row), with a count of
    the straight-lining ones when the count is safe (see the module docstring)."""
    kept: list[DataWarning] = []
    dropped = 0
    for w in warnings:
        if w.row is not None and w.row in hidden_rows and w.code != "empty-rows":
            dropped += w.code == "straight-lining"
            continue
        kept.append(w)
    if dropped and pool >= k_min and dropped < pool:
        kept.append(
            DataWarning(
                code="straight-lining",
                message=_(
                    "{n} of the {pool} respondents in withheld groups or cells gave "
                    "the same answer to every item; not listed, to protect their anonymity"
                ).format(n=dropped, pool=pool),
            )
        )
    return kept


def withhold_exclusions(
    excluded: Iterable[Excluded], scored_n: dict[str, int], k_min: int
) -> tuple[list[Excluded], int]:
    """The exclusions less those of groups with fewer than K scored respondents, and how
    many were left out (``scored_n`` holds every questionnaire group, 0 when empty)."""
    kept: list[Excluded] = []
    dropped = 0
    for e in excluded:
        if e.group is not None and e.group in scored_n and scored_n[e.group] < k_min:
            dropped += 1
            continue
        kept.append(e)
    return kept, dropped


def exclusion_note(dropped: int) -> list[str]:
    """The note on the exclusions not listed (none when there are none)."""
    if not dropped:
        return []
    return [
        ngettext(
            "{n} further excluded respondent is not listed, for anonymity.",
            "{n} further excluded respondents are not listed, for anonymity.",
            dropped,
        ).format(n=dropped)
    ]
