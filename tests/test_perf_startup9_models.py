"""Start-up, ninth round: the models on the path of ``score`` cost pydantic less to make.

- No field of these models takes the built-in ``list`` as its default factory: pydantic
  reads every factory's signature when it builds a model, and ``list``'s is parsed from
  text with ``tokenize`` and ``ast`` (``salesmkt.model.defaults.empty_list`` instead).
- The result models' annotations are objects, not text (no ``from __future__ import
  annotations`` in ``model/assessment.py``), so pydantic need not evaluate them.
- What the change must not alter: every such default is a new empty list, and the
  published schemas stay as they are (``tests/test_schemas.py``).
"""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest
from pydantic import BaseModel

from salesmkt.analysis import comparison
from salesmkt.definitions import crm_mapping, questionnaire, rules, translations
from salesmkt.model import assessment, evidence, trend
from salesmkt.model.defaults import empty_list

_ON_SCORES_PATH = [assessment, questionnaire, translations]
# Every other module of pydantic models follows the same rule (compare, trend,
# evidence and the definitions build their validators on their own commands' paths).
_MODELS = [*_ON_SCORES_PATH, comparison, crm_mapping, rules, evidence, trend]


def _models(module: ModuleType) -> list[type[BaseModel]]:
    return [
        m
        for _, m in inspect.getmembers(module, inspect.isclass)
        if issubclass(m, BaseModel) and m.__module__ == module.__name__
    ]


@pytest.mark.parametrize("module", _MODELS, ids=lambda m: m.__name__)
def test_no_field_defaults_to_the_builtin_list(module: ModuleType) -> None:
    models = _models(module)
    assert models
    for model in models:
        for name, field in model.model_fields.items():
            assert field.default_factory is not list, f"{model.__name__}.{name}"


def test_empty_list_is_a_new_empty_list_each_time() -> None:
    first, second = empty_list(), empty_list()
    assert first == [] and second == [] and first is not second
    one = assessment.Assessment(
        questionnaire=assessment.QuestionnaireRef(id="q", version="1"),
        respondents=assessment.Respondents(total=0, scored=0),
    )
    other = one.model_copy(deep=True)
    one.groups.append(assessment.GroupResult(id="g", label="G"))
    assert (
        other.groups == []
        and assessment.Assessment.model_fields["groups"].get_default(call_default_factory=True)
        == []
    )


def test_the_result_models_annotations_are_not_text() -> None:
    for model in _models(assessment):
        for name, annotation in model.__annotations__.items():
            assert not isinstance(annotation, str), f"{model.__name__}.{name}: {annotation!r}"
