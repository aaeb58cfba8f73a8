"""A valid questionnaire with thousands of items: the report stays bounded.

The gap chart draws at most :data:`salesmkt.render.charts.GAP_CHART_MAX_ITEMS` bars and
says in a caption line how many items it leaves out (the tables list them all); nothing
per item is quadratic. The inputs are generated in ``tmp_path``.
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.render.charts import GAP_CHART_MAX_ITEMS

N_ITEMS = 2000
N_PER_GROUP = 15
# A generous bound: the point is to catch minutes-long regressions, not to benchmark.
WALL_LIMIT_S = 60.0


def _ids(n: int) -> list[str]:
    return [f"i{k:04d}" for k in range(1, n + 1)]


def _questionnaire(n: int) -> str:
    dims = ["alpha", "beta", "gamma"]
    lines = [
        "id: many",
        'version: "1"',
        "title: Many items",
        "scale:",
        "  type: numeric",
        "  min: 1",
        "  max: 5",
        "groups:",
        "  - id: sales",
        "    label: Sales",
        "  - id: marketing",
        "    label: Marketing",
        "compare: [sales, marketing]",
        "dimensions:",
        *[f"  - id: {d}\n    label: {d.capitalize()}" for d in dims],
        "items:",
    ]
    for k, item in enumerate(_ids(n)):
        lines += [
            f"  - id: {item}",
            f"    text: Statement number {k + 1}.",
            f"    dimension: {dims[k % len(dims)]}",
        ]
    third = (n * 5 - n) // 3
    cuts = [n, n + third, n + 2 * third, n * 5]
    lines += [
        "stages:",
        f"  - id: low\n    label: Low\n    min: {cuts[0]}\n    max: {cuts[1] - 1}",
        f"  - id: mid\n    label: Mid\n    min: {cuts[1]}\n    max: {cuts[2] - 1}",
        f"  - id: high\n    label: High\n    min: {cuts[2]}\n    max: {cuts[3]}",
    ]
    return "\n".join(lines) + "\n"


def _responses(n: int) -> str:
    rng = random.Random(20261129)
    ids = _ids(n)
    rows = [",".join(["group", "respondent", *ids])]
    for group, shift in (("sales", 1), ("marketing", -1)):
        for r in range(N_PER_GROUP):
            # Every fifth item differs strongly between the groups, so many are flagged.
            cells = [
                str(min(5, max(1, 3 + (shift if k % 5 == 0 else 0) + rng.choice((-1, 0, 1)))))
                for k in range(n)
            ]
            rows.append(",".join([group, f"{group[0]}{r:02d}", *cells]))
    return "\n".join(rows) + "\n"


def _inputs(tmp_path: Path, n: int) -> tuple[Path, Path]:
    q = tmp_path / "q.yaml"
    q.write_text(_questionnaire(n), encoding="utf-8")
    data = tmp_path / "answers.csv"
    data.write_text(_responses(n), encoding="utf-8")
    return q, data


def _run(args: list[str]) -> float:
    start = time.perf_counter()
    result = CliRunner().invoke(app, args)
    took = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    return took


GAP_SVG = re.compile(r'<svg class="chart-svg"[^>]*aria-label="Perception gaps.*?</svg>', re.S)


def test_report_html_with_2000_items_caps_the_gap_chart(tmp_path: Path) -> None:
    q, data = _inputs(tmp_path, N_ITEMS)
    out = tmp_path / "r.html"
    took = _run(["report", str(data), "-q", str(q), "-o", str(out)])
    assert took < WALL_LIMIT_S
    html = out.read_text(encoding="utf-8")
    svg = GAP_SVG.search(html)
    assert svg is not None, "no gap chart in the report"
    # Text is drawn as paths, so count the y tick labels: one per bar ("i0001  Statement…").
    labels = re.findall(r'<g id="gap-chart-ytick_\d+"', svg.group(0))
    assert 0 < len(labels) <= GAP_CHART_MAX_ITEMS
    left_out = N_ITEMS - len(labels)
    assert f"{left_out:,} more items are not drawn. The tables list them all." in html
    # The tables still list every item.
    for item in ("i0001", "i1000", "i2000"):
        assert f"<strong>{item}</strong> Statement number" in html


def test_report_markdown_with_2000_items(tmp_path: Path) -> None:
    q, data = _inputs(tmp_path, N_ITEMS)
    out = tmp_path / "r.md"
    charts = tmp_path / "charts"
    took = _run(["report", str(data), "-q", str(q), "-o", str(out), "--charts", str(charts)])
    assert took < WALL_LIMIT_S
    text = out.read_text(encoding="utf-8")
    for item in ("i0001", "i1000", "i2000"):
        assert f"| {item} Statement number" in text
    svg = (charts / "gap-chart.svg").read_text(encoding="utf-8")
    labels = re.findall(r'<g id="ytick_\d+"', svg)
    assert 0 < len(labels) <= GAP_CHART_MAX_ITEMS
