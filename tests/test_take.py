"""``salesmkt take``: the terminal interview and the safe append to the responses file."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest
from rich.console import Console
from support.workshop import append_in_process, write_mini
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.errors import OutputError, ResponseDataError, UsageError
from salesmkt.intake.source import ResponseSource
from salesmkt.workshop import take

runner = CliRunner()
BOM = b"\xef\xbb\xbf"
MINI_HEADER_LINE = b"group,respondent,segment,i1,i2,i3,i4"


@pytest.fixture
def mini(tmp_path: Path) -> Questionnaire:
    return load(write_mini(tmp_path))


def script(replies: Iterable[str]) -> take.Ask:
    """An ``ask`` that plays back ``replies`` and fails loudly if asked for more."""
    queue = list(replies)

    def ask(prompt: str) -> str:
        assert queue, f"unexpected extra prompt: {prompt!r}"
        return queue.pop(0)

    ask.remaining = queue  # type: ignore[attr-defined]
    return ask


def quiet() -> Console:
    return Console(file=io.StringIO(), width=100)


# -- parsing replies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "kind", "cell"),
    [
        ("4", "answer", "4"),
        (" 1 ", "answer", "1"),
        ("4.0", "answer", "4"),
        ("4,0", "answer", "4"),  # a decimal comma, as typed on a German keyboard
        ("3,5", "invalid", ""),
        ("Agree", "answer", "4"),
        ("  strongly   AGREE ", "answer", "5"),
        ("neither agree nor disagree", "answer", "3"),
        ("n/a", "missing", "N/A"),
        ("DON'T KNOW", "missing", "Don't know"),
        ("", "empty", ""),
        ("s", "skip", ""),
        ("Skip", "skip", ""),
        ("b", "back", ""),
        ("back", "back", ""),
        ("?", "help", ""),
        ("0", "invalid", ""),
        ("6", "invalid", ""),
        ("3.5", "invalid", ""),
        ("agreed", "invalid", ""),
    ],
)
def test_parse_reply_numeric_scale(reply: str, kind: str, cell: str) -> None:
    parsed = take.parse_reply(load("alignment"), reply)
    assert (parsed.kind, parsed.cell) == (kind, cell)


@pytest.mark.parametrize(
    ("reply", "kind", "cell"),
    [
        ("2", "answer", "sales"),  # numbers count the options as listed
        ("Marketing", "answer", "marketing"),
        ("mktg", "answer", "marketing"),
        ("both", "answer", "shared"),
        ("no one", "answer", "nobody"),
        ("5", "invalid", ""),
        ("don't know", "missing", "Don't know"),
    ],
)
def test_parse_reply_choice_scale(reply: str, kind: str, cell: str) -> None:
    parsed = take.parse_reply(load("buying-funnel"), reply)
    assert (parsed.kind, parsed.cell) == (kind, cell)


def test_resolve_group_accepts_aliases_and_rejects_others() -> None:
    q = load("alignment")
    assert take.resolve_group(q, "Vertrieb") == "sales"
    assert take.resolve_group(q, " MARKETING ") == "marketing"
    with pytest.raises(UsageError, match="choose one of: sales, marketing, leadership"):
        take.resolve_group(q, "finance")


def test_generated_codes_look_right_and_differ() -> None:
    codes = {take.new_respondent_code() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert re.fullmatch(r"R-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}", code)


# -- the interview -----------------------------------------------------------------------


def test_interview_with_labels_numbers_back_skip_and_help(
    tmp_path: Path, mini: Questionnaire
) -> None:
    out = tmp_path / "answers.csv"
    ask = script(
        [
            "agree",  # i1 = 4
            "?",  # help: asked again
            "maybe",  # not an answer: asked again
            "2",  # i2 = 2
            "b",  # back to i2
            "Strongly agree",  # i2 = 5
            "",  # i3 skipped (blank cell)
            "n/a",  # i4 = the missing code
            "1",  # summary: change statement 1
            "",  # Enter keeps 4
            "y",
        ]
    )
    console = quiet()
    saved = take.run(
        out, mini, group="vertrieb", respondent="P-01", segment="North", ask=ask, console=console
    )
    assert ask.remaining == []  # type: ignore[attr-defined]
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Think of last month." not in shown.split("Statement 2 of 4")[0]  # i1: no "?"
    assert "Not an answer." in shown
    assert saved == take.Saved(out, 2, "P-01")
    assert out.read_bytes() == BOM + MINI_HEADER_LINE + b"\r\nsales,P-01,North,4,5,,N/A\r\n"


def test_help_shows_the_statement_help_and_the_scale(tmp_path: Path, mini: Questionnaire) -> None:
    console = quiet()
    ask = script(["?", "1", "2", "3", "4", "y"])
    take.run(tmp_path / "a.csv", mini, group="sales", ask=ask, console=console)
    first = console.file.getvalue().split("Statement 2 of 4")[0]  # type: ignore[attr-defined]
    assert "Think of last month." in first
    assert first.count("1 Strongly disagree · 2 Disagree · 3 Neutral") == 2  # intro + help


def test_take_only_appends_to_csv(tmp_path: Path, mini: Questionnaire) -> None:
    with pytest.raises(UsageError, match=r"take appends to a \.csv file"):
        take.run(tmp_path / "a.xlsx", mini, group="sales", ask=script([]), console=quiet())
    assert not (tmp_path / "a.xlsx").exists()


def test_interview_skip_with_s_and_back_on_first_statement(
    tmp_path: Path, mini: Questionnaire
) -> None:
    out = tmp_path / "answers.csv"
    console = quiet()
    ask = script(["b", "s", "3", "b", "s", "1", "5", "y"])
    saved = take.run(out, mini, group="marketing", respondent="M1", ask=ask, console=console)
    assert saved is not None
    # "b" on statement 1 stays there; i2 = 3 then back to i2 and skip it with "s".
    assert out.read_bytes().endswith(b"\r\nmarketing,M1,,,,1,5\r\n")
    assert "This is the first statement." in console.file.getvalue()  # type: ignore[attr-defined]


def test_summary_shows_answers_and_counts(tmp_path: Path, mini: Questionnaire) -> None:
    console = quiet()
    take.run(
        tmp_path / "a.csv",
        mini,
        group="sales",
        respondent="X",
        ask=script(["4", "s", "N/A", "2", "y"]),
        console=console,
    )
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "2 of 4 statements answered." in text
    assert "4 Agree" in text and "(skipped)" in text and "2 Disagree" in text


def test_discarding_writes_nothing(tmp_path: Path, mini: Questionnaire) -> None:
    out = tmp_path / "answers.csv"
    ask = script(["1", "2", "3", "4", "n", "n", "n", "y"])
    assert take.run(out, mini, group="sales", ask=ask, console=quiet()) is None
    assert not out.exists()


def test_screen_is_cleared_at_start_and_after_saving(tmp_path: Path, mini: Questionnaire) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    take.run(
        tmp_path / "a.csv",
        mini,
        group="sales",
        ask=script(["1", "2", "3", "4", "y"]),
        console=console,
    )
    text = buffer.getvalue()
    clear = "\x1b[2J"
    assert text.startswith(clear)
    tail = text[text.rindex(clear) :]
    # Nothing of the interview survives the final clear (scrollback erased as well).
    assert "\x1b[3J" in tail and "We share words" not in tail and "Agree" not in tail
    assert text.count(clear) == 2


def test_generated_code_is_written(tmp_path: Path, mini: Questionnaire) -> None:
    out = tmp_path / "a.csv"
    saved = take.run(out, mini, group="sales", ask=script(["1"] * 4 + ["y"]), console=quiet())
    assert saved is not None and saved.respondent.startswith("R-")
    assert f"sales,{saved.respondent},,1,1,1,1\r\n".encode() in out.read_bytes()


def test_user_text_is_neutralised_against_formulas(tmp_path: Path, mini: Questionnaire) -> None:
    out = tmp_path / "a.csv"
    take.run(
        out,
        mini,
        group="sales",
        respondent="@R1",
        segment="=HYPERLINK(1)",
        ask=script(["1"] * 4 + ["y"]),
        console=quiet(),
    )
    assert out.read_bytes().endswith(b"\r\nsales,'@R1,'=HYPERLINK(1),1,1,1,1\r\n")


# -- the file is never damaged -------------------------------------------------------------


def test_ctrl_c_during_prompting_leaves_the_file_unchanged(
    tmp_path: Path, mini: Questionnaire
) -> None:
    out = tmp_path / "answers.csv"
    original = BOM + MINI_HEADER_LINE + b"\r\nsales,A,,1,2,3,4\r\nmarketing,B,,4,3,2,1\r\n"
    out.write_bytes(original)
    replies = ["5", "5", "5"]

    def ask(prompt: str) -> str:
        if not replies:
            raise KeyboardInterrupt
        return replies.pop(0)

    with pytest.raises(KeyboardInterrupt):
        take.run(out, mini, group="sales", ask=ask, console=quiet())
    assert out.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".yaml") == ["answers.csv"]


def test_ctrl_c_at_the_confirmation_leaves_the_file_unchanged(
    tmp_path: Path, mini: Questionnaire
) -> None:
    out = tmp_path / "answers.csv"
    original = b"group,respondent,segment,i1,i2,i3,i4\nsales,A,,1,2,3,4\n"
    out.write_bytes(original)
    answers = ["1", "2", "3", "4"]

    def ask(prompt: str) -> str:
        if prompt.startswith("Save"):
            raise KeyboardInterrupt
        return answers.pop(0)

    with pytest.raises(KeyboardInterrupt):
        take.run(out, mini, group="sales", ask=ask, console=quiet())
    assert out.read_bytes() == original


def test_a_failing_write_leaves_the_file_as_it_was(
    tmp_path: Path, mini: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "answers.csv"
    original = b"group,respondent,segment,i1,i2,i3,i4\nsales,A,,1,2,3,4\n"
    out.write_bytes(original)

    def crash(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("salesmkt.render.outputs.os.replace", crash)
    with pytest.raises(OutputError, match="No space left"):
        take.run(out, mini, group="sales", ask=script(["1"] * 4 + ["y"]), console=quiet())
    assert out.read_bytes() == original
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_append_keeps_other_rows_encoding_delimiter_and_line_ends(
    tmp_path: Path, mini: Questionnaire
) -> None:
    out = tmp_path / "answers.csv"
    # cp1252 (Excel's "CSV" on Windows), semicolons, LF, columns reordered, an extra
    # column, a quoted cell with a delimiter and no newline at the end of the file.
    original = (
        "i4;i3;i2;i1;group;Region;respondent;segment\n"
        'sales;;1;2;3;4;"Zürich; Nord";A;\n'
        "marketing;;4;3;2;1;Genève;B;Süd"
    ).encode("cp1252")
    out.write_bytes(original)
    take.run(
        out,
        mini,
        group="marketing",
        respondent="C",
        segment="Köln",
        ask=script(["1", "2", "3", "4", "y"]),
        console=quiet(),
    )
    data = out.read_bytes()
    assert data.startswith(original)
    assert data[len(original) :] == "\n4;3;2;1;marketing;;C;Köln\n".encode("cp1252")


def test_append_to_a_bom_crlf_file_keeps_both(tmp_path: Path, mini: Questionnaire) -> None:
    out = tmp_path / "answers.csv"
    original = BOM + MINI_HEADER_LINE + b"\r\nsales,A,M\xc3\xbcnchen,1,2,3,4\r\n"
    out.write_bytes(original)
    saved = take.run(
        out, mini, group="sales", respondent="B", ask=script(["5"] * 4 + ["y"]), console=quiet()
    )
    assert saved is not None and saved.row == 3
    assert out.read_bytes() == original + b"sales,B,,5,5,5,5\r\n"


def test_text_the_file_encoding_cannot_hold_is_refused(tmp_path: Path, mini: Questionnaire) -> None:
    out = tmp_path / "answers.csv"
    original = "group;respondent;segment;i1;i2;i3;i4\nsales;A;Zürich;1;2;3;4\n".encode("cp1252")
    out.write_bytes(original)
    with pytest.raises(ResponseDataError, match="cp1252"):
        take.run(
            out,
            mini,
            group="sales",
            segment="Łódź",
            ask=script(["1"] * 4 + ["y"]),
            console=quiet(),
        )
    assert out.read_bytes() == original


def test_wrong_header_is_refused_before_any_question(tmp_path: Path, mini: Questionnaire) -> None:
    out = tmp_path / "answers.csv"
    out.write_bytes(b"group,respondent,i1,i2,i3\nsales,A,1,2,3\n")
    ask = script([])  # any prompt would fail the test
    with pytest.raises(ResponseDataError) as info:
        take.run(out, mini, group="sales", ask=ask, console=quiet())
    assert str(info.value).startswith(f"{out}:1: the header does not match mini 1: no column i4")


def test_taken_respondent_code_is_refused_before_any_question(
    tmp_path: Path, mini: Questionnaire
) -> None:
    out = tmp_path / "answers.csv"
    out.write_bytes(b"group,respondent,segment,i1,i2,i3,i4\nsales,A,,1,2,3,4\nsales,P-7,,1,1,1,1\n")
    with pytest.raises(ResponseDataError, match=r"answers.csv:3: the respondent code 'p-7'"):
        take.run(out, mini, group="sales", respondent="p-7", ask=script([]), console=quiet())


def test_concurrent_appends_lose_no_row(tmp_path: Path, mini: Questionnaire) -> None:
    out = tmp_path / "answers.csv"
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for j in range(10):
                response = take.Response("sales", f"T{k}-{j}", "", {i: "3" for i in mini.item_ids})
                take.append_response(out, mini, response)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    lines = out.read_bytes().split(b"\r\n")
    assert lines[0] == BOM + MINI_HEADER_LINE
    codes = sorted(line.split(b",")[1].decode() for line in lines[1:] if line)
    assert codes == sorted(f"T{k}-{j}" for k in range(4) for j in range(10))
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".lock")]


def test_processes_appending_at_once_lose_no_row_and_leave_no_lock(tmp_path: Path) -> None:
    import multiprocessing

    out = tmp_path / "answers.csv"
    context = multiprocessing.get_context("spawn")
    mini_path = str(write_mini(tmp_path))
    workers = [
        context.Process(target=append_in_process, args=(str(out), mini_path, k)) for k in range(4)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    lines = out.read_bytes().split(b"\r\n")
    codes = sorted(line.split(b",")[1].decode() for line in lines[1:] if line)
    assert codes == sorted(f"P{k}-{j}" for k in range(4) for j in range(10))
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".lock")]


# -- the command -------------------------------------------------------------------------


def test_cli_take_appends_one_row(tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    replies = ["4"] * 10 + ["agree"] * 5 + ["2", "s", "N/A", "5", "1", "y"]
    result = runner.invoke(
        app,
        ["take", "--group", "Marketing", "--respondent", "M-9", "-o", str(out)],
        input="\n".join(replies) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Saved as row 2" in result.output and "M-9" in result.output
    lines = out.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[1] == "marketing,M-9,," + ",".join(["4"] * 15 + ["2", "", "N/A", "5", "1"])


def test_cli_take_input_ending_early_saves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    out.write_bytes(
        b"\xef\xbb\xbfgroup,respondent,segment,"
        + b",".join(f"q{n:02d}".encode() for n in range(1, 21))
        + b"\r\n"
    )
    before = out.read_bytes()
    result = runner.invoke(app, ["take", "--group", "sales", "-o", str(out)], input="4\n4\n")
    assert result.exit_code == 1
    assert "nothing was saved" in result.output
    assert out.read_bytes() == before


def test_cli_take_unknown_group_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["take", "--group", "finance", "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 2
    assert "not a group of alignment" in result.output
    assert not (tmp_path / "a.csv").exists()


def test_append_to_an_export_with_other_column_names(tmp_path: Path) -> None:
    """Team / Respondent headers (as in examples/) are recognised like the reader does."""
    from salesmkt.analysis.scoring import assess_file
    from salesmkt.model.assessment import Settings

    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path / "wave.csv"
    original = (examples / "wave1.csv").read_bytes()
    out.write_bytes(original)
    q = load("alignment")
    saved = take.run(
        out,
        q,
        group="marketing",
        respondent="M-99",
        ask=script(["3"] * 20 + ["y"]),
        console=quiet(),
    )
    assert saved is not None and saved.row == 17
    data = out.read_bytes()
    assert data.startswith(original)
    # Respondent, Team, Region, q01..q20, Comments
    assert data[len(original) :] == b"M-99,marketing,," + b"3," * 20 + b"\n"
    result = assess_file(ResponseSource(out), Settings(min_group_size=3))
    marketing = result.assessment.group("marketing")
    assert marketing is not None and marketing.n == 6
    assert "M-99" in set(result.respondents["respondent"])


def test_segment_without_a_segment_column_is_refused_up_front(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path / "wave.csv"
    out.write_bytes((examples / "wave1.csv").read_bytes())
    with pytest.raises(ResponseDataError, match="no segment column for --segment"):
        take.run(
            out, load("alignment"), group="sales", segment="EMEA", ask=script([]), console=quiet()
        )


def test_labels_are_never_read_as_console_markup(tmp_path: Path) -> None:
    from support.workshop import MINI_YAML

    path = tmp_path / "odd.yaml"
    path.write_text(MINI_YAML.replace("4: Agree", '4: "[/odd] Agree"'), encoding="utf-8")
    q = load(path)
    console = quiet()
    replies = ["4", "b", "", "1", "1", "1", "y"]

    def ask(prompt: str) -> str:  # what Console.input does: print the prompt as markup
        console.print(prompt, end="")
        return replies.pop(0)

    take.run(tmp_path / "a.csv", q, group="sales", ask=ask, console=console)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "(Enter keeps 4 [/odd] Agree)" in shown
    assert "4 [/odd] Agree" in shown.split("Your answers")[1]


# -- near misses: "did you mean" -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cell"),
    [
        ("agre", "4"),
        ("agreee", "4"),
        ("disagre", "2"),
        ("Stronly disagree", "1"),
        ("n/aa", "N/A"),
        # Never guessed: numbers, nonsense, and a word about as close to two answers.
        ("44", None),
        ("7", None),
        ("xyz", None),
        ("stongly agre", None),  # Strongly agree / Strongly disagree
    ],
)
def test_suggest_offers_only_one_clear_answer(typed: str, cell: str | None) -> None:
    meant = take.suggest(load("alignment"), typed)
    assert (meant.cell if meant else None) == cell


def test_a_near_miss_is_confirmed_before_it_counts(tmp_path: Path, mini: Questionnaire) -> None:
    ask = script(["agre", "y", "disagre", "n", "5", "s", "s", "y"])
    response = take.interview(
        mini, group="sales", respondent="R", segment="", ask=ask, console=quiet()
    )
    assert response is not None
    assert [response.answers[i] for i in mini.item_ids] == ["4", "5", "", ""]


# -- several people in one group ----------------------------------------------------------


def test_several_people_in_one_group_each_get_a_code(tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    person = ["4"] * 20 + ["y"]
    replies = [*person, "", *person, "q"]
    result = runner.invoke(
        app,
        ["take", "--group", "Marketing", "--several", "-o", str(out)],
        input="\n".join(replies) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "2 person(s) saved" in result.output
    rows = out.read_bytes().decode("utf-8-sig").split("\r\n")[1:3]
    assert [r.split(",")[0] for r in rows] == ["marketing", "marketing"]
    codes = [r.split(",")[1] for r in rows]
    assert codes[0] != codes[1] and all(c.startswith("R-") for c in codes)
    assert not [p for p in tmp_path.iterdir() if p.name != "answers.csv"]


def test_several_ends_quietly_at_the_end_of_input_between_people(tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    replies = ["3"] * 20 + ["y"]
    result = runner.invoke(
        app, ["take", "-g", "sales", "--several", "-o", str(out)], input="\n".join(replies) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "1 person(s) saved" in result.output


def test_several_says_what_was_kept_when_input_ends_mid_person(tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    replies = [*(["3"] * 20), "y", "", "4", "4"]
    result = runner.invoke(
        app, ["take", "-g", "sales", "--several", "-o", str(out)], input="\n".join(replies) + "\n"
    )
    assert result.exit_code == 1
    assert "this person's answers were not saved (1 saved before)" in result.output
    assert len(out.read_bytes().decode("utf-8-sig").split("\r\n")) == 3  # header, row, ""


def test_several_with_a_respondent_code_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["take", "-g", "sales", "--several", "-r", "A1", "-o", str(tmp_path / "a.csv")]
    )
    assert result.exit_code == 2
    assert "--several gives each a new code" in result.output
