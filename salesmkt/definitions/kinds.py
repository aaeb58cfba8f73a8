"""The registry of definition-file kinds, and checking a file of any kind.

Vocabulary: a *kind* pairs a pydantic model (the file's shape) with a semantic check
(its meaning); see :class:`~salesmkt.definitions.checks.Kind`. Each kind's record sits
beside its check, so that loading a questionnaire needs nothing from the rules:

============== ========================================= =======================
kind           model                                     semantic check
============== ========================================= =======================
questionnaire  :class:`~.questionnaire.Questionnaire`    :mod:`.questionnaire_checks`
rules          :class:`~.rules.RulesFile`                :mod:`.rules_checks`
crm-mapping    :class:`~.crm_mapping.CrmMapping`         :mod:`.crm_mapping_checks`
questionnaire- :class:`~.translations.QuestionnaireTr…`  :mod:`.translation_checks`
translation
rules-         :class:`~.translations.RulesTranslation`  :mod:`.translation_checks`
translation
============== ========================================= =======================

:data:`KINDS` is the one list of them: ``salesmkt validate`` and ``salesmkt schema``
read it, and a new kind is added here (to ``_RECORDS``: each record is imported when its
kind is first asked for). :func:`check_any_file` tells a file's kind from
its top-level keys, then checks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

from salesmkt.definitions.checks import (
    FileReport,
    Kind,
    check_located,
    not_a_mapping,
    yaml_error_report,
)
from salesmkt.definitions.diagnostics import Diagnostic
from salesmkt.definitions.yamlload import MAX_BYTES, load_yaml
from salesmkt.errors import YamlError

# Where each kind's record lives. A record is imported when its kind is first asked for:
# building the pydantic models of the rules and CRM-mapping files costs start-up time
# that checking a questionnaire alone (or scoring) does not need.
_RECORDS: dict[str, tuple[str, str]] = {
    "questionnaire": ("questionnaire_checks", "QUESTIONNAIRE"),
    "rules": ("rules_checks", "RULES"),
    "crm-mapping": ("crm_mapping_checks", "CRM_MAPPING"),
    "questionnaire-translation": ("translation_checks", "QUESTIONNAIRE_TRANSLATION"),
    "rules-translation": ("translation_checks", "RULES_TRANSLATION"),
}


class _Kinds(Mapping[str, Kind]):
    """Kind name → record, in :data:`_RECORDS`' order, each imported on first access."""

    def __getitem__(self, name: str) -> Kind:
        module, attribute = _RECORDS[name]
        record: Kind = getattr(import_module(f"salesmkt.definitions.{module}"), attribute)
        return record

    def __iter__(self) -> Iterator[str]:
        return iter(_RECORDS)

    def __len__(self) -> int:
        return len(_RECORDS)


KINDS: Mapping[str, Kind] = _Kinds()


def detect_kind(data: dict[str, Any]) -> Kind | None:
    """A rules file has ``rules``; a questionnaire has ``items`` (and no ``rules``); a CRM
    mapping has ``export``; a translation has ``translation`` (and ``rules`` when it
    translates a rules file)."""
    if "translation" in data:
        return KINDS["rules-translation" if "rules" in data else "questionnaire-translation"]
    if "rules" in data:
        return KINDS["rules"]
    if "items" in data:
        return KINDS["questionnaire"]
    if "export" in data:
        return KINDS["crm-mapping"]
    return None


_KIND_KEY = re.compile(rb"^(?:items|rules)[ \t]*:", re.M)


def looks_foreign(path: str | Path) -> bool:
    """Whether a YAML file is clearly not a definition: no top-level ``items:`` or
    ``rules:`` key in its text (a CI workflow, a pre-commit config…). Read as text, not
    parsed, so files the strict loader refuses (anchors, several documents) can be told."""
    try:
        with open(path, "rb") as f:
            head = f.read(MAX_BYTES)
    except OSError:
        return False
    return _KIND_KEY.search(head) is None


def check_any_file(path: str | Path, *, skip_foreign: bool = False) -> FileReport:
    """Load one file, tell its kind, and check it; every problem is collected, not raised.

    With ``skip_foreign`` (the pre-commit hook), a file that is clearly not a definition
    (:func:`looks_foreign`) is reported as skipped instead of checked."""
    if skip_foreign and looks_foreign(path):
        return FileReport(path=str(path), skipped=True)
    try:
        located = load_yaml(path)
    except YamlError as exc:
        return yaml_error_report(path, exc)
    refused = not_a_mapping(located)
    if refused is not None:
        return refused
    kind = detect_kind(located.data)
    if kind is None:
        diag = Diagnostic(
            file=located.path,
            code="unknown-kind",
            message="cannot tell what this file is: a questionnaire has 'items', "
            "a rules file has 'rules', a CRM mapping has 'export'",
        )
        return FileReport(path=located.path, diagnostics=[diag])
    return check_located(located, kind)
