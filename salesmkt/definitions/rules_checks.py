"""The meaning of a rules file: what its model alone cannot check.

Every id a rule names exists in the questionnaire it reads (items, dimensions, groups,
stages, answers), rule ids are unique, priorities lie in 1–9, a transition moves up one
stage, and no condition can never be true (:mod:`salesmkt.definitions.rules_contradictions`).
Each problem has a stable ``rule-*`` code. Checking loads the questionnaires the file
names (:mod:`salesmkt.definitions.rules_instruments`). :data:`RULES` is the rules file's
entry in the registry of file kinds (:mod:`salesmkt.definitions.kinds`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from salesmkt.definitions.checks import Kind, Problem
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.rules import (
    ANY,
    INSTRUMENTS,
    OVERALL,
    PRIORITY_RANGE,
    MeanCond,
    Predicate,
    Rule,
    RulesFile,
    StageCond,
    answer_choices,
    walk,
)
from salesmkt.definitions.rules_contradictions import contradiction
from salesmkt.definitions.rules_instruments import load_instruments
from salesmkt.definitions.yamlload import Located, PathT


@dataclass
class _Ctx:
    found: dict[str, Questionnaire]
    declared: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def add(
        self, path: PathT, code: str, message: str, level: Literal["error", "warning"] = "error"
    ) -> None:
        self.problems.append(Problem(path, code, message, level))


def _known(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "none"


def _check_target(ctx: _Ctx, q: Questionnaire, body: Any, path: PathT, what: str) -> None:
    if body.item is not None and body.item not in q.item_ids:
        ctx.add(
            (*path, "item"),
            "rule-unknown-item",
            f"{what} names item {body.item!r}, which {q.id!r} does not have "
            f"({q.item_ids[0]}–{q.item_ids[-1]})",
        )
    dims = [d.id for d in q.dimensions]
    if body.dimension is not None and body.dimension not in dims:
        ctx.add(
            (*path, "dimension"),
            "rule-unknown-dimension",
            f"{what} names dimension {body.dimension!r}; {q.id!r} has {_known(dims)}",
        )


def _check_leaf(ctx: _Ctx, pred: Predicate, path: PathT) -> None:
    q = ctx.found.get("questionnaire")
    kind, body = pred.kind, pred.body
    here = (*path, kind)
    if kind in ("situation", "checklist", "funnel"):
        _check_instrument_leaf(ctx, kind, body, here)
        return
    if kind == "evidence":
        _check_evidence_leaf(ctx, body.metric, here)
        return
    if q is None:  # the survey could not be loaded (reported once, on its field)
        return
    if kind == "stage":
        _check_stage_leaf(ctx, q, body, here)
    elif kind in ("mean", "gap", "quadrant"):
        _check_target(ctx, q, body, here, kind)
        if kind == "mean":
            _check_mean_leaf(ctx, q, body, here)
        if kind == "gap" and body.direction != ANY and body.direction not in q.compare:
            ctx.add(
                (*here, "direction"),
                "rule-unknown-group",
                f"gap direction {body.direction!r}: expected 'any' or a compared group "
                f"({_known(q.compare)})",
            )
    elif kind == "low_agreement":
        groups = [g.id for g in q.groups]
        if body.group not in groups:
            ctx.add(
                (*here, "group"),
                "rule-unknown-group",
                f"low_agreement names group {body.group!r}; {q.id!r} has {_known(groups)}",
            )


def _check_evidence_leaf(ctx: _Ctx, metric: str, here: PathT) -> None:
    from salesmkt.definitions.metrics import testable_ids

    if metric not in testable_ids():
        ctx.add(
            (*here, "metric"),
            "rule-unknown-metric",
            f"evidence names metric {metric!r}; one of: {', '.join(testable_ids())}",
        )


def _check_stage_leaf(ctx: _Ctx, q: Questionnaire, body: StageCond, here: PathT) -> None:
    groups = [g.id for g in q.groups]
    if body.of != OVERALL and body.of not in groups:
        ctx.add(
            (*here, "of"),
            "rule-unknown-group",
            f"stage of {body.of!r}: expected 'overall' or a group of {q.id!r} ({_known(groups)})",
        )
    stages = [s.id for s in q.stages]
    for i, sid in enumerate(body.is_):
        if sid not in stages:
            ctx.add(
                (*here, "is", i),
                "rule-unknown-stage",
                f"stage {sid!r} is not a stage of {q.id!r} ({_known(stages)})",
            )


def _check_mean_leaf(ctx: _Ctx, q: Questionnaire, body: MeanCond, here: PathT) -> None:
    groups = [g.id for g in q.groups]
    if body.group != OVERALL and body.group not in groups:
        ctx.add(
            (*here, "group"),
            "rule-unknown-group",
            f"mean for group {body.group!r}: expected 'overall' or one of {_known(groups)}",
        )
    lo, hi = q.scale.min, q.scale.max
    if lo is None or hi is None:
        return
    if body.below is not None and body.below <= lo:
        ctx.add(
            (*here, "below"),
            "rule-threshold-range",
            f"no mean can be below {body.below:g} on a {lo}–{hi} scale; "
            "the condition is never true",
        )
    if body.above is not None and body.above >= hi:
        ctx.add(
            (*here, "above"),
            "rule-threshold-range",
            f"no mean can be above {body.above:g} on a {lo}–{hi} scale; "
            "the condition is never true",
        )


def _check_instrument_leaf(ctx: _Ctx, kind: str, body: Any, here: PathT) -> None:
    q = ctx.found.get(kind)
    if q is None:
        if kind not in ctx.declared:
            ctx.add(
                here,
                "rule-unknown-questionnaire",
                f"this file sets '{kind}: null', so a {kind} condition can never be checked",
            )
        return
    item_key = "step" if kind == "funnel" else "item"
    item_id = getattr(body, item_key)
    if not (kind == "funnel" and item_id == ANY) and item_id not in q.item_ids:
        ctx.add(
            (*here, item_key),
            "rule-unknown-item",
            f"{kind} names {item_key} {item_id!r}, which {q.id!r} does not have "
            f"({q.item_ids[0]}–{q.item_ids[-1]})",
        )
    fields = ("owner_is",) if kind == "funnel" else ("answer", "at_most", "at_least")
    for name in fields:
        value = getattr(body, name, None)
        if value is not None and q.scale.read(value) is None:
            ctx.add(
                (*here, name),
                "rule-unknown-answer",
                f"{name} {value!r} is not an answer of {q.id!r} (expected {answer_choices(q)})",
            )


def _children(pred: Predicate) -> list[Predicate]:
    if pred.kind in ("all", "any"):
        return list(pred.body)
    return [pred.body] if pred.kind == "not" else []


def _check_conditions(ctx: _Ctx, rule: Rule, base: PathT) -> None:
    for pred, path in walk(rule.when, (*base, "when")):
        kind = pred.kind
        if kind in ("all", "any") and not pred.body:
            ctx.add(
                (*path, kind), "rule-empty-combinator", f"'{kind}' needs at least one condition"
            )
            continue
        if kind not in ("all", "any", "not"):
            _check_leaf(ctx, pred, path)
        reason = contradiction(pred, ctx.found)
        # Report the innermost condition at fault, not every condition that contains it.
        if reason and not any(contradiction(c, ctx.found) for c in _children(pred)):
            ctx.add(
                path, "rule-contradiction", f"this '{kind}' condition can never be true: {reason}"
            )


def _check_reachable(ctx: _Ctx, rule: Rule, base: PathT) -> None:
    """A rule for a->b is only considered at stage a; its condition must allow that."""
    q = ctx.found.get("questionnaire")
    frm = rule.from_stage
    if q is None or frm is None or frm not in {s.id for s in q.stages}:
        return
    if contradiction(rule.when, ctx.found):
        return  # already reported as a contradiction
    at_stage = Predicate.model_validate({"stage": {"of": OVERALL, "is": [frm]}})
    if contradiction(rule.when, ctx.found, extra=[at_stage]):
        ctx.add(
            (*base, "when"),
            "rule-unreachable",
            f"rule {rule.id!r} serves {rule.transition}, so it is only considered at stage "
            f"{frm!r}, but its condition needs another overall stage",
        )


def _check_transition(ctx: _Ctx, rule: Rule, base: PathT) -> None:
    q = ctx.found.get("questionnaire")
    if q is None or rule.transition == ANY:
        return
    stages = [s.id for s in sorted(q.stages, key=lambda s: s.min)]
    a, b = rule.transition.split("->")
    for sid in (a, b):
        if sid not in stages:
            ctx.add(
                (*base, "transition"),
                "rule-unknown-stage",
                f"transition {rule.transition!r} names stage {sid!r}; "
                f"{q.id!r} has {_known(stages)}",
            )
            return
    if stages.index(b) != stages.index(a) + 1:
        ctx.add(
            (*base, "transition"),
            "rule-bad-transition",
            f"transition {rule.transition!r} skips or reverses stages; a rule serves one move "
            "up to the next stage, or 'any'",
        )


def check_rules(spec: RulesFile, located: Located) -> list[Problem]:
    found, failed = load_instruments(spec, Path(located.path).parent)
    ctx = _Ctx(found, {name for name in INSTRUMENTS if getattr(spec, name) is not None})
    for name, reason in failed:
        ctx.add((name,), "rule-unknown-questionnaire", f"{name} {getattr(spec, name)!r}: {reason}")
    seen: dict[str, int] = {}
    lo, hi = PRIORITY_RANGE
    for i, rule in enumerate(spec.rules):
        base: PathT = ("rules", i)
        if rule.id in seen:
            ctx.add(
                (*base, "id"),
                "rule-duplicate-id",
                f"rule id {rule.id!r} is already used by rule #{seen[rule.id] + 1}",
            )
        seen.setdefault(rule.id, i)
        if not lo <= rule.priority <= hi:
            ctx.add(
                (*base, "priority"),
                "rule-priority-range",
                f"priority {rule.priority} is outside {lo}–{hi} (1 = highest)",
            )
        _check_transition(ctx, rule, base)
        _check_conditions(ctx, rule, base)
        _check_reachable(ctx, rule, base)
    # Report in file order, the way a reader scans it.
    return sorted(ctx.problems, key=lambda p: located.position(p.path, key=p.key))


RULES = Kind(name="rules", model=RulesFile, check=check_rules)
