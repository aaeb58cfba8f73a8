"""``salesmkt template``: CSV, XLSX, Markdown and HTML response sheets."""

from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from support.workshop import MINI_HEADER, write_mini
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions.questionnaire_load import load
from salesmkt.intake.source import ResponseSource
from salesmkt.workshop import template as tmod

runner = CliRunner()
ALIGNMENT_HEADER = ["group", "respondent", "segment"] + [f"q{n:02d}" for n in range(1, 21)]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return write_mini(tmp_path)


# -- CSV -------------------------------------------------------------------------------


def test_csv_template_is_bom_plus_header_only(tmp_path: Path) -> None:
    out = tmp_path / "sheet.csv"
    result = runner.invoke(app, ["template", "-o", str(out)])
    assert result.exit_code == 0, result.output
    expected = "\ufeff" + ",".join(ALIGNMENT_HEADER) + "\r\n"
    assert out.read_bytes() == expected.encode("utf-8")
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"


def test_csv_template_for_a_custom_questionnaire(tmp_path: Path, mini: Path) -> None:
    out = tmp_path / "mini.csv"
    result = runner.invoke(app, ["template", "-q", str(mini), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().decode("utf-8-sig") == ",".join(MINI_HEADER) + "\r\n"


def test_template_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    out.write_text("group,q01\nsales,4\n", encoding="utf-8")
    before = out.read_bytes()
    result = runner.invoke(app, ["template", "-o", str(out)])
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert out.read_bytes() == before
    result = runner.invoke(app, ["template", "-o", str(out), "--force"])
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfgroup,respondent,segment,q01,")


def test_unknown_suffix_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "-o", str(tmp_path / "sheet.pdf")])
    assert result.exit_code == 2
    assert "'.pdf'" in result.output and ".xlsx" in result.output
    assert not (tmp_path / "sheet.pdf").exists()


def test_unknown_questionnaire_is_reported(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "-q", "nope", "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 1
    assert "unknown questionnaire 'nope'" in result.output
    assert "Traceback" not in result.output


# -- XLSX ------------------------------------------------------------------------------


def _list_values(wb: openpyxl.Workbook, formula: str) -> list[object]:
    match = re.fullmatch(r"'?(\w+)'?!\$([A-Z])\$(\d+):\$([A-Z])\$(\d+)", formula)
    assert match, formula
    sheet, col, first, _, last = match.groups()
    ws = wb[sheet]
    return [ws[f"{col}{r}"].value for r in range(int(first), int(last) + 1)]


def test_xlsx_template_layout(tmp_path: Path) -> None:
    out = tmp_path / "sheet.xlsx"
    result = runner.invoke(app, ["template", "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    q = load("alignment")
    ws = wb.worksheets[0]
    assert wb.active is ws
    assert [c.value for c in ws[1]] == ALIGNMENT_HEADER
    assert ws.max_row == 1  # nothing but the header: score reads it as it stands
    assert ws.freeze_panes == "A2"
    for col, item in enumerate(q.items, start=4):
        comment = ws.cell(row=1, column=col).comment
        assert comment is not None and comment.text.startswith(item.text)
    # Widths fit the header at least.
    for col, name in enumerate(ALIGNMENT_HEADER, start=1):
        letter = openpyxl.utils.get_column_letter(col)
        assert ws.column_dimensions[letter].width >= len(name)

    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert set(validations) == {"A2:A501", "D2:W501"}
    group_dv, answer_dv = validations["A2:A501"], validations["D2:W501"]
    for dv in (group_dv, answer_dv):
        assert dv.type == "list" and dv.showErrorMessage and dv.allow_blank
    assert _list_values(wb, group_dv.formula1) == ["Sales", "Marketing", "Leadership"]
    assert _list_values(wb, answer_dv.formula1) == [
        1,
        2,
        3,
        4,
        5,
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
        "N/A",
        "Don't know",
        "Not applicable",
    ]
    assert wb["Lists"].sheet_state == "hidden"

    statements = wb["Statements"]
    cells = [c for row in statements.iter_rows(values_only=True) for c in row if c is not None]
    for item in q.items:
        assert item.text in cells
    assert "Strongly agree" in cells and "N/A" in cells


def test_xlsx_choice_scale_lists_option_labels(tmp_path: Path) -> None:
    out = tmp_path / "funnel.xlsx"
    assert runner.invoke(app, ["template", "-q", "buying-funnel", "-o", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]][3:] == [f"f{n}" for n in range(1, 9)]
    (answer_dv,) = [dv for dv in ws.data_validations.dataValidation if "D2" in str(dv.sqref)]
    assert _list_values(wb, answer_dv.formula1) == [
        "Marketing",
        "Sales",
        "Shared",
        "Nobody",
        "Don't know",
    ]
    # No groups in this questionnaire: no group drop-down.
    assert len(ws.data_validations.dataValidation) == 1


# -- paper forms -----------------------------------------------------------------------


def _plain_markdown(text: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def test_markdown_form_has_statements_scale_and_boxes(tmp_path: Path) -> None:
    out = tmp_path / "form.md"
    assert runner.invoke(app, ["template", "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    plain = _plain_markdown(text)
    q = load("alignment")
    for item in q.items:
        assert item.text in plain
    assert text.count("☐ 1  ☐ 2  ☐ 3  ☐ 4  ☐ 5") == 20
    assert "☐ Sales / ☐ Marketing / ☐ Leadership" in text
    assert "5 = Strongly agree" in text
    assert "Respondent code (optional)" in text


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_form_is_escaped_printable_and_complete(tmp_path: Path, mini: Path) -> None:
    out = tmp_path / "form.html"
    assert runner.invoke(app, ["template", "-q", str(mini), "-o", str(out)]).exit_code == 0
    doc = out.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(doc)
    assert "script" not in parser.tags and "b" not in parser.tags  # user text is inert
    text = "".join(parser.text)
    assert "We <script>alert(1)</script> talk." in text
    assert "Mini <b>check</b> & co" in text
    for statement in ("We share words.", "We plan together.", "We review plans."):
        assert statement in text
    # One box per scale point plus one "no answer" box, per statement; plus 2 group boxes.
    assert doc.count('<td class="box">☐</td>') == 4 * 6
    assert doc.count("☐") == 4 * 6 + 2
    assert "@media print" in doc
    assert "5 Strongly agree" in text and "N/A" in text


def test_render_matches_written_file(tmp_path: Path, mini: Path) -> None:
    q = load(mini)
    for suffix in (".csv", ".md", ".html"):
        out = tmp_path / f"t{suffix}"
        tmod.write_template(q, out)
        assert out.read_bytes() == tmod.render(q, tmod.template_format(out))
    out = tmp_path / "t.xlsx"
    tmod.write_template(q, out)
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert [c.value for c in wb.worksheets[0][1]] == MINI_HEADER


# -- round trip: fill the template, score it -------------------------------------------------

# Labels, aliases and a missing code, as people fill sheets in. By hand (mini: 4 items,
# i1+i2 = talk, i3+i4 = plan; max_missing 0.25 lets one item be skipped):
#   S1 4 5 3 N/A -> prorated (4+5+3)/3*4 = 16     M1 2 2 2 2 -> 8
#   S2 Agree=4 4 4 4 -> 16                        M2 1 2 3 Neutral=3 -> 9
#   S3 2 3 2 3 -> 10                              M3 3 3 3 3 -> 12
# Sales 42/3 = 14 (high), Marketing 29/3 (low); overall (14 + 29/3)/2 = 71/6 (low);
# gap 14 - 29/3 = 13/3; talk: (4.5 + 4 + 2.5 + 2 + 1.5 + 3)/6 = 17.5/6.
FILLED: list[list[object]] = [
    ["Sales", "S1", "North", 4, 5, 3, "N/A"],
    ["sales", "S2", "", "Agree", 4, 4, 4],
    ["Vertrieb", "S3", "South", 2, 3, 2, 3],
    ["Marketing", "M1", "", 2, 2, 2, 2],
    ["Marketing", "M2", "North", 1, 2, 3, "Neutral"],
    ["marketing", "M3", "", 3, 3, 3, 3],
]


def _check_scored(path: Path, mini: Path) -> None:
    from salesmkt.analysis.scoring import assess_file
    from salesmkt.model.assessment import Settings

    result = assess_file(
        ResponseSource(path, questionnaire=str(mini)), Settings(min_group_size=3, max_missing=0.25)
    )
    a = result.assessment
    assert a.respondents.scored == 6 and a.respondents.excluded == []
    assert a.respondents.prorated == 1
    sales, marketing = a.group("sales"), a.group("marketing")
    assert sales is not None and marketing is not None
    assert sales.mean == pytest.approx(14.0)
    assert marketing.mean == pytest.approx(29 / 3)
    assert sales.stage is not None and sales.stage.id == "high"
    assert marketing.stage is not None and marketing.stage.id == "low"
    assert a.overall.score == pytest.approx(71 / 6)
    assert a.overall.stage is not None and a.overall.stage.id == "low"
    assert a.total_gap is not None and a.total_gap.gap == pytest.approx(13 / 3)
    talk = a.dimension("talk")
    assert talk is not None and talk.mean == pytest.approx(17.5 / 6)
    codes = sorted(str(c) for c in result.respondents["respondent"])
    assert codes == ["M1", "M2", "M3", "S1", "S2", "S3"]


def test_filled_csv_template_scores_as_computed_by_hand(tmp_path: Path, mini: Path) -> None:
    out = tmp_path / "sheet.csv"
    assert runner.invoke(app, ["template", "-q", str(mini), "-o", str(out)]).exit_code == 0
    # Append as a spreadsheet would: after the BOM header, CRLF rows, accents in UTF-8.
    rows = "".join(",".join(str(v) for v in r) + "\r\n" for r in FILLED)
    with out.open("a", encoding="utf-8", newline="") as handle:
        handle.write(rows.replace("North", "Nörth"))
    assert out.read_bytes().startswith(b"\xef\xbb\xbfgroup,")
    _check_scored(out, mini)


def test_filled_xlsx_template_scores_as_computed_by_hand(tmp_path: Path, mini: Path) -> None:
    out = tmp_path / "sheet.xlsx"
    assert runner.invoke(app, ["template", "-q", str(mini), "-o", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    for row in FILLED:
        ws.append([None if v == "" else v for v in row])
    wb.save(out)
    _check_scored(out, mini)


def test_take_output_scores_too(tmp_path: Path, mini: Path) -> None:
    """Rows appended by ``take`` read back like template rows."""
    from salesmkt.workshop import take

    q = load(mini)
    out = tmp_path / "answers.csv"
    for group, code, segment, *answers in FILLED:
        cells = {
            item: str(take.parse_reply(q, str(v)).cell)
            for item, v in zip(q.item_ids, answers, strict=True)
        }
        response = take.Response(take.resolve_group(q, str(group)), str(code), str(segment), cells)
        take.append_response(out, q, response)
    _check_scored(out, mini)
