"""Start-up, eleventh round: what pydantic no longer parses when it makes the models.

- No default factory of a model needs ``inspect`` to parse a text signature. pydantic
  asks each default factory's signature (does it take the validated data?) the first
  time it is used: for a field when the validator is built, for a private attribute when
  the first instance is made. For the built-in ``list`` that means parsing its text
  signature with ``tokenize`` and ``ast``, and the first such parse compiles tokenize's
  whole-token pattern (about 4 ms). ``Scale._other_spellings`` was the last factory on
  the path of ``validate`` and ``score`` to take ``list``; it takes
  :func:`salesmkt.model.defaults.empty_list` now.
- The definition models' annotations are objects, not text, but for the references to a
  class not yet made (see ``_FORWARD``).
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from types import ModuleType

import pytest
from pydantic import BaseModel
from support.console_probe import console_probe
from support.paths import ROOT

from salesmkt.analysis import comparison
from salesmkt.definitions import crm_mapping, diagnostics, questionnaire, rules, translations
from salesmkt.model import assessment, evidence, trend

_MODELS = [assessment, questionnaire, translations, comparison, crm_mapping, rules, evidence]
_MODELS.append(trend)

# In a fresh interpreter, through the console script's entry point: did anything ask
# tokenize for its token pattern (what parsing a built-in's text signature does)?
_PROBE = console_probe(
    "tok = sys.modules.get('tokenize'); "
    "print('PATTERNS', tok._compile.cache_info().currsize if tok else 0, file=sys.stderr)"
)


def _models(module: ModuleType) -> list[type[BaseModel]]:
    return [
        m
        for _, m in inspect.getmembers(module, inspect.isclass)
        if issubclass(m, BaseModel) and m.__module__ == module.__name__
    ]


def _parsed_from_text(factory: object) -> bool:
    """Whether ``inspect.signature`` reads this factory's signature from its text."""
    return getattr(factory, "__text_signature__", None) is not None


@pytest.mark.parametrize("module", _MODELS, ids=lambda m: m.__name__)
def test_no_private_attribute_or_field_factory_has_a_text_signature(module: ModuleType) -> None:
    models = _models(module)
    assert models
    for model in models:
        factories = {n: f.default_factory for n, f in model.model_fields.items()}
        factories |= {n: p.default_factory for n, p in model.__private_attributes__.items()}
        for name, factory in factories.items():
            assert factory is not list, f"{model.__name__}.{name}"
            assert not _parsed_from_text(factory), f"{model.__name__}.{name}: {factory!r}"


def test_the_check_above_sees_what_it_looks_for() -> None:
    assert _parsed_from_text(list) and not _parsed_from_text(dict)
    assert "_other_spellings" in questionnaire.Scale.__private_attributes__


def test_other_spellings_starts_as_a_new_empty_list() -> None:
    one, other = questionnaire.Scale(), questionnaire.Scale()
    assert one._other_spellings == [] and one._other_spellings is not other._other_spellings


@pytest.mark.parametrize(
    "args",
    [["validate"], ["score", str(ROOT / "examples" / "workshop.csv"), "--format", "json"]],
    ids=["validate", "score"],
)
def test_validate_and_score_parse_no_text_signature(args: list[str]) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": "", "HOME": "relative", "COLUMNS": "100"}
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "PATTERNS 0"


# The definition models' annotations are objects, not text (no ``from __future__ import
# annotations`` in these modules): pydantic compiled and evaluated each annotation's text
# when it made the classes, about 150 compiles in ``validate``. Only the references to a
# class not yet defined stay text.
_FORWARD = {
    ("Questionnaire", "_source"),
    ("Predicate", "all"),
    ("Predicate", "any"),
    ("Predicate", "not_"),
    ("RulesFile", "_source"),
}


@pytest.mark.parametrize(
    "module", [questionnaire, translations, rules, diagnostics], ids=lambda m: m.__name__
)
def test_the_definition_models_annotations_are_not_text(module: ModuleType) -> None:
    classes = [
        c
        for _, c in inspect.getmembers(module, inspect.isclass)
        if c.__module__ == module.__name__ and inspect.get_annotations(c)
    ]
    assert classes
    for cls in classes:
        for name, annotation in inspect.get_annotations(cls).items():
            if (cls.__name__, name) in _FORWARD:
                continue
            assert not isinstance(annotation, str), f"{cls.__name__}.{name}: {annotation!r}"


def test_the_forward_references_resolve_to_the_classes() -> None:
    assert questionnaire.Questionnaire.__private_attributes__["_source"].default is None
    fields = rules.Predicate.model_fields
    assert fields["all"].annotation == list[rules.Predicate] | None
    assert fields["not_"].annotation == rules.Predicate | None
