"""The questionnaire model: what a YAML instrument may say, and how to find one.

Vocabulary:
- *scale*: the answers an item accepts. ``numeric`` scales run from ``min`` to ``max``
  (1–5 Likert, 0–1 yes/no, 0–2 no/partly/yes) and may name points with ``labels``;
  ``choice`` scales list named ``options`` (the buying funnel's owners). ``missing`` lists
  answers that mean "no answer" and are never scored.
- *group*: a respondent group (sales, marketing…); ``aliases`` are the spellings a
  responses file may use for it. ``compare`` names the two groups whose perceptions are
  compared (gap = first − second).
- *dimension*: a named subset of items, reported as a mean.
- *stage*: a band of the total score; each runs from its ``min`` to the next one's.
- *built-in*: a questionnaire shipped with the package, addressed by its ``id``.
- *evidence*: an item's optional link to the funnel metric that tests its statement
  (:class:`Evidence`; the metrics are :mod:`salesmkt.definitions.metrics`).

The pydantic model checks shapes and types only, strictly (a quoted number is text,
``yes`` is not a boolean: see :mod:`salesmkt.definitions.modelbase`); the meaning
(unique ids, bands that tile the range…) is checked by
:mod:`salesmkt.definitions.questionnaire_checks`, which reports every problem with its
line instead of stopping at the first. Loading a file (by id or path) is
:func:`salesmkt.definitions.questionnaire_load.load`.
"""

import re
import unicodedata
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import Field, PrivateAttr

from salesmkt.definitions.modelbase import INTEGER_KEYS, DefinitionModel, Int, Slug
from salesmkt.model.defaults import empty_list

Text = Annotated[str, Field(min_length=1, max_length=2000)]


class ChoiceOption(DefinitionModel):
    id: Slug
    label: Text
    aliases: list[str] = Field(default_factory=empty_list)


class Spelling(NamedTuple):
    """One word that names an answer: its *kind* (option, label, point or missing) and
    its *value* (the option's index, the point, or None for a missing code)."""

    text: str
    kind: Literal["option", "label", "point", "missing"]
    value: int | None


class Scale(DefinitionModel):
    type: Literal["numeric", "choice"] = "numeric"
    min: Int | None = None
    max: Int | None = None
    labels: dict[int, Text] = Field(default_factory=dict, json_schema_extra=INTEGER_KEYS)
    options: list[ChoiceOption] = Field(default_factory=empty_list)
    missing: list[str] = Field(default_factory=empty_list)
    # Other languages' labels, options and missing codes (set when translations load).
    _other_spellings: list[Spelling] = PrivateAttr(default_factory=empty_list)

    @property
    def points(self) -> list[int]:
        if self.min is None or self.max is None:
            return []
        return list(range(self.min, self.max + 1))

    @property
    def midpoint(self) -> float:
        assert self.min is not None and self.max is not None
        return (self.min + self.max) / 2

    def label(self, value: int) -> str:
        return self.labels.get(value, str(value))

    def spellings(self) -> list[Spelling]:
        """Every word that names an answer, first ones winning where two coincide.

        A choice scale: each option's id, label and aliases (value: the option's index).
        A rating scale: each point's label, then each point as a number (value: the
        point). Then the missing codes (value: None). Every reader of answers (survey
        files, answers files, rules, the terminal interview) starts from this list.
        """
        found: list[Spelling] = []
        if self.type == "choice":
            for index, o in enumerate(self.options):
                found += [Spelling(s, "option", index) for s in (o.id, o.label, *o.aliases)]
        else:
            found += [Spelling(label, "label", point) for point, label in self.labels.items()]
            found += [Spelling(str(point), "point", point) for point in self.points]
        return found + [Spelling(code, "missing", None) for code in self.missing]

    def accepted_spellings(self) -> list[Spelling]:
        """:meth:`spellings`, then those of every translation of the questionnaire (a
        German "Stimme zu" reads as 4 in an English file too); validate checks that no
        spelling means two different answers."""
        return self.spellings() + list(self._other_spellings)

    def read(self, answer: str | int | float) -> float | str | None:
        """The value one answer stands for: a point, an option id, or None (not on the scale).

        Words match case- and space-insensitively; numbers must be points of a rating
        scale. Missing codes are not answers here: their readers decide what they mean.
        """
        if isinstance(answer, bool):
            return None
        if isinstance(answer, int | float) and self.type != "choice":
            return float(answer) if answer in self.points else None
        word = normalise(str(answer))
        for s in self.accepted_spellings():
            if s.kind != "missing" and normalise(s.text) == word:
                assert s.value is not None
                return self.options[s.value].id if self.type == "choice" else float(s.value)
        if self.type == "choice":
            return None
        try:
            number = float(word)
        except ValueError:
            return None
        return number if number in self.points else None


class Group(DefinitionModel):
    id: Slug
    label: Text
    aliases: list[str] = Field(default_factory=empty_list)


class Dimension(DefinitionModel):
    id: Slug
    label: Text
    description: str = ""


class Evidence(DefinitionModel):
    """The funnel metric that can test an item's statement (``salesmkt evidence``).

    The statement is *supported* when the metric's whole 95% interval lies on the
    ``supports_if`` side of ``threshold`` (``above`` or ``below``), *contradicted* when it
    lies wholly on the other side; ``why`` says, for the reader, why the metric speaks
    to the statement and where the threshold comes from.
    """

    metric: Slug
    supports_if: Literal["above", "below"]
    threshold: float
    why: str = ""


class Item(DefinitionModel):
    id: Slug
    text: Text
    short: str = ""
    help: str = ""
    dimension: str | None = None
    reverse: bool = False
    stage: str | None = None
    argues: Literal["stay", "move_up"] | None = None
    owner: str | None = None
    evidence: Evidence | None = None

    @property
    def label(self) -> str:
        return self.short or self.text


class Stage(DefinitionModel):
    id: Slug
    label: Text
    min: float
    max: float | None = None
    description: str = ""


class Questionnaire(DefinitionModel):
    """One instrument, exactly as its YAML file describes it."""

    id: Slug
    version: Annotated[str, Field(min_length=1, max_length=32)]
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = Field(
        "en", description="The language the texts are written in (a BCP 47 tag)."
    )
    title: Text
    description: str = ""
    source: str = ""
    instructions: str = ""
    scale: Scale
    groups: list[Group] = Field(default_factory=empty_list)
    compare: list[str] = Field(default_factory=empty_list)
    dimensions: list[Dimension] = Field(default_factory=empty_list)
    items: list[Item] = Field(min_length=1)
    stages: list[Stage] = Field(default_factory=empty_list)
    # Language tag → QuestionnaireTranslation, set by the loader from the sibling files.
    _translations: dict[str, Any] = PrivateAttr(default_factory=dict)
    _source: "Questionnaire | None" = PrivateAttr(default=None)

    # -- languages ----------------------------------------------------------------------
    @property
    def languages(self) -> list[str]:
        """The source language, then every translation's, as tags."""
        from salesmkt.definitions.translations import languages_of

        return languages_of(self)

    def in_language(self, tag: str) -> "Questionnaire":
        """A copy with every text in language ``tag`` (ids, scale and bands unchanged).

        Raises :class:`~salesmkt.errors.UsageError` naming the available languages."""
        from salesmkt.definitions import translations as tr

        copy: Questionnaire = tr.translated_copy(
            self, tag, "questionnaire", tr.translated_questionnaire
        )
        return copy

    def texts_by_language(self) -> dict[str, Any]:
        """Language tag → that language's texts (a QuestionnaireTranslation), source
        first."""
        from salesmkt.definitions.translations import source_texts

        source = self._source or self
        return {source.language: source_texts(source), **source._translations}

    # -- derived views (the checks guarantee they are consistent) -------------------
    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def group(self, group_id: str) -> Group:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)

    def dimension(self, dimension_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def items_in(self, dimension_id: str) -> list[Item]:
        return [i for i in self.items if i.dimension == dimension_id]

    @property
    def total_range(self) -> tuple[float, float]:
        """The lowest and highest possible total (sum of all items)."""
        assert self.scale.min is not None and self.scale.max is not None
        n = len(self.items)
        return (n * self.scale.min, n * self.scale.max)

    def stage_for(self, total: float) -> Stage | None:
        """The stage whose band holds ``total`` (bands are half-open, the last closed)."""
        found: Stage | None = None
        for stage in sorted(self.stages, key=lambda s: s.min):
            if total >= stage.min:
                found = stage
        return found

    @property
    def stage_edges(self) -> list[float]:
        """Band edges: each stage's min, then the highest possible total."""
        lo_hi = self.total_range
        return [s.min for s in sorted(self.stages, key=lambda s: s.min)] + [lo_hi[1]]

    def group_lookup(self) -> dict[str, str]:
        """Normalised spelling → group id, from ids, labels and aliases (in every
        language the questionnaire is translated into)."""
        table: dict[str, str] = {}
        for g in self.groups:
            for spelling in (g.id, g.label, *g.aliases):
                table.setdefault(normalise(spelling), g.id)
        source = self._source or self
        for texts in source._translations.values():
            for group_id, text in texts.groups.items():
                for spelling in (text.label, *text.aliases):
                    table.setdefault(normalise(spelling), group_id)
        return table


def normalise(text: str) -> str:
    """Fold case, Unicode forms and every kind of space, so 'Sales\u00a0 ' == 'sales'."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"\s+", " ", folded).strip()
