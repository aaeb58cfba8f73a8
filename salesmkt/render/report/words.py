"""The report's own small wording helpers, for what :mod:`salesmkt.wording` has no twin of.

Vocabulary:
- *names*: group ids to the labels a reader sees (``pooled`` and ``overall`` included).
- *range*: a group's lowest to highest total, ``53–61.1`` (whole numbers stay whole).
- *signed*: :func:`salesmkt.wording.fmt_gap` on the figure rounded first, so a gap that
  rounds to zero reads ``+0.0`` and never ``-0.0`` (which would read as a real negative).
- *reliability floor*: the Cronbach's alpha below which the total is not a reliable
  measure; the report's sentences, findings and methods all quote this one constant.
"""

from __future__ import annotations

from collections.abc import Sequence

from salesmkt.l10n import _, number
from salesmkt.model.assessment import RELIABILITY_FLOOR, Assessment
from salesmkt.wording import DASH

__all__ = [
    "RELIABILITY_FLOOR",
    "Names",
    "and_list",
    "fmt_range",
    "sentence",
]


class Names:
    """Group ids to labels, for every place that shows a group."""

    def __init__(self, assessment: Assessment) -> None:
        self.labels = {g.id: g.label for g in assessment.groups}

    def __call__(self, group_id: str | None) -> str:
        if group_id is None:
            return ""
        if group_id == "pooled":
            return _("All scored respondents")
        if group_id == "overall":
            return _("The organisation")
        if group_id == "both" and "both" not in self.labels:
            return _("both")  # an action's owner: the two compared functions together
        return self.labels.get(group_id, group_id)


def _whole_or_1dp(value: float) -> str:
    return number(f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}")


def fmt_range(low: float | None, high: float | None) -> str:
    """A group's lowest to highest total: ``53–61.1``."""
    if low is None or high is None:
        return DASH
    return f"{_whole_or_1dp(low)}–{_whole_or_1dp(high)}"


def sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it already ends a sentence)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def and_list(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return _("{items} and {last}").format(items=", ".join(words[:-1]), last=words[-1])
