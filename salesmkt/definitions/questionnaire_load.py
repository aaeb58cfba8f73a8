"""Loading a questionnaire: by built-in id or path, fully checked, or an error.

Vocabulary: *loading* is finding the file (:mod:`salesmkt.definitions.builtin`), reading
it safely, and checking its shape and meaning
(:data:`~salesmkt.definitions.questionnaire_checks.QUESTIONNAIRE`); any error makes
:func:`load` raise :class:`~salesmkt.errors.InvalidFileError` with every problem found.
Warnings do not stop a load. Nothing here reads rules files. The file's translations
(``NAME.LANG.yaml`` beside it) are checked and attached too
(:mod:`salesmkt.definitions.translation_load`).
"""

from __future__ import annotations

from pathlib import Path

from salesmkt.definitions.builtin import resolve
from salesmkt.definitions.checks import check_file
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_checks import QUESTIONNAIRE
from salesmkt.errors import InvalidFileError


def load(ref: str | Path) -> Questionnaire:
    """Load and fully check a questionnaire by id or path; raise on any error."""
    path = resolve(str(ref)) if not isinstance(ref, Path) else ref
    report = check_file(path, QUESTIONNAIRE)
    if report.errors or report.model is None:
        raise InvalidFileError(str(path), list(report.errors))
    assert isinstance(report.model, Questionnaire)
    from salesmkt.definitions.translation_load import attach_questionnaire

    attach_questionnaire(report.model, path)
    return report.model
