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

The pydantic model checks shapes; :mod:`salesmkt.definitions.rules_checks` checks
meaning (every id a rule names exists in the questionnaire it reads, no duplicate rule
ids, no condition that can never be true…) and reports each problem with a stable
``rule-*`` code; :mod:`salesmkt.definitions.rules_load` loads a file into a
:class:`RuleBook`.
"""

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from salesmkt.definitions.modelbase import (
    DefinitionModel,
    Int,
    Slug,
    TextOrInt,
    as_list,
    at_least_one_of,
    exactly_one_of,
    one_or_many,
    single_key_mapping,
)
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.yamlload import PathT
from salesmkt.model.defaults import empty_list

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
    "evidence",
    "all",
    "any",
    "not",
    "always",
)


def _one_target(item: str | None, dimension: str | None) -> None:
    if (item is None) == (dimension is None):
        raise ValueError("name exactly one of 'item' or 'dimension'")


class StageCond(DefinitionModel):
    """The stage of the organisation (``of: overall``) or of one group is one of ``is``."""

    of: str = Field(OVERALL, description="'overall' or a group id.")
    is_: list[Slug] = Field(
        alias="is", min_length=1, description="Stage ids.", json_schema_extra=one_or_many
    )

    _list = field_validator("is_", mode="before")(as_list)


class MeanCond(DefinitionModel):
    """An item or dimension mean is strictly below and/or strictly above a value."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [exactly_one_of("item", "dimension"), at_least_one_of("below", "above")]
        }
    )

    item: str | None = None
    dimension: str | None = None
    group: str = Field(OVERALL, description="'overall' (all respondents) or a group id.")
    below: float | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _shape(self) -> "MeanCond":
        _one_target(self.item, self.dimension)
        if self.below is None and self.above is None:
            raise ValueError("give 'below', 'above' or both")
        for value in (self.below, self.above):
            if value is not None and not math.isfinite(value):
                raise ValueError("thresholds must be finite numbers")
        return self


class GapCond(DefinitionModel):
    """The perception gap on an item or dimension is flagged (optionally in a direction)."""

    model_config = ConfigDict(json_schema_extra=exactly_one_of("item", "dimension"))

    item: str | None = None
    dimension: str | None = None
    direction: str = Field(ANY, description="'any', or the compared group that rates higher.")

    @model_validator(mode="after")
    def _shape(self) -> "GapCond":
        _one_target(self.item, self.dimension)
        return self


class QuadrantCond(DefinitionModel):
    """An item or dimension falls in one of the listed quadrants."""

    model_config = ConfigDict(json_schema_extra=exactly_one_of("item", "dimension"))

    item: str | None = None
    dimension: str | None = None
    is_: list[QuadrantName] = Field(alias="is", min_length=1, json_schema_extra=one_or_many)

    _list = field_validator("is_", mode="before")(as_list)

    @model_validator(mode="after")
    def _shape(self) -> "QuadrantCond":
        _one_target(self.item, self.dimension)
        return self


class LowAgreementCond(DefinitionModel):
    """The members of a group disagree among themselves (the assessment's flag)."""

    group: str


class SituationCond(DefinitionModel):
    """A need-to-align statement was answered with ``answer`` (a label or a value)."""

    item: str
    answer: TextOrInt


class ChecklistCond(DefinitionModel):
    """A checklist item's answer equals, is at most, or is at least a scale point."""

    model_config = ConfigDict(json_schema_extra=exactly_one_of("answer", "at_most", "at_least"))

    item: str
    answer: TextOrInt | None = None
    at_most: TextOrInt | None = None
    at_least: TextOrInt | None = None

    @model_validator(mode="after")
    def _shape(self) -> "ChecklistCond":
        given = [v for v in (self.answer, self.at_most, self.at_least) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'answer', 'at_most' or 'at_least'")
        return self


class FunnelCond(DefinitionModel):
    """A buying-funnel step (or ``any`` step) shows a finding or has a given owner."""

    model_config = ConfigDict(json_schema_extra=exactly_one_of("finding", "owner_is"))

    step: str = Field(ANY, description="A funnel step id, or 'any'.")
    finding: FunnelFinding | None = None
    owner_is: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> "FunnelCond":
        if (self.finding is None) == (self.owner_is is None):
            raise ValueError("give exactly one of 'finding' or 'owner_is'")
        return self


class EvidenceCond(DefinitionModel):
    """A CRM funnel metric (``salesmkt evidence``) is clearly below and/or above a value:
    its whole 95% interval lies beyond the threshold, on a figure that is not flagged
    small. Unknown (the rule does not fire) when no evidence is given."""

    model_config = ConfigDict(json_schema_extra=at_least_one_of("below", "above"))

    metric: Slug
    below: float | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _shape(self) -> "EvidenceCond":
        if self.below is None and self.above is None:
            raise ValueError("give 'below', 'above' or both")
        for value in (self.below, self.above):
            if value is not None and not math.isfinite(value):
                raise ValueError("thresholds must be finite numbers")
        return self


class Predicate(DefinitionModel):
    """A condition: a mapping with exactly one key, which names its kind."""

    model_config = ConfigDict(json_schema_extra=single_key_mapping)

    stage: StageCond | None = None
    mean: MeanCond | None = None
    gap: GapCond | None = None
    quadrant: QuadrantCond | None = None
    low_agreement: LowAgreementCond | None = None
    situation: SituationCond | None = None
    checklist: ChecklistCond | None = None
    funnel: FunnelCond | None = None
    evidence: EvidenceCond | None = None
    all: "list[Predicate] | None" = None
    any: "list[Predicate] | None" = None
    not_: "Predicate | None" = Field(None, alias="not")
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
        ((key, value),) = data.items()
        if value is None:
            raise PydanticCustomError(
                "rule_predicate",
                "condition '{key}' has no value; write its settings after it "
                "(for a condition that always holds: always: true)",
                {"key": key},
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


class Rule(DefinitionModel):
    id: Slug
    title: Text
    action: Text
    why: Text
    transition: Annotated[
        str, Field(pattern=r"^(any|[a-z0-9][a-z0-9_-]*->[a-z0-9][a-z0-9_-]*)$")
    ] = Field(description="'any', or '<from stage>-><next stage>', e.g. 'defined->aligned'.")
    owner: Owner
    horizon: Horizon
    priority: Int = Field(
        description="1 = highest.",
        json_schema_extra={"minimum": PRIORITY_RANGE[0], "maximum": PRIORITY_RANGE[1]},
    )
    covers: list[Slug] = Field(
        default_factory=empty_list, description="Playbook action keys this rule carries out."
    )
    when: Predicate

    @property
    def from_stage(self) -> str | None:
        return None if self.transition == ANY else self.transition.split("->")[0]


class RulesFile(DefinitionModel):
    """A rules file, exactly as its YAML describes it."""

    id: Slug
    version: Annotated[str, Field(min_length=1, max_length=32)]
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = Field(
        "en", description="The language the texts are written in (a BCP 47 tag)."
    )
    title: Text
    description: str = ""
    source: str = ""
    questionnaire: str = Field("alignment", description="Id or path of the target instrument.")
    situation: str | None = Field("need-to-align", description="Id or path, or null.")
    checklist: str | None = Field("integration-checklist", description="Id or path, or null.")
    funnel: str | None = Field("buying-funnel", description="Id or path, or null.")
    rules: list[Rule] = Field(min_length=1)
    # Language tag → RulesTranslation, set by the loader from the sibling files.
    _translations: dict[str, Any] = PrivateAttr(default_factory=dict)
    _source: "RulesFile | None" = PrivateAttr(default=None)

    @property
    def languages(self) -> list[str]:
        """The source language, then every translation's, as tags."""
        from salesmkt.definitions.translations import languages_of

        return languages_of(self)

    def in_language(self, tag: str) -> "RulesFile":
        """A copy whose titles, actions and rationales are in language ``tag``."""
        from salesmkt.definitions import translations as tr

        copy: RulesFile = tr.translated_copy(self, tag, "rules", tr.translated_rules)
        return copy


Predicate.model_rebuild()


# -- loaded rules ---------------------------------------------------------------------

INSTRUMENTS = ("questionnaire", "situation", "checklist", "funnel")
"""The fields of a rules file that name a questionnaire it reads."""


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

    def in_language(self, tag: str) -> "RuleBook":
        """The rules and the questionnaires they read in language ``tag`` (a questionnaire
        without that translation stays in its own language)."""

        def move(q: Questionnaire | None) -> Questionnaire | None:
            return q.in_language(tag) if q is not None and tag in q.languages else q

        main = move(self.questionnaire)
        assert main is not None
        return RuleBook(
            spec=self.spec.in_language(tag),
            path=self.path,
            questionnaire=main,
            situation=move(self.situation),
            checklist=move(self.checklist),
            funnel=move(self.funnel),
        )

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


# -- answers a condition may name ------------------------------------------------------


def answer_choices(q: Questionnaire) -> str:
    s = q.scale
    if s.type == "choice":
        return ", ".join(o.id for o in s.options)
    labels = [s.labels[v] for v in s.points if v in s.labels]
    return ", ".join(labels) + (f" or {s.min}–{s.max}" if s.min is not None else "")


def covered_keys(spec: RulesFile) -> set[str]:
    return set(itertools.chain.from_iterable(r.covers for r in spec.rules))
