"""The reader's language applied to what a run shows: the questionnaire's own texts.

Vocabulary: the *reader's language* is the one ``--lang`` set for the run
(:func:`salesmkt.l10n.reader_language`); the tool's own words follow it through the
catalogues, and this module makes the questionnaire's words (item texts, dimension,
group and stage labels, the rules' titles and actions) follow it too, from the
questionnaire's and the rules' translation files.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.definitions import questionnaire_load as qmod
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.relabel import relabel
from salesmkt.errors import SalesmktError
from salesmkt.l10n import reader_language
from salesmkt.model.assessment import Assessment

if TYPE_CHECKING:  # the advice and the rules load only for the runs that use them
    from salesmkt.advice.answers import Answers
    from salesmkt.definitions.rules import RuleBook


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
    translated = q.in_language(lang)
    return _sentences_relabelled(relabel(assessment, q, translated), q, translated)


# The fields of an assessment that hold sentences the core wrote (in the reader's language
# already) around questionnaire labels it took from the source questionnaire.
_SENTENCES = frozenset(
    {"message", "headline", "note", "hides_split", "not_estimable", "warning", "suppressed"}
)


def _sentences_relabelled(
    assessment: Assessment, source: Questionnaire, translated: Questionnaire
) -> Assessment:
    """The group, stage and dimension labels quoted inside the core's sentences ("Sales
    sees Aligned") swapped for the translation's, as whole words."""
    import re

    words: dict[str, str] = {}
    for kind in ("groups", "stages", "dimensions"):
        for one, other in zip(getattr(source, kind), getattr(translated, kind), strict=True):
            if str(one.label) != str(other.label):
                words[str(one.label)] = str(other.label)
    if not words:
        return assessment
    names = sorted(words, key=len, reverse=True)  # "Joint customer work" before "Joint"
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)")

    def swap(node: object, key: str | None = None) -> object:
        if isinstance(node, str):
            return pattern.sub(lambda m: words[m.group(1)], node) if key in _SENTENCES else node
        if isinstance(node, list):
            return [swap(v, key) for v in node]
        if isinstance(node, dict):
            return {k: swap(v, k) for k, v in node.items()}
        return node

    return Assessment.model_validate(swap(assessment.model_dump(mode="python")))


def rules_in_reader_language(book: RuleBook) -> RuleBook:
    """The rules' titles, actions and rationales in the reader's language, where the rules
    have that translation."""
    lang = reader_language()
    if lang is None or lang not in book.questionnaire.languages:
        return book
    return book.in_language(lang)


def answers_read_with(answers: dict[str, Answers], book: RuleBook) -> dict[str, Answers]:
    """The instrument answers worded by ``book``'s questionnaires: in the reader's
    language after :func:`rules_in_reader_language` (evidence quotes the items and
    answer words in it), or back in the rules' own for saving; the values are unchanged."""
    moved = {}
    for name, given in answers.items():
        instrument = getattr(book, name, None)
        moved[name] = given if instrument is None else replace(given, questionnaire=instrument)
    return moved
