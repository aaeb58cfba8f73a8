"""The reader's language applied to what a run shows: the questionnaire's own texts.

Vocabulary: the *reader's language* is the one ``--lang`` set for the run
(:func:`salesmkt.l10n.reader_language`); the tool's own words follow it through the
catalogues, and this module makes the questionnaire's words (item texts, dimension,
group and stage labels, the rules' titles and actions) follow it too, from the
questionnaire's and the rules' translation files.
"""

from __future__ import annotations

from pathlib import Path

from salesmkt.definitions import questionnaire_load as qmod
from salesmkt.definitions.relabel import relabel
from salesmkt.definitions.rules import RuleBook
from salesmkt.errors import SalesmktError
from salesmkt.l10n import reader_language
from salesmkt.model.assessment import Assessment


def assessment_in_reader_language(
    assessment: Assessment, questionnaire: str | Path | None = None
) -> Assessment:
    """``assessment`` with its questionnaire texts in the reader's language, where the
    questionnaire (``questionnaire``, else the built-in its id names) has them; as it is
    otherwise (English, or a language the questionnaire was not translated into)."""
    lang = reader_language()
    if lang is None:
        return assessment
    try:
        q = qmod.load(questionnaire or assessment.questionnaire.id)
    except SalesmktError:
        return assessment  # a saved assessment of a questionnaire not at hand
    if lang not in q.languages or q.language == lang:
        return assessment
    return relabel(assessment, q, q.in_language(lang))


def rules_in_reader_language(book: RuleBook) -> RuleBook:
    """The rules' titles, actions and rationales in the reader's language, where the rules
    have that translation."""
    lang = reader_language()
    if lang is None or lang not in book.questionnaire.languages:
        return book
    return book.in_language(lang)
