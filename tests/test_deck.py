"""The slide deck (``report -o deck.pptx``): slides, native chart data, notes, branding, safety.

Oracles: group totals counted by hand from the rows this file writes, and the
assessment JSON of ``score --format json`` for item gaps, dimension and segment means
(rounded here with plain ``round``). The deck is read back with python-pptx and as raw
XML; nothing is compared with a captured deck.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pptx import Presentation
from support.paths import EXAMPLES, QUESTIONNAIRES
from typer.testing import CliRunner, Result

from salesmkt.cli import app

ITEMS = [f"q{i:02d}" for i in range(1, 21)]
CODES = ["RX-7731-SALES", "RX-8842-MKTG"]  # respondent codes that must never reach the deck
SITUATION = EXAMPLES / "situation.yaml"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def _answers(group: str, i: int) -> list[int]:
    if group == "sales":
        return [2 + (i + j) % 4 for j in range(20)]  # 2..5
    return [1 + (i + 2 * j) % 3 for j in range(20)]  # 1..3


def write_workshop(path: Path, *, sales_label: str = "Sales") -> dict[str, list[int]]:
    """7 Sales and 6 Marketing in two regions; returns each group's totals (the oracle)."""
    lines = ["respondent,group,region," + ",".join(ITEMS) + ",comment"]
    totals: dict[str, list[int]] = {"sales": [], "marketing": []}
    for group, n, label in (("sales", 7, sales_label), ("marketing", 6, "Marketing")):
        for i in range(n):
            row = _answers(group, i)
            totals[group].append(sum(row))
            code = CODES[0 if group == "sales" else 1] + f"-{i}"
            region = "North" if i % 2 else "South"
            comment = f"Secret remark by {code}"
            lines.append(f'{code},"{label}",{region},' + ",".join(map(str, row)) + f",{comment}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return totals


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[int]]]:
    path = tmp_path_factory.mktemp("deck") / "workshop.csv"
    return path, write_workshop(path)


@pytest.fixture(scope="module")
def assessment(workshop: tuple[Path, dict[str, list[int]]]) -> dict[str, Any]:
    result = invoke(
        "score", str(workshop[0]), "--by", "region", "--min-group-size", "3", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def make_deck(csv: Path, out: Path, *extra: str) -> Any:
    result = invoke("report", str(csv), "-o", str(out), "--situation", str(SITUATION), *extra)
    assert result.exit_code == 0, result.output
    return Presentation(str(out))


@pytest.fixture(scope="module")
def deck_path(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("out") / "deck.pptx"
    make_deck(
        workshop[0], out, "--by", "region", "--min-group-size", "3", "--client", "Example Ltd"
    )
    return out


@pytest.fixture(scope="module")
def deck(deck_path: Path) -> Any:
    return Presentation(str(deck_path))


def title_of(slide: Any) -> str:
    """The slide's title: the text of its first text box (the deck draws it first)."""
    for shape in slide.shapes:
        if shape.has_text_frame and shape.text_frame.text.strip():
            return str(shape.text_frame.text)
    return ""


def slide_titled(deck: Any, prefix: str) -> Any:
    return next(s for s in deck.slides if title_of(s).startswith(prefix))


def chart_of(slide: Any) -> Any:
    return next(shape.chart for shape in slide.shapes if shape.has_chart)


def notes_of(slide: Any) -> str:
    return str(slide.notes_slide.notes_text_frame.text)


def all_xml(path: Path) -> Iterator[tuple[str, str]]:
    """Every XML part of the deck, the embedded chart workbooks' parts included."""

    def parts(archive: zipfile.ZipFile, prefix: str) -> Iterator[tuple[str, str]]:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith((".xlsx", ".bin")) and data[:2] == b"PK":
                yield from parts(zipfile.ZipFile(io.BytesIO(data)), f"{prefix}{name}!")
            elif name.endswith((".xml", ".rels")):
                yield f"{prefix}{name}", data.decode("utf-8")

    with zipfile.ZipFile(path) as archive:
        yield from parts(archive, "")


# -- slides ------------------------------------------------------------------------------

EXPECTED = [
    "Sales & Marketing alignment: workshop report",
    "Executive summary",
    "Stage by group",
    "Perception gaps: Sales minus Marketing",
    "Dimension profile",
    "Stay or move up?",
    "Top actions",
    "Segments by dimension",
    "Appendix: methods",
    "Appendix: data quality",
]


def _base(title: str) -> str:
    return re.sub(r" \(\d+ of \d+\)$", "", title)


def test_slides_come_in_order_with_their_titles(deck: Any) -> None:
    titles = [title_of(s) for s in deck.slides]
    bases = list(dict.fromkeys(_base(t) for t in titles))
    assert bases == EXPECTED
    for base in set(bases):  # a split slide is numbered 1..n of n
        numbered = [t for t in titles if _base(t) == base and t != base]
        if numbered:
            n = len(numbered)
            assert numbered == [f"{base} ({k} of {n})" for k in range(1, n + 1)]


def test_title_slide_carries_client_and_date(deck: Any) -> None:
    text = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "Example Ltd" in text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_without_by_there_is_no_segment_slide(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    deck = make_deck(workshop[0], tmp_path / "d.pptx")
    assert not any(title_of(s).startswith("Segments") for s in deck.slides)


def test_top_sets_how_many_actions(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    deck = make_deck(workshop[0], tmp_path / "d.pptx", "--top", "2")
    text = " ".join(
        shape.text_frame.text
        for s in deck.slides
        if title_of(s).startswith("Top actions")
        for shape in s.shapes
        if shape.has_text_frame
    )
    assert re.search(r"\b1\. ", text) and re.search(r"\b2\. ", text)
    assert not re.search(r"\b3\. ", text)
    assert "further action(s) are listed in the written report" in text


# -- chart data against the oracles ------------------------------------------------------


def test_charts_are_native_and_editable(deck: Any) -> None:
    charts = [shape for s in deck.slides for shape in s.shapes if shape.has_chart]
    assert len(charts) == 3  # stage by group, perception gaps, dimension profile
    assert not any(shape.shape_type == 13 for s in list(deck.slides)[1:] for shape in s.shapes)


def test_stage_chart_equals_hand_counted_group_means(
    deck: Any, workshop: tuple[Path, dict[str, list[int]]]
) -> None:
    totals = workshop[1]
    sales = sum(totals["sales"]) / len(totals["sales"])
    marketing = sum(totals["marketing"]) / len(totals["marketing"])
    overall = (sales + marketing) / 2  # each function weighs equally
    chart = chart_of(slide_titled(deck, "Stage by group"))
    values = dict(zip(chart.plots[0].categories, chart.series[0].values, strict=True))
    by_prefix = {k.split(" (")[0].split(":")[0]: v for k, v in values.items()}
    assert by_prefix["The organisation"] == pytest.approx(round(overall, 1))
    assert by_prefix["Sales"] == pytest.approx(round(sales, 1))
    assert by_prefix["Marketing"] == pytest.approx(round(marketing, 1))


def test_gap_chart_equals_the_assessment_gaps(deck: Any, assessment: dict[str, Any]) -> None:
    chart = chart_of(slide_titled(deck, "Perception gaps"))
    values = dict(zip(chart.plots[0].categories, chart.series[0].values, strict=True))
    gaps = {i["id"]: i["gap"] for i in assessment["items"] if i["gap"] is not None}
    drawn = {label.split()[0]: value for label, value in values.items()}
    assert set(drawn) == set(gaps)  # 20 items: all drawn
    for item_id, value in drawn.items():
        assert value == pytest.approx(gaps[item_id], abs=0.05 + 1e-9)
        assert value == pytest.approx(round(value, 1))  # as worded: one decimal
    flagged = {i["id"] for i in assessment["items"] if i["flagged"]}
    marked = {label.split()[0] for label in values if label.endswith("●")}
    assert marked == flagged


def test_dimension_chart_equals_the_assessment_means(deck: Any, assessment: dict[str, Any]) -> None:
    chart = chart_of(slide_titled(deck, "Dimension profile"))
    names = [s.name for s in chart.series]
    assert names == ["Sales", "Marketing"]
    categories = list(chart.plots[0].categories)
    for series, group in zip(chart.series, ("sales", "marketing"), strict=True):
        for label, value in zip(categories, series.values, strict=True):
            dim = next(d for d in assessment["dimensions"] if d["label"] == label)
            assert value == pytest.approx(round(dim["means_by_group"][group], 2), abs=1e-9)


def test_heatmap_cells_equal_the_segment_figures(deck: Any, assessment: dict[str, Any]) -> None:
    slide = slide_titled(deck, "Segments by dimension")
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    header = [table.cell(0, c).text for c in range(len(table.columns))]
    dims = {d["label"]: d for d in assessment["dimensions"]}
    for r in range(1, len(table.rows)):
        label = table.cell(r, 0).text
        seg = next(s for s in assessment["segments"] if label.startswith(f"region = {s['value']}"))
        shown = [g for g in seg["groups"] if not g["suppressed"] and g["id"] != "leadership"]
        for c, name in enumerate(header):
            if name not in dims:
                continue
            value = sum(g["dimension_means"][dims[name]["id"]] for g in shown) / len(shown)
            org = sum(dims[name]["means_by_group"][g["id"]] for g in shown) / len(shown)
            text = table.cell(r, c).text
            assert text.startswith(f"{value:.2f} ("), (label, name, text)
            assert f"{value - org:+.2f}".replace("-0.00", "+0.00") in text


def test_charts_are_in_the_accent_colour(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    out = tmp_path / "d.pptx"
    make_deck(workshop[0], out, "--accent", "#aa3300")
    charts = [xml for name, xml in all_xml(out) if "/charts/chart" in name]
    assert len(charts) == 3
    assert all('val="AA3300"' in xml for xml in charts)


# -- speaker notes, codes, hostile text --------------------------------------------------


def test_speaker_notes_carry_the_numbers(deck: Any, assessment: dict[str, Any]) -> None:
    stage_notes = notes_of(slide_titled(deck, "Stage by group"))
    for group in assessment["groups"]:
        if not group["suppressed"]:
            assert f"score {group['mean']:.1f}" in stage_notes
    gap_notes = notes_of(slide_titled(deck, "Perception gaps"))
    for item in assessment["items"]:
        assert f"gap {item['gap']:+.1f}" in gap_notes
        assert item["text"] in gap_notes  # the whole statement, not the cut label
    summary = notes_of(slide_titled(deck, "Executive summary"))
    assert f"{assessment['overall']['score']:.1f}" in summary


def test_no_respondent_code_or_comment_anywhere_in_the_deck(deck_path: Path) -> None:
    for name, xml in all_xml(deck_path):
        for code in CODES:
            assert code not in xml, name
        assert "Secret remark" not in xml, name


def test_hostile_text_is_escaped_and_made_visible(tmp_path: Path) -> None:
    csv = tmp_path / "w.csv"
    write_workshop(csv)
    out = tmp_path / "d.pptx"
    title = "</a:t><script>alert(1)</script> & \x1b[31mred\x07 \ufffe end"
    deck = make_deck(csv, out, "--title", title, "--client", "A <b>&amp; \u202eevil")
    xml = "\n".join(text for _, text in all_xml(out))
    assert "<script>" not in xml and "<b>" not in xml
    assert "\x1b" not in xml and "\x07" not in xml and "\u202e" not in xml
    shown = title_of(deck.slides[0])
    assert shown.startswith("</a:t><script>alert(1)</script> & \u241b[31mred\u2407")
    text = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "A <b>&amp; \u2039U+202E\u203aevil" in text


# -- branding errors ---------------------------------------------------------------------


def _png(path: Path, size: tuple[int, int] = (40, 20)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (200, 30, 30)).save(path, format="PNG")
    return path


def test_a_png_logo_is_on_the_title_slide(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    deck = make_deck(workshop[0], tmp_path / "d.pptx", "--logo", str(_png(tmp_path / "l.png")))
    pictures = [shape for shape in deck.slides[0].shapes if shape.shape_type == 13]
    assert len(pictures) == 1
    assert pictures[0].width / pictures[0].height == pytest.approx(2.0, rel=0.01)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an image at all", "is not a PNG, JPEG or SVG image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "is not a PNG, JPEG or SVG image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "export the SVG logo as PNG"),
        (b"GIF89a" + b"\x00" * 64, "is not a PNG, JPEG or SVG image"),
    ],
)
def test_a_bad_logo_is_refused_in_one_line(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path, content: bytes, message: str
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(content)
    out = tmp_path / "d.pptx"
    result = invoke("report", str(workshop[0]), "-o", str(out), "--logo", str(logo))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_a_logo_over_2_mb_or_missing_is_refused(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + b"\x00" * (2 * 1024 * 1024))
    for logo, message in ((big, "a logo may be at most 2 MB"), (tmp_path / "no.png", "cannot")):
        result = invoke(
            "report", str(workshop[0]), "-o", str(tmp_path / "d.pptx"), "--logo", str(logo)
        )
        assert result.exit_code == 1, result.output
        assert message in result.output


@pytest.mark.parametrize("accent", ["red", "#12345", "#GGGGGG", "rgb(1,2,3)", ""])
def test_a_bad_accent_is_a_usage_error(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path, accent: str
) -> None:
    result = invoke("report", str(workshop[0]), "-o", str(tmp_path / "d.pptx"), "--accent", accent)
    assert result.exit_code == 2, result.output
    assert "#RRGGBB" in result.output


def test_format_option_and_suffix(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    out = tmp_path / "deck"
    result = invoke("report", str(workshop[0]), "-o", str(out), "--format", "pptx")
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out) and "(pptx, " in result.output
    clash = invoke("report", str(workshop[0]), "-o", str(tmp_path / "x.pptx"), "--format", "html")
    assert clash.exit_code == 2
    assert "the name says pptx, --format says html" in clash.output


def test_html_report_carries_the_branding_and_markdown_says_what_it_leaves_out(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    result = invoke("report", str(workshop[0]), "-o", str(out), "--client", "Example Ltd")
    assert result.exit_code == 0, result.output
    assert "leaves them out" not in result.output
    assert "Example Ltd" in out.read_text(encoding="utf-8")
    md = tmp_path / "r.md"
    result = invoke("report", str(workshop[0]), "-o", str(md), "--accent", "#0B6E4F")
    assert result.exit_code == 0, result.output
    assert "--accent shape the HTML page and the deck; Markdown leaves them out" in result.output


# -- text fits its boxes, even with very long texts ---------------------------------------


def long_questionnaire(path: Path) -> None:
    """The built-in questionnaire with 1,900-character statements and long labels."""
    data = yaml.safe_load((QUESTIONNAIRES / "alignment.yaml").read_text(encoding="utf-8"))
    for n, item in enumerate(data["items"]):
        words = f"Statement{n} " + "extraordinarily " * 100 + "longwordwithoutanybreaks" * 3
        item["text"] = words[:1900]
        item["short"] = f"A rather long short label number {n} that goes on and on"
    for dim in data["dimensions"]:
        dim["label"] = dim["label"] + " and a very long dimension label indeed"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _font(bold: bool) -> Any:
    import matplotlib
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts/ttf" / name), 100)


def _lines(text: str, width_pt: float, size: float, bold: bool) -> int:
    """Lines of ``text`` wrapped greedily to ``width_pt`` (this test's own wrap)."""
    font = _font(bold)

    def wide(s: str) -> float:
        return float(font.getlength(s)) * size / 100

    lines, current = 1, ""
    for word in text.split():
        while wide(word) > width_pt:  # a word longer than a line takes whole lines
            cut = max(k for k in range(1, len(word) + 1) if wide(word[:k]) <= width_pt)
            lines += 1 if current else 0
            word, current = word[cut:], ""
            lines += 1
        candidate = f"{current} {word}".strip()
        if wide(candidate) <= width_pt:
            current = candidate
        else:
            lines, current = lines + 1, word
    return lines


def _overflows(shape: Any) -> float:
    """How many points the shape's text is taller than its box (0 or less: it fits)."""
    frame = shape.text_frame
    width = (shape.width - frame.margin_left - frame.margin_right) / 12700
    height = (shape.height - frame.margin_top - frame.margin_bottom) / 12700
    used = 0.0
    for index, p in enumerate(frame.paragraphs):
        runs = [r for r in p.runs if r.text]
        if not runs:
            continue
        size = runs[0].font.size.pt
        indent = int(p._p.pPr.get("marL", 0)) / 12700 if p._p.pPr is not None else 0
        n = _lines(p.text, width - indent, size, bool(runs[0].font.bold))
        used += n * size * 1.2 + (p.space_before.pt if index and p.space_before else 0)
    return used - height


def _cells_overflow(table: Any) -> float:
    """The most points by which a cell's text is taller than its row."""
    worst = -1e9
    for r, row in enumerate(table.rows):
        for c, column in enumerate(table.columns):
            cell = table.cell(r, c)
            runs = [run for p in cell.text_frame.paragraphs for run in p.runs if run.text]
            if not runs:
                continue
            size = runs[0].font.size.pt
            width = (column.width - cell.margin_left - cell.margin_right) / 12700
            height = (row.height - cell.margin_top - cell.margin_bottom) / 12700
            n = _lines(cell.text_frame.text, width, size, bool(runs[0].font.bold))
            worst = max(worst, n * size * 1.2 - height)
    return worst


def test_text_fits_its_boxes_with_very_long_texts(tmp_path: Path) -> None:
    q = tmp_path / "long.yaml"
    long_questionnaire(q)
    csv = tmp_path / "w.csv"
    write_workshop(csv, sales_label="Sales")
    out = tmp_path / "d.pptx"
    title = "A deliberately long report title " * 8
    deck = make_deck(
        csv,
        out,
        "-q",
        str(q),
        "--by",
        "region",
        "--min-group-size",
        "3",
        "--title",
        title,
        "--client",
        "C" * 90,
    )
    checked = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                assert _overflows(shape) <= 0.5, (title_of(slide), shape.text_frame.text[:80])
                checked += 1
    assert checked > 20
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                assert _cells_overflow(shape.table) <= 0.5, title_of(slide)
    notes = notes_of(slide_titled(deck, "Perception gaps"))
    assert "longwordwithoutanybreaks" in notes  # the whole statement is in the notes


# -- LibreOffice opens it ---------------------------------------------------------------


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_deck_and_prints_every_slide(
    deck_path: Path, deck: Any, tmp_path: Path
) -> None:
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck_path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = (tmp_path / "deck.pdf").read_bytes()
    assert _pdf_pages(pdf) == len(deck.slides)


def test_every_report_format_has_one_renderer_and_one_option_value() -> None:
    from salesmkt.cli.options import ReportFormat
    from salesmkt.render.report.formats import DECK_RENDERERS, REPORT_RENDERERS, REPORT_SUFFIXES

    assert not set(DECK_RENDERERS) & set(REPORT_RENDERERS)
    assert set(REPORT_SUFFIXES.values()) == set(DECK_RENDERERS) | set(REPORT_RENDERERS)
    assert {f.value for f in ReportFormat} == set(REPORT_SUFFIXES.values())


def test_many_segments_spill_onto_numbered_heatmap_slides(tmp_path: Path) -> None:
    csv = tmp_path / "w.csv"
    write_workshop(csv)
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[1:] = [  # every respondent in a region of their own: 13 segments, all withheld
        re.sub(r",(North|South),", f",Region{k},", line, count=1)
        for k, line in enumerate(lines[1:])
    ]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    deck = make_deck(csv, tmp_path / "d.pptx", "--by", "region", "--min-group-size", "3")
    titles = [title_of(s) for s in deck.slides if title_of(s).startswith("Segments")]
    assert titles == ["Segments by dimension (1 of 2)", "Segments by dimension (2 of 2)"]
    rows = [
        [shape.table.cell(r, c).text for c in range(len(shape.table.columns))]
        for s in deck.slides
        if title_of(s).startswith("Segments")
        for shape in s.shapes
        if shape.has_table
        for r in range(1, len(shape.table.rows))
    ]
    assert len(rows) == 13
    assert all(row[3:] == ["withheld"] * (len(row) - 3) for row in rows)
