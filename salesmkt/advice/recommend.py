"""Recommendations: the stay-or-move-up verdict, then the rules that fire, with evidence.

Vocabulary:
- *current stage*: the overall stage of the assessment (or the one chosen with
  ``--stage``); the *move* considered is the one to the next stage up.
- *considered rules*: those serving the move out of the current stage, plus the rules
  for ``any`` stage. Only considered rules can fire.
- *truth*: conditions are three-valued: true, false, or *unknown* when the data they
  read are missing (an instrument not given, a suppressed group, a gap that could not be
  estimated). ``all``/``any``/``not`` follow Kleene's logic (``not unknown`` is unknown,
  ``all`` is false as soon as one part is false…) and a rule fires only when its
  condition is true, so no action ever rests on missing data.
- *evidence*: one line per fact a fired rule's condition read, e.g.
  ``q06 "Sales shares feedback": Sales 4.2 vs Marketing 2.6, gap +1.6, large effect``.
- *verdict*: ``stay`` or ``move_up`` when the need-to-align answers for the current
  stage point one way only, ``mixed`` when they point both ways, ``unknown`` when none
  was given (or none applies), ``top`` at the highest stage.

Everything here is pure: data in, :class:`~salesmkt.model.assessment.Advice` out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from salesmkt.advice.answers import Answers
from salesmkt.advice.conditions import describe
from salesmkt.advice.conditions import g_value as _g
from salesmkt.advice.conditions import quoted as _quote
from salesmkt.definitions.metrics import metric_name
from salesmkt.definitions.rules import (
    ANY,
    OVERALL,
    ChecklistCond,
    EvidenceCond,
    FunnelCond,
    GapCond,
    LowAgreementCond,
    MeanCond,
    Predicate,
    QuadrantCond,
    Rule,
    RuleBook,
    SituationCond,
    StageCond,
)
from salesmkt.errors import AnalysisError, UsageError
from salesmkt.l10n import _, number, reader_language, whole
from salesmkt.model.assessment import (
    Action,
    Advice,
    Assessment,
    DimensionResult,
    Evidence,
    ItemResult,
    QuestionnaireRef,
    StageRef,
    StayOrMove,
)
from salesmkt.model.evidence import EvidenceResult
from salesmkt.wording import effect_words, fmt_figure, fmt_figure_ci, quadrant_words

Truth = bool | None
DECIMALS = 9  # means are rounded this far before a threshold test (float noise)
NOBODY = "nobody"
SHARED = "shared"


@dataclass
class _Result:
    truth: Truth
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class _Inputs:
    book: RuleBook
    assessment: Assessment | None
    situation: Answers | None
    checklist: Answers | None
    funnel: Answers | None
    stage_override: str | None = None
    evidence: EvidenceResult | None = None  # CRM funnel figures (salesmkt evidence)


# -- small formatting helpers ---------------------------------------------------------


def _num(value: float, near: float | None = None) -> str:
    """One decimal, or two when one would hide which side of ``near`` the value is on."""
    text = f"{value:.1f}"
    if near is not None and round(value, 1) == near and round(value, DECIMALS) != near:
        text = f"{value:.2f}"
    return number(text)


def _lower_first(text: str) -> str:
    if reader_language() == "de":
        return text  # German nouns keep their capital inside a sentence
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _group_label(inp: _Inputs, group_id: str) -> str:
    if inp.assessment is not None:
        g = inp.assessment.group(group_id)
        if g is not None:
            return g.label
    try:
        return inp.book.questionnaire.group(group_id).label
    except KeyError:
        return group_id.capitalize()


def _target(
    inp: _Inputs, body: MeanCond | GapCond | QuadrantCond
) -> tuple[str, ItemResult | DimensionResult | None]:
    """The target's name for evidence and its result in the assessment."""
    item_id = body.item
    q = inp.book.questionnaire
    a = inp.assessment
    if item_id is not None:
        result = a.item(item_id) if a else None
        short = (result.short or result.text) if result else q.item(item_id).label
        return f"{item_id} {_quote(short)}", result
    dim_id = str(body.dimension)  # the model guarantees one of item/dimension
    dim = a.dimension(dim_id) if a else None
    label = dim.label if dim else q.dimension(dim_id).label
    return _("{label} (dimension)").format(label=label), dim


def _group_means(inp: _Inputs, result: ItemResult | DimensionResult) -> str:
    parts = []
    for gid in inp.assessment.compare if inp.assessment else []:
        v = result.means_by_group.get(gid)
        if v is not None:
            parts.append(f"{_group_label(inp, gid)} {_num(v)}")
    return ", ".join(parts)


# -- leaves ---------------------------------------------------------------------------


def _stage(inp: _Inputs, body: StageCond) -> _Result:
    of = body.of
    wanted = body.is_
    a = inp.assessment
    if of == OVERALL:
        if inp.stage_override is not None:
            sid = inp.stage_override
            label = inp.book.stage_label(sid)
            text = _("Overall stage: {stage} (chosen with --stage)").format(stage=label)
        else:
            if a is None or a.overall.stage is None:
                return _Result(None)
            sid, label = a.overall.stage.id, a.overall.stage.label
            score = f" ({_num(a.overall.score)})" if a.overall.score is not None else ""
            text = _("Overall stage: {stage}{score}").format(stage=label, score=score)
    else:
        g = a.group(of) if a else None
        if g is None or g.stage is None:
            return _Result(None)
        sid = g.stage.id
        score = f" ({_num(g.mean)})" if g.mean is not None else ""
        text = _("{group} stage: {stage}{score}").format(
            group=g.label, stage=g.stage.label, score=score
        )
    return _Result(sid in wanted, [Evidence(kind="stage", text=text)])


def _mean(inp: _Inputs, body: MeanCond) -> _Result:
    name, result = _target(inp, body)
    group = body.group
    below = body.below
    above = body.above
    if result is None:
        return _Result(None)
    value = result.mean if group == OVERALL else result.means_by_group.get(group)
    if value is None:
        return _Result(None)
    v = round(value, DECIMALS)
    truth = (below is None or v < below) and (above is None or v > above)
    near = below if below is not None else above
    if group == OVERALL:
        others = _group_means(inp, result)
        fact = _("mean {value}").format(value=_num(value, near))
        fact += f" ({others})" if others else ""
    else:
        fact = _("{group} mean {value}").format(
            group=_group_label(inp, group), value=_num(value, near)
        )
    if below is not None and above is not None:
        test = (
            _("between {low} and {high}") if truth else _("not between {low} and {high}")
        ).format(low=_g(above), high=_g(below))
    elif below is not None:
        test = (_("below {value}") if truth else _("not below {value}")).format(value=_g(below))
    else:
        test = (_("above {value}") if truth else _("not above {value}")).format(
            value=_g(above or 0.0)
        )
    text = f"{name}: {fact}, {test}"
    return _Result(truth, [Evidence(kind="mean", text=text)])


def _gap_words(inp: _Inputs, result: ItemResult | DimensionResult) -> str:
    a = inp.assessment
    assert a is not None and result.gap is not None
    parts = []
    if len(a.compare) == 2:
        x, y = a.compare
        mx, my = result.means_by_group.get(x), result.means_by_group.get(y)
        if mx is not None and my is not None:
            parts.append(
                _("{first} {first_mean} vs {second} {second_mean}").format(
                    first=_group_label(inp, x),
                    first_mean=_num(mx),
                    second=_group_label(inp, y),
                    second_mean=_num(my),
                )
            )
    parts.append(_("gap {gap}").format(gap=number(f"{result.gap:+.1f}")))
    if result.effect_size is not None:
        parts.append(effect_words(result.effect_size))
    return ", ".join(parts)


def _gap(inp: _Inputs, body: GapCond) -> _Result:
    name, result = _target(inp, body)
    direction = body.direction
    if result is None or result.gap is None:
        return _Result(None)
    truth = result.flagged and (direction == ANY or result.direction == direction)
    words = _gap_words(inp, result)
    if not result.flagged:
        words += ", " + _("not flagged")
    elif not truth:
        higher = _("{group} rates higher").format(group=_group_label(inp, result.direction or ""))
        words += f", {higher}"
    return _Result(truth, [Evidence(kind="gap", text=f"{name}: {words}")])


def _quadrant(inp: _Inputs, body: QuadrantCond) -> _Result:
    name, result = _target(inp, body)
    wanted = body.is_
    if result is None or result.quadrant is None:
        return _Result(None)
    others = _group_means(inp, result)
    text = f"{name}: {quadrant_words(result.quadrant)}" + (f" ({others})" if others else "")
    return _Result(result.quadrant in wanted, [Evidence(kind="quadrant", text=text)])


def _low_agreement(inp: _Inputs, body: LowAgreementCond) -> _Result:
    group = body.group
    a = inp.assessment
    found = next((r for r in a.agreement if r.group == group), None) if a else None
    if found is None or found.low_agreement is None:
        return _Result(None)
    stats = []
    if found.rwg_j is not None:
        stats.append(f"rwg(j) {number(f'{found.rwg_j:.2f}')}")
    if found.ad_m is not None:
        stats.append(f"AD(M) {number(f'{found.ad_m:.2f}')}")
    stats.append(f"n = {found.n}")
    label = _group_label(inp, group)
    head = (
        _("Low agreement inside {group}") if found.low_agreement else _("{group} agree")
    ).format(group=label)
    text = f"{head}: " + ", ".join(stats)
    return _Result(found.low_agreement, [Evidence(kind="agreement", text=text)])


def _answer_leaf(
    answers: Answers | None, kind: str, item_id: str, test: str, raw: str | int
) -> _Result:
    if answers is None:
        return _Result(None)
    value = answers.value(item_id)
    if value is None or isinstance(value, str):
        return _Result(None)
    bound = answers.questionnaire.scale.read(raw)
    if not isinstance(bound, float):
        return _Result(None)
    truth = {"answer": value == bound, "at_most": value <= bound, "at_least": value >= bound}[test]
    item = answers.questionnaire.item(item_id)
    text = f"{answers.questionnaire.id} {item_id} {_quote(item.label)}: {answers.label_of(value)}"
    return _Result(truth, [Evidence(kind=kind, text=text)])


def _situation(inp: _Inputs, body: SituationCond) -> _Result:
    return _answer_leaf(
        inp.situation,
        "situation",
        body.item,
        "answer",
        body.answer,
    )


def _checklist(inp: _Inputs, body: ChecklistCond) -> _Result:
    for test in ("answer", "at_most", "at_least"):
        raw = getattr(body, test)
        if raw is not None:
            return _answer_leaf(inp.checklist, "checklist", body.item, test, raw)
    return _Result(None)  # pragma: no cover - the model requires one


def _funnel_step(inp: _Inputs, step: str, finding: str | None, owner: str | None) -> _Result:
    f = inp.funnel
    assert f is not None
    answers = f.answered(step)
    if not answers:
        return _Result(None)
    values = [v for _who, v in answers]
    if finding == "unowned":
        truth = NOBODY in values
    elif finding == "contested":
        conventional = {i.owner for i in f.questionnaire.items if i.owner}
        truth = len({v for v in values if v in conventional}) > 1
    else:
        wanted = f.questionnaire.scale.read(owner or "")
        truth = all(v == wanted for v in values)
    item = f.questionnaire.item(step)
    if len(f.sets) == 1:
        said = f.label_of(values[0])
    else:
        said = ", ".join(f"{f.label_of(v)} ({who})" for who, v in answers)
    text = f"{f.questionnaire.id} {step} {_quote(item.label)}: {said}"
    if item.owner and finding == "unowned":
        text += _("; conventionally {owner}").format(owner=f.label_of(item.owner))
    return _Result(truth, [Evidence(kind="funnel", text=text)])


def _funnel(inp: _Inputs, body: FunnelCond) -> _Result:
    if inp.funnel is None:
        return _Result(None)
    step = body.step
    finding = body.finding
    owner = body.owner_is
    if step != ANY:
        return _funnel_step(inp, step, finding, owner)
    results = [_funnel_step(inp, s, finding, owner) for s in inp.funnel.questionnaire.item_ids]
    return _any(results)


# -- combinators (Kleene logic) ---------------------------------------------------------


def _all(results: Sequence[_Result]) -> _Result:
    false = [r for r in results if r.truth is False]
    if false:
        return _Result(False, [e for r in false for e in r.evidence])
    if any(r.truth is None for r in results):
        return _Result(None)
    return _Result(True, [e for r in results for e in r.evidence])


def _any(results: Sequence[_Result]) -> _Result:
    true = [r for r in results if r.truth is True]
    if true:
        return _Result(True, [e for r in true for e in r.evidence])
    if any(r.truth is None for r in results):
        return _Result(None)
    return _Result(False, [e for r in results for e in r.evidence])


def _evidence(inp: _Inputs, body: EvidenceCond) -> _Result:
    """A funnel metric clearly beyond a threshold: its whole interval, never a small n."""
    figure = inp.evidence.figure(body.metric) if inp.evidence is not None else None
    if figure is None or figure.value is None or figure.ci is None or figure.small:
        return _Result(None)
    low, high = figure.ci
    truth = (body.below is None or high < body.below) and (body.above is None or low > body.above)
    shown = f"{fmt_figure(figure.kind, figure.value)} {fmt_figure_ci(figure.kind, figure.ci)}"
    name = metric_name(body.metric, figure.label)
    text = _("CRM data: {figure} {shown}").format(figure=name, shown=shown)
    if figure.denominator is not None:
        text += f" (n = {whole(figure.denominator)})"
    return _Result(truth, [Evidence(kind="crm", text=text)])


_LEAVES: dict[str, Callable[[_Inputs, Any], _Result]] = {
    "stage": _stage,
    "mean": _mean,
    "gap": _gap,
    "quadrant": _quadrant,
    "low_agreement": _low_agreement,
    "situation": _situation,
    "checklist": _checklist,
    "funnel": _funnel,
    "evidence": _evidence,
}


def _eval(pred: Predicate, inp: _Inputs) -> _Result:
    kind = pred.kind
    if kind == "always":
        return _Result(True)
    if kind == "all":
        return _all([_eval(p, inp) for p in pred.body])
    if kind == "any":
        return _any([_eval(p, inp) for p in pred.body])
    if kind == "not":
        inner = _eval(pred.body, inp)
        return _Result(None if inner.truth is None else not inner.truth, inner.evidence)
    return _LEAVES[kind](inp, pred.body)


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen: set[str] = set()
    out = []
    for e in evidence:
        if e.text not in seen:
            seen.add(e.text)
            out.append(e)
    return out


# -- stay or move up --------------------------------------------------------------------


def _reasons(situation: Answers, stage_id: str, argues: str) -> list[str]:
    out = []
    for item in situation.questionnaire.items:
        if item.stage != stage_id or item.argues != argues:
            continue
        value = situation.value(item.id)
        if isinstance(value, float) and value == situation.questionnaire.scale.max:
            out.append(item.short or item.text)
    return out


def _stage_ref(book: RuleBook, stage_id: str | None) -> StageRef | None:
    if stage_id is None:
        return None
    return StageRef(id=stage_id, label=book.stage_label(stage_id))


def shorten(advice: Advice, top: int) -> Advice:
    """Keep the ``top`` highest-priority actions (0 keeps all), counting the rest.

    Actions are already in priority order, so the ones left out matter least; the count
    is kept so every format can say that more exist.
    """
    if top <= 0 or len(advice.actions) <= top:
        return advice
    return advice.model_copy(
        update={
            "actions": advice.actions[:top],
            "more_actions": advice.more_actions + len(advice.actions) - top,
        }
    )


def load_answer_files(
    book: RuleBook,
    *,
    situation: Path | None = None,
    checklist: Path | None = None,
    funnel: Path | None = None,
) -> dict[str, Answers]:
    """Read the instrument answers a rules file can use, keyed situation/checklist/funnel.

    Only the funnel may hold several answer sets (each head answers separately).
    """
    from salesmkt.advice.answers import load_answers

    loaded: dict[str, Answers] = {}
    for name, path in (("situation", situation), ("checklist", checklist), ("funnel", funnel)):
        if path is None:
            continue
        instrument = getattr(book, name)
        if instrument is None:
            raise UsageError(f"--{name}: the rules file {book.path} reads no {name} answers")
        loaded[name] = load_answers(path, instrument, many=name == "funnel")
    return loaded


def stay_or_move(book: RuleBook, current: str | None, situation: Answers | None) -> StayOrMove:
    """The verdict for ``current`` from the need-to-align answers for that stage."""
    if current is None:
        return StayOrMove(
            verdict="unknown",
            message=_(
                "The overall stage is not known (no score), so whether to move up "
                "cannot be judged; only rules for any stage were checked."
            ),
        )
    here = book.stage_label(current)
    nxt = book.next_stage(current)
    out = StayOrMove(current_stage=_stage_ref(book, current), next_stage=_stage_ref(book, nxt))
    if nxt is None:
        out.verdict = "top"
        out.message = _(
            "You are {here}, the highest stage: there is no stage to move up to. "
            "Any actions below keep it that way."
        ).format(here=here)
        return out
    there = book.stage_label(nxt)
    if situation is None:
        out.message = _(
            "You are {here}. Whether to move up to {there} depends on your situation, "
            "which was not given: answer the need-to-align questions (--situation FILE) "
            "to get this advice. Treat the actions below as options."
        ).format(here=here, there=there)
        return out
    stay = _reasons(situation, current, "stay")
    move = _reasons(situation, current, "move_up")
    out.stay_reasons, out.move_reasons = stay, move
    asked = [i for i in situation.questionnaire.items if i.stage == current]
    answered = any(situation.value(i.id) is not None for i in asked)
    out.verdict, out.message = _verdict(here, there, stay, move, answered=answered)
    return out


def _verdict(
    here: str, there: str, stay: list[str], move: list[str], *, answered: bool
) -> tuple[Literal["stay", "move_up", "mixed", "unknown"], str]:
    """The verdict and its message from the reasons for staying and for moving up."""

    def words(reasons: list[str]) -> str:
        return ", ".join(_lower_first(r) for r in reasons)

    if stay and not move:
        return "stay", _(
            "You are {here}. Your situation argues for staying: {reasons}. "
            "The actions below are optional."
        ).format(here=here, reasons=words(stay))
    if move and not stay:
        return "move_up", _(
            "You are {here}. Your situation argues for moving up to {there}: "
            "{reasons}. The actions below are the way there."
        ).format(here=here, there=there, reasons=words(move))
    if stay and move:
        lean = ""
        if len(move) != len(stay):
            lean = " " + (
                _("On balance it leans towards moving up ({n_for} for, {n_against} against).")
                if len(move) > len(stay)
                else _("On balance it leans towards staying ({n_for} for, {n_against} against).")
            ).format(n_for=len(move), n_against=len(stay))
        return "mixed", _(
            "You are {here}. Your situation points both ways: for staying, {stay}; "
            "for moving up to {there}, {move}.{lean} Decide in the room before "
            "committing to the actions below."
        ).format(here=here, stay=words(stay), there=there, move=words(move), lean=lean)
    if not answered:
        return "unknown", _(
            "You are {here}. None of the need-to-align questions for the {here} stage "
            "was answered, so whether to move up is open. Treat the actions below as options."
        ).format(here=here)
    return "unknown", _(
        "You are {here}. None of the situations listed for the {here} stage applies "
        "to you, so nothing argues for or against moving up to {there}. Treat the "
        "actions below as options."
    ).format(here=here, there=there)


# -- the public entry points ------------------------------------------------------------


def _transition_order(book: RuleBook, rule: Rule) -> int:
    frm = rule.from_stage
    ids = book.stage_ids()
    return ids.index(frm) if frm in ids else len(ids)


def _action(book: RuleBook, rule: Rule, evidence: list[Evidence]) -> Action:
    return Action(
        rule=rule.id,
        title=rule.title,
        action=rule.action,
        why=rule.why,
        transition=rule.transition,
        owner=rule.owner,
        horizon=rule.horizon,
        priority=rule.priority,
        evidence=evidence,
    )


def _referenced(rule: Rule) -> set[str]:
    from salesmkt.definitions.rules import walk

    return {p.kind for p, _ in walk(rule.when, ())}


def considered(book: RuleBook, stage: str | None) -> list[Rule]:
    """The rules that may fire at ``stage``: its move up, and rules for any stage."""
    nxt = book.next_stage(stage) if stage else None
    move = f"{stage}->{nxt}" if nxt else None
    return [r for r in book.rules if r.transition == ANY or r.transition == move]


def _check_stage(book: RuleBook, stage: str) -> None:
    ids = book.stage_ids()
    if stage not in ids:
        raise UsageError(f"unknown stage {stage!r}; expected one of {', '.join(ids)}")


def evaluate(
    book: RuleBook,
    assessment: Assessment,
    *,
    situation: Answers | None = None,
    checklist: Answers | None = None,
    funnel: Answers | None = None,
    stage: str | None = None,
    crm: EvidenceResult | None = None,
) -> Advice:
    """The advice for one assessment: the verdict, then the fired rules in order.

    ``stage`` replaces the assessment's overall stage (to plan a move from elsewhere);
    ``crm``, the CRM funnel figures (``salesmkt evidence``) that ``evidence`` conditions
    read.
    """
    target = book.questionnaire.id
    if assessment.questionnaire.id != target:
        raise AnalysisError(
            f"the rules in {book.path} read {target!r} results, but this assessment is "
            f"from {assessment.questionnaire.id!r}"
        )
    if stage is not None:
        _check_stage(book, stage)
    current = stage or (assessment.overall.stage.id if assessment.overall.stage else None)
    inp = _Inputs(book, assessment, situation, checklist, funnel, stage, crm)
    fired: list[tuple[Rule, list[Evidence]]] = []
    rules = considered(book, current)
    for rule in rules:
        result = _eval(rule.when, inp)
        if result.truth is True:
            evidence = _dedupe(result.evidence)
            if not evidence:
                evidence = [_playbook_evidence(book, rule)]
            fired.append((rule, evidence))
    fired.sort(key=lambda t: (t[0].priority, _transition_order(book, t[0]), t[0].id))
    verdict = stay_or_move(book, current, situation)
    if stage is not None and verdict.current_stage is not None:
        verdict.message += _override_note(assessment, book)
    else:
        verdict.message += _context_notes(assessment)
    given = {"situation": situation, "checklist": checklist, "funnel": funnel}
    needed: set[str] = set()
    for rule in rules:
        needed |= _referenced(rule)
    if verdict.verdict == "unknown" and current is not None:
        needed.add("situation")  # the verdict itself needs it
    missing = [
        name
        for name, value in given.items()
        if value is None and name in needed and getattr(book.spec, name) is not None
    ]
    return Advice(
        rules=QuestionnaireRef(id=book.spec.id, version=book.spec.version, title=book.spec.title),
        stay_or_move=verdict,
        actions=[_action(book, r, ev) for r, ev in fired],
        missing_inputs=missing,
    )


def _override_note(a: Assessment, book: RuleBook) -> str:
    if a.overall.stage is None:
        return " " + _("(Stage chosen with --stage; the data place you at no stage.)")
    score = f" ({_num(a.overall.score)})" if a.overall.score is not None else ""
    return " " + _("(Stage chosen with --stage; the data place you at {stage}{score}.)").format(
        stage=a.overall.stage.label, score=score
    )


def _context_notes(a: Assessment) -> str:
    notes = []
    sd = a.stage_disagreement
    if sd is not None and sd.differs and sd.headline:
        notes.append(sd.headline.rstrip("."))
    for b in a.borderline:
        if b.who == OVERALL and b.message:
            notes.append(b.message.rstrip("."))
    return "".join(" " + _("Note: {note}.").format(note=n) for n in notes)


def _playbook_evidence(book: RuleBook, rule: Rule) -> Evidence:
    if rule.transition == ANY:
        return Evidence(kind="playbook", text=_("Applies at every stage"))
    move = book.transition_label(rule.transition)
    return Evidence(kind="playbook", text=_("Standard step for the move {move}").format(move=move))


def playbook(book: RuleBook, stage: str) -> list[Action]:
    """Every action for moving up from ``stage``, with no data: the conditions in words."""
    _check_stage(book, stage)
    rules = [r for r in considered(book, stage) if r.transition != ANY]
    rules.sort(key=lambda r: (r.priority, r.id))
    return [
        _action(
            book,
            r,
            [
                Evidence(
                    kind="condition",
                    text=_("When {condition}").format(condition=describe(book, r.when)),
                )
            ],
        )
        for r in rules
    ]


def playbook_advice(book: RuleBook, stage: str) -> Advice:
    """The playbook wrapped as advice (no verdict: there is no situation and no data)."""
    actions = playbook(book, stage)
    nxt = book.next_stage(stage)
    here = book.stage_label(stage)
    if nxt is None:
        message = _("{here} is the highest stage: there is no move up to plan.").format(here=here)
    else:
        message = _(
            "The playbook for moving from {here} to {there}: {n} action(s). Run 'salesmkt "
            "recommend FILE' to see which of them your own results call for."
        ).format(here=here, there=book.stage_label(nxt), n=len(actions))
    verdict = StayOrMove(
        verdict="top" if nxt is None else "unknown",
        current_stage=_stage_ref(book, stage),
        next_stage=_stage_ref(book, nxt),
        message=message,
    )
    return Advice(
        rules=QuestionnaireRef(id=book.spec.id, version=book.spec.version, title=book.spec.title),
        stay_or_move=verdict,
        actions=actions,
    )
