"""recommend's core: each condition kind and combinator, the verdict, the playbook.

Assessments are built by hand (tests/support/recommend.py), so every expected evidence line is
worked out here from the numbers typed into the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.recommend import book, make_assessment

from salesmkt.advice import answers as answers_mod
from salesmkt.advice import recommend as rec
from salesmkt.definitions import rules as rules_mod
from salesmkt.definitions import rules_load
from salesmkt.definitions.questionnaire_load import load
from salesmkt.errors import AnalysisError, ResponseDataError, UsageError
from salesmkt.model.assessment import Advice


def fired(advice: Advice) -> list[str]:
    return [a.rule for a in advice.actions]


def evidence(advice: Advice, rule: str) -> list[str]:
    action = next(a for a in advice.actions if a.rule == rule)
    return [e.text for e in action.evidence]


def situation(**values: str) -> answers_mod.Answers:
    return answers_mod.from_mapping(load("need-to-align"), values)


def checklist(**values: str) -> answers_mod.Answers:
    return answers_mod.from_mapping(load("integration-checklist"), values)


def funnel(*people: tuple[str, dict[str, str]]) -> answers_mod.Answers:
    q = load("buying-funnel")
    sets = tuple(answers_mod.from_mapping(q, values, label=name).sets[0] for name, values in people)
    return answers_mod.Answers(q, "funnel.yaml", sets)


# -- leaves ----------------------------------------------------------------------------


def test_stage_of_overall_and_of_a_group() -> None:
    b = book(
        ("at-defined", "stage: {of: overall, is: [defined]}"),
        ("at-aligned", "stage: {is: aligned}"),
        ("sales-aligned", "stage: {of: sales, is: [aligned, integrated]}"),
        ("marketing-aligned", "stage: {of: marketing, is: aligned}"),
    )
    a = make_assessment(groups={"sales": {"stage": "aligned", "mean": 63.0}})
    advice = rec.evaluate(b, a)
    assert fired(advice) == ["at-defined", "sales-aligned"]
    assert evidence(advice, "at-defined") == ["Overall stage: Defined (52.4)"]
    assert evidence(advice, "sales-aligned") == ["Sales stage: Aligned (63.0)"]


def test_mean_below_and_above_overall_group_and_dimension() -> None:
    b = book(
        ("q06-low", "mean: {item: q06, below: 3}"),
        ("q06-mkt-low", "mean: {item: q06, group: marketing, below: 2.5}"),
        ("q06-sales-low", "mean: {item: q06, group: sales, below: 2.5}"),
        ("q06-high", "mean: {item: q06, above: 4}"),
        ("q06-band", "mean: {item: q06, above: 2, below: 3}"),
        ("comm-low", "mean: {dimension: communication, below: 3.5}"),
    )
    a = make_assessment(
        items={"q06": {"mean": 2.6, "sales": 3.0, "marketing": 2.2}},
        dimensions={"communication": {"mean": 3.1, "sales": 3.6, "marketing": 2.6}},
    )
    advice = rec.evaluate(b, a)
    assert sorted(fired(advice)) == ["comm-low", "q06-band", "q06-low", "q06-mkt-low"]
    assert evidence(advice, "q06-low") == [
        'q06 "Sales shares feedback": mean 2.6 (Sales 3.0, Marketing 2.2), below 3'
    ]
    assert evidence(advice, "q06-mkt-low") == [
        'q06 "Sales shares feedback": Marketing mean 2.2, below 2.5'
    ]
    assert evidence(advice, "q06-band") == [
        'q06 "Sales shares feedback": mean 2.6 (Sales 3.0, Marketing 2.2), between 2 and 3'
    ]
    assert evidence(advice, "comm-low") == [
        "Communication (dimension): mean 3.1 (Sales 3.6, Marketing 2.6), below 3.5"
    ]


def test_mean_threshold_is_strict_and_shows_the_deciding_decimal() -> None:
    b = book(("low", "mean: {item: q01, below: 3}"))
    assert fired(rec.evaluate(b, make_assessment(items={"q01": {"mean": 3.0}}))) == []
    # float noise from summing answers must not push 3.0 below 3
    noisy = make_assessment(items={"q01": {"mean": 2.9999999999999996}})
    assert fired(rec.evaluate(b, noisy)) == []
    # 2.96 would print as "3.0, below 3": two decimals make the line defensible
    advice = rec.evaluate(b, make_assessment(items={"q01": {"mean": 2.96}}))
    assert evidence(advice, "low") == [
        'q01 "Forecast accuracy": mean 2.96 (Sales 4.0, Marketing 4.0), below 3'
    ]


def test_mean_of_a_missing_group_is_unknown_and_never_fires_even_negated() -> None:
    b = book(
        ("low", "mean: {item: q06, group: marketing, below: 3}"),
        ("not-low", "not: {mean: {item: q06, group: marketing, below: 3}}"),
    )
    a = make_assessment(items={"q06": {"marketing": None}})
    assert fired(rec.evaluate(b, a)) == []


def test_gap_flagged_with_and_without_direction() -> None:
    b = book(
        ("gap-any", "gap: {item: q06}"),
        ("gap-sales", "gap: {item: q06, direction: sales}"),
        ("gap-marketing", "gap: {item: q06, direction: marketing}"),
        ("gap-q07", "gap: {item: q07}"),
        ("no-gap-q07", "not: {gap: {item: q07}}"),
        ("gap-q08", "gap: {item: q08}"),
    )
    a = make_assessment(
        items={
            "q06": {
                "mean": 3.4,
                "sales": 4.2,
                "marketing": 2.6,
                "gap": 1.6,
                "flagged": True,
                "direction": "sales",
                "effect_size": "large",
            },
            "q07": {"sales": 3.9, "marketing": 3.6, "gap": 0.3, "flagged": False},
            # q08: gap not estimable (None) -> unknown, so neither it nor its negation fires
        }
    )
    advice = rec.evaluate(b, a)
    assert sorted(fired(advice)) == ["gap-any", "gap-sales", "no-gap-q07"]
    assert evidence(advice, "gap-any") == [
        'q06 "Sales shares feedback": Sales 4.2 vs Marketing 2.6, gap +1.6, large effect'
    ]
    assert evidence(advice, "no-gap-q07") == [
        'q07 "Common vocabulary": Sales 3.9 vs Marketing 3.6, gap +0.3, not flagged'
    ]


def test_gap_on_a_dimension_without_effect_size() -> None:
    b = book(("comm-gap", "gap: {dimension: communication, direction: marketing}"))
    a = make_assessment(
        dimensions={
            "communication": {
                "sales": 2.0,
                "marketing": 3.5,
                "gap": -1.5,
                "flagged": True,
                "direction": "marketing",
            }
        }
    )
    advice = rec.evaluate(b, a)
    assert evidence(advice, "comm-gap") == [
        "Communication (dimension): Sales 2.0 vs Marketing 3.5, gap -1.5"
    ]


def test_quadrant() -> None:
    b = book(
        ("pain", "quadrant: {item: q02, is: shared_pain}"),
        ("split-or-mixed", "quadrant: {item: q02, is: [split, mixed]}"),
        ("dim-strength", "quadrant: {dimension: culture, is: shared_strength}"),
    )
    a = make_assessment(
        items={"q02": {"sales": 2.1, "marketing": 2.3, "quadrant": "shared_pain"}},
        dimensions={"culture": {"quadrant": "shared_strength"}},
    )
    advice = rec.evaluate(b, a)
    assert sorted(fired(advice)) == ["dim-strength", "pain"]
    assert evidence(advice, "pain") == [
        'q02 "No blame game": shared pain (Sales 2.1, Marketing 2.3)'
    ]


def test_low_agreement() -> None:
    b = book(
        ("sales-split", "low_agreement: {group: sales}"),
        ("marketing-split", "low_agreement: {group: marketing}"),
        ("leaders-split", "low_agreement: {group: leadership}"),
    )
    a = make_assessment(
        agreement={
            "sales": {"n": 6, "rwg_j": 0.31, "ad_m": 1.2, "low_agreement": True},
            "marketing": {"n": 5, "rwg_j": 0.8, "ad_m": 0.5, "low_agreement": False},
        }
    )
    advice = rec.evaluate(b, a)
    assert fired(advice) == ["sales-split"]
    assert evidence(advice, "sales-split") == [
        "Low agreement inside Sales: rwg(j) 0.31, AD(M) 1.20, n = 6"
    ]


def test_situation_answers() -> None:
    b = book(
        ("dup-yes", 'situation: {item: n05, answer: "yes"}'),
        ("dup-no", "situation: {item: n05, answer: No}"),
        ("slip-yes", "situation: {item: n06, answer: 1}"),
        ("conflict-yes", 'situation: {item: n04, answer: "yes"}'),
    )
    a = make_assessment()
    s = situation(n05="Yes", n06="Don't know", n04="no")
    advice = rec.evaluate(b, a, situation=s)
    assert fired(advice) == ["dup-yes"]
    assert evidence(advice, "dup-yes") == ['need-to-align n05 "Duplicated effort": Yes']
    without = rec.evaluate(b, a)
    assert fired(without) == []
    assert "situation" in without.missing_inputs


def test_checklist_answer_at_most_at_least() -> None:
    b = book(
        ("cro-no", "checklist: {item: c01, answer: no}"),
        ("cro-at-most-partly", "checklist: {item: c01, at_most: Partly}"),
        ("cro-at-least-partly", "checklist: {item: c01, at_least: partly}"),
        ("funnel-yes", 'checklist: {item: c02, answer: "yes"}'),
    )
    a = make_assessment()
    c = checklist(c01="No", c02="Partly")
    advice = rec.evaluate(b, a, checklist=c)
    assert sorted(fired(advice)) == ["cro-at-most-partly", "cro-no"]
    assert evidence(advice, "cro-no") == ['integration-checklist c01 "Chief revenue officer": No']
    assert rec.evaluate(b, a).missing_inputs == ["situation", "checklist"]


def test_funnel_findings_over_several_respondents() -> None:
    b = book(
        ("f5-unowned", "funnel: {step: f5, finding: unowned}"),
        ("any-unowned", "funnel: {finding: unowned}"),
        ("f4-contested", "funnel: {step: f4, finding: contested}"),
        ("f1-contested", "funnel: {step: f1, finding: contested}"),
        ("f3-shared", "funnel: {step: f3, owner_is: both}"),
        ("f1-shared", "funnel: {step: f1, owner_is: shared}"),
    )
    f = funnel(
        ("Head of Sales", {"f1": "marketing", "f3": "shared", "f4": "marketing", "f5": "nobody"}),
        ("Head of Marketing", {"f1": "Marketing", "f3": "joint", "f4": "sales", "f5": "sales"}),
    )
    advice = rec.evaluate(b, make_assessment(), funnel=f)
    assert sorted(fired(advice)) == ["any-unowned", "f3-shared", "f4-contested", "f5-unowned"]
    assert evidence(advice, "f5-unowned") == [
        'buying-funnel f5 "Purchase intention": Nobody (Head of Sales), Sales (Head of '
        "Marketing); conventionally Sales"
    ]
    assert evidence(advice, "f4-contested") == [
        'buying-funnel f4 "Brand preference": Marketing (Head of Sales), Sales (Head of Marketing)'
    ]
    assert evidence(advice, "any-unowned") == evidence(advice, "f5-unowned")


def test_funnel_single_answer_set_and_missing_funnel() -> None:
    b = book(("unowned", "funnel: {finding: unowned}"))
    one = funnel(("us", {"f2": "nobody", "f7": "sales"}))
    advice = rec.evaluate(b, make_assessment(), funnel=one)
    assert evidence(advice, "unowned") == [
        'buying-funnel f2 "Brand awareness": Nobody; conventionally Marketing'
    ]
    assert fired(rec.evaluate(b, make_assessment())) == []


# -- combinators -------------------------------------------------------------------------

LOW_Q01 = "mean: {item: q01, below: 3}"  # true in COMBI (q01 = 2.0)
LOW_Q02 = "mean: {item: q02, below: 3}"  # false (q02 = 4.0)
UNKNOWN = 'situation: {item: n05, answer: "yes"}'  # unknown: no situation given


def _combi_advice() -> Advice:
    b = book(
        ("all-true", f"all:\n  - {LOW_Q01}\n  - stage: {{is: defined}}"),
        ("all-false", f"all:\n  - {LOW_Q01}\n  - {LOW_Q02}"),
        ("any-true", f"any:\n  - {LOW_Q02}\n  - {LOW_Q01}"),
        ("any-false", f"any:\n  - {LOW_Q02}\n  - mean: {{item: q03, below: 2}}"),
        ("not-false", f"not: {{{LOW_Q02}}}"),
        ("not-true", f"not: {{{LOW_Q01}}}"),
        ("all-unknown", f"all:\n  - {LOW_Q01}\n  - {UNKNOWN}"),
        ("any-unknown-true", f"any:\n  - {UNKNOWN}\n  - {LOW_Q01}"),
        ("any-unknown-false", f"any:\n  - {UNKNOWN}\n  - {LOW_Q02}"),
        ("not-unknown", f"not: {{{UNKNOWN}}}"),
        ("all-false-unknown", f"all:\n  - {LOW_Q02}\n  - {UNKNOWN}"),
        ("not-all-false-unknown", f"not:\n  all:\n    - {LOW_Q02}\n    - {UNKNOWN}"),
        ("always", "always: true"),
    )
    return rec.evaluate(b, make_assessment(items={"q01": {"mean": 2.0}}))


def test_combinators_fire_exactly_as_kleene_logic_says() -> None:
    advice = _combi_advice()
    assert sorted(fired(advice)) == sorted(
        ["all-true", "any-true", "not-false", "any-unknown-true", "not-all-false-unknown", "always"]
    )


def test_combinator_evidence() -> None:
    advice = _combi_advice()
    q01 = 'q01 "Forecast accuracy": mean 2.0 (Sales 4.0, Marketing 4.0), below 3'
    q02_not = 'q02 "No blame game": mean 4.0 (Sales 4.0, Marketing 4.0), not below 3'
    assert evidence(advice, "all-true") == [q01, "Overall stage: Defined (52.4)"]
    assert evidence(advice, "any-true") == [q01]  # only the part that made it true
    assert evidence(advice, "not-false") == [q02_not]
    assert evidence(advice, "not-all-false-unknown") == [q02_not]
    assert evidence(advice, "always") == ["Applies at every stage"]


# -- transitions, order, stages ------------------------------------------------------------


def _staged_book() -> rules_mod.RuleBook:
    text = 'id: staged\nversion: "1"\ntitle: Staged\nrules:\n' + "".join(
        f"  - {{id: {rid}, title: T, action: A, why: W, transition: {tr}, owner: both,"
        f" horizon: now, priority: {p}, when: {{always: true}}}}\n"
        for rid, tr, p in [
            ("ud-b", "undefined->defined", 1),
            ("da-z", "defined->aligned", 2),
            ("da-a", "defined->aligned", 2),
            ("da-first", "defined->aligned", 1),
            ("any-p1", "any", 1),
            ("any-p2", "any", 2),
            ("ai-c", "aligned->integrated", 1),
        ]
    )
    return rules_load.from_text(text, name="staged.yaml")


def test_only_the_move_out_of_the_current_stage_fires_ordered_by_priority_move_id() -> None:
    advice = rec.evaluate(_staged_book(), make_assessment(stage="defined"))
    assert fired(advice) == ["da-first", "any-p1", "da-a", "da-z", "any-p2"]
    assert evidence(advice, "da-a") == ["Standard step for the move Defined → Aligned"]


def test_stage_override_and_top_stage() -> None:
    b = _staged_book()
    advice = rec.evaluate(b, make_assessment(stage="defined"), stage="aligned")
    assert fired(advice) == ["ai-c", "any-p1", "any-p2"]
    assert "chosen with --stage" in advice.stay_or_move.message
    assert "the data place you at Defined (52.4)" in advice.stay_or_move.message
    top = rec.evaluate(b, make_assessment(stage="integrated", score=85.0))
    assert fired(top) == ["any-p1", "any-p2"]
    assert top.stay_or_move.verdict == "top"
    assert top.stay_or_move.message.startswith("You are Integrated, the highest stage")
    assert top.missing_inputs == []  # nothing to decide: the situation is not missing
    with pytest.raises(UsageError, match="unknown stage 'bogus'"):
        rec.evaluate(b, make_assessment(), stage="bogus")


def test_no_overall_stage_only_any_rules() -> None:
    advice = rec.evaluate(_staged_book(), make_assessment(stage=None, score=None))
    assert fired(advice) == ["any-p1", "any-p2"]
    assert advice.stay_or_move.verdict == "unknown"
    assert "not known" in advice.stay_or_move.message


def test_assessment_of_another_questionnaire_is_refused() -> None:
    with pytest.raises(AnalysisError, match="read 'alignment' results"):
        rec.evaluate(_staged_book(), make_assessment(questionnaire="other"))


# -- stay or move up -----------------------------------------------------------------------

SHIPPED = rules_load.load()


def test_stay_path() -> None:
    s = situation(n08="Yes", n09="Yes", n10="No", n11="No", n12="No", n13="No", n14="No")
    advice = rec.evaluate(SHIPPED, make_assessment(), situation=s)
    som = advice.stay_or_move
    assert som.verdict == "stay"
    assert som.message == (
        "You are Defined. Your situation argues for staying: standard offerings, "
        "traditional roles work. The actions below are optional."
    )
    assert som.stay_reasons == ["Standard offerings", "Traditional roles work"]
    assert som.move_reasons == []
    assert som.current_stage is not None and som.current_stage.id == "defined"
    assert som.next_stage is not None and som.next_stage.id == "aligned"
    assert "situation" not in advice.missing_inputs


def test_move_up_path() -> None:
    s = situation(n08="No", n11="Yes", n13="Yes")
    som = rec.evaluate(SHIPPED, make_assessment(), situation=s).stay_or_move
    assert som.verdict == "move_up"
    assert som.message == (
        "You are Defined. Your situation argues for moving up to Aligned: duplication "
        "persists, market commoditising. The actions below are the way there."
    )


def test_mixed_path_says_which_way_it_leans() -> None:
    s = situation(n08="Yes", n11="Yes", n13="Yes")
    som = rec.evaluate(SHIPPED, make_assessment(), situation=s).stay_or_move
    assert som.verdict == "mixed"
    assert som.stay_reasons == ["Standard offerings"]
    assert som.move_reasons == ["Duplication persists", "Market commoditising"]
    assert "leans towards moving up (2 for, 1 against)" in som.message


def test_no_situation_given() -> None:
    advice = rec.evaluate(SHIPPED, make_assessment())
    assert advice.stay_or_move.verdict == "unknown"
    assert advice.stay_or_move.message.startswith(
        "You are Defined. Whether to move up to Aligned depends on your situation, "
        "which was not given"
    )
    assert advice.missing_inputs[0] == "situation"


def test_only_statements_for_the_current_stage_count() -> None:
    # n01-n03 argue for staying at Undefined; at Defined they must not count.
    s = situation(n01="Yes", n02="Yes", n08="No", n09="No")
    som = rec.evaluate(SHIPPED, make_assessment(), situation=s).stay_or_move
    assert som.verdict == "unknown"
    assert "None of the situations listed for the Defined stage applies" in som.message
    at_undefined = rec.evaluate(
        SHIPPED, make_assessment(stage="undefined", score=30.0), situation=s
    ).stay_or_move
    assert at_undefined.verdict == "stay"
    assert at_undefined.stay_reasons == ["Small company", "Good informal relations"]


def test_situation_with_nothing_answered_for_the_stage() -> None:
    s = situation(n01="Yes", n08="Don't know")
    som = rec.evaluate(SHIPPED, make_assessment(), situation=s).stay_or_move
    assert som.verdict == "unknown"
    assert "None of the need-to-align questions for the Defined stage was answered" in som.message


def test_stage_disagreement_is_noted_in_the_verdict() -> None:
    from salesmkt.model.assessment import StageDisagreement

    a = make_assessment()
    a.stage_disagreement = StageDisagreement(
        differs=True, headline="Sales sees Aligned, Marketing sees Defined."
    )
    som = rec.evaluate(SHIPPED, a).stay_or_move
    assert som.message.endswith(" Note: Sales sees Aligned, Marketing sees Defined.")


# -- the shipped rules on hand-built results ------------------------------------------------


def test_shipped_gap_driven_rules() -> None:
    a = make_assessment(
        stage="aligned",
        score=66.0,
        items={
            "q06": {"sales": 4.4, "marketing": 2.4, "gap": 2.0, "flagged": True,
                    "direction": "sales", "effect_size": "large", "quadrant": "split"},
            "q05": {"sales": 2.2, "marketing": 4.2, "gap": -2.0, "flagged": True,
                    "direction": "marketing", "effect_size": "medium", "quadrant": "split"},
            "q02": {"mean": 2.2, "sales": 2.1, "marketing": 2.3, "quadrant": "shared_pain"},
        },
        agreement={"sales": {"n": 6, "rwg_j": 0.2, "ad_m": 1.3, "low_agreement": True}},
    )  # fmt: skip
    f = funnel(("us", {"f5": "nobody"}))
    c = checklist(c01="No")
    advice = rec.evaluate(SHIPPED, a, funnel=f, checklist=c)
    got = set(fired(advice))
    for rule in (
        "split-on-sales-feedback",
        "split-on-collateral",
        "sales-team-conversation",
        "shared-pain-blame",
        "funnel-unowned-step",
        "chief-revenue-officer",
        "lessons-learned-reviews",
    ):
        assert rule in got, rule
    for rule in ("marketing-team-conversation", "funnel-contested-step", "define-funnel-steps"):
        assert rule not in got, rule
    # nothing for another move fires at Aligned
    assert all(a.transition in ("aligned->integrated", "any") for a in advice.actions)
    assert evidence(advice, "split-on-sales-feedback") == [
        'q06 "Sales shares feedback": split view (Sales 4.4, Marketing 2.4)',
        'q06 "Sales shares feedback": Sales 4.4 vs Marketing 2.4, gap +2.0, large effect',
    ]
    assert evidence(advice, "chief-revenue-officer") == [
        'integration-checklist c01 "Chief revenue officer": No'
    ]
    assert [a.priority for a in advice.actions] == sorted(a.priority for a in advice.actions)


def test_shipped_rules_fire_nothing_for_a_strong_aligned_company_without_inputs() -> None:
    advice = rec.evaluate(SHIPPED, make_assessment(stage="aligned", score=78.0))
    assert fired(advice) == []


# -- playbook ----------------------------------------------------------------------------------


def test_playbook_lists_every_rule_for_the_move_with_its_condition_in_words() -> None:
    actions = rec.playbook(SHIPPED, "defined")
    expected = {r.id for r in SHIPPED.rules if r.transition == "defined->aligned"}
    assert {a.rule for a in actions} == expected
    assert [a.priority for a in actions] == sorted(a.priority for a in actions)
    cro = next(a for a in rec.playbook(SHIPPED, "aligned") if a.rule == "chief-revenue-officer")
    assert [e.kind for e in cro.evidence] == ["condition"]
    assert cro.evidence[0].text == (
        'When any of: q17 "Single revenue leader" mean is below 3.5; '
        'integration-checklist c01 "Chief revenue officer" is at most Partly'
    )
    assert rec.playbook(SHIPPED, "integrated") == []
    with pytest.raises(UsageError):
        rec.playbook(SHIPPED, "bogus")


def test_describe_every_kind() -> None:
    b = book(("x", "always: true"))
    cases = {
        "stage: {of: sales, is: [defined, aligned]}": "Sales stage is Defined or Aligned",
        "mean: {dimension: culture, group: marketing, above: 2, below: 4}": (
            "Culture & trust (dimension) mean for Marketing is above 2 and below 4"
        ),
        "gap: {item: q05, direction: marketing}": (
            'a flagged Sales–Marketing gap on q05 "Useful sales material", Marketing higher'
        ),
        "quadrant: {item: q02, is: [split, shared_pain]}": (
            'q02 "No blame game" is split view or shared pain'
        ),
        "low_agreement: {group: sales}": "low agreement inside Sales",
        "situation: {item: n04, answer: no}": 'need-to-align n04 "Visible conflicts" is No',
        "checklist: {item: c06, at_least: 1}": (
            'integration-checklist c06 "Shared revenue targets" is at least Partly'
        ),
        "funnel: {finding: contested}": "a funnel step that Sales and Marketing each claim",
        "funnel: {step: f2, owner_is: mktg}": "funnel step f2 owned by Marketing",
        "not: {always: true}": "not (always)",
    }
    import yaml

    for text, words in cases.items():
        pred = rules_mod.Predicate.model_validate(yaml.safe_load(text))
        assert rec.describe(b, pred) == words, text


# -- answers files --------------------------------------------------------------------------


def test_answers_yaml_three_shapes(tmp_path: Path) -> None:
    q = load("need-to-align")
    flat = tmp_path / "flat.yaml"
    flat.write_text('n08: "Yes"\nN09: yes\nn10: no\nn11: 0\nn12: true\nn13: "Not sure"\n')
    a = answers_mod.load_answers(flat, q)
    assert a.sets[0].values == {
        "n08": 1.0, "n09": 1.0, "n10": 0.0, "n11": 0.0, "n12": 1.0, "n13": None
    }  # fmt: skip
    nested = tmp_path / "nested.yaml"
    nested.write_text("questionnaire: need-to-align\nanswers:\n  n08: YES\n")
    assert answers_mod.load_answers(nested, q).value("n08") == 1.0
    f = load("buying-funnel")
    many = tmp_path / "funnel.yaml"
    many.write_text(
        "respondents:\n"
        "  - name: Head of Sales\n    answers: {f4: marketing, f5: nobody}\n"
        "  - answers: {f4: sales}\n"
    )
    got = answers_mod.load_answers(many, f, many=True)
    assert [s.label for s in got.sets] == ["Head of Sales", "respondent 2"]
    assert got.answered("f4") == [("Head of Sales", "marketing"), ("respondent 2", "sales")]
    with pytest.raises(ResponseDataError, match="expected one set of buying-funnel answers"):
        answers_mod.load_answers(many, f)


def test_answers_yaml_errors_name_line_and_column(tmp_path: Path) -> None:
    q = load("need-to-align")
    bad = tmp_path / "bad.yaml"
    bad.write_text('n08: "Yes"\nn99: "No"\nn10: maybe\n')
    with pytest.raises(ResponseDataError) as err:
        answers_mod.load_answers(bad, q)
    assert err.value.problems == [
        f"{bad}:2:1: unknown item 'n99' for need-to-align (n01–n20)",
        f"{bad}:3:6: n10: 'maybe' is not an answer (expected No, Yes or 0–1, or "
        "Don't know / Not sure)",
    ]
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("questionnaire: buying-funnel\nanswers: {n08: yes}\n")
    with pytest.raises(ResponseDataError, match=r"wrong.yaml:1:16: these answers are for"):
        answers_mod.load_answers(wrong, q)


def test_answers_from_csv_and_xlsx(tmp_path: Path) -> None:
    q = load("integration-checklist")
    csv_file = tmp_path / "checklist.csv"
    csv_file.write_text("c01,c02,Shared revenue targets\nNo,partly,2\n")
    a = answers_mod.load_answers(csv_file, q)
    assert a.sets[0].values == {"c01": 0.0, "c02": 1.0, "c06": 2.0}
    bad = tmp_path / "bad.csv"
    bad.write_text("c01,c02\nNo,sometimes\n")
    with pytest.raises(ResponseDataError, match=r"bad.csv:2:B: c02: 'sometimes' is not an answer"):
        answers_mod.load_answers(bad, q)
    two = tmp_path / "two.csv"
    two.write_text("c01\nNo\nYes\n")
    with pytest.raises(ResponseDataError, match="found 2"):
        answers_mod.load_answers(two, q)
    import openpyxl

    book_ = openpyxl.Workbook()
    sheet = book_.active
    assert sheet is not None
    sheet.append(["name", "f4", "f5"])
    sheet.append(["Sales", "Marketing", "Nobody"])
    sheet.append(["Marketing", "Sales", None])
    xlsx = tmp_path / "funnel.xlsx"
    book_.save(xlsx)
    f = answers_mod.load_answers(xlsx, load("buying-funnel"), many=True)
    assert f.answered("f4") == [("Sales", "marketing"), ("Marketing", "sales")]
    assert f.answered("f5") == [("Sales", "nobody")]


def test_answers_from_a_full_table_go_through_the_survey_reader(tmp_path: Path) -> None:
    q = load("need-to-align")
    head = "respondent," + ",".join(q.item_ids)
    cells = ["" for _ in q.item_ids]
    cells[7], cells[8], cells[10] = "Yes", "1", "No"  # n08, n09, n11
    full = tmp_path / "situation.csv"
    full.write_bytes((head + "\nLeadership team," + ",".join(cells) + "\n").encode("utf-16"))
    a = answers_mod.load_answers(full, q)
    assert a.sets[0].label == "Leadership team"
    assert {k: v for k, v in a.sets[0].values.items() if v is not None} == {
        "n08": 1.0,
        "n09": 1.0,
        "n11": 0.0,
    }
    cells[9] = "perhaps"
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "\nus," + ",".join(cells) + "\n")
    with pytest.raises(ResponseDataError) as err:
        answers_mod.load_answers(bad, q)
    assert err.value.problems[0].startswith(f"{bad}:2:K (n10): 'perhaps' is not an answer")
    f = load("buying-funnel")
    funnel_csv = tmp_path / "funnel.csv"
    funnel_csv.write_text(
        "name," + ",".join(f.item_ids) + "\nSales,Marketing,,,,Nobody,,,\nMarketing,,,,,both,,,\n"
    )
    got = answers_mod.load_answers(funnel_csv, f, many=True)
    assert got.answered("f5") == [("Sales", "nobody"), ("Marketing", "shared")]
    assert got.answered("f1") == [("Sales", "marketing")]
