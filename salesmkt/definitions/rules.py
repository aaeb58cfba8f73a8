"""The rules file: recommended actions and the conditions that fire them.

Vocabulary:
- *rules file*: a YAML file (the shipped one is ``rules/moving-up.yaml``) with an id, a
  version, the *target* questionnaire whose results it reads (``alignment``) and the
  instruments its conditions may also read: the *situation* (``need-to-align``), the
  *checklist* (``integration-checklist``) and the *funnel* (``buying-funnel``).
- *rule*: one recommended action: ``title``, ``action`` (what to do, in plain words),
  ``why`` (grounded in the sources), the ``transition`` it serves
  (``undefined->defined``… or ``any``), an ``owner``, a ``horizon``, a ``priority``
  (1 = highest) and a ``when`` condition; ``covers`` lists the playbook action keys the
  rule carries out (so a test can prove that every published action is covered).
- *condition* (predicate): a mapping with exactly one key naming its kind: ``stage``,
  ``mean``, ``gap``, ``quadrant``, ``low_agreement``, ``situation``, ``checklist``,
  ``funnel`` (leaves), ``all``, ``any``, ``not`` (combinators) or ``always``. Conditions
  are data, never code: nothing is ``eval``-ed.
- *target*: the item or dimension a ``mean``/``gap``/``quadrant`` condition reads.

The pydantic model checks shapes; :func:`check_rules` checks meaning (every id a rule
names exists in the questionnaire it reads, no duplicate rule ids, no condition that can
never be true…) and reports each problem with a stable ``rule-*`` code.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from salesmkt.definitions.checks import Kind, Problem, check_file, check_located, register_kind
from salesmkt.definitions.questionnaire import Questionnaire, normalise
from salesmkt.definitions.yamlload import Located, PathT, load_yaml

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]

Owner = Literal["sales", "marketing", "both", "leadership"]
Horizon = Literal["now", "quarter", "year"]
QuadrantName = Literal["shared_strength", "shared_pain", "split", "mixed"]
FunnelFinding = Literal["unowned", "contested"]
QUADRANTS = ("shared_strength", "shared_pain", "split", "mixed")

ANY = "any"
OVERALL = "overall"
PRIORITY_RANGE = (1, 9)
DEFAULT_RULES = "moving-up"

PREDICATE_KINDS = (
    "stage",
    "mean",
    "gap",
    "quadrant",
    "low_agreement",
    "situation",
    "checklist",
    "funnel",
    "all",
    "any",
    "not",
    "always",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _as_list(value: Any) -> Any:
    """Let ``is: defined`` stand for ``is: [defined]``."""
    return [value] if isinstance(value, str) else value


def _one_target(item: str | None, dimension: str | None) -> None:
    if (item is None) == (dimension is None):
        raise ValueError("name exactly one of 'item' or 'dimension'")


class StageCond(_Strict):
    """The stage of the organisation (``of: overall``) or of one group is one of ``is``."""

    of: str = Field(OVERALL, description="'overall' or a group id.")
    is_: list[Slug] = Field(alias="is", min_length=1, description="Stage ids.")

    _list = field_validator("is_", mode="before")(_as_list)


class MeanCond(_Strict):
    """An item or dimension mean is strictly below and/or strictly above a value."""

    item: str | None = None
    dimension: str | None = None
    group: str = Field(OVERALL, description="'overall' (all respondents) or a group id.")
    below: float | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _shape(self) -> MeanCond:
        _one_target(self.item, self.dimension)
        if self.below is None and self.above is None:
            raise ValueError("give 'below', 'above' or both")
        for value in (self.below, self.above):
            if value is not None and not math.isfinite(value):
                raise ValueError("thresholds must be finite numbers")
        return self


class GapCond(_Strict):
    """The perception gap on an item or dimension is flagged (optionally in a direction)."""

    item: str | None = None
    dimension: str | None = None
    direction: str = Field(ANY, description="'any', or the compared group that rates higher.")

    @model_validator(mode="after")
    def _shape(self) -> GapCond:
        _one_target(self.item, self.dimension)
        return self


class QuadrantCond(_Strict):
    """An item or dimension falls in one of the listed quadrants."""

    item: str | None = None
    dimension: str | None = None
    is_: list[QuadrantName] = Field(alias="is", min_length=1)

    _list = field_validator("is_", mode="before")(_as_list)

    @model_validator(mode="after")
    def _shape(self) -> QuadrantCond:
        _one_target(self.item, self.dimension)
        return self


class LowAgreementCond(_Strict):
    """The members of a group disagree among themselves (the assessment's flag)."""

    group: str


class SituationCond(_Strict):
    """A need-to-align statement was answered with ``answer`` (a label or a value)."""

    item: str
    answer: str | int


class ChecklistCond(_Strict):
    """A checklist item's answer equals, is at most, or is at least a scale point."""

    item: str
    answer: str | int | None = None
    at_most: str | int | None = None
    at_least: str | int | None = None

    @model_validator(mode="after")
    def _shape(self) -> ChecklistCond:
        given = [v for v in (self.answer, self.at_most, self.at_least) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'answer', 'at_most' or 'at_least'")
        return self


class FunnelCond(_Strict):
    """A buying-funnel step (or ``any`` step) shows a finding or has a given owner."""

    step: str = Field(ANY, description="A funnel step id, or 'any'.")
    finding: FunnelFinding | None = None
    owner_is: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> FunnelCond:
        if (self.finding is None) == (self.owner_is is None):
            raise ValueError("give exactly one of 'finding' or 'owner_is'")
        return self


class Predicate(_Strict):
    """A condition: a mapping with exactly one key, which names its kind."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        json_schema_extra={"minProperties": 1, "maxProperties": 1},
    )

    stage: StageCond | None = None
    mean: MeanCond | None = None
    gap: GapCond | None = None
    quadrant: QuadrantCond | None = None
    low_agreement: LowAgreementCond | None = None
    situation: SituationCond | None = None
    checklist: ChecklistCond | None = None
    funnel: FunnelCond | None = None
    all: list[Predicate] | None = None
    any: list[Predicate] | None = None
    not_: Predicate | None = Field(None, alias="not")
    always: Literal[True] | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise PydanticCustomError(
                "rule_predicate",
                "a condition is a mapping with one key ({kinds})",
                {"kinds": ", ".join(PREDICATE_KINDS)},
            )
        unknown = [str(k) for k in data if k not in PREDICATE_KINDS]
        if unknown:
            raise PydanticCustomError(
                "rule_predicate",
                "unknown condition {unknown}; expected one of {kinds}",
                {
                    "unknown": ", ".join(repr(k) for k in unknown),
                    "kinds": ", ".join(PREDICATE_KINDS),
                },
            )
        if len(data) != 1:
            raise PydanticCustomError(
                "rule_predicate",
                "a condition takes exactly one key, got {n}: {keys}; combine several with all/any",
                {"n": len(data), "keys": ", ".join(str(k) for k in data)},
            )
        return data

    @property
    def kind(self) -> str:
        for name in PREDICATE_KINDS:
            if getattr(self, "not_" if name == "not" else name) is not None:
                return name
        raise AssertionError("a validated predicate has one key")  # pragma: no cover

    @property
    def body(self) -> Any:
        return getattr(self, "not_" if self.kind == "not" else self.kind)


class Rule(_Strict):
    id: Slug
    title: Text
    action: Text
    why: Text
    transition: Annotated[
        str, Field(pattern=r"^(any|[a-z0-9][a-z0-9_-]*->[a-z0-9][a-z0-9_-]*)$")
    ] = Field(description="'any', or '<from stage>-><next stage>', e.g. 'defined->aligned'.")
    owner: Owner
    horizon: Horizon
    priority: int = Field(
        description="1 = highest.",
        json_schema_extra={"minimum": PRIORITY_RANGE[0], "maximum": PRIORITY_RANGE[1]},
    )
    covers: list[Slug] = Field(
        default_factory=list, description="Playbook action keys this rule carries out."
    )
    when: Predicate

    @property
    def from_stage(self) -> str | None:
        return None if self.transition == ANY else self.transition.split("->")[0]


class RulesFile(_Strict):
    """A rules file, exactly as its YAML describes it."""

    id: Slug
    version: Annotated[str, Field(min_length=1, max_length=32)]
    title: Text
    description: str = ""
    source: str = ""
    questionnaire: str = Field("alignment", description="Id or path of the target instrument.")
    situation: str | None = Field("need-to-align", description="Id or path, or null.")
    checklist: str | None = Field("integration-checklist", description="Id or path, or null.")
    funnel: str | None = Field("buying-funnel", description="Id or path, or null.")
    rules: list[Rule] = Field(min_length=1)


Predicate.model_rebuild()


# -- loaded rules ---------------------------------------------------------------------

INSTRUMENTS = ("questionnaire", "situation", "checklist", "funnel")


@dataclass(frozen=True)
class RuleBook:
    """A checked rules file with the questionnaires it reads, ready to evaluate."""

    spec: RulesFile
    path: str
    questionnaire: Questionnaire
    situation: Questionnaire | None = None
    checklist: Questionnaire | None = None
    funnel: Questionnaire | None = None

    @property
    def rules(self) -> list[Rule]:
        return list(self.spec.rules)

    def stage_ids(self) -> list[str]:
        return [s.id for s in sorted(self.questionnaire.stages, key=lambda s: s.min)]

    def stage_label(self, stage_id: str) -> str:
        for s in self.questionnaire.stages:
            if s.id == stage_id:
                return s.label
        return stage_id.capitalize()

    def next_stage(self, stage_id: str) -> str | None:
        ids = self.stage_ids()
        if stage_id not in ids:
            return None
        i = ids.index(stage_id)
        return ids[i + 1] if i + 1 < len(ids) else None

    def transition_label(self, transition: str) -> str:
        if transition == ANY:
            return "any stage"
        a, b = transition.split("->")
        return f"{self.stage_label(a)} → {self.stage_label(b)}"


def _resolve_instrument(ref: str, base: Path) -> Path:
    """An instrument id (built-in) or a path, relative paths read from the rules file's folder."""
    from salesmkt.definitions.questionnaire import looks_like_path, resolve

    if looks_like_path(ref) and not Path(ref).is_absolute():
        candidate = base / ref
        if candidate.is_file():
            return candidate
    return resolve(ref)


_QCACHE: dict[tuple[str, int, int], Questionnaire] = {}


def _load_instrument(ref: str, base: Path) -> Questionnaire:
    from salesmkt.definitions.questionnaire import load

    path = _resolve_instrument(ref, base)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _QCACHE:
        _QCACHE[key] = load(path)
    return _QCACHE[key]


def _instruments(
    spec: RulesFile, base: Path
) -> tuple[dict[str, Questionnaire], list[tuple[str, str]]]:
    """Load the four instruments a rules file names; failures come back as (field, reason)."""
    from salesmkt.errors import SalesmktError

    found: dict[str, Questionnaire] = {}
    failed: list[tuple[str, str]] = []
    for name in INSTRUMENTS:
        ref = getattr(spec, name)
        if ref is None:
            continue
        try:
            found[name] = _load_instrument(ref, base)
        except SalesmktError as exc:
            failed.append((name, str(exc)))
    return found, failed


def resolve_rules(ref: str | Path | None = None) -> Path:
    """A rules file path from an id of a shipped file, a path, or None (the default)."""
    from salesmkt.definitions.questionnaire import resolve

    if isinstance(ref, Path):
        return ref
    return resolve(ref or DEFAULT_RULES, "rules")


def load(ref: str | Path | None = None) -> RuleBook:
    """Load and fully check a rules file (default: the shipped ``moving-up``)."""
    from salesmkt.errors import InvalidFileError

    path = resolve_rules(ref)
    report = check_file(path, kind="rules")
    return _book(report, str(path), InvalidFileError)


def from_text(text: str, *, name: str = "<rules>") -> RuleBook:
    """Parse and check rules given as YAML text; relative instrument paths start at ``name``."""
    from salesmkt.errors import InvalidFileError, YamlError

    try:
        located = load_yaml(name, text=text)
    except YamlError as exc:
        raise InvalidFileError(name, [exc]) from None
    report = check_located(located, "rules")
    return _book(report, name, InvalidFileError)


def _book(report: Any, name: str, error: Any) -> RuleBook:
    errors = [d for d in report.diagnostics if d.level == "error"]
    if errors or report.model is None:
        raise error(name, list(errors))
    spec = report.model
    assert isinstance(spec, RulesFile)
    found, _ = _instruments(spec, Path(name).parent)
    return RuleBook(
        spec=spec,
        path=name,
        questionnaire=found["questionnaire"],
        situation=found.get("situation"),
        checklist=found.get("checklist"),
        funnel=found.get("funnel"),
    )


# -- walking conditions ---------------------------------------------------------------


def walk(pred: Predicate, path: PathT) -> Iterator[tuple[Predicate, PathT]]:
    """Every condition inside ``pred`` (itself first), with its document path."""
    yield pred, path
    kind = pred.kind
    if kind in ("all", "any"):
        for i, child in enumerate(pred.body):
            yield from walk(child, (*path, kind, i))
    elif kind == "not":
        yield from walk(pred.body, (*path, "not"))


# -- semantic checks ------------------------------------------------------------------


def scale_value(q: Questionnaire, answer: str | int | float) -> float | str | None:
    """The value an answer stands for on ``q``'s scale: a number, an option id, or None.

    Labels, option ids, option labels and aliases match case- and space-insensitively;
    numbers must be points on a numeric scale.
    """
    s = q.scale
    if isinstance(answer, bool):
        return None
    if s.type == "choice":
        key = normalise(str(answer))
        for o in s.options:
            if key in {normalise(x) for x in (o.id, o.label, *o.aliases)}:
                return o.id
        return None
    if isinstance(answer, int | float):
        return float(answer) if answer in s.points else None
    key = normalise(answer)
    for value, label in s.labels.items():
        if normalise(label) == key:
            return float(value)
    try:
        number = float(key)
    except ValueError:
        return None
    return number if number in s.points else None


def answer_choices(q: Questionnaire) -> str:
    s = q.scale
    if s.type == "choice":
        return ", ".join(o.id for o in s.options)
    labels = [s.labels[v] for v in s.points if v in s.labels]
    return ", ".join(labels) + (f" or {s.min}–{s.max}" if s.min is not None else "")


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
    if kind in ("stage", "mean", "gap", "quadrant", "low_agreement") and q is None:
        return
    if kind == "stage":
        assert q is not None
        groups = [g.id for g in q.groups]
        if body.of != OVERALL and body.of not in groups:
            ctx.add(
                (*here, "of"),
                "rule-unknown-group",
                f"stage of {body.of!r}: expected 'overall' or a group of {q.id!r} "
                f"({_known(groups)})",
            )
        stages = [s.id for s in q.stages]
        for i, sid in enumerate(body.is_):
            if sid not in stages:
                ctx.add(
                    (*here, "is", i),
                    "rule-unknown-stage",
                    f"stage {sid!r} is not a stage of {q.id!r} ({_known(stages)})",
                )
    elif kind in ("mean", "gap", "quadrant"):
        assert q is not None
        _check_target(ctx, q, body, here, kind)
        if kind == "mean":
            groups = [g.id for g in q.groups]
            if body.group != OVERALL and body.group not in groups:
                ctx.add(
                    (*here, "group"),
                    "rule-unknown-group",
                    f"mean for group {body.group!r}: expected 'overall' or one of {_known(groups)}",
                )
            lo, hi = q.scale.min, q.scale.max
            if lo is not None and hi is not None:
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
        if kind == "gap" and body.direction != ANY and body.direction not in q.compare:
            ctx.add(
                (*here, "direction"),
                "rule-unknown-group",
                f"gap direction {body.direction!r}: expected 'any' or a compared group "
                f"({_known(q.compare)})",
            )
    elif kind == "low_agreement":
        assert q is not None
        groups = [g.id for g in q.groups]
        if body.group not in groups:
            ctx.add(
                (*here, "group"),
                "rule-unknown-group",
                f"low_agreement names group {body.group!r}; {q.id!r} has {_known(groups)}",
            )
    elif kind in ("situation", "checklist", "funnel"):
        _check_instrument_leaf(ctx, kind, body, here)


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
        if value is not None and scale_value(q, value) is None:
            ctx.add(
                (*here, name),
                "rule-unknown-answer",
                f"{name} {value!r} is not an answer of {q.id!r} (expected {answer_choices(q)})",
            )


# Contradictions: inside an `all`, every leaf narrows what a variable may be; if some
# variable has nothing left, the `all` can never be true. Finite variables (a stage, a
# quadrant, a situation or checklist answer) are tracked as sets, means as intervals.


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
        v = scale_value(iq, body.answer)
        return ((kind, body.item), frozenset({v}), points) if isinstance(v, float) else None
    at_most = body.at_most is not None
    bound = scale_value(iq, body.at_most if at_most else body.at_least)
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
    at_stage = Predicate(stage=StageCond(of=OVERALL, is_=[frm]))
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
    found, failed = _instruments(spec, Path(located.path).parent)
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


def covered_keys(spec: RulesFile) -> set[str]:
    return set(itertools.chain.from_iterable(r.covers for r in spec.rules))


register_kind(
    Kind(
        name="rules",
        model=RulesFile,
        check=check_rules,
        detect=lambda data: "rules" in data,
    )
)
