"""The report's formats: which renderer writes which kind of file.

Vocabulary:
- *format*: ``html`` (one self-contained page, charts inlined) or ``md`` (Markdown,
  charts linked to the files of ``--charts DIR`` when there are any).
- *suffix*: the output file's extension, which picks the format (:data:`REPORT_SUFFIXES`).
- *renderer*: a function ``(report, charts, chart_links) -> text``; each takes what it
  needs of the charts (HTML the drawings, Markdown the links to their files).

A caller looks the renderer up in :data:`REPORT_RENDERERS`; there is no if/elif over
formats anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.errors import UsageError
from salesmkt.render.report import html, markdown
from salesmkt.render.report.view import Report

if TYPE_CHECKING:
    from salesmkt.render.charts import Chart

ReportRenderer = Callable[[Report, Sequence["Chart"], Mapping[str, str]], str]

REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
REPORT_RENDERERS: dict[str, ReportRenderer] = {
    "html": html.render_page,
    "md": markdown.render_page,
}


def report_format(output: Path) -> str:
    """The format an output file name asks for; a UsageError when it asks for none."""
    fmt = REPORT_SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        raise UsageError(f"--output {output}: a report ends in .html or .md")
    return fmt
