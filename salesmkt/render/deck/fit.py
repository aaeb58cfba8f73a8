"""Making text fit its box on a slide: measure, wrap, shrink, and spill onto more slides.

Vocabulary:
- *paragraph*: a :class:`Para`, one block of text with its weight (bold or not) and
  indent level; a bullet is a paragraph whose text starts with ``• ``.
- *measure*: the width of a string in points at a font size, taken from the metrics of
  DejaVu Sans (the font matplotlib ships, so it is always there). The deck names Arial,
  which is narrower (as are Liberation Sans and Carlito, what LibreOffice shows instead),
  so text measured to fit here fits wherever the deck is opened.
- *wrap*: greedy word wrap to a width; a word longer than the line is broken by
  characters, so even a 2,000-character statement without spaces wraps.
- *fit*: the largest size, from a maximum down to a minimum in half-point steps, at
  which the paragraphs fit a box; *paginate*: at a given size, the paragraphs split into
  pages that each fit (a slide that overflows becomes "(1 of 2)", "(2 of 2)").

Heights use a line height of :data:`LINE_HEIGHT` times the size plus each paragraph's
space before it, which is what the renderer sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LINE_HEIGHT = 1.2  # PowerPoint's single spacing is about 1.2 × the font size
SPACE_BEFORE = 0.45  # × the size, before each paragraph but the first
_REFERENCE = 100  # points: measure once at this size and scale linearly


@dataclass(frozen=True)
class Para:
    """One paragraph of a text box."""

    text: str
    bold: bool = False
    level: int = 0
    scale: float = 1.0  # relative to the box's size (a sub-heading may be larger)


@cache
def _font(bold: bool) -> Any:
    import matplotlib
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    return ImageFont.truetype(str(path), _REFERENCE)


@cache
def measure(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in points at ``size`` points."""
    return float(_font(bold).getlength(text)) * size / _REFERENCE


def _break_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word too long for a line, cut into pieces that each fit."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and measure(current + ch, size, bold) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return [*pieces, current] if current else pieces


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` wrapped greedily into lines no wider than ``width`` points."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if measure(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if measure(word, size, bold) <= width:
            current = word
        else:
            *full, current = _break_word(word, width, size, bold)
            lines.extend(full)
    if current or not lines:
        lines.append(current)
    return lines


INDENT = 18.0  # points per indent level


def para_height(para: Para, width: float, size: float, first: bool) -> float:
    """The height of one paragraph in points, with the space before it."""
    pt = size * para.scale
    n = len(wrap(para.text, width - INDENT * para.level, pt, para.bold))
    return n * pt * LINE_HEIGHT + (0.0 if first else SPACE_BEFORE * size)


def text_height(paras: Sequence[Para], width: float, size: float) -> float:
    """The height of the paragraphs in points, wrapped to ``width`` at ``size``."""
    return sum(para_height(p, width, size, i == 0) for i, p in enumerate(paras))


def breaks_words(paras: Sequence[Para], width: float, size: float) -> bool:
    """Whether some word is wider than its line at ``size`` (and would be cut in two)."""
    return any(
        measure(word, size * p.scale, p.bold) > width - INDENT * p.level
        for p in paras
        for word in p.text.split()
    )


def fit_size(
    paras: Sequence[Para], width: float, height: float, largest: float, smallest: float
) -> float | None:
    """The largest size (half-point steps) at which ``paras`` fit without cutting a word
    in two (at ``smallest``, cutting one is allowed); None if none fits."""
    size = largest
    while size > smallest:
        if text_height(paras, width, size) <= height and not breaks_words(paras, width, size):
            return size
        size -= 0.5
    return smallest if text_height(paras, width, smallest) <= height else None


def paginate(paras: Sequence[Para], width: float, height: float, size: float) -> list[list[Para]]:
    """``paras`` split into pages that each fit; a paragraph taller than a page is cut."""
    pages: list[list[Para]] = [[]]
    used = 0.0
    for para in paras:
        need = para_height(para, width, size, not pages[-1])
        if pages[-1] and used + need > height:
            # A heading (a bold paragraph) moves on with the text that follows it.
            carried = [pages[-1].pop()] if len(pages[-1]) > 1 and pages[-1][-1].bold else []
            pages.append(carried)
            used = text_height(carried, width, size)
            need = para_height(para, width, size, not carried)
        if need > height - used:
            gap = SPACE_BEFORE * size if pages[-1] else 0.0
            para = shorten(para, width, height - used - gap, size)
            need = para_height(para, width, size, not pages[-1])
        pages[-1].append(para)
        used += need
    return [page for page in pages if page]


def shorten(para: Para, width: float, height: float, size: float) -> Para:
    """``para`` cut so that it fits ``height``, ending in "…" (the notes keep it whole)."""
    text = para.text
    low, high = 0, len(text)
    while low < high:  # the most characters that still fit, by bisection
        mid = (low + high + 1) // 2
        trial = Para(text[:mid].rstrip() + " …", para.bold, para.level, para.scale)
        if para_height(trial, width, size, True) <= height:
            low = mid
        else:
            high = mid - 1
    cut = text[:low]
    if " " in cut and low < len(text) and not text[low].isspace():
        cut = cut[: cut.rindex(" ")]  # end at a word when there is one
    return Para(cut.rstrip() + " …", para.bold, para.level, para.scale)
