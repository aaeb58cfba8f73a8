"""The tool's own words in the respondent's language (gettext catalogues, read with babel).

Vocabulary:
- *fixed words*: the text the tool itself writes around a questionnaire ("Instructions",
  "Your answer", "Next"), as opposed to the questionnaire's texts, which its translation
  files carry (:mod:`salesmkt.definitions.translations`).
- *catalogue*: ``salesmkt/locale/TAG/LC_MESSAGES/salesmkt.po``, one per shipped language;
  the ``msgid`` is the English text, the ``msgstr`` its translation. A translator edits
  the ``.po`` file; it is read as it stands at run time (no compiled ``.mo``).
- *translator*: a function English text → the text in one language. An English text
  with no (or a fuzzy) translation stays English, never an error.

babel is imported only when a language other than English is asked for, so ``--help``
and ``validate`` stay light.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

Translate = Callable[[str], str]

DOMAIN = "salesmkt"
#: The languages whose catalogues ship with the tool (English is the source).
SHIPPED: tuple[str, ...] = ("de", "fr", "es")


def N_(text: str) -> str:
    """Marks a constant's English text as a fixed word (for the catalogue check); no-op."""
    return text


def _english(text: str) -> str:
    return text


def translator(lang: str | None) -> Translate:
    """The fixed words in ``lang`` (a BCP 47 tag; ``de-AT`` falls back to ``de``)."""
    if not lang:
        return _english
    for tag in (lang, lang.split("-")[0]):
        if tag in SHIPPED:
            return _catalogue(tag)
    return _english


@cache
def _catalogue(tag: str) -> Translate:
    messages = catalogue_messages(tag)
    return lambda text: messages.get(text) or text


def catalogue_messages(tag: str) -> dict[str, str]:
    """msgid → msgstr of the shipped catalogue for ``tag`` (untranslated and fuzzy left out)."""
    from babel.messages.pofile import read_po

    path = resources.files("salesmkt") / "locale" / tag / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=tag, domain=DOMAIN)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }
