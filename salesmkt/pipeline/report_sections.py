"""The report's optional sections made by other parts of the tool: the trend across
earlier waves (:mod:`salesmkt.pipeline.trend`) and the place among peers from a
benchmark store (:mod:`salesmkt.benchmark`).

Vocabulary: a *section* is a :class:`~salesmkt.render.report.view.ExtraSection` (its
HTML and Markdown made by the renderer of its own subject); the *earlier waves* are the
files given with ``report --trend-from``, oldest first, the reported file being the last
wave; a *benchmark ask* names the store and the client's id in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.errors import UsageError
from salesmkt.render.report.view import ExtraSection

if TYPE_CHECKING:
    from salesmkt.benchmark.placement import Placement
    from salesmkt.intake.responses import ResponseTable
    from salesmkt.intake.source import ResponseSource
    from salesmkt.model.assessment import Settings
    from salesmkt.model.trend import Trend


@dataclass(frozen=True)
class BenchmarkAsk:
    """Where to look for peers: a store URL (None: the default store) and the client's
    id in it, whose own waves are left out of its peers."""

    client: str
    store: str | None = None


def trend_section(
    source: ResponseSource, settings: Settings, earlier: tuple[Path, ...]
) -> tuple[ExtraSection, Trend]:
    """The trend from the earlier waves to the reported one, as a report section (and
    the trend itself, for the deck)."""
    from salesmkt.pipeline.trend import trend, wave_labels
    from salesmkt.render.trend import TITLE, trend_section_html, trend_section_markdown

    paths = [*earlier, source.path]
    result = trend(source, paths, wave_labels(paths, None), settings)
    section = ExtraSection(
        id="trend",
        title=TITLE,
        html=trend_section_html(result, level=2, heading=False),
        markdown=trend_section_markdown(result, level=3),
    )
    return section, result


def benchmark_section(
    table: ResponseTable | None, ask: BenchmarkAsk
) -> tuple[ExtraSection, Placement]:
    """Where this assessment stands among the admitted peers of the store, as a report
    section (and the placement itself, for the deck)."""
    if table is None:
        raise UsageError(
            "--benchmark-client needs a responses file: a saved assessment JSON holds "
            "means, not the answer counts a benchmark compares"
        )
    from salesmkt.benchmark.run import benchmark_for
    from salesmkt.render.benchmark import benchmark_section_html, benchmark_section_markdown

    placement = benchmark_for(table, ask.store, client=ask.client)
    section = ExtraSection(
        id="benchmark",
        title="Benchmark",
        html=benchmark_section_html(placement, heading=False),
        markdown=benchmark_section_markdown(placement, level=2, heading=False),
    )
    return section, placement
