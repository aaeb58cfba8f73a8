"""The HTML report in a real browser: headless Chromium loads it, draws it and prints it.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it when missing). Page
console messages, including Content-Security-Policy violations, reach stderr with
``--enable-logging=stderr`` as ``…:CONSOLE:…] "message", source: URL``; a control page
with a blocked image and a blocked inline script proves that this channel works, so
"no console message" from the report means something.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.report import COMMENT_OBJS, make_assessment, questionnaire, render_page

from salesmkt.render.charts import make_charts
from salesmkt.render.report.html import CSP
from salesmkt.render.report.view import ReportOptions

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian package 'chromium'; .ci/run installs it)",
)

A4_PT = (595.28, 841.89)
FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
]


def chromium(tmp: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def console_messages(stderr: str, url: str) -> list[str]:
    """The page's console lines (errors, warnings, CSP reports) from Chromium's log."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line and f"source: {url}" in line]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def margins_blank(image_path: Path, margin_mm: float) -> bool:
    """True when the left and right ``margin_mm`` strips of a page image are all white."""
    from PIL import Image

    with Image.open(image_path) as im:
        grey = im.convert("L")
        width, height = grey.size
        strip = max(1, int(width * margin_mm / 210))
        for box in ((0, 0, strip, height), (width - strip, 0, width, height)):
            low, _ = grey.crop(box).getextrema()
            if low < 250:
                return False
    return True


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("browser")
    a = make_assessment(sales_label="Sales <b>EMEA</b>")
    html = render_page(
        "html",
        a,
        comments=COMMENT_OBJS,
        options=ReportOptions(generated="2026-05-01", min_comment_group=5),  # groups of 6
        charts=make_charts(a, questionnaire=questionnaire()),
    )
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    return path, path.as_uri()


def test_control_page_shows_that_console_errors_are_seen(tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' "
        f'content="{CSP}"></head><body><p>control</p>'
        "<img src='http://127.0.0.1:9/x.png'><script>console.error('boom')</script>"
        "</body></html>",
        encoding="utf-8",
    )
    run = chromium(tmp_path, control.as_uri(), "--enable-logging=stderr", "--v=0", "--dump-dom")
    messages = console_messages(run.stderr, control.as_uri())
    assert any("Content Security Policy" in m for m in messages), run.stderr[-2000:]
    assert "control" in run.stdout


def test_report_loads_with_charts_and_no_console_message(
    page: tuple[Path, str], tmp_path: Path
) -> None:
    _, url = page
    run = chromium(tmp_path, url, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    assert console_messages(run.stderr, url) == []
    # The three charts are in the live DOM, as SVG inside their figures.
    for name in ("band-chart", "gap-chart", "dimension-profile"):
        match = re.search(rf'<figure id="{name}">(.*?)</figure>', dom, re.DOTALL)
        assert match is not None, name
        assert '<svg class="chart-svg"' in match.group(1)
        assert "<path" in match.group(1)
    # Escaped text stays text in the parsed document: no element was created from it.
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<b>EMEA</b>" not in dom and "&lt;b&gt;EMEA&lt;/b&gt;" in dom


def test_report_screenshot_is_drawn(page: tuple[Path, str], tmp_path: Path) -> None:
    _, url = page
    shot = tmp_path / "shot.png"
    run = chromium(tmp_path, url, f"--screenshot={shot}", "--window-size=1200,3000")
    assert shot.is_file(), run.stderr[-2000:]
    assert png_size(shot.read_bytes()) == (1200, 3000)
    from PIL import Image

    with Image.open(shot) as im:
        colours = im.convert("RGB").resize((60, 150)).getcolors(maxcolors=100000)
    assert colours is not None and len(colours) > 50  # charts and text, not a blank page


def test_report_prints_to_a4_within_the_margins(page: tuple[Path, str], tmp_path: Path) -> None:
    _, url = page
    pdf = tmp_path / "report.pdf"
    run = chromium(tmp_path, url, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.is_file(), run.stderr[-2000:]
    data = pdf.read_bytes()
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
    assert boxes, "no MediaBox in the PDF"
    for width, height in boxes:
        assert abs(float(width) - A4_PT[0]) < 1.5 and abs(float(height) - A4_PT[1]) < 1.5
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    assert 3 <= pages <= 14, pages
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return  # the width check below is optional (poppler-utils)
    subprocess.run([pdftoppm, "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for image in images:  # 15 mm margins: nothing may spill into the outer 12 mm
        assert margins_blank(image, 12), image.name


def test_margin_check_catches_content_outside_the_page_box(tmp_path: Path) -> None:
    from PIL import Image

    image = Image.new("RGB", (331, 468), "white")
    image.paste((0, 0, 0), (320, 100, 331, 120))  # a black mark at the right edge
    image.save(tmp_path / "spill.png")
    Image.new("RGB", (331, 468), "white").save(tmp_path / "clean.png")
    assert not margins_blank(tmp_path / "spill.png", 12)
    assert margins_blank(tmp_path / "clean.png", 12)


# -- phone, desktop, print and accessibility: Playwright driving the same Chromium -------

VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}
# SALESMKT_SHOTS=DIR keeps the screenshots (the lead looks at them); otherwise tmp only.
SHOTS = os.environ.get("SALESMKT_SHOTS", "")
BRANDED = [
    "--by",
    "Region",
    "--situation",
    "examples/situation.yaml",
    "--funnel",
    "examples/funnel.yaml",
    "--client",
    "Example Ltd",
    "--consultant",
    "A. Consultant",
    "--accent",
    "#0B6E4F",
]


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report on examples/workshop.csv, branded, with advice and a breakdown."""
    from support.paths import ROOT
    from typer.testing import CliRunner

    from salesmkt.cli import app

    out = tmp_path_factory.mktemp("example") / "report.html"
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            app, ["report", "examples/workshop.csv", "-o", str(out), *BRANDED]
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def _shot(page: Any, name: str, tmp: Path) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path))
    return path


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("which", ["example", "hand-made"])
def test_no_horizontal_overflow_and_the_summary_comes_first(
    browser: Any,
    viewport: str,
    which: str,
    example_report: Path,
    page: tuple[Path, str],
    tmp_path: Path,
) -> None:
    width, height = VIEWPORTS[viewport]
    view = browser.new_page(viewport={"width": width, "height": height})
    view.goto(example_report.as_uri() if which == "example" else page[1])
    scroll, inner = view.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner, (which, viewport, scroll, inner)
    # The first section of the page is the executive summary, and it starts on screen.
    first = view.evaluate("document.querySelector('main section').id")
    assert first == "summary"
    top = view.evaluate("document.getElementById('summary').getBoundingClientRect().top")
    assert 0 <= top < height / 2
    assert view.locator("#summary").is_visible()
    # Every chart's text is text, and each chart has a title, a description and a table.
    for name in ("band-chart", "gap-chart", "dimension-profile"):
        svg = view.locator(f"#{name} svg")
        assert svg.locator("text").count() > 3, name
        assert svg.locator("title").count() >= 1 and svg.locator("desc").count() >= 1
        target = view.locator(f"#{name} a.chart-data").get_attribute("href")
        assert target and view.locator(target).locator("td").count() > 0
    _shot(view, f"report-{which}-{width}.png", tmp_path)
    view.close()


def test_accessibility_check_finds_nothing_serious(
    browser: Any, example_report: Path, page: tuple[Path, str]
) -> None:
    """axe-core (through axe-playwright-python): no serious or critical violation."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    for url in (example_report.as_uri(), page[1]):
        for width, height in VIEWPORTS.values():
            # The page's CSP forbids scripts; only the test's own axe script is let in.
            context = browser.new_context(
                viewport={"width": width, "height": height}, bypass_csp=True
            )
            view = context.new_page()
            view.goto(url)
            found = axe_module.Axe().run(view).response["violations"]
            bad = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                for v in found
                if v["impact"] in ("serious", "critical")
            ]
            assert bad == [], (url, width, bad)
            context.close()


def test_printed_page_one_is_exactly_the_executive_summary(
    example_report: Path, tmp_path: Path
) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, example_report.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.is_file()

    def text(page_no: int) -> str:
        args = [pdftotext, "-f", str(page_no), "-l", str(page_no), str(pdf), "-"]
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    one, two = text(1), text(2)
    assert "Executive summary" in one and "WHAT MATTERS MOST" in one
    assert "TOP 3 ACTIONS" in one and "Hold disciplined joint meetings" in one
    for later in ("Key findings", "Scores by group", "Perception gaps"):
        assert later not in one, later
    assert two.lstrip().startswith("Key findings")
    if SHOTS and shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), f"{SHOTS}/print"],
            check=True,
        )
