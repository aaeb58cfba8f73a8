"""Translations of questionnaires and rules files: one sibling file per language.

Vocabulary:
- *source language*: the language a questionnaire or rules file is written in (its
  ``language`` field, ``en`` by default). Every model field keeps that text.
- *translation file*: ``NAME.TAG.yaml`` next to ``NAME.yaml`` (``alignment.de.yaml``),
  holding only the texts a respondent or reader sees, keyed by the ids of the source
  (:class:`QuestionnaireTranslation`, :class:`RulesTranslation`). A translator edits it
  without reading Python; ``salesmkt validate`` checks it against its source.
- *language tag*: a BCP 47 tag as written in the file name (``de``, ``fr``, ``es``,
  ``pt-BR``).
- *translated copy*: the source model with its texts replaced by one language's
  (:func:`translated_questionnaire`, :func:`translated_rules`); ids, numbers and
  conditions stay the same, so every renderer and analysis works on it unchanged.
- *header key*: the form a column header is compared in (case, space, quote and trailing
  punctuation folded), the same as :func:`salesmkt.intake.spelling.text_key`; kept here
  so that ``validate`` can check collisions without importing the read path.
"""

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from salesmkt.definitions.modelbase import INTEGER_KEYS, DefinitionModel, Slug
from salesmkt.errors import UsageError
from salesmkt.model.defaults import empty_list

# The models translated (Questionnaire, RulesFile) import this module, so they are typed
# Any here rather than imported (no import circle).
Questionnaire = Any
RulesFile = Any

LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
LanguageTag = Annotated[str, Field(pattern=LANGUAGE_TAG, max_length=35)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]

_FILE_NAME = re.compile(r"^(?P<stem>[^.]+)\.(?P<tag>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$")

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u201c": '"',
     "\u201d": '"', "\u201e": '"'}
)  # fmt: skip
_TRAILING_PUNCT = re.compile(r"[\s.:?!*]+$")
# Compiled once: header_key runs for every label of every translation (about 4,000 calls
# when validate checks the built-in files), and re.sub with a pattern string looks the
# pattern up in re's cache each time.
_SPACES = re.compile(r"\s+")


def header_key(text: str) -> str:
    """How intake compares a header or a label (see the module docstring): the
    questionnaire's ``normalise`` (NFKC, casefold, one space) after folding quotes."""
    folded = unicodedata.normalize("NFKC", str(text).translate(_QUOTES)).casefold()
    return _TRAILING_PUNCT.sub("", _SPACES.sub(" ", folded).strip())


# -- the file models -------------------------------------------------------------------


class LabelText(DefinitionModel):
    """A group's or an option's label, with more spellings a responses file may use."""

    label: Text
    aliases: list[str] = Field(default_factory=empty_list)


class ScaleText(DefinitionModel):
    labels: dict[int, Text] = Field(default_factory=dict, json_schema_extra=INTEGER_KEYS)
    missing: list[str] = Field(default_factory=empty_list)
    options: dict[str, LabelText] = Field(default_factory=dict)


class ItemText(DefinitionModel):
    text: Text
    short: str = ""
    help: str = ""


class DescribedText(DefinitionModel):
    """A dimension's or a stage's label and description."""

    label: Text
    description: str = ""


class QuestionnaireTranslation(DefinitionModel):
    """One language's texts of a questionnaire, keyed by the source's ids."""

    translation: Slug = Field(description="The id of the questionnaire translated.")
    language: LanguageTag
    title: Text
    description: str = ""
    instructions: str = ""
    scale: ScaleText = Field(default_factory=ScaleText)
    groups: dict[str, LabelText] = Field(default_factory=dict)
    dimensions: dict[str, DescribedText] = Field(default_factory=dict)
    items: dict[str, ItemText] = Field(default_factory=dict)
    stages: dict[str, DescribedText] = Field(default_factory=dict)


class RuleText(DefinitionModel):
    title: Text
    action: Text
    why: Text


class RulesTranslation(DefinitionModel):
    """One language's texts of a rules file, keyed by rule id."""

    translation: Slug = Field(description="The id of the rules file translated.")
    language: LanguageTag
    title: Text
    description: str = ""
    rules: dict[str, RuleText] = Field(default_factory=dict)


# -- finding the files ------------------------------------------------------------------


def split_name(path: Path) -> tuple[str, str] | None:
    """``(stem, tag)`` of a translation file's name (``alignment.de.yaml``), else None."""
    if path.suffix not in (".yaml", ".yml"):
        return None
    m = _FILE_NAME.match(path.name[: -len(path.suffix)])
    return (m["stem"], m["tag"]) if m else None


def source_path(path: Path) -> Path | None:
    """The file a translation file translates (its sibling without the tag)."""
    parts = split_name(path)
    return path.with_name(parts[0] + path.suffix) if parts else None


def sibling_paths(path: Path) -> dict[str, Path]:
    """Language tag → translation file of the definition file at ``path``."""
    found: dict[str, Path] = {}
    if not path.parent.is_dir():
        return found
    for candidate in sorted(path.parent.glob(f"{path.stem}.*{path.suffix}")):
        parts = split_name(candidate)
        if parts and parts[0] == path.stem:
            found[parts[1]] = candidate
    return found


# -- translated copies --------------------------------------------------------------------


def unknown_language(tag: str, available: list[str], what: str) -> UsageError:
    return UsageError(
        f"no {tag!r} translation of {what}; available languages: {', '.join(available)}"
    )


def languages_of(model: Any) -> list[str]:
    """A translated model's source language, then every translation's, as tags."""
    source = model._source or model
    return [source.language, *sorted(source._translations)]


def translated_copy(model: Any, tag: str, kind: str, translate: Callable[[Any, Any], Any]) -> Any:
    """``model`` (a Questionnaire or RulesFile, or a translated copy of one) in language
    ``tag``, made by ``translate`` from the source and that language's texts; the copy
    remembers its source, so it can be translated again.

    Raises :class:`~salesmkt.errors.UsageError` naming ``kind`` and the languages there
    are."""
    source = model._source or model
    if tag == source.language:
        return source
    if tag not in source._translations:
        raise unknown_language(tag, languages_of(model), f"{kind} {model.id!r}")
    copy = translate(source, source._translations[tag])
    copy._source = source
    return copy


def source_texts(q: Questionnaire) -> QuestionnaireTranslation:
    """The source language's texts of ``q``, in the shape of a translation."""
    s = q.scale
    return QuestionnaireTranslation(
        translation=q.id,
        language=q.language,
        title=q.title,
        description=q.description,
        instructions=q.instructions,
        scale=ScaleText(
            labels=dict(s.labels),
            missing=list(s.missing),
            options={o.id: LabelText(label=o.label, aliases=list(o.aliases)) for o in s.options},
        ),
        groups={g.id: LabelText(label=g.label, aliases=list(g.aliases)) for g in q.groups},
        dimensions={
            d.id: DescribedText(label=d.label, description=d.description) for d in q.dimensions
        },
        items={i.id: ItemText(text=i.text, short=i.short, help=i.help) for i in q.items},
        stages={
            st.id: DescribedText(label=st.label, description=st.description) for st in q.stages
        },
    )


def _labelled(model: Any, text: LabelText | None) -> Any:
    return model if text is None else model.model_copy(update=text.model_dump())


def _described(model: Any, text: DescribedText | None) -> Any:
    return model if text is None else model.model_copy(update=text.model_dump())


def translated_questionnaire(q: Questionnaire, t: QuestionnaireTranslation) -> Questionnaire:
    """A copy of ``q`` whose texts are ``t``'s (a text ``t`` lacks stays as in ``q``)."""
    s = q.scale
    scale = s.model_copy(
        update={
            "labels": {p: t.scale.labels.get(p, label) for p, label in s.labels.items()},
            "missing": list(t.scale.missing or s.missing),
            "options": [_labelled(o, t.scale.options.get(o.id)) for o in s.options],
        }
    )
    items = [
        i.model_copy(update=t.items[i.id].model_dump()) if i.id in t.items else i for i in q.items
    ]
    return q.model_copy(
        update={
            "language": t.language,
            "title": t.title,
            "description": t.description or q.description,
            "instructions": t.instructions or q.instructions,
            "scale": scale,
            "groups": [_labelled(g, t.groups.get(g.id)) for g in q.groups],
            "dimensions": [_described(d, t.dimensions.get(d.id)) for d in q.dimensions],
            "items": items,
            "stages": [_described(st, t.stages.get(st.id)) for st in q.stages],
        }
    )


def translated_rules(spec: RulesFile, t: RulesTranslation) -> RulesFile:
    """A copy of ``spec`` whose titles, actions and rationales are ``t``'s."""
    rules = [
        r.model_copy(update=t.rules[r.id].model_dump()) if r.id in t.rules else r
        for r in spec.rules
    ]
    return spec.model_copy(
        update={
            "title": t.title,
            "description": t.description or spec.description,
            "rules": rules,
        }
    )
