"""The report's progress section: what changed since a baseline wave, worded.

Vocabulary: the *comparison* is :class:`salesmkt.analysis.compare.Comparison` (the
baseline *before*, the reported wave *after*); a *movement* is a stage moving up, down
or not at all; a gap *narrowed* when its size shrank. Figures are worded through
:mod:`salesmkt.wording`, like the rest of the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.l10n import N_, _, ngettext
from salesmkt.render.report.view import ProgressView
from salesmkt.wording import DASH, fmt_ci, fmt_gap, fmt_mean, fmt_p

if TYPE_CHECKING:
    from salesmkt.analysis.comparison import Change, Comparison, GapChange
    from salesmkt.model.assessment import StageRef

_MOVES = {"up": N_("up"), "down": N_("down"), "same": N_("unchanged")}


def _stage(ref: StageRef | None) -> str:
    return ref.label if ref is not None else DASH


def _movement(direction: str, steps: int | None) -> str:
    if steps and direction == "up":
        return ngettext("up {n} stage", "up {n} stages", abs(steps)).format(n=abs(steps))
    if steps and direction == "down":
        return ngettext("down {n} stage", "down {n} stages", abs(steps)).format(n=abs(steps))
    if direction == "unknown":
        return DASH
    return _(_MOVES[direction]) if direction in _MOVES else direction


def _p_text(change: Change) -> str:
    if change.p_value is None:
        return change.note or DASH
    p = fmt_p(change.p_value)
    return f"{p} ({change.test})" if change.test else p


def _gap_words(g: GapChange) -> str:
    if g.reversed:
        return _("reversed")
    if g.narrowed is None:
        return g.note or DASH
    return _("narrowed") if g.narrowed else _("widened or unchanged")


def progress_view(c: Comparison) -> ProgressView:
    """The comparison of a baseline (before) with this wave (after), as table rows."""
    baseline = c.before.source or _("the baseline")
    return ProgressView(
        baseline=Path(baseline).name,
        design_note=c.design_note,
        stages=[
            (s.label, _stage(s.before), _stage(s.after), _movement(s.direction, s.steps))
            for s in c.stages
        ],
        totals=[
            (
                t.label,
                fmt_mean(t.before, 1),
                fmt_mean(t.after, 1),
                fmt_gap(t.change, 1),
                fmt_ci(t.ci, 1),
                _p_text(t),
            )
            for t in c.totals
        ],
        dimensions=[
            (
                d.label,
                fmt_mean(d.before, 2),
                fmt_mean(d.after, 2),
                fmt_gap(d.change, 2),
                fmt_ci(d.ci, 2),
            )
            for d in c.dimensions
        ],
        gaps=[(g.label, fmt_gap(g.before, 1), fmt_gap(g.after, 1), _gap_words(g)) for g in c.gaps],
        movers=[
            (f"{m.id} {m.label}", fmt_mean(m.before, 2), fmt_mean(m.after, 2), fmt_gap(m.change, 2))
            for m in c.movers
        ],
        notes=list(c.notes),
    )
