"""The published JSON Schemas: generated from the loader's models, and in agreement with it.

What an editor checking a file against ``salesmkt schema KIND`` accepts, ``salesmkt
validate`` must accept as to shape (validate then also checks meaning), and what one
refuses the other refuses: a string is not a number, ``yes`` is not a boolean, in both.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.advice.answers import load_answers
from salesmkt.cli import app
from salesmkt.definitions.checks import FileReport, check_located
from salesmkt.definitions.kinds import KINDS, check_any_file, detect_kind
from salesmkt.definitions.questionnaire_load import load as load_questionnaire
from salesmkt.definitions.schemas import SCHEMA_NAMES, json_schema
from salesmkt.definitions.yamlload import Located, load_yaml

BROKEN = Path(__file__).parent / "fixtures" / "broken"
runner = CliRunner()


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json_schema(name))


def as_json(data: Any) -> Any:
    """The document as an editor sees it: JSON, where every mapping key is text."""
    return json.loads(json.dumps(data))


def schema_errors(name: str, data: Any) -> list[str]:
    return [e.message for e in validator(name).iter_errors(as_json(data))]


# -- the published schemas -----------------------------------------------------------------


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_published_schema_file_is_what_the_command_prints(name: str) -> None:
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0
    published = ROOT / "schemas" / f"{name}.schema.json"
    assert published.read_text(encoding="utf-8") == result.stdout, (
        f"schemas/{name}.schema.json is out of date: "
        f"run 'salesmkt schema {name} > schemas/{name}.schema.json'"
    )


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    doc = json_schema(name)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(doc)


# -- shipped and example files validate against them ---------------------------------------

SHIPPED = sorted((ROOT / "questionnaires").glob("*.yaml")) + sorted((ROOT / "rules").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_file_validates_against_its_schema(path: Path) -> None:
    data = load_yaml(path).data
    kind = detect_kind(data)
    assert kind is not None
    base = "rules" if path.parent.name == "rules" else "questionnaire"
    assert kind.name == (f"{base}-translation" if "." in path.stem else base)
    assert schema_errors(kind.name, data) == []


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_yaml_is_a_valid_definition_or_answers_file(path: Path) -> None:
    data = load_yaml(path).data
    kind = detect_kind(data)
    if kind is not None:
        assert schema_errors(kind.name, data) == []
        return
    # Answers to the small instruments (situation, funnel) have no published schema:
    # the answers reader is their check, against the instrument they name.
    instrument = load_questionnaire(str(data["questionnaire"]))
    answers = load_answers(path, instrument, many=True)
    assert answers.sets and all(s.values for s in answers.sets)


def test_score_json_validates_against_the_assessment_schema() -> None:
    result = runner.invoke(app, ["score", str(ROOT / "examples" / "workshop.csv"), "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert schema_errors("assessment", document) == []


# -- broken files: refused by both, at the same place ---------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "column", "code", "schema_path"),
    [
        # accepted by validate before the models were strict
        ("reverse-yes.yaml", 8, 51, "schema-invalid", ["items", 1, "reverse"]),
        ("min-quoted.yaml", 6, 8, "schema-invalid", ["scale", "min"]),
        ("min-boolean.yaml", 6, 8, "schema-invalid", ["scale", "min"]),
        (
            "rules-below-quoted.yaml",
            15,
            32,
            "schema-invalid",
            ["rules", 0, "when", "mean", "below"],
        ),
        (
            "rules-answer-boolean.yaml",
            15,
            38,
            "schema-invalid",
            ["rules", 0, "when", "situation", "answer"],
        ),
        ("rules-is-underscore.yaml", 15, 15, "schema-unknown-field", ["rules", 0, "when", "stage"]),
        # stopped validate with an internal error before; accepted by the old schema
        ("rules-empty-condition.yaml", 15, 7, "schema-invalid", ["rules", 0, "when", "stage"]),
        # refused by validate before, but accepted by the old schema
        ("rules-two-targets.yaml", 15, 12, "schema-invalid", ["rules", 0, "when", "gap"]),
        # refused by both before, and still
        ("unknown-key.yaml", 9, 5, "schema-unknown-field", ["items", 0]),
        ("wrong-type.yaml", 7, 3, "schema-invalid", ["items"]),
        ("rules-missing-why.yaml", 6, 5, "schema-missing-field", ["rules", 0]),
        (
            "rules-quadrant-unknown.yaml",
            15,
            33,
            "schema-invalid",
            ["rules", 0, "when", "quadrant", "is"],
        ),
    ],
)
def test_broken_file_is_refused_by_validate_and_by_the_schema(
    name: str, line: int, column: int, code: str, schema_path: list[str | int]
) -> None:
    path = BROKEN / name
    result = runner.invoke(app, ["validate", str(path), "--format", "text"])
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:{column}: [error] {code}:" in result.stdout, result.stdout
    report = check_any_file(path)
    assert report.kind is not None
    data = as_json(load_yaml(path).data)
    error = best_match(validator(report.kind).iter_errors(data))
    assert error is not None, f"the {report.kind} schema accepts {name}"
    assert list(error.absolute_path) == schema_path


def test_fix_hints_for_quoted_numbers_and_yes() -> None:
    quoted = check_any_file(BROKEN / "min-quoted.yaml").diagnostics[0].message
    assert quoted.endswith("(got '1'); a number in quotes is text: write it without quotes")
    yes = check_any_file(BROKEN / "reverse-yes.yaml").diagnostics[0].message
    assert yes.endswith("write true or false (yes, no, on and off are text in YAML 1.2)")


# -- accepted by both ------------------------------------------------------------------------

RULE = (
    'id: t\nversion: "1"\ntitle: T\nrules:\n'
    "  - {{id: r, title: R, action: A, why: W, transition: any, owner: both, "
    "horizon: now, priority: {priority}, when: {when}}}\n"
)


@pytest.mark.parametrize(
    ("priority", "when"),
    [
        ("1", "{quadrant: {item: q06, is: split}}"),  # one value for a list
        ("1", "{quadrant: {item: q06, is: [split, shared_pain]}}"),
        ("1", "{stage: {is: defined}}"),
        ("2.0", "{situation: {item: n11, answer: 1.0}}"),  # 2.0 is an integer in JSON Schema
        ("1", "{checklist: {item: c01, at_least: Partly}}"),
        ("1", "{mean: {item: q06, dimension: null, below: 3}}"),  # null is "not given"
    ],
)
def test_one_or_many_and_integral_numbers_are_accepted_by_both(
    tmp_path: Path, priority: str, when: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULE.format(priority=priority, when=when), encoding="utf-8")
    report = check_any_file(path)
    assert report.diagnostics == []
    assert schema_errors("rules", load_yaml(path).data) == []


# -- agreement on every value of the shipped files, changed one at a time ---------------------

REPLACEMENTS: tuple[Any, ...] = ("", "yes", "3", True, 0, 3.0, 1.5, None, [])


def _leaves(data: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*here, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, (*here, i))
    else:
        yield here


def _replaced(data: Any, where: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(data)
    parent = out
    for part in where[:-1]:
        parent = parent[part]
    parent[where[-1]] = value
    return out


def _distinct_shapes(entries: list[Any]) -> list[Any]:
    """The entries that use a set of keys no earlier entry used (the rest repeat shapes)."""
    seen: set[frozenset[str]] = set()
    kept = []
    for entry in entries:
        keys = frozenset(str(part) for leaf in _leaves(entry) for part in leaf)
        if keys not in seen:
            seen.add(keys)
            kept.append(entry)
    return kept


def _samples() -> Iterator[tuple[str, str, Any]]:
    """(kind, label, document): the shipped files, cut down to one item or rule of each
    shape, so that every field and every kind of condition is changed once."""
    for path in sorted((ROOT / "questionnaires").glob("*.yaml")):
        doc = load_yaml(path).data
        for key in ("groups", "dimensions", "items", "stages"):
            if key in doc:
                doc[key] = _distinct_shapes(doc[key])
        yield "questionnaire", path.stem, doc
    rules_doc = load_yaml(ROOT / "rules" / "moving-up.yaml").data
    for rule in _distinct_shapes(rules_doc["rules"]):
        yield "rules", rule["id"], {**rules_doc, "rules": [rule]}


def _validate(kind: str, data: Any) -> FileReport:
    """What validate reports on the document (read as a file beside the shipped rules)."""
    located = Located(path=str(ROOT / "rules" / "sample.yaml"), data=data)
    return check_located(located, KINDS[kind])


def _only_ranges(check: Draft202012Validator, data: Any) -> bool:
    """Whether the schema refuses ``data`` only for a number outside its range."""
    return all(e.validator in ("minimum", "maximum") for e in check.iter_errors(as_json(data)))


SAMPLES = list(_samples())


@pytest.mark.parametrize(
    ("kind", "label", "document"), SAMPLES, ids=[f"{k}-{label}" for k, label, _ in SAMPLES]
)
def test_loader_and_schema_agree_on_every_changed_value(
    kind: str, label: str, document: Any
) -> None:
    check = validator(kind)
    disagreements = []
    for where in _leaves(document):
        for value in REPLACEMENTS:
            changed = _replaced(document, where, value)
            report = _validate(kind, changed)
            by_model = report.model is not None  # the shape is right
            by_schema = check.is_valid(as_json(changed))
            if by_model and not by_schema and not report.ok and _only_ranges(check, changed):
                continue  # a rule of meaning that the schema states too (priority 1-9)
            if by_model != by_schema:
                disagreements.append((where, value, by_model, by_schema))
    assert disagreements == [], f"{label}: (path, value, loader, schema): {disagreements[:5]}"
