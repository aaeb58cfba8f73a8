"""Terminal control sequences in file text are shown, never obeyed.

Respondent codes, segment values, group names and comments come from a responses CSV
made here, and go through the command line; questionnaire text (title, statements,
group labels) goes through the renderers directly, since the definition loader may
refuse such a file before any renderer sees it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from support.paths import EXAMPLES
from support.report import make_assessment, render_page
from support.workshop import write_mini
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.render import gaps as gaps_render
from salesmkt.render import score_markdown, score_terminal
from salesmkt.render.advice import render_markdown as advice_markdown
from salesmkt.render.advice import render_terminal as advice_terminal
from salesmkt.render.forms import questionnaire_markdown
from salesmkt.render.text import md_escape, neutralise_cell, plain, visible
from salesmkt.workshop import take

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
C1_CSI = "\x9b31m"
OTHERS = "\x08\x0d\x7f\x00\x85"
NASTY = f"{CLEAR}{TITLE}{CLIPBOARD}{C1_CSI}{OTHERS}"
# For CSV cells: a bare CR inside a quoted cell is not read by the intake today (an
# internal error, outside this test's subject), so the cells carry the rest.
CELL_NASTY = NASTY.replace("\x0d", "")

# Every C0 control but tab and newline, DEL, and every C1 control.
_RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_inert(text: str, *, crlf: bool = False) -> None:
    """No control character but tab and newline (and CR in a CR LF line end)."""
    if crlf:
        text = text.replace("\r\n", "\n")
    found = sorted({hex(ord(c)) for c in _RAW.findall(text)})
    assert not found, f"raw control characters in the output: {found}"


# -- the helper ----------------------------------------------------------------------------


def test_visible_shows_every_control_and_keeps_ordinary_text() -> None:
    assert visible("Sales & <b>Marketing</b>\tq1\nüber") == "Sales & <b>Marketing</b>\tq1\nüber"
    shown = visible(NASTY)
    assert_inert(shown)
    assert shown.startswith("␛[2J␛]0;pwned␇")
    assert "\\x9b31m" in shown and "\\x85" in shown and "␡" in shown and "␀" in shown
    assert visible("a\r\nb") == "a\nb"
    assert visible("a\tb\nc", keep="") == "a␉b␊c"


def test_md_escape_neutralise_cell_and_plain_are_inert() -> None:
    assert_inert(md_escape(NASTY))
    assert md_escape("a\\x") == "a\\\\x"  # unchanged behaviour for ordinary text
    cell = neutralise_cell(NASTY)
    assert isinstance(cell, str)
    assert_inert(cell)
    assert neutralise_cell("\r=1+1") == "␍=1+1"
    assert neutralise_cell("=1+1") == "'=1+1"
    assert neutralise_cell(3) == 3
    assert_inert(plain(NASTY, style="bold").plain)


# -- respondent text through the command line ----------------------------------------------


@pytest.fixture
def nasty_csv(tmp_path: Path) -> Path:
    """examples/workshop.csv with control sequences in codes, regions, teams and comments."""
    with (EXAMPLES / "workshop.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    respondent, team, region = header.index("Respondent"), header.index("Team"), 2
    comments = header.index("Comments")
    for n, row in enumerate(rows[1:], start=1):
        row[respondent] = f"{row[respondent]}{CLEAR}" if n % 2 else f"{row[respondent]}{C1_CSI}"
        row[region] = row[region] + (TITLE if n % 3 else CLIPBOARD)
        row[comments] = f"Fine{CELL_NASTY} really"
    bad_group = list(rows[1])
    bad_group[respondent] = "X99"
    bad_group[team] = f"Sa{CLEAR}les{TITLE}"
    rows.append(bad_group)
    path = tmp_path / "nasty.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return path


def _run(runner: CliRunner, args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    return result.output


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "csv"])
@pytest.mark.parametrize("command", ["score", "gaps"])
def test_score_and_gaps_show_control_sequences(
    runner: CliRunner, nasty_csv: Path, command: str, fmt: str
) -> None:
    by = ["--by", "Region"] if command == "score" else []
    out = _run(runner, [command, str(nasty_csv), *by, "--drop-invalid", "--format", fmt])
    assert out.strip()
    assert_inert(out, crlf=fmt == "csv")
    if command == "score" and fmt != "markdown":
        assert "␛[2J" in out or "\\x9b" in out  # the respondent codes are shown, escaped


def test_score_json_keeps_the_text_escaped_by_json(runner: CliRunner, nasty_csv: Path) -> None:
    out = _run(runner, ["score", str(nasty_csv), "--drop-invalid", "--format", "json"])
    assert_inert(out)
    json.loads(out)


@pytest.mark.parametrize("suffix", ["md", "html"])
def test_report_shows_control_sequences(
    runner: CliRunner, nasty_csv: Path, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"r.{suffix}"
    args = ["report", str(nasty_csv), "--by", "Region", "--drop-invalid", "-o", str(target)]
    _run(runner, [*args, "--min-group-size", "3", "--min-comment-group", "3"])  # small cells
    text = target.read_text(encoding="utf-8")
    assert_inert(text)
    assert "Fine␛" in text  # the comments are there, made visible


def test_recommend_markdown_shows_control_sequences(runner: CliRunner, nasty_csv: Path) -> None:
    result = runner.invoke(
        app, ["recommend", str(nasty_csv), "--drop-invalid", "--format", "markdown"], input=""
    )
    assert result.exit_code in (0, 1), result.output
    assert_inert(result.output)


def _wave(source: Path, target: Path) -> Path:
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        row[0] += CLEAR
        row[2] += TITLE
    with target.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return target


@pytest.mark.parametrize("fmt", ["terminal", "markdown"])
def test_compare_shows_control_sequences_in_codes_and_file_names(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    before = _wave(EXAMPLES / "wave1.csv", tmp_path / f"w1{CLEAR}.csv")
    after = _wave(EXAMPLES / "wave2.csv", tmp_path / f"w2{TITLE}.csv")
    out = _run(runner, ["compare", str(before), str(after), "--format", fmt])
    assert "w1␛" in out
    assert_inert(out)


def test_the_gate_error_message_shows_control_sequences(runner: CliRunner, nasty_csv: Path) -> None:
    result = runner.invoke(app, ["score", str(nasty_csv)])
    assert result.exit_code == 1
    assert_inert(result.output)


# -- questionnaire and rules text through the renderers ------------------------------------


def _nasty_questionnaire() -> Questionnaire:
    q = load("alignment")
    items = [q.items[0].model_copy(update={"text": f"We talk{NASTY}", "short": f"T{CLEAR}"})]
    items += q.items[1:]
    groups = [q.groups[0].model_copy(update={"label": f"Sales{TITLE}"}), *q.groups[1:]]
    return q.model_copy(
        update={
            "title": f"Alignment{CLEAR}",
            "instructions": f"Rate{CLIPBOARD}",
            "items": items,
            "groups": groups,
        }
    )


def _terminal(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=160, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_questionnaire_form_shows_control_sequences() -> None:
    text = questionnaire_markdown(_nasty_questionnaire())
    assert_inert(text)
    assert "We talk␛\\[2J" in text


def test_questionnaires_show_file(runner: CliRunner, tmp_path: Path) -> None:
    """Through the command line, as far as the loader lets such a file through."""
    path = write_mini(tmp_path)
    body = path.read_text(encoding="utf-8").replace("Mini <b>check</b>", "Mini \\e[2J\\a")
    path.write_text(body.replace("title: Mini", 'title: "Mini').replace(" & co", ' & co"'))
    for fmt in ("markdown", "text"):
        result = runner.invoke(app, ["questionnaires", "show", str(path), "--format", fmt])
        assert_inert(result.output)


def test_assessment_renderers_show_questionnaire_and_group_text() -> None:
    a = make_assessment(sales_label=f"Sales{NASTY}")
    q = _nasty_questionnaire()
    a = a.model_copy(
        update={"questionnaire": a.questionnaire.model_copy(update={"title": q.title})}
    )
    items = [a.items[0].model_copy(update={"text": f"We talk{NASTY}", "short": None}), *a.items[1:]]
    a = a.model_copy(update={"items": items})
    outputs = [
        _terminal(score_terminal.render_terminal(a)),
        score_markdown.render_markdown(a),
        _terminal(gaps_render.render_gaps_terminal(a)),
        gaps_render.render_gaps_markdown(a),
        gaps_render.render_gaps_csv(a),
        render_page("md", a),
        render_page("html", a),
    ]
    if a.advice is not None:
        outputs += [_terminal(advice_terminal(a.advice)), advice_markdown(a.advice)]
    for text in outputs:
        assert_inert(text)
    assert "Sales␛[2J" in outputs[0]


def test_advice_rules_text_is_shown() -> None:
    a = make_assessment()
    assert a.advice is not None and a.advice.actions
    action = a.advice.actions[0].model_copy(
        update={"title": f"Act{CLEAR}", "action": f"Do{TITLE}", "why": f"Why{C1_CSI}"}
    )
    advice = a.advice.model_copy(update={"actions": [action, *a.advice.actions[1:]]})
    for text in (_terminal(advice_terminal(advice)), advice_markdown(advice)):
        assert_inert(text)
        assert "Act␛" in text


def test_take_shows_questionnaire_text(tmp_path: Path) -> None:
    mini = load(write_mini(tmp_path))
    first = mini.items[0].model_copy(update={"text": f"We talk{NASTY}", "help": f"Help{TITLE}"})
    q = mini.model_copy(
        update={
            "title": f"Mini{CLEAR}",
            "instructions": CLIPBOARD,
            "items": [first, *mini.items[1:]],
        }
    )
    replies = ["?", f"x{CLEAR}", "1", "2", "3", "4", "y"]

    def ask(prompt: str) -> str:
        assert_inert(prompt)
        return replies.pop(0)

    console = Console(file=io.StringIO(), width=100, color_system=None)
    out = tmp_path / "a.csv"
    take.run(out, q, group="sales", respondent=f"R{CLEAR}", segment=TITLE, ask=ask, console=console)
    assert replies == []
    assert_inert(console.file.getvalue())  # type: ignore[attr-defined]
    assert_inert(out.read_text(encoding="utf-8-sig"), crlf=True)


# -- bidirectional and invisible characters ------------------------------------------------

BIDI = "\u202e\u2066\u200b\ufeff\u061c"


def test_visible_shows_bidi_and_invisible_characters_by_code() -> None:
    shown = visible(f"Nord{BIDI}süd")
    assert shown == "Nord‹U+202E›‹U+2066›‹U+200B›‹U+FEFF›‹U+061C›süd"
    # Joiners are part of scripts and emoji: kept.
    assert visible("👩\u200d💼 \u0645\u200c\u06cc") == "👩\u200d💼 \u0645\u200c\u06cc"
    assert md_escape(f"a{BIDI}") == visible(f"a{BIDI}")
    assert neutralise_cell("x\u202ey") == "x‹U+202E›y"


def test_bidi_controls_in_cells_reach_no_output(runner: CliRunner, tmp_path: Path) -> None:
    with (EXAMPLES / "workshop.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        row[2] = f"{row[2]}\u202e\u200b"
    path = tmp_path / "bidi.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    for fmt in ("terminal", "markdown", "csv"):
        output = _run(runner, ["score", str(path), "--by", rows[0][2], "--format", fmt])
        assert "\u202e" not in output and "\u200b" not in output
        assert "‹U+202E›" in output
    report = tmp_path / "report.md"
    _run(runner, ["report", str(path), "--by", rows[0][2], "-o", str(report)])
    text = report.read_text(encoding="utf-8")
    assert "\u202e" not in text and "‹U+202E›" in text
