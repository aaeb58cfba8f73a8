"""Spelling: how cells and headers are compared, tidied and shown in messages.

Vocabulary:
- *key*: the case-, space- and quote-insensitive spelling that every match compares
  (" Strongly  AGREE" and "strongly agree" share a key; so do ’ and ').
- *text key*: a key without trailing punctuation, for headers and labels ("Agree." and
  "Agree" are the same label).
- *quoted*: a cell as a message shows it, in single quotes with line breaks visible.
- *short*: a long header cut at a word boundary so a message stays on one line.
- *tidy*: a column's cells with odd spaces turned into plain ones, runs collapsed and
  ends stripped; this is the text kept for segments, comments, groups and ids.
- *free text*: a column whose first cells are long (:data:`LONG_CELLS` characters on
  average), comments above all; it may be tidied only where it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.definitions.questionnaire import normalise
from salesmkt.intake.arrowtext import ArrowText
from salesmkt.intake.coded import CodedText
from salesmkt.intake.distinct import factorize

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u201c": '"',
     "\u201d": '"', "\u201e": '"'}
)  # fmt: skip
TRAILING_PUNCT = re.compile(r"[\s.:?!*]+$")
_ODD_SPACE = re.compile(r"[^\S ]")


def key(text: object) -> str:
    """Case-, space- and quote-insensitive form used for every match."""
    return normalise(str(text).translate(_QUOTES))


def text_key(text: str) -> str:
    """The :func:`key` of a header or label, without its trailing punctuation."""
    return TRAILING_PUNCT.sub("", key(text))


def quote(text: str) -> str:
    """A cell as shown in a message: quoted, with its line breaks made visible."""
    shown = text.strip().replace("\n", "\\n").replace("\r", "\\r")
    return f"'{shown}'"


def join(words: Sequence[str], last: str = "or") -> str:
    """``a, b or c`` (or ``a, b and c``)."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def short(text: str, limit: int = 48) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def tidy(cells: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """NBSP → space, runs of spaces collapsed, ends stripped; untouched if already clean.
    A coded column (:class:`.coded.CodedText`) is tidied word by word: its codes stay;
    arrow text (:class:`.arrowtext.ArrowText`) stays as it is when its bytes are clean."""
    if isinstance(cells, CodedText):
        table = cells.table()
        tidied = tidy(table)
        return cells if tidied is table else cells.with_words(tidied.tolist())
    if isinstance(cells, ArrowText):  # ids: their bytes say when nothing is to be done
        return cells if cells.clean() else tidy(cells.cells())
    if len(cells) == 0:
        return cells
    # One pass over the joined text is far cheaper than a Python call per cell. NUL is
    # the separator because it is not whitespace (\x1f, the usual choice, is).
    joined = "\0".join(cells.tolist())
    untidy = (
        # One fast scan for a space first: ids and group names usually have none, and
        # the two-character searches cost ten times as much.
        (
            " " in joined
            and (
                joined.startswith(" ")
                or joined.endswith(" ")
                or "  " in joined
                or "\0 " in joined
                or " \0" in joined
            )
        )
        or (
            any(ch in joined for ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
            if joined.isascii()
            else _ODD_SPACE.search(joined) is not None
        )
    )
    if not untidy:
        return cells
    codes, uniques = factorize(cells)
    cleaned = np.array([" ".join(str(u).split()) for u in uniques] + [""], dtype=object)
    codes = np.where(codes < 0, len(uniques), codes)
    result: npt.NDArray[Any] = cleaned[codes]
    return result


LONG_CELLS = 200
"""Mean characters per cell (of a column's first 1,000) from which a column is free text."""


def is_free_text(cells: npt.NDArray[Any]) -> bool:
    """Whether a column of text holds long free text (see :data:`LONG_CELLS`)."""
    first = cells[:1000].tolist()
    return bool(first) and sum(map(len, first)) >= LONG_CELLS * len(first)


def not_blank(cells: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Whether each cell holds anything but spaces, that is, is not "" once tidied
    (str.strip and str.split know the same spaces)."""
    return np.fromiter((s.strip() != "" for s in cells.tolist()), dtype=bool, count=len(cells))
