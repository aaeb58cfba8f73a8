"""The workshop report: content against the assessment, escaping, comments, charts."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape
from support.report import COMMENT_OBJS, COMMENTS, make_assessment, questionnaire, render_page
from typer.testing import CliRunner, Result

from salesmkt.cli import app
from salesmkt.errors import OutputError, UsageError
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Assessment, ReliabilityResult, Settings
from salesmkt.pipeline import report as pipeline
from salesmkt.render import charts as charts_mod
from salesmkt.render.report import view
from salesmkt.render.report.formats import REPORT_RENDERERS, REPORT_SUFFIXES
from salesmkt.render.report.words import fmt_range
from salesmkt.render.text import md_escape
from salesmkt.wording import fmt_ci, fmt_gap, fmt_mean


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def tags_of(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture(scope="module")
def charts() -> list[charts_mod.Chart]:
    return charts_mod.make_charts(make_assessment(), questionnaire=questionnaire())


def render(
    assessment: Assessment | None = None,
    *,
    charts: list[charts_mod.Chart] | None = None,
    comments: list[view.Comment] | None = None,
    **options: object,
) -> str:
    return render_page(
        "html",
        assessment or make_assessment(),
        comments=COMMENT_OBJS if comments is None else comments,
        options=view.ReportOptions(**{"min_comment_group": 5, **options}),  # type: ignore[arg-type]
        charts=charts or [],
    )


# -- content -----------------------------------------------------------------------------


def test_headline_stage_score_and_meaning() -> None:
    html = render()
    head = section(html, "headline")
    assert "Defined" in head
    assert "57.1" in head
    assert "(band 40–59)" in head
    # The stage description comes from the questionnaire's own text.
    described = next(s for s in questionnaire().stages if s.id == "defined").description
    assert str(escape(described.strip())) in head


def test_group_scores_formatted_to_one_decimal_and_suppressed_group_withheld() -> None:
    a = make_assessment()
    sales = a.group("sales")
    assert sales is not None
    sales.mean = 61.44  # shown as 61.4, never with more digits
    scores = section(render(a), "scores")
    rows = re.findall(r"<tr[^>]*><td>(.*?)</tr>", scores, re.DOTALL)
    by_group = {re.sub(r"<.*?>.*", "", r, flags=re.DOTALL).strip(): r for r in rows}
    assert '<td class="num">61.4</td>' in by_group["Sales"]
    assert "61.44" not in scores
    assert '<td class="num">52.8</td>' in by_group["Marketing"]
    assert '<td class="num">[56.2, 66.3]</td>' in by_group["Sales"]
    leadership = by_group["Leadership"]
    assert "withheld" in leadership
    assert re.search(r"\d+\.\d", leadership) is None  # n only, no figure


def test_stage_disagreement_and_borderline_notes() -> None:
    scores = section(render(), "scores")
    assert "Sales sees Aligned, Marketing sees Defined" in scores
    assert "69% of resamples say Aligned" in scores


def test_flagged_gaps_are_listed_largest_first_and_others_are_not() -> None:
    gaps = section(render(), "gaps")
    flagged = gaps[gaps.index("<h3>Flagged gaps</h3>") :]
    flagged = flagged[: flagged.index("</table>")]
    ids = re.findall(r"<strong>(q\d\d)</strong>", flagged)
    assert ids == ["q06", "q05", "q13"]  # |1.6| > |-1.3| > |1.2|
    assert "Sales shares feedback" in flagged
    assert '<td class="num">+1.6</td>' in flagged
    assert '<td class="num">-1.3</td>' in flagged
    assert "not backed by the data yet (adjusted p ≥ 0.05)" in flagged  # q13
    assert "the data back it (adjusted p &lt; 0.05)" in flagged
    assert "Sales scores 8.6 points higher than Marketing" in gaps
    assert "(95% CI [+1.9, +15.2]; Welch&#39;s t = 2.37, p = 0.034;" in gaps


def test_figures_are_worded_as_in_every_other_output() -> None:
    a = make_assessment()
    a.items[1].p_adjusted = 0.0004
    a.items[5].ci = (-0.04, 2.26)
    items = section(render(a), "items")
    rows = dict(re.findall(r"<strong>(q\d\d)</strong>(.*?)</tr>", items, re.DOTALL))
    assert '<td class="num">&lt;0.001</td>' in rows["q02"]  # not "< 0.001"
    assert '<td class="num">[0.0, +2.3]</td>' in rows["q06"]  # not "0.0 to 2.3"
    assert "<td>split view</td>" in rows["q06"]
    md = render_page("md", a)
    assert f"| {md_escape('<0.001')} |" in md


def test_advice_actions_and_evidence_appear() -> None:
    a = make_assessment()
    assert a.advice is not None
    advice = section(render(a), "advice")
    assert "Move up a stage: from Defined to Aligned" in advice
    for action in a.advice.actions:
        assert str(escape(action.title)) in advice
        assert str(escape(action.action)) in advice
        for ev in action.evidence:
            assert str(escape(ev.text)) in advice
    # in recommend's order, whatever the priority numbers say
    assert advice.index("Make sales feedback cheap") < advice.index("Salespeople review")
    a.advice.actions.reverse()
    again = section(render(a), "advice")
    assert again.index("Make sales feedback cheap") > again.index("Salespeople review")
    assert "Effort is still duplicated despite defined roles" in advice


def test_without_advice_the_report_says_so_and_the_consultant_learns_how_to_get_it() -> None:
    html = render(make_assessment(with_advice=False))
    advice = section(html, "advice")
    assert "no recommendations" in advice and "--situation" not in advice
    assert "Recommended actions" not in advice
    notes = html[html.index('<aside class="consultant-notes"') :]
    assert "--situation FILE" in notes[: notes.index("</aside>")]


def test_reliability_and_agreement_in_plain_words() -> None:
    quality = section(render(), "quality")
    assert (
        "(alpha 0.84 [0.68, 0.93], omega 0.86, pooled within groups, n = 15 complete): good"
        in quality
    )
    assert "Marketing (alpha 0.62, n = 6 complete): questionable. Alpha below .70" in quality
    assert "Sales (n = 9): strong agreement within the group (r*wg(J) = 0.76" in quality
    assert "r_wg(J) = 0.86" in quality
    assert "Marketing (n = 6): weak agreement" in quality


def test_figures_of_a_suppressed_group_never_appear() -> None:
    a = make_assessment()
    a.reliability.append(ReliabilityResult(scope="leadership", n=2, alpha=0.97))
    html = render(a)
    assert "0.97" not in html
    assert "Leadership (n = 2): Cronbach" not in html


def test_data_quality_notes() -> None:
    data = section(render(), "data")
    assert "18 response(s) read, 17 scored" in data
    assert "Row 12 (Sales): 5 of 20 answers missing" in data
    assert "Leadership (n = 2) is below the minimum group size of 3" in data
    assert "straight-lining" in data
    assert "region: South" in data and "withheld" in data


def test_methods_appendix_names_key_settings_and_versions() -> None:
    methods = section(render(generated="2026-05-01"), "methods")
    for text in (
        "Undefined",
        "20–39",
        "80–100",
        "2000 resamples, seed 2006",
        "Benjamini–Hochberg",
        "id alignment, version 1.0",
        "salesmkt 0.1.0",
        "2026-05-01",
        "Cronbach",
        "(A² − 1)/12",
    ):
        assert text in methods, text


# -- safety: escaping, no script, no network -------------------------------------------------


def test_respondent_and_group_text_is_escaped() -> None:
    a = make_assessment(sales_label="<b>Sales</b>")
    html = render(a)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;Sales&lt;/b&gt;" in html
    assert "<script" not in html.lower()
    tags = tags_of(html)
    names = {t for t, _ in tags}
    assert not names & {"script", "img", "b", "iframe", "object", "embed", "link", "base"}
    for _, attrs in tags:
        for name, _value in attrs:
            assert not name.lower().startswith("on"), name


def test_escaping_holds_inside_charts_too() -> None:
    a = make_assessment(sales_label='<script>alert("x")</script>')
    chart = charts_mod.gap_chart(a)
    assert chart is not None
    html = render(a, charts=[chart])
    assert "<script" not in html.lower()
    assert 'aria-label="Perception gaps per item: &lt;script&gt;' in html


def test_no_external_urls_and_a_strict_csp(charts: list[charts_mod.Chart]) -> None:
    html = render(charts=charts)
    assert "http://" not in html and "https://" not in html
    for _, attrs in tags_of(html):
        for _, value in attrs:
            assert "//" not in (value or "")  # no protocol-relative URL either
    metas = [dict(attrs) for t, attrs in tags_of(html) if t == "meta"]
    csp = next(m["content"] for m in metas if m.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None
    assert "default-src 'none'" in csp
    assert "img-src data:" in csp
    assert "style-src 'unsafe-inline'" in csp
    for _, attrs in tags_of(html):
        for name, value in attrs:
            if name in {"href", "src", "xlink:href", "action", "srcset"}:
                assert value is not None and value.startswith("#"), (name, value)


def test_markdown_escapes_every_user_string() -> None:
    a = make_assessment(sales_label="Sales | *Ops* <b>")
    md = render_page("md", a, comments=COMMENT_OBJS)
    assert "<script>" not in md and "<img" not in md and "<b>" not in md
    assert md_escape("<script>alert(1)</script>") in md
    assert md_escape("Sales | *Ops* <b>") in md
    # The label sits in table cells without adding a column.
    row = next(line for line in md.splitlines() if line.startswith("| Sales \\| \\*Ops"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 10  # 9 columns
    assert "## Appendix A: Methods" in md
    assert "61.4" in md and "Defined" in md


def test_markdown_links_charts_only_when_given() -> None:
    a = make_assessment()
    plain = render_page("md", a)
    assert "![" not in plain
    linked = render_page(
        "md",
        a,
        chart_links={"gap-chart": "my charts/gap-chart.svg", "band-chart": "c/band-chart.svg"},
    )
    assert "](my%20charts/gap-chart.svg)" in linked
    assert "](c/band-chart.svg)" in linked
    assert "dimension-profile" not in linked


# -- comments ------------------------------------------------------------------------------


def comment_texts(html: str) -> list[str]:
    return re.findall(r"<blockquote>(.*?)</blockquote>", section(html, "comments"))


def test_comments_only_for_groups_big_enough() -> None:
    shown = comment_texts(render())
    assert len(shown) == 11  # 6 sales + 5 marketing; leadership (n = 2) never
    assert "A leadership comment that must never be shown." not in shown
    # Marketing has 6 respondents: a threshold of 7 hides its comments, not Sales'.
    shown7 = comment_texts(render(min_comment_group=7))
    assert len(shown7) == 6
    assert "Feedback from the field arrives months late." not in shown7
    assert "Not shown (group too small): Marketing, Leadership." in render(min_comment_group=7)


def test_comments_never_below_the_anonymity_threshold() -> None:
    a = make_assessment()
    a.settings.min_group_size = 10  # stricter than --min-comment-group
    shown = comment_texts(render(a, min_comment_group=1))
    assert shown == []


def test_no_comments_option() -> None:
    html = render(show_comments=False)
    assert comment_texts(html) == []
    assert "Comments are left out of this report." in section(html, "comments")
    assert "battle cards" not in html


def test_comment_order_is_shuffled_but_reproducible_and_independent_of_row_order() -> None:
    sales_in = [t for g, t in COMMENTS if g == "sales"]
    first = comment_texts(render())
    again = comment_texts(render())
    reordered = comment_texts(render(comments=list(reversed(COMMENT_OBJS))))
    assert first == again == reordered
    sales_html = [str(escape(s)) for s in sales_in]
    shown_sales = [t for t in first if t in sales_html]
    assert sorted(shown_sales) == sorted(sales_html)  # all of them, each once
    assert shown_sales != sales_html  # but not in file order


# -- charts --------------------------------------------------------------------------------


def test_all_three_charts_are_inlined_with_unique_ids(charts: list[charts_mod.Chart]) -> None:
    assert [c.name for c in charts] == ["band-chart", "gap-chart", "dimension-profile"]
    html = render(charts=charts)
    for name in ("band-chart", "gap-chart", "dimension-profile"):
        fig = html[html.index(f'<figure id="{name}">') :]
        assert fig[: fig.index("</figure>")].count("<svg") == 1
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html and "<!--" not in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r'href="#([^"]+)"', html) + re.findall(r"url\(#([^)]+)\)", html):
        assert ref in ids, ref


def test_gap_chart_draws_one_bar_per_estimable_item() -> None:
    a = make_assessment()
    a.items[0].gap = None
    a.items[0].not_estimable = "fewer than 2 respondents in marketing"
    chart = charts_mod.gap_chart(a)
    assert chart is not None
    assert chart.notes == ["Not estimable, so not shown: q01."]
    full = charts_mod.gap_chart(make_assessment())
    assert full is not None and full.notes == []
    # matplotlib wraps every bar (and each background/legend patch) in <g id="patch_N">.
    patches = len(re.findall(r'<g id="patch_\d+"', chart.svg))
    assert len(re.findall(r'<g id="patch_\d+"', full.svg)) - patches == 1


def test_no_gap_chart_without_any_gap() -> None:
    a = make_assessment()
    for item in a.items:
        item.gap = None
    assert charts_mod.gap_chart(a) is None


def test_dollar_signs_in_labels_are_text_not_mathtext() -> None:
    # Unescaped, "$\notacommand$" is mathtext and matplotlib raises on it.
    a = make_assessment(sales_label=r"Sales $\notacommand$")
    made = charts_mod.make_charts(a, questionnaire=questionnaire())
    assert len(made) == 3
    assert charts_mod.mpl_text("a $5 b $6") == r"a \$5 b \$6"


def test_gap_chart_legend_words_the_quadrants_as_everywhere_else() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    charts_mod._quadrant_legend(fig, make_assessment().items)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["Shared strength", "Shared pain", "Split view", "Mixed"]


def test_charts_are_deterministic() -> None:
    a = make_assessment()
    one = charts_mod.band_chart(a)
    two = charts_mod.band_chart(a)
    assert one is not None and two is not None and one.svg == two.svg


def test_write_chart_files_writes_svg_and_png(tmp_path: Path) -> None:
    made = charts_mod.make_charts(make_assessment(), questionnaire=questionnaire(), png=True)
    written = pipeline.write_chart_files(made, tmp_path / "charts")
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == sorted(
        f"{n}.{ext}"
        for n in ("band-chart", "gap-chart", "dimension-profile")
        for ext in ("svg", "png")
    )
    for name, svg_path in written.items():
        root = ET.fromstring(svg_path.read_text(encoding="utf-8"))
        assert root.tag == "{http://www.w3.org/2000/svg}svg", name
        png = (tmp_path / "charts" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_inline_svg_refuses_active_content() -> None:
    with pytest.raises(ValueError, match="active content"):
        charts_mod.inline_svg('<svg><a href="https://example.org"/></svg>', prefix="x")
    with pytest.raises(ValueError, match="active content"):
        charts_mod.inline_svg('<svg onload="alert(1)"></svg>', prefix="x")


# -- the command ------------------------------------------------------------------------------

ITEMS = [f"q{i:02d}" for i in range(1, 21)]
STAGE_BANDS = [(20, "Undefined"), (40, "Defined"), (60, "Aligned"), (80, "Integrated")]


def _answers(group: str, i: int) -> list[int]:
    if group == "sales":
        return [2 + (i + j) % 3 for j in range(20)]  # 2..4
    if group == "marketing":
        return [1 + (i + 2 * j) % 3 for j in range(20)]  # 1..3
    return [3] * 20


def _workshop_csv(path: Path) -> dict[str, list[int]]:
    """6 Sales, 5 Marketing, 2 Leadership; returns each group's totals (the oracle)."""
    comments = {
        ("sales", 0): "Leads arrive with no context.",
        ("sales", 1): "<script>alert(1)</script>",
        ("sales", 2): "Battle cards help.",
        ("marketing", 0): "<img src=x onerror=alert(1)>",
        ("marketing", 1): "Feedback arrives late.",
        ("leadership", 0): "A leadership remark.",
    }
    totals: dict[str, list[int]] = {"sales": [], "marketing": [], "leadership": []}
    lines = ["respondent,group,region," + ",".join(ITEMS) + ",comment"]
    for group, n, label in (
        ("sales", 6, "Sales"),
        ("marketing", 5, "Marketing"),
        ("leadership", 2, "CEO"),
    ):
        for i in range(n):
            row = _answers(group, i)
            totals[group].append(sum(row))
            text = comments.get((group, i), "")
            cell = '"' + text.replace('"', '""') + '"' if text else ""
            lines.append(f"{group[0]}{i},{label},North," + ",".join(map(str, row)) + f",{cell}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return totals


def _stage(score: float) -> str:
    return [label for low, label in STAGE_BANDS if score >= low][-1]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[int]]]:
    folder = tmp_path_factory.mktemp("workshop")
    csv_path = folder / "workshop.csv"
    return csv_path, _workshop_csv(csv_path)


@pytest.fixture(scope="module")
def html_report(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path_factory: pytest.TempPathFactory
) -> str:
    csv_path, _ = workshop
    out = tmp_path_factory.mktemp("out") / "report.html"
    # Groups of 6 and 5: comments from groups of 5 (the default is 10).
    result = invoke("report", str(csv_path), "-o", str(out), "--min-comment-group", "5")
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_cli_html_headline_and_group_scores_match_a_hand_count(
    workshop: tuple[Path, dict[str, list[int]]], html_report: str
) -> None:
    _, totals = workshop
    sales = sum(totals["sales"]) / len(totals["sales"])
    marketing = sum(totals["marketing"]) / len(totals["marketing"])
    overall = (sales + marketing) / 2  # equal weight
    head = section(html_report, "headline")
    assert f"<strong>{overall:.1f}</strong>" in head
    assert _stage(overall) in head
    scores = section(html_report, "scores")
    assert f'<td class="num">{sales:.1f}</td>' in scores
    assert f'<td class="num">{marketing:.1f}</td>' in scores
    # Leadership (n = 2) is below the default anonymity threshold of 5; its size reads <5.
    assert "withheld" in scores and '<td class="num">&lt;5</td>' in scores
    assert "A leadership remark." not in html_report
    assert "http://" not in html_report and "https://" not in html_report
    assert html_report.count("<svg") == 3


def test_cli_comments_escaped_and_filtered(html_report: str) -> None:
    shown = comment_texts(html_report)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown  # Marketing has 5: shown
    assert "<script" not in html_report.lower()
    assert len(shown) == 5


def test_cli_min_comment_group_and_no_comments(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    csv_path, _ = workshop
    six = tmp_path / "six.html"
    assert (
        invoke("report", str(csv_path), "-o", str(six), "--min-comment-group", "6").exit_code == 0
    )
    shown = comment_texts(six.read_text(encoding="utf-8"))
    assert shown and all("Feedback arrives late" not in t for t in shown)  # marketing (5) hidden
    assert any("Battle cards help." in t for t in shown)  # sales (6) shown
    none = tmp_path / "none.html"
    assert invoke("report", str(csv_path), "-o", str(none), "--no-comments").exit_code == 0
    html = none.read_text(encoding="utf-8")
    assert comment_texts(html) == [] and "Battle cards" not in html


def test_cli_markdown_with_charts(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    csv_path, _ = workshop
    out = tmp_path / "out" / "report.md"
    out.parent.mkdir()
    result = invoke(
        "report",
        str(csv_path),
        "-o",
        str(out),
        "--charts",
        str(tmp_path / "charts"),
        "--min-comment-group",
        "5",
    )
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    assert md_escape("<script>alert(1)</script>") in md and "<script>" not in md
    names = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert names == sorted(
        f"{n}.{e}" for n in ("band-chart", "gap-chart", "dimension-profile") for e in ("png", "svg")
    )
    for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (out.parent / link).is_file(), link  # relative to the report
    assert len(re.findall(r"!\[", md)) == 3


def test_cli_refuses_existing_output_without_force(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    csv_path, _ = workshop
    out = tmp_path / "r.html"
    out.write_text("keep me", encoding="utf-8")
    result = invoke("report", str(csv_path), "-o", str(out))
    assert result.exit_code == 1
    assert "already exists (use --force to overwrite)" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"
    assert invoke("report", str(csv_path), "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_refuses_to_overwrite_its_input(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    csv_path, _ = workshop
    saved = tmp_path / "assessment.html"  # an assessment JSON, whatever its name says
    assert (
        invoke("score", str(csv_path), "-f", "json", "-o", str(tmp_path / "a.json")).exit_code == 0
    )
    saved.write_bytes((tmp_path / "a.json").read_bytes())
    before = saved.read_bytes()
    result = invoke("report", str(saved), "-o", str(saved), "--force")
    assert result.exit_code == 1
    assert "refusing to overwrite the input file" in result.output
    assert saved.read_bytes() == before


def test_cli_from_assessment_json_and_with_situation(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    csv_path, totals = workshop
    overall = (
        sum(totals["sales"]) / len(totals["sales"])
        + sum(totals["marketing"]) / len(totals["marketing"])
    ) / 2
    assert _stage(overall) == "Defined"  # the situation below answers Defined's questions
    saved = tmp_path / "a.json"
    assert invoke("score", str(csv_path), "-f", "json", "-o", str(saved)).exit_code == 0
    situation = tmp_path / "situation.yaml"
    situation.write_text(
        'n08: "No"\nn09: "No"\nn10: "No"\nn11: "Yes"\nn12: "Yes"\nn13: "Yes"\nn14: "Yes"\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    result = invoke("report", str(saved), "-o", str(out), "--situation", str(situation))
    assert result.exit_code == 0, result.output
    assert "no comments" in result.output  # an assessment JSON carries none
    advice = section(out.read_text(encoding="utf-8"), "advice")
    assert "Move up a stage: from Defined to Aligned" in advice
    assert f"{overall:.1f}" in section(out.read_text(encoding="utf-8"), "headline")


def test_cli_usage_errors(workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path) -> None:
    csv_path, _ = workshop
    result = invoke("report", str(csv_path), "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2
    assert "a report ends in .html or .md" in result.output
    missing = invoke("report", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "r.html"))
    assert missing.exit_code == 1
    assert "Traceback" not in missing.output


def test_numbers_never_show_negative_zero() -> None:
    assert fmt_mean(-0.04, 1) == "0.0"
    assert fmt_gap(-0.04, 1) == "+0.0"
    assert fmt_ci((-0.04, 2.26), 1) == "[0.0, +2.3]"
    assert fmt_range(53.0, 61.0526) == "53–61.1"


def test_cli_baseline_adds_the_progress_since_then(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    csv_path, totals = workshop
    # The second wave: everyone one point higher on every answer (capped at 5).
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    first_item = header.index("q01")
    later = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        for j in range(first_item, first_item + 20):
            cells[j] = str(min(5, int(cells[j]) + 1))
        later.append(",".join(cells))
    wave2 = tmp_path / "wave2.csv"
    wave2.write_text("\n".join(later) + "\n", encoding="utf-8")

    def group_mean(group: str, bump: bool) -> float:
        rows = [_answers(group, i) for i in range(len(totals[group]))]
        return sum(sum(min(5, a + 1) if bump else a for a in r) for r in rows) / len(rows)

    before = (group_mean("sales", False) + group_mean("marketing", False)) / 2
    after = (group_mean("sales", True) + group_mean("marketing", True)) / 2
    out = tmp_path / "progress.html"
    result = invoke("report", str(wave2), "--baseline", str(csv_path), "-o", str(out))
    assert result.exit_code == 0, result.output
    progress = section(out.read_text(encoding="utf-8"), "progress")
    assert "Compared with <strong>workshop.csv</strong>" in progress
    row = re.search(r"<tr><td>Overall score</td>(.*?)</tr>", progress)
    assert row is not None
    cells = re.findall(r'<td class="num">(.*?)</td>', row.group(1))
    assert cells[:3] == [f"{before:.1f}", f"{after:.1f}", f"{after - before:+.1f}"]
    assert f"<td>{_stage(before)}</td><td>{_stage(after)}</td>" in progress


def test_charting_and_templating_load_only_when_a_report_is_made() -> None:
    import subprocess
    import sys

    code = (
        "import sys, salesmkt.cli, salesmkt.render.charts, salesmkt.render.report.formats,"
        " salesmkt.render.report.build, salesmkt.pipeline.report;"
        "print(sorted(m for m in ('matplotlib', 'jinja2', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_group_interval_column_only_when_some_group_has_one() -> None:
    a = make_assessment()
    assert '<th class="num">95% CI</th>' in section(render(a), "scores")
    for g in a.groups:
        g.ci = None
    assert "95% CI" not in section(render(a), "scores").split("</table>")[0]
    md = render_page("md", a)
    header = next(line for line in md.splitlines() if line.startswith("| Group |"))
    assert header == "| Group | n | Score | Stage | Median | SD | Range | % favourable |"


# -- the report run (typer-free) ------------------------------------------------------------


def test_run_report_writes_the_page_and_says_what_it_wrote(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    csv_path, _ = workshop
    out = tmp_path / "r.html"
    request = pipeline.ReportRequest(output=out, generated="2026-05-01", title="ACME")
    run = pipeline.run_report(ResponseSource(csv_path), Settings(min_group_size=3), request)
    assert (run.output, run.format, run.notes) == (out, "html", [])
    html = out.read_text(encoding="utf-8")
    assert run.size == len(html.encode("utf-8"))
    assert "<title>ACME</title>" in html and "2026-05-01" in html
    assert html.count("<svg") == 3


def test_run_report_markdown_links_the_chart_files_it_wrote(
    workshop: tuple[Path, dict[str, list[int]]], tmp_path: Path
) -> None:
    csv_path, _ = workshop
    (tmp_path / "out").mkdir()
    request = pipeline.ReportRequest(
        output=tmp_path / "out" / "r.md", charts_dir=tmp_path / "charts", show_comments=False
    )
    run = pipeline.run_report(ResponseSource(csv_path), Settings(min_group_size=3), request)
    assert run.format == "md"
    assert run.notes == [f"3 chart(s) in {tmp_path / 'charts'}"]
    md = request.output.read_text(encoding="utf-8")
    assert "](../charts/gap-chart.svg)" in md
    assert len(list((tmp_path / "charts").iterdir())) == 6


def test_run_report_checks_every_output_before_any_work(
    workshop: tuple[Path, dict[str, list[int]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csv_path, _ = workshop

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("loaded the inputs before checking the outputs")

    monkeypatch.setattr(pipeline, "load_inputs", no_work)
    source = ResponseSource(csv_path)
    answers = tmp_path / "situation.md"  # an input, whatever its name says
    answers.write_text("n08: Yes\n", encoding="utf-8")
    over_input = pipeline.ReportRequest(output=answers, situation=answers, force=True)
    with pytest.raises(OutputError, match="refusing to overwrite the input file"):
        pipeline.run_report(source, Settings(min_group_size=3), over_input)
    assert answers.read_text(encoding="utf-8") == "n08: Yes\n"
    with pytest.raises(UsageError, match=r"a report ends in \.html or \.md"):
        pipeline.run_report(
            source, Settings(min_group_size=3), pipeline.ReportRequest(output=tmp_path / "r.pdf")
        )
    taken = tmp_path / "taken.html"
    taken.write_text("keep", encoding="utf-8")
    with pytest.raises(OutputError, match="already exists"):
        pipeline.run_report(
            source, Settings(min_group_size=3), pipeline.ReportRequest(output=taken)
        )
    assert taken.read_text(encoding="utf-8") == "keep"


def test_renderers_are_picked_by_format_from_one_table() -> None:
    assert set(REPORT_RENDERERS) == {"html", "md"}
    assert set(REPORT_SUFFIXES.values()) == set(REPORT_RENDERERS) | {"pptx"}  # the deck: test_deck
    a = make_assessment()
    assert render_page("html", a).startswith("<!DOCTYPE html>")
    assert render_page("md", a).startswith("# Sales &")


# -- module structure --------------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parent.parent / "salesmkt"


def _imports(path: Path) -> set[str]:
    """Every salesmkt module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {name for name in found if name.startswith("salesmkt")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_render_never_imports_the_pipeline_or_the_cli() -> None:
    for path in (PACKAGE / "render").rglob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("salesmkt.pipeline", "salesmkt.cli")), (path, name)


def test_report_modules_import_no_circle_and_stay_short() -> None:
    paths = sorted((PACKAGE / "render" / "report").glob("*.py"))
    modules = {_module_name(p): p for p in paths}
    graph = {m: {n for n in _imports(p) if n in modules and n != m} for m, p in modules.items()}
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, " -> ".join((*trail, module))
        if module not in done:
            for nxt in graph[module]:
                visit(nxt, (*trail, module))
            done.add(module)

    for module in graph:
        visit(module, ())
    for path in [*paths, PACKAGE / "render" / "charts.py", PACKAGE / "pipeline" / "report.py"]:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path
