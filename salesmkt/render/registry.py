"""The renderer registry: for each subject, the formats it can be shown in.

Vocabulary:
- *subject*: what is shown: ``score`` (a :class:`~salesmkt.analysis.scoring.ScoreResult`),
  ``gaps`` (a :class:`~salesmkt.render.gaps.GapsView`), ``advice`` (an
  :class:`~salesmkt.render.advice.AdviceView`), ``compare`` (a
  :class:`~salesmkt.analysis.compare.Comparison`) or ``evidence`` (an
  :class:`~salesmkt.model.evidence.EvidenceResult`) or ``trend`` (a
  :class:`~salesmkt.model.trend.Trend`).
- *format*: ``terminal`` (a rich renderable for the console, never written to a file),
  ``json``, ``csv`` or ``markdown`` (text, printed or written to ``--output``).
- *renderer*: one function from a subject's view to its output.

A front end asks :func:`renderer` for one and calls it; it never chains if/elif over
formats. Each renderer module is imported only when its renderer is called, so that
``salesmkt --help`` stays free of rich tables, pandas and the rest.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from salesmkt.errors import UsageError

Subject = Literal["score", "gaps", "advice", "compare", "evidence", "trend"]
TERMINAL = "terminal"


@dataclass(frozen=True)
class Renderer:
    """A renderer named by module and function, imported when first called."""

    module: str
    function: str

    def __call__(self, view: Any) -> Any:
        func: Callable[[Any], Any] = getattr(importlib.import_module(self.module), self.function)
        return func(view)


def _r(module: str, function: str) -> Renderer:
    return Renderer(f"salesmkt.render.{module}", function)


RENDERERS: dict[Subject, dict[str, Renderer]] = {
    "score": {
        TERMINAL: _r("score_terminal", "render_score"),
        "json": _r("assessment_json", "render_score"),
        "csv": _r("score_csv", "render_score"),
        "markdown": _r("score_markdown", "render_score"),
    },
    "gaps": {
        TERMINAL: _r("gaps", "render_view_terminal"),
        "json": _r("gaps", "render_view_json"),
        "csv": _r("gaps", "render_view_csv"),
        "markdown": _r("gaps", "render_view_markdown"),
    },
    "advice": {
        TERMINAL: _r("advice", "render_view_terminal"),
        "json": _r("advice", "render_view_json"),
        "markdown": _r("advice", "render_view_markdown"),
    },
    "compare": {
        TERMINAL: _r("compare", "comparison_terminal"),
        "json": _r("compare", "comparison_json"),
        "markdown": _r("compare", "comparison_markdown"),
    },
    "evidence": {
        TERMINAL: _r("evidence", "render_terminal"),
        "json": _r("evidence", "render_json"),
        "markdown": _r("evidence", "render_markdown"),
    },
    "trend": {
        TERMINAL: _r("trend", "trend_terminal"),
        "json": _r("trend", "trend_json"),
        "csv": _r("trend", "trend_csv"),
        "markdown": _r("trend", "trend_markdown"),
    },
}


def formats(subject: Subject, *, files_only: bool = False) -> list[str]:
    """The formats a subject can be shown in (``files_only``: those that can be written)."""
    return [f for f in RENDERERS[subject] if not (files_only and f == TERMINAL)]


def renderer(subject: Subject, fmt: str) -> Renderer:
    """The renderer of ``subject`` in ``fmt``; a UsageError names the formats there are."""
    try:
        return RENDERERS[subject][fmt]
    except KeyError:
        known = ", ".join(RENDERERS.get(subject, {}))
        raise UsageError(f"{subject} cannot be shown as {fmt!r}; formats: {known}") from None
