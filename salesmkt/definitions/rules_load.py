"""Loading a rules file: by built-in id or path (or as text), into a checked RuleBook.

Vocabulary: *loading* is finding the file (:mod:`salesmkt.definitions.builtin`; the
default is the shipped ``moving-up``), checking its shape and meaning
(:data:`~salesmkt.definitions.rules_checks.RULES`, which also loads the questionnaires
it reads), and pairing the rules with those questionnaires in a
:class:`~salesmkt.definitions.rules.RuleBook`. Any error raises
:class:`~salesmkt.errors.InvalidFileError` with every problem found.
"""

from __future__ import annotations

from pathlib import Path

from salesmkt.definitions.builtin import resolve
from salesmkt.definitions.checks import FileReport, check_file, check_located
from salesmkt.definitions.rules import DEFAULT_RULES, RuleBook, RulesFile
from salesmkt.definitions.rules_checks import RULES
from salesmkt.definitions.rules_instruments import load_instruments
from salesmkt.definitions.yamlload import load_yaml
from salesmkt.errors import InvalidFileError, YamlError


def resolve_rules(ref: str | Path | None = None) -> Path:
    """A rules file path from an id of a shipped file, a path, or None (the default)."""
    if isinstance(ref, Path):
        return ref
    return resolve(ref or DEFAULT_RULES, "rules")


def load(ref: str | Path | None = None) -> RuleBook:
    """Load and fully check a rules file (default: the shipped ``moving-up``)."""
    path = resolve_rules(ref)
    return _book(check_file(path, RULES), str(path))


def from_text(text: str, *, name: str = "<rules>") -> RuleBook:
    """Parse and check rules given as YAML text; relative instrument paths start at ``name``."""
    try:
        located = load_yaml(name, text=text)
    except YamlError as exc:
        raise InvalidFileError(name, [exc]) from None
    return _book(check_located(located, RULES), name)


def _book(report: FileReport, name: str) -> RuleBook:
    if report.errors or report.model is None:
        raise InvalidFileError(name, list(report.errors))
    spec = report.model
    assert isinstance(spec, RulesFile)
    if Path(name).is_file():
        from salesmkt.definitions.translation_load import attach_rules

        attach_rules(spec, Path(name))
    found, _ = load_instruments(spec, Path(name).parent)
    return RuleBook(
        spec=spec,
        path=name,
        questionnaire=found["questionnaire"],
        situation=found.get("situation"),
        checklist=found.get("checklist"),
        funnel=found.get("funnel"),
    )
