"""``salesmkt recommend`` through the command line (typer's CliRunner)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from support.paths import EXAMPLES
from support.recommend import make_assessment
from typer.testing import CliRunner, Result

from salesmkt.cli import app
from salesmkt.cli import commands as cli
from salesmkt.definitions import rules_load as rules_mod
from salesmkt.definitions.questionnaire_load import load

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
SHIPPED = rules_mod.load()


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, ["recommend", *args], input=input)


def write_assessment(tmp_path: Path, **kwargs: object) -> Path:
    path = tmp_path / "assessment.json"
    path.write_text(make_assessment(**kwargs).model_dump_json(indent=2))  # type: ignore[arg-type]
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


STAY = 'n08: "Yes"\nn09: "Yes"\nn11: "No"\nn13: "No"\n'
DA_TITLES = [r.title for r in SHIPPED.rules if r.transition == "defined->aligned"]


# -- the playbook ---------------------------------------------------------------------------


def test_playbook_for_a_stage_without_data() -> None:
    result = run("--stage", "defined")
    assert result.exit_code == 0, result.output
    assert "Defined → Aligned?" in result.stdout
    for title in DA_TITLES:
        assert title in result.stdout, title
    assert "Give every funnel step an owner" not in result.stdout  # an any-stage rule
    assert "Consider a chief revenue" not in result.stdout  # the next move's rule
    assert "Fires when:" in result.stdout


def test_playbook_markdown_and_json() -> None:
    md = run("--stage", "aligned", "--format", "markdown")
    assert md.exit_code == 0
    assert md.stdout.startswith("# Moving-up playbook\n")
    assert "### 1. Consider a chief revenue \\(or customer\\) officer" in md.stdout
    assert "**Fires when:**" in md.stdout
    js = run("--stage", "undefined", "-f", "json")
    assert js.exit_code == 0
    doc = json.loads(js.stdout)
    assert {a["rule"] for a in doc["actions"]} == {
        r.id for r in SHIPPED.rules if r.transition == "undefined->defined"
    }
    assert doc["stay_or_move"]["next_stage"]["id"] == "defined"


def test_playbook_for_the_top_stage_is_empty() -> None:
    result = run("--stage", "integrated")
    assert result.exit_code == 0
    out = " ".join(result.stdout.replace("│", " ").split())
    assert "Integrated is the highest stage: there is no move up to plan." in out
    assert "No actions: the rules hold no step for moving up from this stage." in out


@pytest.mark.parametrize("flag", ["--situation", "--checklist", "--funnel"])
def test_playbook_refuses_answers_files_it_cannot_use(flag: str) -> None:
    result = run("--stage", "defined", flag, str(EXAMPLES / "funnel.yaml"))
    assert result.exit_code == 2
    assert f"{flag} needs a responses file or assessment JSON too" in result.output


def test_usage_errors_exit_2() -> None:
    none = run()
    assert none.exit_code == 2
    assert "give a responses file or assessment JSON, or --stage" in none.stderr
    bogus = run("--stage", "bogus")
    assert bogus.exit_code == 2
    assert "unknown stage 'bogus'; expected one of undefined, defined, aligned, integrated" in (
        bogus.stderr
    )
    with_situation = run("--stage", "defined", "--situation", "x.yaml")
    assert with_situation.exit_code == 2


# -- with results ----------------------------------------------------------------------------


def test_stay_path_terminal(tmp_path: Path) -> None:
    a = write_assessment(tmp_path, items={"q10": {"mean": 2.5, "sales": 3.0, "marketing": 2.0}})
    s = write(tmp_path, "situation.yaml", STAY)
    result = run(str(a), "--situation", str(s))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.replace("│", " ").split())  # undo the panel and wrapping
    assert "Stay. You are Defined. Your situation argues for staying: standard offerings, " in out
    assert "traditional roles work. The actions below are optional." in out
    assert "1. Hold disciplined joint meetings" in out
    assert 'q10 "Productive joint meetings": mean 2.5 (Sales 3.0, Marketing 2.0), below 3.5' in out


def test_json_is_the_assessment_with_advice(tmp_path: Path) -> None:
    from salesmkt.analysis.saved import load_assessment_json

    a = write_assessment(
        tmp_path,
        items={
            "q06": {
                "mean": 3.4,
                "sales": 4.2,
                "marketing": 2.6,
                "gap": 1.6,
                "flagged": True,
                "direction": "sales",
                "effect_size": "large",
                "quadrant": "split",
            }
        },
    )
    s = write(tmp_path, "situation.yaml", "answers:\n  n11: yes\n  n14: yes\n")
    out = tmp_path / "advice.json"
    result = run(str(a), "--situation", str(s), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    saved = load_assessment_json(out)
    assert saved.overall.score == 52.4
    advice = saved.advice
    assert advice is not None
    assert advice.stay_or_move.verdict == "move_up"
    assert advice.stay_or_move.move_reasons == ["Duplication persists", "Market customising"]
    by_rule = {x.rule: x for x in advice.actions}
    assert [e.text for e in by_rule["split-on-sales-feedback"].evidence] == [
        'q06 "Sales shares feedback": split view (Sales 4.2, Marketing 2.6)',
        'q06 "Sales shares feedback": Sales 4.2 vs Marketing 2.6, gap +1.6, large effect',
    ]
    assert "involvement-guidelines" in by_rule  # fired by n11 = Yes
    assert advice.rules is not None and advice.rules.id == "moving-up"
    assert advice.missing_inputs == ["checklist", "funnel"]


def test_no_situation_and_no_terminal(tmp_path: Path) -> None:
    a = write_assessment(tmp_path)
    result = run(str(a), "-f", "json")
    assert result.exit_code == 0
    assert (
        "no --situation given and stdin is not a terminal: the stay-or-move-up advice is missing"
        in result.stderr
    )
    advice = json.loads(result.stdout)["advice"]
    assert advice["stay_or_move"]["verdict"] == "unknown"
    assert advice["missing_inputs"][0] == "situation"


def test_interactive_situation_when_stdin_is_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    a = write_assessment(tmp_path)
    # The Defined statements are n08..n14: yes; "maybe" (asked again) then y; skip; no...
    replies = "yes\nmaybe\ny\n\nn\n\n\n\n"
    result = run(str(a), "-f", "json", input=replies)
    assert result.exit_code == 0, result.output
    assert "Please answer yes or no, or press Enter to skip." in result.stderr
    load("need-to-align")  # the statements asked come from the questionnaire
    assert "Our offerings are fairly standard and straightforward to sell." in result.stderr
    som = json.loads(result.stdout)["advice"]["stay_or_move"]
    assert som["verdict"] == "stay"
    assert som["stay_reasons"] == ["Standard offerings", "Traditional roles work"]


def test_typed_answers_are_saved_and_read_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    a = write_assessment(tmp_path)
    saved = tmp_path / "situation.yaml"
    typed = run(
        str(a), "-f", "json", "--save-answers", str(saved), input="yes\nmaybe\ny\n\nn\n\n\n\n"
    )
    assert typed.exit_code == 0, typed.output
    assert f"your answers were saved to {saved}" in typed.stderr
    text = saved.read_text(encoding="utf-8")
    assert 'questionnaire: "need-to-align"' in text
    assert text.count(': "') == 4  # three answered of seven asked, plus the questionnaire
    # The oracle: the same advice from the file as from the typing.
    again = run(str(a), "-f", "json", "--situation", str(saved))
    assert again.exit_code == 0, again.output
    before, after = json.loads(typed.stdout)["advice"], json.loads(again.stdout)["advice"]
    assert after["stay_or_move"] == before["stay_or_move"]
    assert [x["rule"] for x in after["actions"]] == [x["rule"] for x in before["actions"]]


def test_save_answers_needs_something_to_ask(tmp_path: Path) -> None:
    a = write_assessment(tmp_path)
    given = run(str(a), "--situation", str(EXAMPLES / "situation.yaml"), "--save-answers", "x.yaml")
    assert given.exit_code == 2 and "nothing is asked" in given.output
    playbook = run("--stage", "defined", "--save-answers", str(tmp_path / "x.yaml"))
    assert playbook.exit_code == 2


def test_save_answers_never_over_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    a = write_assessment(tmp_path)
    before = a.read_bytes()
    result = run(str(a), "--save-answers", str(a), input="y\n" * 7)
    assert result.exit_code == 1 and "refusing to overwrite the input" in result.output
    assert a.read_bytes() == before
    assert "Do you need to be more aligned" not in result.output  # refused before asking


def test_interactive_all_skipped_leaves_the_advice_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    a = write_assessment(tmp_path)
    result = run(str(a), "-f", "json", input="\n" * 7)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["advice"]["stay_or_move"]["verdict"] == "unknown"


def test_responses_file_is_scored_on_the_fly(tmp_path: Path) -> None:
    # Ten respondents (5 per group, the anonymity threshold) answer 2 everywhere except
    # q01 = 4: total 42 each, so Defined (40-59) with every other item mean 2.0 for both
    # groups.
    header = "group,respondent," + ",".join(f"q{i:02d}" for i in range(1, 21))
    rows = [
        f"{g},{g[0]}{n}," + ",".join(["4"] + ["2"] * 19)
        for g in ("Sales", "Marketing")
        for n in range(1, 6)
    ]
    responses = write(tmp_path, "responses.csv", "\n".join([header, *rows]) + "\n")
    result = run(str(responses), "-f", "markdown", "--situation", str(write(
        tmp_path, "s.yaml", STAY)))  # fmt: skip
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert "## Stay or move up: Stay" in md
    assert (
        '- q10 "Productive joint meetings": mean 2.0 \\(Sales 2.0, Marketing 2.0\\), below 3.5'
        in md
    )
    assert "- For staying: Standard offerings, Traditional roles work" in md


def test_checklist_and_funnel_inputs(tmp_path: Path) -> None:
    a = write_assessment(tmp_path, stage="aligned", score=70.0)
    c = write(tmp_path, "checklist.yaml", "c01: No\nc02: Yes\n")
    f = write(
        tmp_path,
        "funnel.yaml",
        "respondents:\n"
        "  - {name: Sales, answers: {f4: marketing, f5: nobody}}\n"
        "  - {name: Marketing, answers: {f4: sales, f5: sales}}\n",
    )
    s = write(tmp_path, "s.yaml", "n18: yes\n")
    result = run(str(a), "--checklist", str(c), "--funnel", str(f), "--situation", str(s),
                 "-f", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    advice = json.loads(result.stdout)["advice"]
    fired = [x["rule"] for x in advice["actions"]]
    assert fired == [
        "chief-revenue-officer",
        "funnel-unowned-step",
        "funnel-contested-step",
    ]
    assert advice["missing_inputs"] == []
    assert advice["stay_or_move"]["verdict"] == "move_up"


def test_stage_override_with_data(tmp_path: Path) -> None:
    a = write_assessment(tmp_path, items={"q17": {"mean": 2.0}})
    result = run(str(a), "--stage", "aligned", "-f", "json")
    assert result.exit_code == 0
    advice = json.loads(result.stdout)["advice"]
    assert [x["rule"] for x in advice["actions"]] == ["chief-revenue-officer"]
    assert "the data place you at Defined (52.4)" in advice["stay_or_move"]["message"]


# -- bad input ---------------------------------------------------------------------------------


def test_bad_situation_file_names_line_and_column(tmp_path: Path) -> None:
    a = write_assessment(tmp_path)
    s = write(tmp_path, "situation.yaml", 'n08: "Yes"\nn99: "No"\n')
    result = run(str(a), "--situation", str(s))
    assert result.exit_code == 1
    assert f"{s}:2:1: unknown item 'n99' for need-to-align (n01–n20)" in result.stderr
    assert "Traceback" not in result.output


def test_bad_rules_file_is_refused_with_its_line(tmp_path: Path) -> None:
    a = write_assessment(tmp_path)
    result = run(str(a), "--rules", str(FIXTURES / "unknown-item.yaml"))
    assert result.exit_code == 1
    assert "unknown-item.yaml:15:24: [error] rule-unknown-item" in result.stderr


def test_own_rules_file(tmp_path: Path) -> None:
    a = write_assessment(tmp_path, items={"q06": {"mean": 3.0, "sales": 3.5, "marketing": 2.5}})
    result = run(str(a), "--rules", str(FIXTURES / "minimal.yaml"), "-f", "json")
    assert result.exit_code == 0, result.output
    advice = json.loads(result.stdout)["advice"]
    assert advice["rules"]["id"] == "minimal"
    assert [x["rule"] for x in advice["actions"]] == ["feedback"]


def test_output_files(tmp_path: Path) -> None:
    a = write_assessment(tmp_path)
    s = write(tmp_path, "situation.yaml", STAY)
    md = tmp_path / "advice.md"
    ok = run(str(a), "--situation", str(s), "-o", str(md))
    assert ok.exit_code == 0
    assert md.read_text().startswith("# Recommendations\n")
    over = run(str(a), "--situation", str(s), "-o", str(s), "-f", "markdown")
    assert over.exit_code == 1
    assert "refusing to overwrite the input file" in over.stderr
    assert s.read_text() == STAY
    assert run(str(a), "-f", "terminal", "-o", str(md)).exit_code == 2
    assert run(str(a), "-o", str(tmp_path / "advice.txt")).exit_code == 2


def test_markdown_escapes_text_from_a_users_rules_file(tmp_path: Path) -> None:
    rules_file = write(
        tmp_path,
        "r.yaml",
        'id: r\nversion: "1"\ntitle: R\nrules:\n'
        "  - {id: x, title: '<script>alert(1)</script> [link](http://x)', action: '*do*',"
        " why: W, transition: any, owner: both, horizon: now, priority: 1,"
        " when: {always: true}}\n",
    )
    a = write_assessment(tmp_path)
    result = run(str(a), "--rules", str(rules_file), "-f", "markdown")
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout
    assert "&lt;script&gt;" in result.stdout
    assert "\\[link\\]\\(http://x\\)" in result.stdout
    assert "\\*do\\*" in result.stdout
    term = run(str(a), "--rules", str(rules_file))
    assert "[link](http://x)" in term.stdout  # printed as typed, not as markup


def test_top_keeps_the_highest_priority_actions_and_counts_the_rest() -> None:
    example = str(Path(__file__).parent.parent / "examples" / "workshop.csv")
    everything = json.loads(run(example, "--top", "0", "--format", "json").stdout)["advice"]
    fired = everything["actions"]
    assert len(fired) > 3 and everything["more_actions"] == 0
    short = run(example, "--top", "3", "--format", "json")
    assert short.exit_code == 0, short.output
    advice = json.loads(short.stdout)["advice"]
    assert [a["rule"] for a in advice["actions"]] == [a["rule"] for a in fired[:3]]
    assert advice["more_actions"] == len(fired) - 3
    terminal = run(example, "--top", "3")
    assert f"{len(fired) - 3} more lower-priority actions also fired" in terminal.stdout
    assert "\n4. " not in terminal.stdout
    assert run(example, "--top", "-1").exit_code == 2


def test_first_screen_carries_the_verdict_and_every_action_at_80_columns() -> None:
    from rich.console import Console

    from salesmkt.render.advice import render_terminal

    advice = json.loads(
        run(
            str(EXAMPLES / "workshop.csv"),
            "-f",
            "json",
            "--situation",
            str(EXAMPLES / "situation.yaml"),
            "--funnel",
            str(EXAMPLES / "funnel.yaml"),
        ).stdout
    )["advice"]
    from salesmkt.model.assessment import Advice

    model = Advice.model_validate(advice)
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(render_terminal(model))
    lines = console.export_text().splitlines()
    first_screen = " ".join(" ".join(lines[:30]).split())
    assert "Move up." in first_screen
    for action in model.actions:  # each title whole, with its owner, on the first screen
        assert " ".join(action.title.split()) in first_screen, action.title
    tail = " ".join(" ".join(line for line in lines[-3:] if line.strip()).split())
    assert tail.startswith("In short: Move up (Defined → Aligned).")
    assert f"{model.more_actions} more with --top 0" in tail
    assert all(len(line) <= 80 for line in lines)
