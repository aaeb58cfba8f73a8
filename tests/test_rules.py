"""The rules file: schema, cross-references, contradictions, and the shipped rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions import rules as rules_mod
from salesmkt.definitions import rules_load
from salesmkt.definitions.kinds import check_any_file
from salesmkt.definitions.questionnaire_load import load
from salesmkt.definitions.rules_contradictions import contradiction as find_contradiction
from salesmkt.errors import InvalidFileError

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
SHIPPED = ROOT / "rules" / "moving-up.yaml"

# The published moving-up actions (DOMAIN.md, "Moving up: actions per transition"),
# one key per action, grouped by the move they serve. Every key must be covered by a
# shipped rule for that move.
REQUIRED_ACTIONS = {
    "undefined->defined": {
        "ud-senior-intervention",  # senior managers step in where conflicts recur
        "ud-rules-of-engagement",  # clear rules of engagement
        "ud-handoff-points",  # handoff points, e.g. lead follow-up
    },
    "defined->aligned": {
        "da-joint-meetings",  # regular joint meetings, at least quarterly, action items
        "da-involvement-guidelines",  # when to involve whom ("brand manager above $2M")
        "da-who-to-call",  # an up-to-date "who to call" directory
        "da-marketers-in-sales",  # marketers on sales calls and in account planning
        "da-sales-in-marketing",  # salespeople in marketing plans, product reviews, previews
        "da-top-accounts-playbook",  # joint playbook for the top ten accounts per segment
        "da-job-rotation",  # job rotation
        "da-marketing-liaison",  # a trusted marketing liaison living with the sales force
        "da-colocation",  # colocation, or extra effort when dispersed
        "da-sales-feedback",  # better sales-force feedback at low cost
    },
    "aligned->integrated": {
        "ai-cro",  # a chief revenue (or customer) officer
        "ai-funnel-steps",  # define the steps of the marketing and sales funnels
        "ai-marketing-in-sales-funnel",  # Marketing inside the sales funnel
        "ai-sales-upstream",  # Sales inside upstream decisions
        "ai-split-marketing",  # split Marketing into upstream and downstream groups
        "ai-shared-targets",  # shared revenue targets
        "ai-shared-rewards",  # shared reward systems
        "ai-integrated-metrics",  # integrated sales and marketing metrics
    },
}
# Ideas from the other seed articles that the brief asks the shipped rules to carry.
SEED_IDEAS = {
    "seed-000-liaison",
    "seed-000-common-targets",
    "seed-000-information-flow",
    "seed-001-rhythm",
    "seed-001-value-message",
    "seed-001-targets",
    "seed-003-three-cs",
    "seed-004-joint-plan",
    "seed-004-lessons-learned",
}


def codes(path: Path) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in check_any_file(path).diagnostics]


# -- the shipped rules -------------------------------------------------------------------


def test_shipped_rules_validate_clean() -> None:
    report = check_any_file(SHIPPED)
    assert report.kind == "rules"
    assert report.diagnostics == []
    result = CliRunner().invoke(app, ["validate", str(SHIPPED), "--strict"])
    assert result.exit_code == 0, result.output


def test_every_published_action_is_covered_by_a_rule_for_its_move() -> None:
    spec = rules_load.load().spec
    for transition, keys in REQUIRED_ACTIONS.items():
        covered = {k for r in spec.rules if r.transition == transition for k in r.covers}
        assert keys <= covered, (transition, sorted(keys - covered))
    assert rules_mod.covered_keys(spec) >= SEED_IDEAS


def test_every_move_and_every_owner_horizon_has_rules() -> None:
    spec = rules_load.load().spec
    transitions = {r.transition for r in spec.rules}
    assert transitions == {"undefined->defined", "defined->aligned", "aligned->integrated", "any"}
    for rule in spec.rules:
        assert rule.why.strip() and rule.action.strip()
        assert rule.when.kind != "always", f"{rule.id} should rest on evidence"


def test_shipped_gap_rules_named_in_the_brief() -> None:
    spec = rules_load.load().spec
    by_id = {r.id: r for r in spec.rules}
    assert by_id["split-on-sales-feedback"].when.model_dump(exclude_none=True, by_alias=True) == {
        "any": [
            {"quadrant": {"item": "q06", "is": ["split"]}},
            {"gap": {"item": "q06", "direction": "any"}},
        ]
    }
    assert by_id["split-on-collateral"].when.body[0].quadrant.item == "q05"
    assert by_id["sales-team-conversation"].when.low_agreement.group == "sales"


# -- bad files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("unknown-item.yaml", [(15, "rule-unknown-item")]),
        ("bad-predicate.yaml", [(16, "schema-invalid")]),
        ("contradiction.yaml", [(14, "rule-contradiction")]),
        ("duplicate-id.yaml", [(14, "rule-duplicate-id")]),
    ],
)
def test_bad_rules_files_fail_with_code_and_line(
    name: str, expected: list[tuple[int, str]]
) -> None:
    assert codes(FIXTURES / name) == expected
    result = CliRunner().invoke(app, ["validate", str(FIXTURES / name)])
    assert result.exit_code == 1
    line, code = expected[0]
    assert f"{FIXTURES / name}:{line}:" in result.output
    assert f"[error] {code}:" in result.output


def test_messages_say_what_was_expected() -> None:
    diags = check_any_file(FIXTURES / "bad-predicate.yaml").diagnostics
    assert "unknown condition 'median'; expected one of stage, mean, gap" in diags[0].message
    diags = check_any_file(FIXTURES / "unknown-item.yaml").diagnostics
    assert diags[0].message == ("mean names item 'q21', which 'alignment' does not have (q01–q20)")
    assert diags[0].column == 24
    diags = check_any_file(FIXTURES / "contradiction.yaml").diagnostics
    assert diags[0].message.endswith("it requires a 'stage' condition and its negation")


def test_one_of_every_other_problem_code() -> None:
    assert codes(FIXTURES / "many-problems.yaml") == [
        (4, "rule-unknown-questionnaire"),
        (10, "rule-bad-transition"),
        (13, "rule-priority-range"),
        (16, "rule-unknown-dimension"),
        (16, "rule-unknown-group"),
        (17, "rule-unknown-stage"),
        (18, "rule-unknown-group"),
        (19, "rule-unknown-group"),
        (20, "rule-unknown-answer"),
        (21, "rule-unknown-item"),
        (21, "rule-unknown-answer"),
        (22, "rule-threshold-range"),
        (23, "rule-empty-combinator"),
        (33, "rule-unreachable"),
        (43, "rule-contradiction"),
        (56, "rule-contradiction"),
    ]


def test_load_raises_with_every_problem() -> None:
    with pytest.raises(InvalidFileError) as err:
        rules_load.load(FIXTURES / "many-problems.yaml")
    assert len(err.value.diagnostics) == 16
    assert "rule-unknown-questionnaire" in str(err.value)


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("{stage: {is: defined}, mean: {item: q01, below: 3}}", "exactly one key, got 2"),
        ("{mean: {item: q01}}", "give 'below', 'above' or both"),
        ("{mean: {item: q01, dimension: culture, below: 3}}", "exactly one of 'item'"),
        ("{checklist: {item: c01, answer: no, at_most: partly}}", "exactly one of 'answer'"),
        ("{funnel: {step: f1}}", "exactly one of 'finding' or 'owner_is'"),
        ("{funnel: {finding: orphaned}}", "'unowned' or 'contested'"),
        ("{quadrant: {item: q01, is: [sad]}}", "shared_strength"),
        ("{always: false}", "Input should be True"),
        ("[]", "a condition is a mapping"),
    ],
)
def test_bad_conditions_are_schema_errors(snippet: str, message: str) -> None:
    text = (
        'id: t\nversion: "1"\ntitle: T\nrules:\n'
        "  - {id: r, title: R, action: A, why: W, transition: any, owner: both, "
        f"horizon: now, priority: 1, when: {snippet}}}\n"
    )
    with pytest.raises(InvalidFileError) as err:
        rules_load.from_text(text, name="t.yaml")
    diags = err.value.diagnostics
    assert {d.code for d in diags} == {"schema-invalid"}  # type: ignore[attr-defined]
    assert any(message in d.message for d in diags), [d.message for d in diags]  # type: ignore[attr-defined]
    assert all(d.line == 5 for d in diags)  # type: ignore[attr-defined]


# -- contradictions ---------------------------------------------------------------------------

INSTRUMENTS = {
    "questionnaire": load("alignment"),
    "situation": load("need-to-align"),
    "checklist": load("integration-checklist"),
}


def contradiction(text: str) -> str | None:
    pred = rules_mod.Predicate.model_validate(yaml.safe_load(text))
    return find_contradiction(pred, INSTRUMENTS)


@pytest.mark.parametrize(
    "text",
    [
        "{all: [{stage: {is: [defined]}}, {stage: {is: [aligned]}}]}",
        "{all: [{stage: {is: [defined, aligned]}}, {not: {stage: {is: [defined, aligned]}}}]}",
        "{all: [{stage: {is: [defined, aligned]}}, {not: {stage: {is: defined}}},"
        " {not: {stage: {is: aligned}}}]}",
        "{mean: {item: q01, above: 4, below: 3}}",
        "{mean: {item: q01, above: 3, below: 3}}",
        "{all: [{mean: {item: q01, above: 3}}, {mean: {item: q01, below: 3}}]}",
        "{all: [{mean: {item: q01, below: 3}}, {not: {mean: {item: q01, below: 3.5}}}]}",
        "{all: [{all: [{mean: {dimension: culture, group: sales, above: 4}}]},"
        " {mean: {dimension: culture, group: sales, below: 4}}]}",
        "{all: [{situation: {item: n05, answer: 'yes'}}, {situation: {item: n05, answer: no}}]}",
        "{all: [{checklist: {item: c01, at_most: partly}},"
        " {checklist: {item: c01, answer: 'yes'}}]}",
        "{all: [{checklist: {item: c01, at_least: 1}},"
        " {not: {checklist: {item: c01, at_most: 2}}}]}",
        "{all: [{quadrant: {item: q02, is: split}}, {not: {quadrant: {item: q02, is: [split]}}}]}",
        "{all: [{gap: {item: q02}}, {not: {gap: {item: q02}}}]}",
        "{any: [{mean: {item: q01, above: 4, below: 2}}, {not: {always: true}}]}",
        "{not: {always: true}}",
    ],
)
def test_contradictions_detected(text: str) -> None:
    assert contradiction(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "{all: [{stage: {is: [defined]}}, {stage: {of: sales, is: [aligned]}}]}",
        "{all: [{mean: {item: q01, above: 3}}, {mean: {item: q01, below: 3.0001}}]}",
        "{all: [{mean: {item: q01, group: sales, above: 4}},"
        " {mean: {item: q01, group: marketing, below: 3}}]}",
        "{all: [{mean: {item: q01, below: 3.5}}, {not: {mean: {item: q01, below: 3}}}]}",
        "{all: [{mean: {item: q01, below: 3}}, {not: {mean: {item: q01, above: 2, below: 4}}}]}",
        "{all: [{checklist: {item: c01, at_most: partly}}, {checklist: {item: c01, at_least: 1}}]}",
        "{any: [{mean: {item: q01, above: 4, below: 2}}, {always: true}]}",
        "{all: [{quadrant: {item: q02, is: split}}, {quadrant: {item: q03, is: shared_pain}}]}",
        "{not: {not: {always: true}}}",
    ],
)
def test_satisfiable_conditions_are_not_flagged(text: str) -> None:
    assert contradiction(text) is None


def test_contradiction_reported_once_at_the_innermost_condition() -> None:
    text = (
        'id: t\nversion: "1"\ntitle: T\nrules:\n'
        "  - id: r\n    title: R\n    action: A\n    why: W\n    transition: any\n"
        "    owner: both\n    horizon: now\n    priority: 1\n    when:\n"
        "      any:\n"
        "        - all:\n"
        "            - mean: {item: q01, above: 4, below: 2}\n"
        "        - always: true\n"
    )
    with pytest.raises(InvalidFileError) as err:
        rules_load.from_text(text, name="t.yaml")
    found = [(d.line, d.code) for d in err.value.diagnostics]  # type: ignore[attr-defined]
    assert found == [(16, "rule-contradiction")]


# -- schema, detection, loading ------------------------------------------------------------------


def test_schema_command_prints_the_rules_schema() -> None:
    result = CliRunner().invoke(app, ["schema", "rules"])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["properties"]["rules"]["type"] == "array"
    predicate = doc["$defs"]["Predicate"]
    assert predicate["maxProperties"] == 1
    assert set(predicate["properties"]) == set(rules_mod.PREDICATE_KINDS)
    # 'is' takes one stage id or a list of them, as the loader does.
    one, many = doc["$defs"]["StageCond"]["properties"]["is"]["anyOf"]
    assert one["type"] == "string"
    assert many["type"] == "array" and many["minItems"] == 1


def test_validate_with_no_arguments_covers_the_shipped_rules() -> None:
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0
    assert "20 file(s) checked: 20 valid" in result.output  # 5 files and their de, fr, es


def test_minimal_file_loads_and_stage_as_a_single_string(tmp_path: Path) -> None:
    book = rules_load.load(FIXTURES / "minimal.yaml")
    assert [r.id for r in book.rules] == ["feedback"]
    assert book.questionnaire.id == "alignment"
    assert book.situation is not None and book.situation.id == "need-to-align"
    assert book.next_stage("defined") == "aligned"
    assert book.next_stage("integrated") is None
    assert book.transition_label("defined->aligned") == "Defined → Aligned"
    pred = rules_mod.Predicate.model_validate({"stage": {"is": "defined"}})
    assert pred.kind == "stage" and pred.body.is_ == ["defined"]


def test_relative_instrument_paths_start_at_the_rules_file(tmp_path: Path) -> None:
    src = ROOT / "questionnaires" / "need-to-align.yaml"
    (tmp_path / "inst").mkdir()
    (tmp_path / "inst" / "my-situation.yaml").write_text(src.read_text(encoding="utf-8"))
    rules_file = tmp_path / "r.yaml"
    rules_file.write_text(
        'id: t\nversion: "1"\ntitle: T\nsituation: inst/my-situation.yaml\nrules:\n'
        "  - {id: r, title: R, action: A, why: W, transition: any, owner: both, "
        "horizon: now, priority: 1, when: {situation: {item: n05, answer: 'yes'}}}\n"
    )
    book = rules_load.load(rules_file)
    assert book.situation is not None and book.situation.id == "need-to-align"


def test_instruments_can_be_switched_off_but_then_not_read() -> None:
    text = (
        'id: t\nversion: "1"\ntitle: T\nchecklist: null\nrules:\n'
        "  - {id: r, title: R, action: A, why: W, transition: any, owner: both, "
        "horizon: now, priority: 1, when: {always: true}}\n"
    )
    assert rules_load.from_text(text, name="t.yaml").checklist is None
    reading = text.replace("{always: true}", "{checklist: {item: c01, answer: 'yes'}}")
    with pytest.raises(InvalidFileError) as err:
        rules_load.from_text(reading, name="t.yaml")
    diags = err.value.diagnostics
    assert [(d.line, d.code) for d in diags] == [(6, "rule-unknown-questionnaire")]  # type: ignore[attr-defined]
    assert "'checklist: null'" in str(err.value)


def test_unknown_rules_reference() -> None:
    from salesmkt.errors import NotFoundError

    with pytest.raises(NotFoundError, match="built-in ones are: moving-up"):
        rules_load.load("no-such-rules")
