"""The benchmark renderers: escaped text, withheld cells without figures, 80 columns."""

from __future__ import annotations

from salesmkt.benchmark.admission import Rules
from salesmkt.benchmark.placement import Cell, Placement, Scope
from salesmkt.render.benchmark import (
    benchmark_section_html,
    benchmark_section_markdown,
    benchmark_terminal,
)


def _placement() -> Placement:
    p = Placement("alignment 1.0", "<b>acme</b>", "2026-11-01", Rules(), Rules().describe())
    p.scopes = [
        Scope("sales", "Sales <script>", 12, 140, {"industry": "a|b <i>"}),
        Scope("marketing", "Marketing", withheld="no benchmark for this cell: 3 peers"),
    ]
    p.cells = [
        Cell("sales", "total", "Total score", 61.234, 12, 60.0, 55.5, 66.25, 70.0, 62.5),
        Cell(
            "sales",
            "item:q01",
            "q01 <img src=x>",
            None,
            4,
            withheld="no benchmark for this cell: 4",
        ),
        Cell("marketing", "total", "Total score", withheld="no benchmark for this cell: 3 peers"),
    ]
    return p


def test_html_section_escapes_and_withholds() -> None:
    html = benchmark_section_html(_placement())
    assert html.startswith('<section class="benchmark"') and html.rstrip().endswith("</section>")
    assert "<script>" not in html and "<img" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html
    assert "<td>61.2</td><td>55.5</td><td>60.0</td><td>66.2</td><td>70.0</td><td>62%</td>" in html
    assert "no benchmark for this cell: 4" in html


def test_markdown_section_and_terminal() -> None:
    md = benchmark_section_markdown(_placement())
    assert md.startswith("## Benchmark") and "### Sales" in md
    assert "a\\|b" in md  # a pipe in user text cannot break the table
    text = benchmark_terminal(_placement())
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "no benchmark for this cell: 3 peers" in text
