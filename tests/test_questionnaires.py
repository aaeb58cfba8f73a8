"""The built-in instruments, the model's derived views, and the questionnaires command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions import questionnaire as qmod
from salesmkt.definitions.questionnaire_load import load
from salesmkt.errors import InvalidFileError, NotFoundError

runner = CliRunner()
FIX = Path(__file__).parent / "fixtures" / "questionnaires"


def test_alignment_matches_the_published_key() -> None:
    q = load("alignment")
    assert q.item_ids == [f"q{i:02d}" for i in range(1, 21)]
    assert (q.scale.min, q.scale.max) == (1, 5)
    assert q.total_range == (20, 100)
    assert [(s.id, s.min, s.max) for s in q.stages] == [
        ("undefined", 20, 39),
        ("defined", 40, 59),
        ("aligned", 60, 79),
        ("integrated", 80, 100),
    ]
    assert q.compare == ["sales", "marketing"]
    assert not any(i.reverse for i in q.items)  # the article's items are all positive
    assert all(s.description for s in q.stages)
    for d in q.dimensions:
        assert len(q.items_in(d.id)) >= 3, d.id


@pytest.mark.parametrize(
    ("total", "stage"),
    [
        (20, "undefined"),
        (39, "undefined"),
        (39.5, "undefined"),
        (40, "defined"),
        (59.99, "defined"),
        (60, "aligned"),
        (79, "aligned"),
        (80, "integrated"),
        (100, "integrated"),
    ],
)
def test_stage_for_uses_half_open_bands(total: float, stage: str) -> None:
    found = load("alignment").stage_for(total)
    assert found is not None and found.id == stage


def test_need_to_align_covers_stay_and_move_for_each_stage() -> None:
    q = load("need-to-align")
    assert (q.scale.min, q.scale.max) == (0, 1)
    pairs = {(i.stage, i.argues) for i in q.items}
    for stage in ("undefined", "defined", "aligned"):
        assert (stage, "stay") in pairs
        assert (stage, "move_up") in pairs
    assert all(i.stage and i.argues for i in q.items)


def test_checklist_and_funnel_shapes() -> None:
    checklist = load("integration-checklist")
    assert [checklist.scale.labels[v] for v in (0, 1, 2)] == ["No", "Partly", "Yes"]
    funnel = load("buying-funnel")
    assert funnel.scale.type == "choice"
    assert [o.id for o in funnel.scale.options] == ["marketing", "sales", "shared", "nobody"]
    assert [i.owner for i in funnel.items] == ["marketing"] * 4 + ["sales"] * 4


def test_group_lookup_is_case_and_space_insensitive() -> None:
    q = load("alignment")
    lookup = q.group_lookup()
    assert lookup[qmod.normalise("  SALES\u00a0")] == "sales"
    assert lookup[qmod.normalise("Marketing")] == "marketing"


def test_load_by_path_and_unknown_id() -> None:
    q = load(str(FIX / "minimal.yaml"))
    assert q.id == "mini"
    with pytest.raises(NotFoundError) as info:
        load("no-such-instrument")
    assert "alignment" in str(info.value)
    with pytest.raises(InvalidFileError) as bad:
        load(str(FIX / "stage-gap.yaml"))
    assert "stage-gap" in str(bad.value)


def test_questionnaires_command_lists_builtins() -> None:
    result = runner.invoke(app, ["questionnaires"])
    assert result.exit_code == 0, result.output
    for name in ("alignment", "need-to-align", "buying-funnel"):
        assert name in result.stdout
    assert "20" in result.stdout


def test_show_prints_every_statement_as_a_form() -> None:
    q = load("alignment")
    result = runner.invoke(app, ["questionnaires", "show", "alignment", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("☐ 1") == 20
    assert "## Scoring key" in result.stdout
    assert "| 40–59 | Defined |" in result.stdout
    assert q.items[5].id in result.stdout


def test_show_escapes_hostile_text(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(
        "id: hostile\nversion: '1'\ntitle: '<script>alert(1)</script>'\n"
        "scale: {min: 1, max: 5}\nitems: [{id: q1, text: '[click](http://evil) **now**'}]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["questionnaires", "show", str(hostile), "-f", "markdown"])
    assert result.exit_code == 0
    assert "<script>" not in result.stdout
    assert "&lt;script&gt;" in result.stdout
    assert "\\[click\\]\\(http://evil\\) \\*\\*now\\*\\*" in result.stdout


def test_show_unknown_questionnaire_is_a_one_line_error() -> None:
    result = runner.invoke(app, ["questionnaires", "show", "nope"])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("salesmkt: error: unknown questionnaire 'nope'")
    assert "Traceback" not in result.output


def test_scale_spellings_and_read_are_the_one_reading_of_an_answer() -> None:
    # Worked out by hand from the shipped files: alignment rates 1-5 with labels and
    # missing codes; buying-funnel chooses an owner.
    alignment = load("alignment").scale
    words = alignment.spellings()
    assert words[0] == ("Strongly disagree", "label", 1)
    assert [w.text for w in words if w.kind == "point"] == ["1", "2", "3", "4", "5"]
    assert [w.value for w in words if w.kind == "missing"] == [None] * len(alignment.missing)
    assert alignment.read("  AGREE ") == 4.0
    assert alignment.read("4") == alignment.read(4) == alignment.read("4.0") == 4.0
    assert alignment.read(6) is None and alignment.read("4.5") is None
    assert alignment.read(True) is None
    assert alignment.read(alignment.missing[0]) is None  # a missing code is not an answer
    funnel = load("buying-funnel").scale
    first = funnel.options[0]
    assert funnel.read(first.label.upper()) == first.id
    assert all(funnel.read(alias) == first.id for alias in first.aliases)
    assert funnel.read("1") is None  # option numbers are the interview's convenience only
