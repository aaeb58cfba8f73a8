"""What a column header names: an item, the group, a respondent id, or comments.

Vocabulary:
- *header*: a column's text in a header row, compared by its key (see
  :mod:`.spelling`); a column may have several (the header and its sub-header rows).
- *match level*: how well a header names an item, best first: 0 the item's id
  (``q05``), 1 its text, 2 its short label, 3 a header that contains its text (12
  characters or more). Forms like "Q5. text", "5 - text", "Question 5: text" and
  "Question [text]" are compared without their prefix or around their tail. Texts and
  short labels match in every language the questionnaire is translated into.
- *group column names* and *respondent column names*: headers that name those columns
  outright, in a few languages (:data:`GROUP_COLUMN_NAMES`,
  :data:`RESPONDENT_COLUMN_NAMES`).
- *comment words*: words in a header that mark a free-text column ("comment",
  "feedback", "anything else"…).
"""

from __future__ import annotations

import re

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.intake.spelling import key, text_key

GROUP_COLUMN_NAMES = (
    "group",
    "groups",
    "team",
    "function",
    "department",
    "dept",
    "respondent group",
    "your team",
    "your function",
    "your department",
    "abteilung",
    "funktion",
    "équipe",
    "equipe",
    "fonction",
    "departamento",
    "equipo",
)
"""Headers that name the group column outright (compared after :func:`.spelling.key`)."""

RESPONDENT_COLUMN_NAMES = (
    "respondent id",
    "respondentid",
    "respondent",
    "respondent code",
    "response id",
    "responseid",
    "id",
    "code",
    "respondent number",
    "respondent no",
    "participant",
    "participant id",
    "teilnehmer",
    "teilnehmer id",
)
"""Headers of a respondent id column, most specific first."""

_COMMENT_WORDS = re.compile(
    r"\b(comment|remark|note|feedback|kommentar|commentaire|anmerkung|bemerkung|"
    r"comentario|suggestion|anything else|other thoughts)"
)

_ITEM_PREFIX = re.compile(
    r"^(?:q(?:uestion)?\s*)?\d+[a-z]?(?:\s*[.):\-\u2013]\s*|\s+)(?=\S)"
)  # "q05. ", "Q5) ", "5 - ", "Question 5: " before an item's text
_BRACKET_TAIL = re.compile(r"\[([^\[\]]+)\]\s*$")
_DASH_TAIL = re.compile(r"\s[-\u2013\u2014:]\s(.+)$")

NO_MATCH = 9
"""The match level of a header that names no item."""

_CONTAINED_MIN = 12
"""Characters an item's text needs before a header containing it names the item (level
3): shorter texts ("Budget") occur in too many unrelated headers."""


class ItemMatcher:
    """How well a header names an item: 0 id, 1 text, 2 short label, 3 contains text."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.ids = {key(i.id): i.id for i in questionnaire.items}
        self.texts = {text_key(i.text): i.id for i in questionnaire.items}
        self.shorts = {text_key(i.short): i.id for i in questionnaire.items if i.short}
        self.text_of = {i.id: text_key(i.text) for i in questionnaire.items}
        self._contained_items = list(self.text_of)
        self._by_prefix: dict[str, list[tuple[int, str]]] = {}
        for order, text in enumerate(self.text_of.values()):
            if len(text) >= _CONTAINED_MIN:
                self._by_prefix.setdefault(text[:_CONTAINED_MIN], []).append((order, text))
        # Every translation's texts name the item too (validate keeps them apart).
        for texts in questionnaire.texts_by_language().values():
            for item_id, t in texts.items.items():
                self.texts.setdefault(text_key(t.text), item_id)
                if t.short:
                    self.shorts.setdefault(text_key(t.short), item_id)

    def variants(self, header: str) -> list[str]:
        """The header's text key, then the same without its prefix or around its tail."""
        header_key = text_key(header)
        out = [header_key]
        m = _BRACKET_TAIL.search(header_key)
        if m:
            out.append(text_key(m.group(1)))
        stripped = _ITEM_PREFIX.sub("", header_key)
        if stripped and stripped != header_key:
            out.append(text_key(stripped))
        m = _DASH_TAIL.search(header_key)
        if m:
            out.append(text_key(m.group(1)))
        return out

    def match(self, header: str) -> tuple[int, list[str]]:
        """Best level and the items matched at it (level 9 = none)."""
        header_key = key(header)
        if not header_key:
            return NO_MATCH, []
        if header_key in self.ids:
            return 0, [self.ids[header_key]]
        variants = self.variants(header)
        for level, table in ((1, self.texts), (2, self.shorts)):
            found = {table[v] for v in variants if v in table}
            if found:
                return level, sorted(found)
        return self._contained(variants[0])

    def _contained(self, header_key: str) -> tuple[int, list[str]]:
        """Level 3: items whose text (12 characters or more) the header contains; when one
        such text contains all the others, the longest wins."""
        contained = self._texts_within(header_key)
        if len(contained) > 1:
            longest = max(contained, key=lambda i: len(self.text_of[i]))
            if all(self.text_of[i] in self.text_of[longest] for i in contained):
                contained = [longest]
        return (3, contained) if contained else (NO_MATCH, [])

    def _texts_within(self, header_key: str) -> list[str]:
        """Items whose text (12 characters or more) occurs in the header, in questionnaire
        order. Found through the texts' first 12 characters at each position of the
        header, not by trying every text on every header: with thousands of items the
        header check would otherwise be quadratic (2,000 items took 4 s)."""
        found: set[int] = set()
        for at in range(len(header_key) - _CONTAINED_MIN + 1):
            for order, text in self._by_prefix.get(header_key[at : at + _CONTAINED_MIN], ()):
                if header_key.startswith(text, at):
                    found.add(order)
        return [self._contained_items[order] for order in sorted(found)]


def is_group_name(header: str) -> bool:
    """The header names the group column outright."""
    return text_key(header) in GROUP_COLUMN_NAMES


def respondent_rank(header: str) -> int | None:
    """Where the header stands in :data:`RESPONDENT_COLUMN_NAMES` (0 = most specific), or
    ``None`` when it does not name a respondent id column."""
    header_key = text_key(re.sub(r"[_\-]+", " ", header))
    if header_key in RESPONDENT_COLUMN_NAMES:
        return RESPONDENT_COLUMN_NAMES.index(header_key)
    return None


def names_comments(headers: list[str]) -> bool:
    """One of the headers says the column holds comments."""
    return any(_COMMENT_WORDS.search(key(text)) for text in headers)
