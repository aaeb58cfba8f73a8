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
read it, and a new kind is added here. :func:`check_any_file` tells a file's kind from
its top-level keys, then checks it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from salesmkt.definitions.checks import (
    FileReport,
    Kind,
    check_located,
    not_a_mapping,
    yaml_error_report,
)
from salesmkt.definitions.crm_mapping_checks import CRM_MAPPING
from salesmkt.definitions.diagnostics import Diagnostic
from salesmkt.definitions.questionnaire_checks import QUESTIONNAIRE
from salesmkt.definitions.rules_checks import RULES
from salesmkt.definitions.translation_checks import QUESTIONNAIRE_TRANSLATION, RULES_TRANSLATION
from salesmkt.definitions.yamlload import MAX_BYTES, load_yaml
from salesmkt.errors import YamlError

KINDS: dict[str, Kind] = {
    "questionnaire": QUESTIONNAIRE,
    "rules": RULES,
    "crm-mapping": CRM_MAPPING,
    "questionnaire-translation": QUESTIONNAIRE_TRANSLATION,
    "rules-translation": RULES_TRANSLATION,
}


def detect_kind(data: dict[str, Any]) -> Kind | None:
    """A rules file has ``rules``; a questionnaire has ``items`` (and no ``rules``); a CRM
    mapping has ``export``; a translation has ``translation`` (and ``rules`` when it
    translates a rules file)."""
    if "translation" in data:
        return RULES_TRANSLATION if "rules" in data else QUESTIONNAIRE_TRANSLATION
    if "rules" in data:
        return RULES
    if "items" in data:
        return QUESTIONNAIRE
    if "export" in data:
        return CRM_MAPPING
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
