"""The report, the Markdown and the slide deck in the reader's language (``report --lang``).

Oracles: the German labels come from ``questionnaires/alignment.de.yaml`` read in the
test; the figures from ``score --format json`` (numbers with a decimal point), written
here with a decimal comma by hand; the page is read back with :mod:`html.parser`, the
deck with python-pptx. "No English left" is a list of telltale English words that must
not appear outside the respondents' own comments and the sentences that the analysis
and advice steps write (other modules, translated in their own catalogues; they are
taken from the German assessment itself and cut out before the scan).
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.paths import EXAMPLES, QUESTIONNAIRES, WORKSHOP
from typer.testing import CliRunner

from salesmkt.cli import app

EPOCH = {"SOURCE_DATE_EPOCH": "1795996800"}  # 30 November 2026, 00:00 UTC
ADVICE = [
    "--situation",
    str(EXAMPLES / "situation.yaml"),
    "--funnel",
    str(EXAMPLES / "funnel.yaml"),
]
TELLTALE = re.compile(
    r" the | and | of | with | is | are | by | for | to | from | not "
    r"|\b(?:Group|Scores?|respondents?|withheld|Statements?|Stage|gaps?|findings|Appendix)\b"
)
# The teams of examples/workshop.csv as a German export names them (the German aliases).
TEAMS = {
    "Sales": "Vertrieb",
    "Field Sales": "Außendienst",
    "Inside Sales": "Innendienst",
    "Key Account Management": "Key Account Management",
    "Marketing": "Marketing",
    "Product Marketing": "Produktmarketing",
    "Demand Generation": "Marketing",
    "Leadership": "Geschäftsleitung",
}


def _invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args), env=EPOCH)
    assert result.exit_code == 0, result.output
    return result.output


def german() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (QUESTIONNAIRES / "alignment.de.yaml").read_text("utf-8")
    )
    return loaded


def comma(value: float, places: int = 1, signed: bool = False) -> str:
    """A figure as German writes it, by hand: rounded, decimal comma, a real sign."""
    text = f"{round(value, places) + 0.0:{'+' if signed else ''}.{places}f}"
    return text.replace(".", ",")


# -- the outputs, made once ------------------------------------------------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The German report as HTML, Markdown and deck, the English one twice, the scores."""
    runner = CliRunner()
    out = tmp_path_factory.mktemp("languages")
    for name in ("bericht.html", "bericht.md", "folien.pptx"):
        _invoke(runner, "report", str(WORKSHOP), "-o", str(out / name), "--lang", "de", *ADVICE)
    _invoke(runner, "report", str(WORKSHOP), "-o", str(out / "en.html"), *ADVICE)
    _invoke(
        runner, "report", str(WORKSHOP), "-o", str(out / "en-lang.html"), "--lang", "en", *ADVICE
    )
    scores = json.loads(_invoke(runner, "score", str(WORKSHOP), "--format", "json"))
    return {"out": out, "scores": scores, "foreign": foreign_sentences()}


def foreign_sentences() -> list[str]:
    """The sentences of the German assessment (with advice) that the analysis and advice
    steps write: they are checked by those steps' own tests, not here."""
    from salesmkt.intake.source import ResponseSource
    from salesmkt.l10n import reading_in
    from salesmkt.model.assessment import Settings
    from salesmkt.pipeline.report import advise, in_reader_language, load_inputs

    with reading_in("de"):
        loaded = load_inputs(ResponseSource(WORKSHOP, "alignment"), Settings())
        loaded = in_reader_language(loaded, "alignment")
        advise(
            loaded.assessment,
            situation=EXAMPLES / "situation.yaml",
            funnel=EXAMPLES / "funnel.yaml",
        )
        doc = loaded.assessment.model_dump(mode="json")
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and " " in node:
            found.extend(p.strip() for p in re.split(r"(?<=[.;:])\s+|\s+\(", node) if p.strip())

    walk(doc)
    return sorted({f.rstrip(".;:)") for f in found if len(f) > 8}, key=len, reverse=True)


# The cited sources' own titles, which stay as published.
TITLES = [
    "Ending the War Between Sales and Marketing",
    "Harvard Business Review",
    "A Sales Champion Comments on the Critical Integration of Marketing and Sales",
    "Marketing News, American Marketing Association",
    "Sales and Marketing Integration for Best Practice Execution",
]


def english_left(text: str, foreign: list[str]) -> list[str]:
    """The telltale English words of ``text`` once the foreign sentences are cut out."""
    text = html.unescape(text)
    for sentence in [*foreign, *TITLES]:
        text = text.replace(sentence, " ")
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in TELLTALE.finditer(text)]


class Page(HTMLParser):
    """The page's visible text (outside comments' blockquotes, styles and the charts),
    the html element's lang and each table's rows by table id."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.text: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.alts: list[str] = []
        self._skip: list[str] = []
        self._table: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag in ("style", "blockquote", "svg", "title"):
            self._skip.append(tag)
        if tag == "table":
            self._table.append(a.get("id") or f"table-{len(self.tables)}")
            self.tables[self._table[-1]] = []
        if tag == "tr" and self._table:
            self.tables[self._table[-1]].append([])
        if tag in ("td", "th"):
            self._cell = []
        for key in ("aria-label", "alt"):
            if a.get(key):
                self.alts.append(a[key] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        if tag == "table" and self._table:
            self._table.pop()
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table[-1]][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    return page


# -- HTML --------------------------------------------------------------------------------


def test_the_german_page_says_lang_de_and_has_the_german_labels(made: dict[str, Any]) -> None:
    page = read_page(made["out"] / "bericht.html")
    assert page.lang == "de"
    text = " ".join(" ".join(page.text).split())
    de = german()
    for stage in de["stages"].values():
        assert stage["label"] in text
    for dimension in de["dimensions"].values():
        assert dimension["label"] in text
    for item in de["items"].values():
        assert item["short"] in text
    assert "30. November 2026" in text  # the date in German words
    assert "Zusammenfassung für die Geschäftsleitung" in text


def test_the_german_figures_are_the_scores_with_a_decimal_comma(made: dict[str, Any]) -> None:
    scores, page = made["scores"], read_page(made["out"] / "bericht.html")
    rows = {row[0].removesuffix(" verglichen").strip(): row for row in page.tables["group-table"]}
    names = {"sales": "Vertrieb", "marketing": "Marketing"}
    for group in scores["groups"]:
        if group["id"] in names:
            row = rows[names[group["id"]]]
            assert row[2] == comma(group["mean"]), row
    text = " ".join(page.text)
    assert comma(scores["overall"]["score"]) in text
    items = {row[0].split(" ")[0]: row for row in page.tables["items-table"][1:]}
    for item in scores["items"]:
        if item["gap"] is not None:
            assert items[item["id"]][3] == comma(item["gap"], signed=True), item["id"]
    assert "." not in items["q01"][3]


def test_no_english_is_left_on_the_german_page(made: dict[str, Any]) -> None:
    page = read_page(made["out"] / "bericht.html")
    text = " ".join(" ".join(page.text).split())
    alts = " | ".join(page.alts)
    assert english_left(text, made["foreign"]) == []
    assert english_left(alts, made["foreign"]) == []


def test_the_english_report_is_unchanged_by_the_language_option(made: dict[str, Any]) -> None:
    out = made["out"]
    english = (out / "en.html").read_text("utf-8")
    assert english == (out / "en-lang.html").read_text("utf-8")
    assert '<html lang="en">' in english
    assert "Executive summary" in english and "2026-11-30" in english


# -- Markdown ----------------------------------------------------------------------------


def test_the_german_markdown(made: dict[str, Any]) -> None:
    md = (made["out"] / "bericht.md").read_text("utf-8")
    scores = made["scores"]
    assert md.startswith("# Abstimmung von Vertrieb und Marketing: Workshop-Bericht")
    assert f"Punktwert {comma(scores['overall']['score'])}" in md
    for stage in german()["stages"].values():
        assert stage["label"] in md
    # Markdown escapes brackets and pipes; the words are what is checked.
    plain = re.sub(r"\\(.)", r"\1", md)
    comments = [line for line in plain.splitlines() if line.startswith("> ") and "**" not in line]
    for line in comments:
        plain = plain.replace(line, " ")
    assert english_left(" ".join(plain.split()), made["foreign"]) == []


# -- the deck ----------------------------------------------------------------------------


def test_the_german_deck(made: dict[str, Any]) -> None:
    from pptx import Presentation

    deck = Presentation(str(made["out"] / "folien.pptx"))
    texts, values = [], []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if getattr(shape, "has_chart", False) and shape.has_chart:
                plot = shape.chart.plots[0]
                texts += [str(c) for c in plot.categories]
                values.append([v for s in plot.series for v in s.values])
            if getattr(shape, "has_table", False) and shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
    text = " ".join(" ".join(texts).split())
    assert "Zusammenfassung für die Geschäftsleitung" in text
    scores, stages = made["scores"], german()["stages"]
    for stage_id in {g["stage"]["id"] for g in scores["groups"] if g["stage"]}:
        assert stages[stage_id]["label"] in text
    for dimension in german()["dimensions"].values():
        assert dimension["label"] in text
    stage_chart = values[0]  # the organisation, then each group shown
    shown = [g["mean"] for g in scores["groups"] if not g["suppressed"]]
    expected = [scores["overall"]["score"], *shown]
    assert stage_chart == pytest.approx([round(v, 1) for v in expected])
    assert comma(scores["overall"]["score"]) in text
    assert english_left(text, made["foreign"]) == []
    assert deck.core_properties.language == "de"


# -- the German workshop, end to end ---------------------------------------------------


def fill_template(template: Path, answers: Path = WORKSHOP) -> None:
    """Write the answers of ``answers`` (examples/workshop.csv) into the German template."""
    with template.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    with answers.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with template.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        for r in rows:
            given = {
                "group": TEAMS[r["Team"]],
                "respondent": r["Respondent"],
                "segment": r["Region"],
            }
            out.writerow([given.get(h, r.get(h, "")) for h in header])


def test_a_german_workshop_end_to_end(runner: CliRunner, tmp_path: Path) -> None:
    vorlage = tmp_path / "vorlage.csv"
    _invoke(runner, "template", "--lang", "de", "-o", str(tmp_path / "vorlage.xlsx"))
    _invoke(runner, "template", "--lang", "de", "-o", str(vorlage))
    fill_template(vorlage)
    german_scores = json.loads(_invoke(runner, "score", str(vorlage), "--format", "json"))
    english_scores = json.loads(_invoke(runner, "score", str(WORKSHOP), "--format", "json"))
    assert german_scores["overall"]["score"] == pytest.approx(english_scores["overall"]["score"])
    _invoke(runner, "score", str(vorlage), "--lang", "de")
    bericht, folien = tmp_path / "bericht.html", tmp_path / "folien.pptx"
    _invoke(runner, "report", str(vorlage), "--lang", "de", "-o", str(bericht), *ADVICE)
    _invoke(runner, "report", str(vorlage), "--lang", "de", "-o", str(folien), *ADVICE)
    page = read_page(bericht)
    assert page.lang == "de"
    assert comma(german_scores["overall"]["score"]) in " ".join(page.text)
    assert folien.stat().st_size > 10_000


def test_an_unknown_reader_language_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", str(WORKSHOP), "-o", str(tmp_path / "r.html"), "--lang", "xx"]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "r.html").exists()


# -- in a browser --------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = os.environ.get("SALESMKT_SHOTS", "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian package 'chromium')")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_the_german_page_fits_a_phone_and_passes_axe(
    browser: Any, made: dict[str, Any], width: int
) -> None:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    context = browser.new_context(viewport={"width": width, "height": 844}, bypass_csp=True)
    view = context.new_page()
    view.goto((made["out"] / "bericht.html").as_uri())
    scroll, inner = view.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner, (width, scroll, inner)
    if SHOTS:
        view.screenshot(path=str(Path(SHOTS) / f"bericht-{width}.png"))
    found = axe_module.Axe().run(view).response["violations"]
    bad = [(v["id"], v["impact"]) for v in found if v["impact"] in ("serious", "critical")]
    assert bad == [], (width, bad)
    context.close()


@pytest.mark.parametrize(
    ("lang", "heading", "stage"),
    [("fr", "Synthèse pour la direction", "Défini"), ("es", "Resumen ejecutivo", "Definida")],
)
def test_french_and_spanish_pages(
    runner: CliRunner, tmp_path: Path, lang: str, heading: str, stage: str
) -> None:
    out = tmp_path / "report.html"
    _invoke(runner, "report", str(WORKSHOP), "-o", str(out), "--lang", lang, *ADVICE)
    page = read_page(out)
    text = " ".join(" ".join(page.text).split())
    labels = yaml.safe_load((QUESTIONNAIRES / f"alignment.{lang}.yaml").read_text("utf-8"))
    assert page.lang == lang
    assert heading in text
    assert labels["stages"]["defined"]["label"] == stage and stage in text
    assert "Executive summary" not in text and "Key findings" not in text
