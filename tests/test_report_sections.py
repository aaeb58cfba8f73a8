"""The report's trend (--trend-from) and benchmark (--benchmark-client) sections.

The figures are checked against other commands run in the test: each wave's overall
score from ``score --format json`` and the peer median from ``benchmark show --format
json`` on the same store.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from support.benchmark import synthetic_rows, write_csv
from typer.testing import CliRunner

from salesmkt.cli import app

ROOT = Path(__file__).resolve().parent.parent
WAVES = [ROOT / "examples" / f"wave{i}.csv" for i in (1, 2, 3)]


def _overall(runner: CliRunner, path: Path) -> str:
    result = runner.invoke(app, ["score", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return f"{json.loads(result.stdout)['overall']['score']:.1f}"


def _report(runner: CliRunner, out: Path, *args: str) -> str:
    result = runner.invoke(app, ["report", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_trend_section_shows_every_wave_score(runner: CliRunner, tmp_path: Path) -> None:
    earlier = [a for p in WAVES[:2] for a in ("--trend-from", str(p))]
    page = _report(runner, tmp_path / "r.html", str(WAVES[2]), *earlier)
    found = re.search(r'<section id="trend">(.*?)</section>\s*</section>', page, flags=re.S)
    assert found is not None
    section = found.group(1)
    assert "<h2>Trend across survey waves</h2>" in section
    assert section.count("<h2>") == 1  # the fragment's own title is not repeated
    for name, path in zip(("wave1", "wave2", "wave3"), WAVES, strict=True):
        assert name in section
        assert _overall(runner, path) in section
    assert '<a href="#trend">' in page  # the contents link to it
    # every table scrolls inside the report's box, so a phone's page never does
    assert section.count("<table>") == section.count('<div class="table-wrap"') >= 4
    md = _report(runner, tmp_path / "r.md", str(WAVES[2]), *earlier)
    part = md.split("## Trend across survey waves", 1)[1]
    assert all(_overall(runner, p) in part for p in WAVES)
    assert re.search(r"^### ", part, flags=re.M)  # its tables sit under the section


def test_trend_section_refuses_an_output_over_an_earlier_wave(
    runner: CliRunner, tmp_path: Path
) -> None:
    earlier = tmp_path / "old.md"
    earlier.write_bytes(WAVES[0].read_bytes())
    before = earlier.read_bytes()
    result = runner.invoke(
        app, ["report", str(WAVES[2]), "--trend-from", str(earlier), "-o", str(earlier)]
    )
    assert result.exit_code != 0
    assert earlier.read_bytes() == before


def _store(runner: CliRunner, tmp_path: Path, n: int) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    for i in range(n):
        rows = synthetic_rows(700 + i, {"sales": 6, "marketing": 5}, client=f"p{i}")
        path = write_csv(rows, tmp_path / f"peer{i}.csv")
        args = ["benchmark", "add", str(path), "--client", f"peer-{i}", "--consent"]
        result = runner.invoke(app, [*args, "--store", url])
        assert result.exit_code == 0, result.output
    return url


def test_benchmark_section_gives_the_store_placement(runner: CliRunner, tmp_path: Path) -> None:
    url = _store(runner, tmp_path, 11)
    mine = write_csv(
        synthetic_rows(999, {"sales": 7, "marketing": 6}, client="me"), tmp_path / "m.csv"
    )
    shown = runner.invoke(
        app, ["benchmark", "show", str(mine), "--client", "me", "--store", url, "-f", "json"]
    )
    assert shown.exit_code == 0, shown.output
    cells = json.loads(shown.stdout)["cells"]
    total = next(c for c in cells if c["scope"] == "sales" and c["metric"] == "total")
    assert total["median"] is not None and total["peers"] == 11
    page = _report(
        runner, tmp_path / "r.html", str(mine), "--benchmark-client", "me", "--store", url
    )
    found = re.search(r'<section id="benchmark">(.*?)</section>\s*</section>', page, flags=re.S)
    assert found is not None
    section = found.group(1)
    assert "<h2>Benchmark</h2>" in section and section.count("<h2>") >= 1
    assert "11 peer organisations" in section
    assert f"{total['median']:.1f}" in section
    assert section.count("<table>") == section.count('<div class="table-wrap"') >= 1


def test_benchmark_section_says_no_benchmark_with_too_few_peers(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = _store(runner, tmp_path, 4)
    mine = write_csv(
        synthetic_rows(998, {"sales": 7, "marketing": 6}, client="me"), tmp_path / "m.csv"
    )
    page = _report(runner, tmp_path / "r.md", str(mine), "--benchmark-client", "me", "--store", url)
    part = page.split("## Benchmark", 1)[1]
    assert "no benchmark" in part.lower()


def test_benchmark_section_needs_a_responses_file(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "a.json"
    result = runner.invoke(app, ["score", str(WAVES[0]), "--format", "json", "-o", str(saved)])
    assert result.exit_code == 0, result.output
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    result = runner.invoke(
        app,
        [
            "report",
            str(saved),
            "--benchmark-client",
            "me",
            "--store",
            url,
            "-o",
            str(tmp_path / "r.html"),
        ],
    )
    assert result.exit_code == 2
    assert "needs a responses file" in result.output
    assert not (tmp_path / "r.html").exists()


def test_deck_draws_the_trend_as_a_native_line_chart(runner: CliRunner, tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.enum.chart import XL_CHART_TYPE

    earlier = [a for p in WAVES[:2] for a in ("--trend-from", str(p))]
    out = tmp_path / "d.pptx"
    result = runner.invoke(app, ["report", str(WAVES[2]), *earlier, "-o", str(out)])
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out))
    charts = [
        shape.chart
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_chart and shape.chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    ]
    assert len(charts) == 1
    plot = charts[0].plots[0]
    assert list(plot.categories) == ["wave1", "wave2", "wave3"]
    overall = next(s for s in plot.series if s.name == "Overall")
    assert [f"{v:.1f}" for v in overall.values] == [_overall(runner, p) for p in WAVES]
    title = "Trend across survey waves"  # the deck's title box comes first
    slide = next(s for s in deck.slides if s.shapes[0].text_frame.text == title)
    notes = slide.notes_slide.notes_text_frame.text
    sales = next(s for s in plot.series if s.name == "Sales")
    assert all(f"{v:.1f}" in notes for v in sales.values)  # the groups' figures are in the notes


def test_deck_shows_the_benchmark_table(runner: CliRunner, tmp_path: Path) -> None:
    from pptx import Presentation

    url = _store(runner, tmp_path, 11)
    rows = synthetic_rows(997, {"sales": 7, "marketing": 6}, client="me")
    mine = write_csv(rows, tmp_path / "m.csv")
    args = ["benchmark", "show", str(mine), "--client", "me", "--store", url, "-f", "json"]
    cells = json.loads(runner.invoke(app, args).stdout)["cells"]
    out = tmp_path / "d.pptx"
    result = runner.invoke(
        app, ["report", str(mine), "--benchmark-client", "me", "--store", url, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    tables = {}
    for slide in Presentation(str(out)).slides:
        title = slide.shapes[0].text_frame.text  # the deck's title box comes first
        for shape in slide.shapes:
            if shape.has_table and title.startswith("Benchmark"):
                body = shape.table
                for r in range(1, len(body.rows)):
                    row = [body.cell(r, c).text for c in range(len(body.columns))]
                    tables[(title, row[0])] = row
    assert tables, "no benchmark table in the deck"
    sales_total = next(c for c in cells if c["scope"] == "sales" and c["metric"] == "total")
    row = next(
        v for (t, label), v in tables.items() if "Sales" in t and label == sales_total["label"]
    )
    assert row[3] == f"{sales_total['median']:.1f}"
