"""Escaping helpers shared by every renderer.

Vocabulary: *visible* replaces every control character (C0 except the kept tab and
newline, DEL, and the C1 range U+0080–U+009F) with a visible stand-in, so text read from
a file can never move the cursor, clear the screen, set the window title or write the
clipboard of the terminal that shows it; *plain* is the one way terminal renderers turn
such text into a rich ``Text`` (visible, never parsed as markup); *md_escape* makes
arbitrary text inert inside Markdown (and the HTML that Markdown may carry);
*neutralise_cell* makes a CSV/XLSX text cell visible and stops a spreadsheet from reading
it as a formula (CSV/XLSX injection).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

# Characters that start Markdown syntax anywhere in a line; '.', '-' and '+' only matter
# at the start of a line, which cannot happen because newlines are folded to spaces.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARS = (
    r"\x00-\x1f\x7f-\x9f"
    # Bidirectional controls reorder how the text around them is shown ("Trojan
    # Source"); zero-width and invisible characters hide text. Both are shown by code.
    # The zero-width joiner and non-joiner (U+200C, U+200D) are kept: scripts need them.
    r"\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
)
"""The characters :func:`visible` shows instead of sending, as a regex class body."""
_CONTROL = re.compile(f"[{CONTROL_CHARS}]")
_KEEP_TEXT = "\t\n"


def _stand_in(char: str) -> str:
    """The visible form of one control character: its Unicode control picture, ``\\xNN``
    (C1), or ``‹U+XXXX›`` (bidirectional and invisible characters)."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (ESC shows as ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"  # C1 controls have no picture
    return f"\u2039U+{code:04X}\u203a"  # ‹U+202E›: no character any format treats as markup


def visible(text: object, keep: str = _KEEP_TEXT) -> str:
    """``text`` with every control character not in ``keep`` shown instead of obeyed.

    A CR LF line end becomes LF when newlines are kept; ordinary text comes back as it was.
    """
    value = str(text)
    if not _CONTROL.search(value):
        return value
    if "\n" in keep:
        value = value.replace("\r\n", "\n")
    return _CONTROL.sub(lambda m: m[0] if m[0] in keep else _stand_in(m[0]), value)


def plain(text: object = "", style: str = "", **options: Any) -> Text:
    """File-supplied text as a rich ``Text`` for the terminal: visible, never markup."""
    from rich.text import Text

    return Text(visible(text), style=style, **options)


def md_escape(text: object) -> str:
    """Escape Markdown syntax and HTML in respondent- or user-supplied text."""
    value = str(text).replace("\r", " ").replace("\n", " ")
    value = visible(value, keep="\t")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    # After the Markdown escapes, so that the entities' own '#' and ';' stay intact.
    return html.escape(value, quote=False)


def neutralise_cell(value: object) -> object:
    """Show a text cell's control characters and defuse a leading formula character.

    A cell that a spreadsheet would run as a formula gets a leading apostrophe.
    """
    if not isinstance(value, str):
        return value
    value = visible(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value
