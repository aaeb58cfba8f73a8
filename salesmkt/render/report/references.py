"""The report's references: the sources the instrument and the advice rest on.

Vocabulary:
- *reference*: one published source (:data:`SOURCES`), with its anchor in the page
  (``ref-…``), a short name for the actions' links and the full citation. The citations
  are written from the source texts the project was built on (the seed articles); where
  a source names no title, author or date, the citation says so instead of inventing
  one (a title in square brackets describes an untitled source).
- *covers key*: a rules file's ``covers`` entry: ``ud-``, ``da-`` and ``ai-`` keys are
  the published moving-up actions of Kotler, Rackham & Krishnaswamy; ``seed-NNN-`` keys
  are ideas from the other seed articles (see ``rules/moving-up.yaml``).
- *cue*: words in an action's "why" that name a source ("the HBR study", "the AMA
  article"); an action cites a source when its covers keys or its cues point to it.

Pure data and string matching: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from salesmkt.l10n import N_, _
from salesmkt.render.report.view import Reference, SourceLink


@dataclass(frozen=True)
class Source:
    key: str
    short: str
    citation: str
    used_for: str
    prefixes: tuple[str, ...]  # covers keys that point here
    cue: str  # a regular expression over the action's "why"


KOTLER = "kotler-2006"
SOURCES: tuple[Source, ...] = (
    Source(
        KOTLER,
        "Kotler, Rackham & Krishnaswamy (2006)",
        N_(
            "Kotler, P., Rackham, N. & Krishnaswamy, S. (2006). Ending the War Between Sales "
            "and Marketing. Harvard Business Review, 84(7/8), July–August 2006, 68–78."
        ),
        N_(
            "The four relationship stages, the scoring key and the 20 themes of the "
            "questionnaire, the stay-or-move-up conditions and the moving-up actions."
        ),
        ("ud-", "da-", "ai-"),
        r"\bHBR\b|Kotler|Rackham",
    ),
    Source(
        "vancamp-guinn",
        "Vancamp & Guinn",
        N_(
            "Vancamp, T. & Guinn, A. Sales and Marketing Integration for Best Practice "
            "Execution. Online article (LinkedIn), undated."
        ),
        N_(
            "Upstream and downstream roles, unfiltered information flow, a liaison between "
            "the groups, common financial targets and a shared reward system."
        ),
        ("seed-000-",),
        r"Vancamp|Guinn",
    ),
    Source(
        "ama-sales-champion",
        "AMA, A Sales Champion Comments",
        N_(
            "A Sales Champion Comments on the Critical Integration of Marketing and Sales. "
            "Marketing News, American Marketing Association; author and date not given."
        ),
        N_(
            "A launch that fails in silos; a regular rhythm of communication, target lists "
            "from Marketing, relevant collateral and one consistent value message."
        ),
        ("seed-001-",),
        r"\bAMA\b",
    ),
    Source(
        "roundtable-3cs",
        N_("Sales and marketing executive roundtable"),
        N_(
            "[Article on a joint sales and marketing executive roundtable: what makes a good "
            "relationship, and the 3 C's of conflict: Communication, Culture, Compensation]. "
            "Online article; title, author and date not given in the source text."
        ),
        N_("Signs of a good relationship and the three sources of conflict with their symptoms."),
        ("seed-003-",),
        r"roundtable|3 C's|three C's",
    ),
    Source(
        "joint-business-plan",
        N_("Boardroom Metrics, joint business plan"),
        N_(
            "[Third article in a series on Sales & Marketing Integration: the joint business "
            "plan]. Boardroom Metrics, online article; title, author and date not given in the "
            "source text."
        ),
        N_(
            "CEO endorsement of one joint plan, joint execution through cross-functional "
            "teams and joint evaluation with lessons learned."
        ),
        ("seed-004-",),
        r"joint-business-plan|joint business plan",
    ),
)


def references(with_advice: bool) -> list[Reference]:
    """The numbered references: the instrument's source, and with advice the rules' ones."""
    shown = SOURCES if with_advice else SOURCES[:1]
    return [
        Reference(n, anchor(s.key), _(s.short), _(s.citation), _(s.used_for))
        for n, s in enumerate(shown, 1)
    ]


def anchor(key: str) -> str:
    return f"ref-{key}"


def cited(why: str, covers: Iterable[str] = ()) -> list[str]:
    """The keys of the sources an action rests on, in reference order."""
    keys = list(covers)
    return [
        s.key
        for s in SOURCES
        if any(k.startswith(s.prefixes) for k in keys) or re.search(s.cue, why, re.IGNORECASE)
    ]


def links(keys: Sequence[str], refs: Sequence[Reference]) -> list[SourceLink]:
    """Links to the numbered references for ``keys`` (keys not listed are left out)."""
    by_anchor = {r.anchor: r for r in refs}
    found = [by_anchor.get(anchor(k)) for k in keys]
    return [SourceLink(r.number, r.anchor, r.short) for r in found if r is not None]
