"""Escaping helpers shared by every renderer.

Vocabulary: *md_escape* makes arbitrary text inert inside Markdown (and the HTML that
Markdown may carry); *neutralise_cell* stops a spreadsheet from reading a cell as a
formula (CSV/XLSX injection).
"""

from __future__ import annotations

import html
import re

# Characters that start Markdown syntax anywhere in a line; '.', '-' and '+' only matter
# at the start of a line, which cannot happen because newlines are folded to spaces.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def md_escape(text: object) -> str:
    """Escape Markdown syntax and HTML in respondent- or user-supplied text."""
    value = str(text).replace("\r", " ").replace("\n", " ")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    # After the Markdown escapes, so that the entities' own '#' and ';' stay intact.
    return html.escape(value, quote=False)


def neutralise_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
