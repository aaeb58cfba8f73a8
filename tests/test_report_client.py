"""The report as the client reads it: summary first, client language, references,
actions, segments heatmap, branding and the seam for sections made elsewhere.

Figures are checked against independent computations: the JSON assessment of ``score``
and ``recommend`` for the summary, a plain pandas query over the responses for the
heatmap. The client-language scan reads the page as a reader does (visible text, not
the consultant's notes box, not respondents' own words) with its own list of jargon.
"""

from __future__ import annotations

import base64
import json
import random
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from support.paths import ROOT
from support.report import COMMENT_OBJS, make_assessment, render_page
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.model.assessment import AgreementResult
from salesmkt.render.report import view
from salesmkt.render.report.build import build_report
from salesmkt.render.report.html import render_html
from salesmkt.render.report.markdown import render_markdown
from salesmkt.render.report.quality import _agreement_sentence
from salesmkt.render.report.words import Names

# What no sentence meant for the client may hold: options, file names, placeholders,
# tool commands. Written here, apart from the code's own list.
JARGON = [
    re.compile(r"--[a-z]"),
    re.compile(r"\.csv\b"),
    re.compile(r"\.ya?ml\b"),
    re.compile(r"\.json\b"),
    re.compile(r"\.xlsx\b"),
    re.compile(r"\bFILE\b"),
    re.compile(r"\bsalesmkt (?:score|gaps|recommend|report)\b"),
]
# Pairs that contradict each other when said of the same group in one bullet.
CONTRADICTIONS = [("strong agreement", "split team"), ("no large perception gap", "flagged")]
ADVICE = ["--situation", "examples/situation.yaml", "--funnel", "examples/funnel.yaml"]


class _Reader(HTMLParser):
    """The text a reader sees, block by block, without the consultant's notes, the
    style sheet or respondents' comments (their words are theirs, not the report's)."""

    SKIP: ClassVar[set[str]] = {"style", "script", "title", "desc"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = [""]
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in self.SKIP or "consultant-notes" in classes or tag == "blockquote":
            self.skipping.append(tag)
        if tag in {"li", "p", "td", "th", "div", "h1", "h2", "h3", "dd", "dt", "figcaption"}:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.blocks[-1] += data


def client_blocks(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return [" ".join(b.split()) for b in reader.blocks if b.strip()]


def client_markdown(md: str) -> list[str]:
    """The Markdown's lines without the "Consultant notes" section and quoted comments."""
    out, skipping = [], False
    for line in md.splitlines():
        if line.startswith("## "):
            skipping = line == "## Consultant notes"
        if (not skipping and not line.startswith("> ")) or line.startswith("> **"):
            out.append(line)
    return out


def jargon_in(blocks: list[str]) -> list[str]:
    return [b for b in blocks for pattern in JARGON if pattern.search(b)]


def contradictions_in(blocks: list[str]) -> list[str]:
    return [b for b in blocks for x, y in CONTRADICTIONS if x in b and y in b]


def invoke(*args: str, cwd: Path = ROOT) -> str:
    import os

    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, list(args))
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return result.stdout


def write_survey(path: Path, seed: int = 3, per_cell: int = 8) -> None:
    """Sales and Marketing in three regions, big enough for every segment to show."""
    rng = random.Random(seed)
    head = ["Respondent", "Team", "Region", *(f"q{i:02d}" for i in range(1, 21))]
    lines = [",".join(head)]
    for team, base in (("Sales", 3.6), ("Marketing", 2.6)):
        for region in ("EMEA", "Americas", "APAC"):
            for k in range(per_cell):
                shift = {"APAC": 0.6, "Americas": -0.5}.get(region, 0.0)
                answers = [
                    max(1, min(5, round(base + (shift if i % 3 == 0 else 0) + rng.gauss(0, 0.8))))
                    for i in range(1, 21)
                ]
                row = [f"{team}-{region}-{k}", team, region, *map(str, answers)]
                lines.append(",".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("survey") / "survey.csv"
    write_survey(path)
    return path


def report_text(tmp: Path, source: str, suffix: str, *args: str) -> str:
    out = tmp / f"report{suffix}"
    invoke("report", source, "-o", str(out), "--force", *args)
    return out.read_text(encoding="utf-8")


# -- the executive summary ---------------------------------------------------------------


def summary_html(html: str) -> str:
    start = html.index('<section id="summary"')
    return html[start : html.index("<nav", start)]


def test_summary_figures_equal_the_json_assessment_and_recommend(tmp_path: Path) -> None:
    scored = json.loads(invoke("score", "examples/workshop.csv", "-f", "json"))
    advised = json.loads(invoke("recommend", "examples/workshop.csv", *ADVICE, "-f", "json"))
    html = report_text(tmp_path, "examples/workshop.csv", ".html", *ADVICE)
    md = report_text(tmp_path, "examples/workshop.csv", ".md", *ADVICE)
    summary = summary_html(html)
    stage, score = scored["overall"]["stage"]["label"], f"{scored['overall']['score']:.1f}"
    assert f'<div class="value">{stage}</div>' in summary
    assert f"<strong>{score}</strong>" in summary
    md_summary = md[md.index("## Executive summary") : md.index("## Key findings")]
    assert f"**Stage of the relationship: {stage}** (score {score}" in md_summary
    titles = [a["title"] for a in advised["advice"]["actions"][:3]]
    for title in titles:
        assert f"<strong>{title}</strong>" in unescape(summary) and title in md_summary
    assert summary.count("<li><strong>") == 3
    verdict = advised["advice"]["stay_or_move"]["verdict"]
    assert verdict == "move_up" and "Move up a stage: from Defined to Aligned." in summary
    # Exactly three findings, none of them the score sentence (the stage box says it).
    findings = re.search(r'<ol class="findings">(.*?)</ol>', summary, re.DOTALL)
    assert findings is not None and findings.group(1).count("<li>") == 3
    assert "The organisation scores" not in findings.group(1)


def test_summary_says_when_the_stage_cannot_be_estimated() -> None:
    a = make_assessment()
    a.overall.score, a.overall.stage = None, None
    a.overall.not_estimable = "Marketing's figures are withheld, so no organisation score."
    r = build_report(a)
    assert r.summary is not None and not r.summary.estimable
    assert r.summary.stage_sentence.startswith("The stage cannot be estimated")
    html = render_html(r)
    assert "The stage cannot be estimated" in summary_html(html)
    assert "no organisation score" in summary_html(html)


def test_summary_comes_first_in_both_formats() -> None:
    a = make_assessment()
    html = render_page("html", a, comments=COMMENT_OBJS)
    assert html.index('id="summary"') < html.index('id="findings"') < html.index('id="scores"')
    md = render_page("md", a, comments=COMMENT_OBJS)
    assert md.index("## Executive summary") < md.index("## Key findings") < md.index("## Scores")


# -- client language ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def client_cases(survey: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("cases")
    saved = tmp / "saved.json"
    saved.write_text(invoke("score", "examples/workshop.csv", "-f", "json"), encoding="utf-8")
    cases = {
        "example": ("examples/workshop.csv", ()),
        "example advised by region": ("examples/workshop.csv", (*ADVICE, "--by", "Region")),
        "survey by region": (str(survey), ("--by", "Region", "--heatmap-items")),
        "saved assessment": (str(saved), ()),
        "no comments": ("examples/workshop.csv", ("--no-comments",)),
    }
    found: dict[str, str] = {}
    for name, (source, args) in cases.items():
        for suffix in (".html", ".md"):
            found[f"{name}{suffix}"] = report_text(tmp, source, suffix, *args)
    found["hand-made.html"] = render_page("html", make_assessment(), comments=COMMENT_OBJS)
    found["hand-made, no advice.html"] = render_page(
        "html", make_assessment(with_advice=False), comments=COMMENT_OBJS
    )
    found["hand-made, no advice.md"] = render_page(
        "md", make_assessment(with_advice=False), comments=COMMENT_OBJS
    )
    return found


def test_no_tool_jargon_and_no_contradiction_in_client_text(client_cases: dict[str, str]) -> None:
    for name, text in client_cases.items():
        blocks = client_blocks(text) if name.endswith(".html") else client_markdown(text)
        assert len(blocks) > 50, name
        assert jargon_in(blocks) == [], name
        assert contradictions_in(blocks) == [], name


def test_the_scan_would_catch_jargon_and_contradictions() -> None:
    assert jargon_in(["answer the questions (--situation FILE)"])
    assert jargon_in(["see workshop.csv"]) and jargon_in(["Run salesmkt recommend on it"])
    assert contradictions_in(["Sales: very strong agreement. Its mean hides a split team."])
    page = '<p>ok</p><aside class="consultant-notes"><p>--situation FILE</p></aside><p>fine</p>'
    assert client_blocks(page) == ["ok", "fine"]


def test_consultant_notes_carry_the_hints_and_the_option_removes_them(tmp_path: Path) -> None:
    html = report_text(tmp_path, "examples/workshop.csv", ".html")
    notes = html[html.index('<aside class="consultant-notes"') :]
    notes = notes[: notes.index("</aside>")]
    assert "--situation FILE" in notes and "Data file: workshop.csv." in notes
    for item in re.findall(r"<li>(.*?)</li>", notes):  # each note is one sentence
        assert item.endswith("."), item
    # The client sees what was not assessed, in words.
    advice = unescape(html[html.index('<section id="advice">') :])
    assert "Not yet assessed, so not considered in the advice: the company's situation" in advice
    bare = report_text(tmp_path, "examples/workshop.csv", ".html", "--no-consultant-notes")
    assert "consultant-notes" not in bare.split("</style>")[1] and "--situation" not in bare
    md = report_text(tmp_path, "examples/workshop.csv", ".md", "--no-consultant-notes")
    assert "Consultant notes" not in md and "--situation" not in md


def test_caveats_are_their_own_sentences_not_run_into_the_verdict(tmp_path: Path) -> None:
    html = report_text(tmp_path, "examples/workshop.csv", ".html", *ADVICE)
    advice = html[html.index('<section id="advice">') :]
    message = re.search(r"</div>\n<p>(.*?)</p>", advice)
    assert message is not None and "Note:" not in message.group(1)
    caveats = re.search(r'<ul class="caveats">(.*?)</ul>', advice, re.DOTALL)
    assert caveats is not None
    items = re.findall(r"<li>(.*?)</li>", caveats.group(1))
    assert items[0] == "Sales sees Aligned, Marketing sees Defined."
    assert all(i.endswith(".") and "Note:" not in i for i in items) and len(items) == 2


def test_agreement_is_never_strong_for_a_group_flagged_as_split() -> None:
    # r*wg(J) alone reads "very strong", but AD_M flags the group: the two must not meet.
    agr = AgreementResult(
        group="sales",
        n=12,
        rwg_star_j=0.93,
        rwg_j=0.99,
        ad_m=0.95,
        low_agreement=True,
        note="Sales's mean hides a split team: AD_M 0.95 is above 0.83, so its members "
        "answer very differently; the items spread unevenly",
    )
    text = _agreement_sentence(agr, Names(make_assessment()))
    assert "strong agreement" not in text and "low agreement within the group" in text
    assert "split team" in text
    assert text.endswith("the items spread unevenly.")  # each note ends as a sentence
    assert "; the items" not in text
    fine = AgreementResult(group="sales", n=12, rwg_star_j=0.93, ad_m=0.3, low_agreement=False)
    assert "very strong agreement" in _agreement_sentence(fine, Names(make_assessment()))


# -- references --------------------------------------------------------------------------


def test_references_are_full_citations_and_every_action_link_resolves(tmp_path: Path) -> None:
    html = report_text(tmp_path, "examples/workshop.csv", ".html", *ADVICE, "--top", "0")
    refs = html[html.index('<section id="references">') :]
    assert "Kotler, P., Rackham, N. &amp; Krishnaswamy, S. (2006). Ending the War Between" in refs
    assert "Harvard Business Review, 84(7/8)" in refs
    for name in ("Vancamp, T. &amp; Guinn, A.", "American Marketing Association", "roundtable"):
        assert name in refs, name
    anchors = set(re.findall(r'<li id="(ref-[a-z0-9-]+)">', refs))
    assert len(anchors) == 5
    advice = html[html.index('<section id="advice">') : html.index('<section id="comments">')]
    cards = re.findall(r'<div class="action" id="action-\d+">(.*?)\n</div>', advice, re.DOTALL)
    links = re.findall(r'href="#(ref-[a-z0-9-]+)"', advice)
    assert links and set(links) <= anchors
    # Each card that names a source in its "why" links to it (independent cue list).
    cues = {"HBR study": "ref-kotler-2006", "AMA article": "ref-ama-sales-champion"}
    for card in cards:
        for cue, anchor in cues.items():
            if cue in card:
                assert f'href="#{anchor}"' in card, (cue, card[:80])
    assert sum('href="#ref-' in c for c in cards) >= len(cards) - 3  # nearly all cite
    md = report_text(tmp_path, "examples/workshop.csv", ".md", *ADVICE)
    for anchor in re.findall(r"\]\(#(ref-[a-z0-9-]+)\)", md):
        assert f'<a id="{anchor}"></a>' in md


def test_without_advice_only_the_instrument_source_is_listed() -> None:
    r = build_report(make_assessment(with_advice=False))
    assert [ref.anchor for ref in r.references] == ["ref-kotler-2006"]


# -- actions: the top ones in full, the rest one line each -------------------------------


def test_top_actions_in_full_and_the_rest_in_the_appendix_table(tmp_path: Path) -> None:
    advised = json.loads(
        invoke("recommend", "examples/workshop.csv", *ADVICE, "--top", "0", "-f", "json")
    )
    titles = [a["title"] for a in advised["advice"]["actions"]]
    assert len(titles) > 5
    html = report_text(tmp_path, "examples/workshop.csv", ".html", *ADVICE, "--top", "4")
    advice = html[html.index('<section id="advice">') : html.index('<section id="comments">')]
    cards = re.findall(r'<div class="action" id="action-\d+">\n  <h3>\d+\. (.*?)</h3>', advice)
    assert [unescape(c) for c in cards] == titles[:4]
    appendix = html[html.index('<section id="more-actions">') :]
    rows = re.findall(r'<td class="num">(\d+)</td><td><strong>(.*?)</strong>', appendix)
    assert [unescape(t) for _, t in rows] == titles[4:]
    assert [int(n) for n, _ in rows] == list(range(5, len(titles) + 1))
    everything = report_text(tmp_path, "examples/workshop.csv", ".html", *ADVICE, "--top", "0")
    assert 'id="more-actions"' not in everything
    assert everything.count('<div class="action" id=') == len(titles)


# -- the segments heatmap ----------------------------------------------------------------


def test_heatmap_cells_equal_a_pandas_computation(survey: Path, tmp_path: Path) -> None:
    import pandas as pd

    spec = yaml.safe_load((ROOT / "questionnaires" / "alignment.yaml").read_text("utf-8"))
    dims = {d["id"]: d["label"] for d in spec["dimensions"]}
    items = {i["id"]: i["dimension"] for i in spec["items"]}
    df = pd.read_csv(survey)
    html = report_text(tmp_path, str(survey), ".html", "--by", "Region")
    heat = html[html.index('<section id="segments">') :]
    heat = heat[: heat.index("</section>")]
    for dim, label in dims.items():
        cols = [q for q, d in items.items() if d == dim]
        person = df[cols].mean(axis=1)
        org = person.groupby(df["Team"]).mean()
        reference = (org["Sales"] + org["Marketing"]) / 2
        row = re.search(
            rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", heat.replace("&amp;", "&")
        )
        assert row is not None, label
        cells = re.findall(
            r'<td class="cell ([a-z ]*)">([\d.]+)<br><span class="diff">([+\-][\d.]+)', row.group(1)
        )
        assert len(cells) == 3, row.group(1)
        for (classes, value, diff), region in zip(cells, ["APAC", "Americas", "EMEA"], strict=True):
            seg = person[df["Region"] == region].groupby(df["Team"]).mean()
            mean = (seg["Sales"] + seg["Marketing"]) / 2
            assert value == f"{mean:.2f}", (label, region)
            assert abs(float(diff) - (mean - reference)) < 0.006, (label, region)
            if mean - reference >= 0.05:
                assert "above" in classes and "▲" in row.group(1)
            if mean - reference <= -0.05:
                assert "below" in classes


def test_heatmap_shows_withheld_segments_as_such_and_items_on_demand(
    survey: Path, tmp_path: Path
) -> None:
    html = report_text(tmp_path, "examples/workshop.csv", ".html", "--by", "Region")
    heat = html[html.index('<section id="segments">') :]
    heat = heat[: heat.index("</section>")]
    assert '<td class="cell withheld">withheld</td>' in heat
    assert "Withheld: too few respondents to show." in heat
    md = report_text(tmp_path, "examples/workshop.csv", ".md", "--by", "Region")
    assert "| Communication | 3.10 | withheld | withheld |" in md
    with_items = report_text(tmp_path, str(survey), ".html", "--by", "Region", "--heatmap-items")
    assert with_items.count('<tr class="item">') == 20
    without = report_text(tmp_path, str(survey), ".html")
    assert 'id="segments"' not in without


# -- branding ----------------------------------------------------------------------------

PNG_1x1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_branding_in_the_html_header(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_1x1)
    html = report_text(
        tmp_path,
        "examples/workshop.csv",
        ".html",
        "--client",
        "Example <Ltd>",
        "--consultant",
        "A. Consultant",
        "--title",
        "Example Ltd: alignment",
        "--logo",
        str(logo),
        "--accent",
        "#0B6E4F",
    )
    header = html[html.index('<header class="brand">') : html.index("</header>")]
    assert "<h1>Example Ltd: alignment</h1>" in header
    assert "Example &lt;Ltd&gt;" in header and "prepared by A. Consultant" in header
    src = f"data:image/png;base64,{base64.b64encode(PNG_1x1).decode()}"
    assert f'<img class="logo" src="{src}" alt="Example &lt;Ltd&gt; logo">' in header
    assert "--accent-fill: #0B6E4F;" in html


def test_an_svg_logo_is_an_img_data_uri_so_its_script_cannot_run(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
        '<rect width="10" height="10"/></svg>',
        encoding="utf-8",
    )
    html = report_text(tmp_path, "examples/workshop.csv", ".html", "--logo", str(logo))
    assert "<script" not in html and "onload" not in html  # only inside the base64 image
    assert '<img class="logo" src="data:image/svg+xml;base64,' in html


def test_accent_text_keeps_aa_contrast() -> None:
    from salesmkt.render.branding import contrast, readable_on_white

    for colour in ("#FFEE00", "#0B6E4F", "#1F5C99", "#FFFFFF"):
        assert contrast(readable_on_white(colour), "#FFFFFF") >= 4.5
    assert readable_on_white("#1F5C99") == "#1F5C99"  # already readable: unchanged


# -- the seam: sections made elsewhere ---------------------------------------------------


def test_extra_sections_come_before_the_appendices() -> None:
    extra = view.ExtraSection(
        id="benchmark",
        title="How you compare",
        html="<p>Median of 40 companies: <strong>61.0</strong>.</p>",
        markdown="Median of 40 companies: **61.0**.",
    )
    r = build_report(make_assessment(), extra_sections=[extra])
    html = render_html(r)
    assert html.index('<section id="benchmark">') < html.index('<section id="methods"')
    assert "<strong>61.0</strong>" in html and 'href="#benchmark"' in html
    md = render_markdown(r)
    assert "## How you compare\n\nMedian of 40 companies: **61.0**." in md
    assert md.index("## How you compare") < md.index("## Appendix A")
