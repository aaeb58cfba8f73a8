"""Attaching a definition file's translations when it loads.

Vocabulary: the *translations* of ``NAME.yaml`` are its sibling files ``NAME.LANG.yaml``
(:mod:`salesmkt.definitions.translations`). Each is fully checked
(:mod:`salesmkt.definitions.translation_checks`); any error raises
:class:`~salesmkt.errors.InvalidFileError` naming it, so a broken translation never
scores silently. The checked texts go into the model's private translation table, from
which :meth:`Questionnaire.in_language` and :meth:`RulesFile.in_language` build copies,
and every language's answer words go to the scale (:meth:`Scale.accepted_spellings`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesmkt.definitions.checks import Kind, check_file
from salesmkt.definitions.questionnaire import Questionnaire, Spelling
from salesmkt.definitions.translation_checks import QUESTIONNAIRE_TRANSLATION, RULES_TRANSLATION
from salesmkt.definitions.translations import sibling_paths
from salesmkt.errors import InvalidFileError

if TYPE_CHECKING:  # the rules model is built only when a rules file is loaded
    from salesmkt.definitions.rules import RulesFile

_CACHE: dict[tuple[Any, ...], dict[str, Any]] = {}


def _version(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def _checked(path: Path, kind: Kind) -> dict[str, Any]:
    """Language tag → checked translation, cached per version of the source and of every
    translation file (a questionnaire is loaded many times in one run)."""
    siblings = sibling_paths(path)
    key = (kind.name, _version(path), *(_version(p) for p in siblings.values()))
    if key not in _CACHE:
        _CACHE[key] = _check_all(siblings, kind)
    return dict(_CACHE[key])


def _check_all(siblings: dict[str, Path], kind: Kind) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for tag, sibling in siblings.items():
        report = check_file(sibling, kind)
        if report.errors or report.model is None:
            raise InvalidFileError(str(sibling), list(report.errors))
        found[tag] = report.model
    return found


def attach_questionnaire(q: Questionnaire, path: Path) -> None:
    """Give ``q`` (loaded from ``path``) its translations and their answer words."""
    q._translations = _checked(path, QUESTIONNAIRE_TRANSLATION)
    index = {o.id: i for i, o in enumerate(q.scale.options)}
    words: list[Spelling] = []
    for texts in q.texts_by_language().values():
        s = texts.scale
        words += [Spelling(label, "label", point) for point, label in s.labels.items()]
        for oid, o in s.options.items():
            words += [Spelling(w, "option", index[oid]) for w in (o.label, *o.aliases)]
        words += [Spelling(code, "missing", None) for code in s.missing]
    q.scale._other_spellings = words


def attach_rules(spec: RulesFile, path: Path) -> None:
    """Give ``spec`` (loaded from ``path``) its translations."""
    spec._translations = _checked(path, RULES_TRANSLATION)
