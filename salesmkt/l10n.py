"""The tool's own words in the respondent's or the reader's language (gettext catalogues,
read with babel), and numbers and dates written the way that language writes them.

Vocabulary:
- *fixed words*: the text the tool itself writes around a questionnaire ("Instructions",
  "Your answer", "Next"), as opposed to the questionnaire's texts, which its translation
  files carry (:mod:`salesmkt.definitions.translations`).
- *catalogue*: the ``.po`` files of one language, ``salesmkt/locale/TAG/LC_MESSAGES/``:
  ``salesmkt.po`` (what a respondent sees), ``views.po`` (terminal views, the advice),
  ``report.po`` (the report and the deck), ``room.po`` (the room's projector and
  messages), ``waves.po`` (compare, trend, benchmark and evidence views). The split
  only keeps each file a translator's size; a language's files are read as one. The
  ``msgid`` is the English text, the ``msgstr`` its translation. A translator edits
  the ``.po`` file; it is read as it stands at run time (compiled in memory, no
  ``.mo`` on disk).
- *translator*: a function English text → the text in one language. An English text
  with no (or a fuzzy) translation stays English, never an error.
- *reader*: the language the current run writes its views in (``--lang`` on score, gaps,
  recommend, report, the room's projector), held in a context variable that
  :func:`reading_in` sets, so the core and the renderers need no extra parameter.
  :func:`_` and :func:`ngettext` translate into it; :func:`number` writes an English
  formatted number with that language's decimal and group symbols (``59.4`` → ``59,4``)
  when the run writes for people (machine formats, JSON and CSV, keep ``59.4``).

babel is imported only when a language other than English is asked for, so ``--help``
and ``validate`` stay light.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    from importlib.resources.abc import Traversable

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
    """The fixed words in ``lang`` (a BCP 47 tag; ``de-AT`` falls back to ``de``), for
    a respondent's page or prompt, whatever the reader's language of the run."""
    tag = shipped_tag(lang)
    return _english if tag is None else _translations(tag).gettext


def catalogue_files(tag: str) -> list[Traversable]:
    """The ``.po`` files of language ``tag``, ``salesmkt.po`` first (a msgid found in two
    files is read from the first)."""
    # Here, not at the top: importlib.resources (with tempfile and its adapters) costs
    # every command 2-4 ms of start-up, and only a run in another language reads these.
    from importlib import resources

    folder = resources.files("salesmkt") / "locale" / tag / "LC_MESSAGES"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".po"))
    first = [f"{DOMAIN}.po"] if f"{DOMAIN}.po" in names else []
    return [folder / n for n in first + [n for n in names if n != f"{DOMAIN}.po"]]


# -- the reader's language ------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """Who the current run writes for: a language (None: English) and whether numbers
    take that language's symbols (False for JSON and CSV, which programs read)."""

    lang: str | None = None
    local_numbers: bool = True


# Reader is a frozen dataclass: the shared default cannot be changed in place.
_READER: ContextVar[Reader] = ContextVar("salesmkt_reader", default=Reader())  # noqa: B039


def shipped_tag(lang: str | None) -> str | None:
    """The shipped catalogue for ``lang`` (``de-AT`` → ``de``), None for English or one
    not shipped."""
    if not lang:
        return None
    for tag in (lang, lang.split("-")[0].split("_")[0]):
        if tag in SHIPPED:
            return tag
    return None


@contextmanager
def reading_in(lang: str | None, *, local_numbers: bool = True) -> Iterator[None]:
    """Write views in ``lang`` inside the block (None or ``en``: English)."""
    token = _READER.set(Reader(shipped_tag(lang), local_numbers))
    try:
        yield
    finally:
        _READER.reset(token)


def reader() -> Reader:
    return _READER.get()


def reader_language() -> str | None:
    """The shipped language the current run writes in, None for English."""
    return _READER.get().lang


@cache
def _translations(tag: str) -> _gettext.NullTranslations:
    """Every catalogue of ``tag`` compiled in memory into one gettext object (babel's
    ``write_mo`` leaves fuzzy and untranslated entries out, so they stay English)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged: _gettext.NullTranslations | None = None
    for path in catalogue_files(tag):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=tag, domain=path.name.removesuffix(".po"))
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        one = _gettext.GNUTranslations(buffer)
        if merged is None:
            merged = one
        else:
            merged.add_fallback(one)
    return merged or _gettext.NullTranslations()


def _(text: str) -> str:
    """``text`` (English, a msgid) in the reader's language."""
    tag = _READER.get().lang
    return text if tag is None else _translations(tag).gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural English text, by ``n``, in the reader's language (with that
    language's plural rule: French treats 0 as singular)."""
    tag = _READER.get().lang
    if tag is None:
        return singular if n == 1 else plural
    return _translations(tag).ngettext(singular, plural, n)


# -- numbers and dates ----------------------------------------------------------------------


@cache
def _symbols(tag: str) -> tuple[str, str, str]:
    """Decimal symbol, group symbol and the percent pattern's suffix (``"\u00a0%"``)."""
    from babel.core import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    pattern = Locale.parse(tag).percent_formats[None].pattern
    suffix = pattern[pattern.rindex("0") + 1 :]
    return get_decimal_symbol(tag), get_group_symbol(tag), suffix


def _numbers_tag() -> str | None:
    r = _READER.get()
    return r.lang if r.local_numbers else None


def number(text: str) -> str:
    """An English-formatted number (``-1,234.5``, ``59.4%``) written the reader's way
    (``-1.234,5``, ``59,4 %``): the figure is formatted once, in English, so every
    language shows the same rounding; only the symbols change."""
    tag = _numbers_tag()
    if tag is None:
        return text
    decimal, group, percent = _symbols(tag)
    table: dict[str, str | int | None] = {".": decimal, ",": group}
    swapped = text.translate(str.maketrans(table))
    return swapped[:-1] + percent if swapped.endswith("%") else swapped


def whole(value: int) -> str:
    """A whole number with the reader's digit grouping (babel's): ``1,234`` in English,
    ``1.234`` in German and Spanish, ``1 234`` (a narrow space) in French."""
    tag = _numbers_tag()
    if tag is None:
        return f"{value:,}"
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=tag))


def list_separator() -> str:
    """What separates the two bounds of an interval: ``", "`` in English, ``"; "`` where
    the comma is the decimal symbol (``[0,25; 0,50]`` reads unambiguously)."""
    tag = _numbers_tag()
    return "; " if tag is not None and _symbols(tag)[0] == "," else ", "


def long_date(day: dt.date) -> str:
    """A date in words in the reader's language: ``30 November 2026``, ``30. November
    2026``, ``30 novembre 2026``."""
    tag = _READER.get().lang
    if tag is None:
        return f"{day.day} {day:%B %Y}"
    from babel.dates import format_date

    return format_date(day, format="long", locale=tag)
