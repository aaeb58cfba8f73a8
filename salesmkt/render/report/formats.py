"""The report's formats: which renderer writes which kind of file.

Vocabulary:
- *format*: ``html`` (one self-contained page, charts inlined), ``md`` (Markdown,
  charts linked to the files of ``--charts DIR`` when there are any) or ``pptx`` (a
  slide deck, :mod:`salesmkt.render.deck`, with its own native charts).
- *suffix*: the output file's extension, which picks the format (:data:`REPORT_SUFFIXES`).
- *renderer*: a function ``(report, charts, chart_links) -> text``; each takes what it
  needs of the charts (HTML the drawings, Markdown the links to their files).

- *deck renderer*: a function ``(deck inputs) -> bytes`` (:data:`DECK_RENDERERS`); a deck
  needs the assessment and the branding beside the worded view.

A caller hands both to :func:`render_report`, which looks the format up in the two
tables; there is no if/elif over formats anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.errors import UsageError
from salesmkt.render.branding import DEFAULT_ACCENT, Branding, raster_logo
from salesmkt.render.report import html, markdown
from salesmkt.render.report.view import Report

if TYPE_CHECKING:
    from salesmkt.render.charts import Chart
    from salesmkt.render.deck.slides import DeckInputs

ReportRenderer = Callable[[Report, Sequence["Chart"], Mapping[str, str]], str]

REPORT_SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".pptx": "pptx",
}
REPORT_RENDERERS: dict[str, ReportRenderer] = {
    "html": html.render_page,
    "md": markdown.render_page,
}


def _pptx(deck: DeckInputs) -> bytes:
    """The slide deck (:mod:`salesmkt.render.deck` is imported only for a deck)."""
    from salesmkt.render.deck.draw import render_deck

    return render_deck(deck)


DeckRenderer = Callable[["DeckInputs"], bytes]
DECK_RENDERERS: dict[str, DeckRenderer] = {"pptx": _pptx}


def report_format(output: Path, asked: str | None = None) -> str:
    """The format ``--format`` or else the output's suffix asks for; a UsageError when
    the two disagree or name none."""
    fmt = REPORT_SUFFIXES.get(output.suffix.lower())
    if asked is not None:
        if fmt is not None and fmt != asked:
            raise UsageError(f"--output {output}: the name says {fmt}, --format says {asked}")
        return asked
    if fmt is None:
        raise UsageError(f"--output {output}: a report ends in .html or .md, a slide deck in .pptx")
    return fmt


def draws_charts(fmt: str) -> bool:
    """Whether the format shows the matplotlib drawings (a deck draws its own)."""
    return fmt in REPORT_RENDERERS


def check_branding(fmt: str, branding: Branding) -> list[str]:
    """Refuse (before any work) a logo the format cannot hold; notes on what it leaves out.

    A deck and an HTML page carry all the branding; Markdown has the names but no logo
    or colour.
    """
    if fmt in DECK_RENDERERS:
        raster_logo(branding)
        return []
    if fmt != "md":
        return []
    asked = [
        name
        for name, value in (
            ("--logo", branding.logo),
            ("--accent", branding.accent != DEFAULT_ACCENT),
        )
        if value
    ]
    if not asked:
        return []
    return [f"{' and '.join(asked)} shape the HTML page and the deck; Markdown leaves them out"]


def render_report(
    fmt: str,
    report: Report,
    charts: Sequence[Chart],
    links: Mapping[str, str],
    deck: Callable[[], DeckInputs],
) -> str | bytes:
    """The report in ``fmt``: a page renderer's text, or a deck renderer's bytes (``deck``
    gives the deck's inputs, asked for only when a deck is made)."""
    deck_renderer = DECK_RENDERERS.get(fmt)
    if deck_renderer is not None:
        return deck_renderer(deck())
    return REPORT_RENDERERS[fmt](report, charts, links)
