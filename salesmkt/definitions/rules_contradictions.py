"""Conditions that can never be true: the contradiction analysis of rule conditions.

Inside an ``all``, every leaf narrows what a variable may be; if some variable has
nothing left, the ``all`` can never be true. Finite variables (a stage, a quadrant, a
situation or checklist answer) are tracked as sets, means as intervals.
:func:`contradiction` is sound but not complete: it gives a reason only for a
contradiction that is certain. :mod:`salesmkt.definitions.rules_checks` reports the
reasons as ``rule-contradiction`` and ``rule-unreachable``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.rules import QUADRANTS, MeanCond, Predicate


@dataclass
class _Interval:
    lo: float = -math.inf
    lo_open: bool = True
    hi: float = math.inf
    hi_open: bool = True

    def meet(self, other: _Interval) -> _Interval:
        """The intersection; at a shared bound, open wins (it excludes the point)."""
        if self.lo != other.lo:
            lo, lo_open = max((self.lo, self.lo_open), (other.lo, other.lo_open))
        else:
            lo, lo_open = self.lo, self.lo_open or other.lo_open
        if self.hi != other.hi:
            hi, hi_open = min((self.hi, self.hi_open), (other.hi, other.hi_open))
        else:
            hi, hi_open = self.hi, self.hi_open or other.hi_open
        return _Interval(lo, lo_open, hi, hi_open)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and (self.lo_open or self.hi_open))


def _finite_var(
    pred: Predicate, found: dict[str, Questionnaire]
) -> tuple[tuple[str, ...], frozenset[Any], frozenset[Any]] | None:
    """(variable, values for which ``pred`` holds, all values) for finite leaves.

    None when the leaf is not over a finite set or names something unknown (that is
    reported on its own, not as a contradiction).
    """
    kind, body = pred.kind, pred.body
    q = found.get("questionnaire")
    if kind == "stage" and q is not None:
        universe = frozenset(s.id for s in q.stages)
        allowed = frozenset(body.is_)
        return (("stage", body.of), allowed, universe) if allowed <= universe else None
    if kind == "quadrant":
        target = ("item", body.item) if body.item else ("dimension", body.dimension)
        return ("quadrant", *target), frozenset(body.is_), frozenset(QUADRANTS)
    if kind not in ("situation", "checklist") or kind not in found:
        return None
    iq = found[kind]
    points = frozenset(float(p) for p in iq.scale.points)
    if kind == "situation" or body.answer is not None:
        v = iq.scale.read(body.answer)
        return ((kind, body.item), frozenset({v}), points) if isinstance(v, float) else None
    at_most = body.at_most is not None
    bound = iq.scale.read(body.at_most if at_most else body.at_least)
    if not isinstance(bound, float):
        return None
    allowed = frozenset(p for p in points if (p <= bound if at_most else p >= bound))
    return (kind, body.item), allowed, points


def _mean_var(pred: Predicate) -> tuple[tuple[str, ...], _Interval, _Interval | None] | None:
    """(variable, interval when true, interval when false if it is one interval)."""
    if pred.kind != "mean":
        return None
    b: MeanCond = pred.body
    var = ("mean", "item" if b.item else "dimension", str(b.item or b.dimension), b.group)
    true = _Interval()
    if b.above is not None:
        true = true.meet(_Interval(lo=b.above, lo_open=True))
    if b.below is not None:
        true = true.meet(_Interval(hi=b.below, hi_open=True))
    false: _Interval | None = None
    if b.below is not None and b.above is None:
        false = _Interval(lo=b.below, lo_open=False)
    elif b.above is not None and b.below is None:
        false = _Interval(hi=b.above, hi_open=False)
    return var, true, false


def _describe(var: tuple[str, ...]) -> str:
    if var[0] == "stage":
        return f"the {var[1]} stage"
    if var[0] == "quadrant":
        return f"the quadrant of {var[1]} {var[2]!r}"
    if var[0] == "mean":
        return f"the {var[3]} mean of {var[1]} {var[2]!r}"
    return f"the {var[0]} answer to {var[1]!r}"


def _interval_words(iv: _Interval) -> str:
    parts = []
    if iv.lo > -math.inf:
        parts.append(f"{'above' if iv.lo_open else 'at least'} {iv.lo:g}")
    if iv.hi < math.inf:
        parts.append(f"{'below' if iv.hi_open else 'at most'} {iv.hi:g}")
    return " and ".join(parts)


def contradiction(
    pred: Predicate, found: dict[str, Questionnaire], extra: Sequence[Predicate] = ()
) -> str | None:
    """Why ``pred`` (and-ed with ``extra``) can never hold, or None if it may hold.

    Sound but not complete: a reason is only given for a contradiction that is certain.
    """
    kind = pred.kind
    if kind == "all":
        return _all_contradiction([*pred.body, *extra], found)
    if extra:
        return _all_contradiction([pred, *extra], found)
    if kind == "any":
        if pred.body and all(contradiction(c, found) for c in pred.body):
            return "none of its alternatives can ever be true"
        return None
    if kind == "not":
        return "'not: {always: true}' is never true" if pred.body.kind == "always" else None
    mv = _mean_var(pred)
    if mv is not None and mv[1].empty:
        return f"{_describe(mv[0])} cannot be {_interval_words(mv[1])}"
    fv = _finite_var(pred, found)
    if fv is not None and not fv[1]:
        return f"{_describe(fv[0])} has no value that satisfies it"
    return None


def _all_contradiction(
    children: Sequence[Predicate], found: dict[str, Questionnaire]
) -> str | None:
    flat: list[Predicate] = []
    for child in children:
        flat.extend(child.body if child.kind == "all" else [child])
    if any(c.kind == "all" for c in flat):
        return _all_contradiction(flat, found)
    sets: dict[tuple[str, ...], frozenset[Any]] = {}
    intervals: dict[tuple[str, ...], _Interval] = {}
    for child in flat:
        reason = contradiction(child, found)
        if reason:
            return reason
        negated = child.kind == "not"
        leaf = child.body if negated else child
        if negated and leaf in flat:
            return f"it requires a '{leaf.kind}' condition and its negation"
        fv = _finite_var(leaf, found)
        if fv is not None:
            var, allowed, universe = fv
            sets[var] = sets.get(var, universe) & (universe - allowed if negated else allowed)
            if not sets[var]:
                return f"no value of {_describe(var)} satisfies every part"
        mv = _mean_var(leaf)
        if mv is not None:
            var, true, false = mv
            piece = false if negated else true
            if piece is None:
                continue
            before = intervals.get(var, _Interval())
            intervals[var] = before.meet(piece)
            if intervals[var].empty:
                return (
                    f"{_describe(var)} would have to be {_interval_words(before)} "
                    f"and {_interval_words(piece)}"
                )
    return None
