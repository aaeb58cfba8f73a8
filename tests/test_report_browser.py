"""The HTML report in a real browser: headless Chromium loads it, draws it and prints it.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it when missing). Page
console messages, including Content-Security-Policy violations, reach stderr with
``--enable-logging=stderr`` as ``…:CONSOLE:…] "message", source: URL``; a control page
with a blocked image and a blocked inline script proves that this channel works, so
"no console message" from the report means something.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

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
