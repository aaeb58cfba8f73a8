"""Conditions in words: a rule's ``when`` read aloud as a consultant would say it.

Vocabulary: a *condition* is a rule's predicate (always, all/any/not, mean, gap,
quadrant, low agreement, stage, situation, checklist, funnel, CRM evidence); *describing*
it gives one sentence in the reader's language, with thresholds written as the rules
write them (``3.5``, or ``3,5`` in German) and statements quoted by their label.
"""

from __future__ import annotations

from salesmkt.definitions.metrics import CATALOGUE, metric_name
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.rules import ANY, OVERALL, EvidenceCond, Predicate, RuleBook
from salesmkt.l10n import _, number
from salesmkt.wording import fmt_figure, quadrant_words


def g_value(value: float) -> str:
    """A threshold as written in the rules (``3.5``), with the reader's decimal symbol."""
    return number(f"{value:g}")


def quoted(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def describe(book: RuleBook, pred: Predicate) -> str:
    """A condition as a consultant would read it aloud."""
    kind, body = pred.kind, pred.body
    q = book.questionnaire
    if kind == "always":
        return _("always")
    if kind in ("all", "any"):
        parts = [describe(book, p) for p in body]
        if len(parts) == 1:
            return parts[0]
        return (_("all of: ") if kind == "all" else _("any of: ")) + "; ".join(parts)
    if kind == "not":
        return _("not ({condition})").format(condition=describe(book, body))
    if kind in ("mean", "gap", "quadrant"):
        if body.item is not None:
            name = f"{body.item} {quoted(q.item(body.item).label)}"
        else:
            name = _("{label} (dimension)").format(label=q.dimension(body.dimension).label)
        if kind == "mean":
            tests = []
            if body.above is not None:
                tests.append(_("above {value}").format(value=g_value(body.above)))
            if body.below is not None:
                tests.append(_("below {value}").format(value=g_value(body.below)))
            both = _(" and ").join(tests)
            if body.group == OVERALL:
                return _("{name} mean is {tests}").format(name=name, tests=both)
            return _("{name} mean for {group} is {tests}").format(
                name=name, group=_label(book, body.group), tests=both
            )
        if kind == "gap":
            if body.direction == ANY:
                return _("a flagged Sales–Marketing gap on {name}").format(name=name)
            return _("a flagged Sales–Marketing gap on {name}, {group} higher").format(
                name=name, group=_label(book, body.direction)
            )
        values = _(" or ").join(quadrant_words(x) for x in body.is_)
        return _("{name} is {values}").format(name=name, values=values)
    if kind == "stage":
        stages = _(" or ").join(book.stage_label(s) for s in body.is_)
        if body.of == OVERALL:
            return _("overall stage is {stages}").format(stages=stages)
        return _("{group} stage is {stages}").format(group=_label(book, body.of), stages=stages)
    if kind == "low_agreement":
        return _("low agreement inside {group}").format(group=_label(book, body.group))
    if kind in ("situation", "checklist"):
        iq = book.situation if kind == "situation" else book.checklist
        label = iq.item(body.item).label if iq else body.item
        test, raw = next(
            (t, getattr(body, t))
            for t in ("answer", "at_most", "at_least")
            if getattr(body, t, None) is not None
        )
        said = {
            "answer": _("{instrument} {item} {label} is {answer}"),
            "at_most": _("{instrument} {item} {label} is at most {answer}"),
            "at_least": _("{instrument} {item} {label} is at least {answer}"),
        }[test]
        return said.format(
            instrument=iq.id if iq else kind,
            item=body.item,
            label=quoted(label),
            answer=_answer_label(iq, raw),
        )
    if kind == "evidence":
        return _describe_evidence(body)
    # funnel
    step = (
        _("a funnel step") if body.step == ANY else _("funnel step {step}").format(step=body.step)
    )
    if body.finding == "unowned":
        return _("{step} that nobody owns").format(step=step)
    if body.finding == "contested":
        return _("{step} that Sales and Marketing each claim").format(step=step)
    owner = _answer_label(book.funnel, body.owner_is)
    return _("{step} owned by {owner}").format(step=step, owner=owner)


def _describe_evidence(body: EvidenceCond) -> str:
    info = CATALOGUE.get(body.metric)
    label = metric_name(body.metric)
    kind = info.kind if info else "count"
    tests = []
    if body.above is not None:
        tests.append(_("above {value}").format(value=fmt_figure(kind, body.above)))
    if body.below is not None:
        tests.append(_("below {value}").format(value=fmt_figure(kind, body.below)))
    return _("the CRM data show {metric} clearly {tests}").format(
        metric=label, tests=_(" and ").join(tests)
    )


def _answer_label(q: Questionnaire | None, raw: str | int | None) -> str:
    """The scale's own word for an answer written in a rules file ("yes" → "Yes")."""
    if q is None or raw is None:
        return str(raw)
    value = q.scale.read(raw)
    if isinstance(value, str):
        return next((o.label for o in q.scale.options if o.id == value), value)
    if value is None:
        return str(raw)
    return q.scale.labels.get(int(value), g_value(value))


def _label(book: RuleBook, group_id: str) -> str:
    try:
        return book.questionnaire.group(group_id).label
    except KeyError:
        return group_id
