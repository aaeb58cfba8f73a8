"""The meaning of a translation file, checked against the file it translates.

A translation (``alignment.de.yaml``) must name its source (``translation: alignment``)
and the language of its file name; give every text the source has
(``translation-missing``, naming the id); name no id the source lacks
(``translation-unknown-id``); keep scale labels unique (``translation-duplicate-label``)
and mean the same answer as any other language's same spelling
(``translation-label-conflict``); and keep item texts and short labels apart from every
other item's in every language, so that a column header still names one item
(``translation-collision``). :data:`QUESTIONNAIRE_TRANSLATION` and
:data:`RULES_TRANSLATION` are the kinds' entries in :mod:`salesmkt.definitions.kinds`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from salesmkt.definitions.checks import Kind, Problem
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.translations import (
    QuestionnaireTranslation,
    RulesTranslation,
    header_key,
    sibling_paths,
    source_path,
    source_texts,
    split_name,
)
from salesmkt.definitions.yamlload import Located, PathT, load_yaml
from salesmkt.errors import YamlError

_CACHE: dict[tuple[str, str, int, int], Any] = {}

# header_key is a pure function of its text, and the checks below key the same texts
# many times (each translation against every other, and again when the questionnaire
# loads with its translations): about 4,000 calls for 700 texts in `salesmkt validate`.
# typed: an int answer code never shares an entry with an equal float or bool.
_key = functools.lru_cache(maxsize=8192, typed=True)(header_key)


def _read(path: Path, model: type[BaseModel]) -> Any:
    """The file as ``model``, or None when it cannot be read (its own check says why).

    Cached per file version: loading a questionnaire checks each of its translations
    against the source and the others."""
    try:
        stat = path.stat()
        key = (model.__name__, str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        if key not in _CACHE:
            _CACHE[key] = model.model_validate(load_yaml(path).data, strict=True)
        return _CACHE[key]
    except (YamlError, ValidationError, OSError):
        return None


def _source(located: Located, model: type[BaseModel]) -> tuple[Any, list[Problem]]:
    path = Path(located.path)
    src = source_path(path)
    if src is None or not src.is_file():
        return None, [
            Problem(
                (),
                "translation-no-source",
                f"{path.name}: a translation file is named NAME.LANG.yaml next to NAME.yaml; "
                "no such source file",
            )
        ]
    found = _read(src, model)
    if found is None:
        return None, [
            Problem((), "translation-no-source", f"{src.name} is not valid: fix it first")
        ]
    return found, []


def _header(t: Any, source_id: str, source_language: str, path: str) -> list[Problem]:
    p: list[Problem] = []
    if t.translation != source_id:
        p.append(
            Problem(
                ("translation",),
                "translation-wrong-source",
                f"this file sits next to {source_id!r} but translates {t.translation!r}",
            )
        )
    parts = split_name(Path(path))
    if (parts and parts[1] != t.language) or t.language == source_language:
        p.append(
            Problem(
                ("language",),
                "translation-language-mismatch",
                f"language {t.language!r} must be the tag in the file name "
                f"({parts[1] if parts else '?'}) and differ from the source's "
                f"({source_language})",
            )
        )
    return p


def _missing(loc: PathT, what: str, located: Located) -> Problem:
    """A missing text, pointed at the nearest key the file has."""
    probe = loc
    while probe and probe not in located.key_positions:
        probe = probe[:-1]
    return Problem(probe, "translation-missing", f"no translation of {what}", key=bool(probe))


def _compare(
    section: str, want: dict[Any, Any], got: dict[Any, Any], fields: Iterable[str], located: Located
) -> list[Problem]:
    """Every id of the source's ``section`` is translated in each non-empty field; no
    unknown id."""
    p: list[Problem] = []
    for ident, src in want.items():
        have = got.get(ident)
        for f in fields:
            if getattr(src, f) and (have is None or not getattr(have, f)):
                p.append(_missing((section, ident, f), f"{section} {ident!r}: {f}", located))
    for ident in got:
        if ident not in want:
            p.append(
                Problem(
                    (section, ident),
                    "translation-unknown-id",
                    f"{section}: {ident!r} is not an id of the source; "
                    f"its ids are {', '.join(map(str, want)) or 'none'}",
                    key=True,
                )
            )
    return p


def _complete(q: Questionnaire, t: QuestionnaireTranslation, located: Located) -> list[Problem]:
    want = source_texts(q)
    p: list[Problem] = []
    for f in ("description", "instructions"):
        if getattr(want, f) and not getattr(t, f):
            p.append(_missing((f,), f, located))
    p += _compare("groups", want.groups, t.groups, ("label",), located)
    p += _compare("dimensions", want.dimensions, t.dimensions, ("label", "description"), located)
    p += _compare("items", want.items, t.items, ("text", "short", "help"), located)
    p += _compare("stages", want.stages, t.stages, ("label", "description"), located)
    for point in want.scale.labels:
        if point not in t.scale.labels:
            p.append(_missing(("scale", "labels"), f"scale label {point}", located))
    for point in t.scale.labels:
        if point not in want.scale.labels:
            p.append(
                Problem(
                    ("scale", "labels", point),
                    "translation-unknown-id",
                    f"scale point {point} has no label in the source",
                    key=True,
                )
            )
    if want.scale.missing and not t.scale.missing:
        p.append(_missing(("scale", "missing"), "the missing codes (scale.missing)", located))
    p += _compare("options", want.scale.options, t.scale.options, ("label",), located)
    return p


def _spellings(t: QuestionnaireTranslation) -> list[tuple[str, Any, PathT]]:
    """(header key, what it means, where) of every answer word in one language."""
    out: list[tuple[str, Any, PathT]] = []
    for point, label in t.scale.labels.items():
        out.append((_key(label), point, ("scale", "labels", point)))
    for oid, o in t.scale.options.items():
        for word in (o.label, *o.aliases):
            out.append((_key(word), oid, ("scale", "options", oid)))
    for i, code in enumerate(t.scale.missing):
        out.append((_key(code), None, ("scale", "missing", i)))
    return out


def _labels(
    t: QuestionnaireTranslation, others: dict[str, QuestionnaireTranslation]
) -> list[Problem]:
    p: list[Problem] = []
    mine: dict[str, Any] = {}
    for word, meaning, loc in _spellings(t):
        if word in mine and mine[word] != meaning:
            p.append(
                Problem(
                    loc,
                    "translation-duplicate-label",
                    f"{word!r} already names {mine[word]!r} in {t.language}: "
                    "each answer word must name one answer",
                )
            )
        mine.setdefault(word, meaning)
    for lang, other in others.items():
        theirs = {w: m for w, m, _ in _spellings(other)}
        for word, meaning, loc in _spellings(t):
            if word in theirs and theirs[word] != meaning:
                p.append(
                    Problem(
                        loc,
                        "translation-label-conflict",
                        f"{word!r} means {meaning!r} here but {theirs[word]!r} in {lang}; "
                        "answers are read in every language, so it would be ambiguous",
                    )
                )
    return p


def _texts(t: QuestionnaireTranslation) -> list[tuple[str, str, str]]:
    """(header key, item id, field) of every item text and short label in one language."""
    out = [(_key(x.text), ident, "text") for ident, x in t.items.items()]
    return out + [(_key(x.short), ident, "short") for ident, x in t.items.items() if x.short]


def _collisions(
    t: QuestionnaireTranslation, others: dict[str, QuestionnaireTranslation]
) -> list[Problem]:
    p: list[Problem] = []
    seen: dict[str, tuple[str, str]] = {}
    for lang, other in others.items():
        for k, ident, _ in _texts(other):
            seen.setdefault(k, (ident, lang))
    for k, ident, _ in _texts(t):
        if k in seen and seen[k][0] != ident:
            p.append(
                Problem(
                    ("items", ident),
                    "translation-collision",
                    f"item {ident!r} reads like item {seen[k][0]!r} in {seen[k][1]}: a column "
                    "headed by this text would name two items",
                    key=True,
                )
            )
        seen.setdefault(k, (ident, t.language))
    return p


def _others(path: Path, source: QuestionnaireTranslation, tag: str) -> dict[str, Any]:
    """The source's texts and every other sibling translation's, by language."""
    found: dict[str, Any] = {source.language: source}
    src = source_path(path)
    assert src is not None
    for lang, sibling in sibling_paths(src).items():
        if lang != tag:
            other = _read(sibling, QuestionnaireTranslation)
            if other is not None:
                found[lang] = other
    return found


def check_questionnaire_translation(t: QuestionnaireTranslation, located: Located) -> list[Problem]:
    q, p = _source(located, Questionnaire)
    if q is None:
        return p
    p += _header(t, q.id, q.language, located.path)
    p += _complete(q, t, located)
    others = _others(Path(located.path), source_texts(q), t.language)
    p += _labels(t, others)
    p += _collisions(t, others)
    return p


def check_rules_translation(t: RulesTranslation, located: Located) -> list[Problem]:
    # Here, not at the top: loading a questionnaire's translations needs no rules model.
    from salesmkt.definitions.rules import RulesFile

    spec, p = _source(located, RulesFile)
    if spec is None:
        return p
    p += _header(t, spec.id, spec.language, located.path)
    if spec.description and not t.description:
        p.append(_missing(("description",), "description", located))
    want = {r.id: r for r in spec.rules}
    p += _compare("rules", want, t.rules, ("title", "action", "why"), located)
    return p


def _questionnaire_inputs(path: Path) -> list[Path]:
    """What a questionnaire translation's check reads: its source and every sibling."""
    src = source_path(path)
    return [] if src is None else [src, *sibling_paths(src).values()]


def _rules_inputs(path: Path) -> list[Path]:
    """What a rules translation's check reads: its source (the rules file)."""
    src = source_path(path)
    return [] if src is None else [src]


QUESTIONNAIRE_TRANSLATION = Kind(
    "questionnaire-translation",
    QuestionnaireTranslation,
    check_questionnaire_translation,
    inputs=_questionnaire_inputs,
)
RULES_TRANSLATION = Kind(
    "rules-translation", RulesTranslation, check_rules_translation, inputs=_rules_inputs
)
