"""`salesmkt validate`: every problem kind, with its exact code and line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from support.paths import QUESTIONNAIRES, ROOT
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions.builtin import builtin_paths
from salesmkt.definitions.kinds import check_any_file

FIX = Path(__file__).parent / "fixtures" / "questionnaires"
runner = CliRunner()


@pytest.mark.parametrize(
    ("fixture", "code", "line", "column"),
    [
        ("broken-syntax.yaml", "yaml-syntax", 4, 6),
        ("unknown-field.yaml", "schema-unknown-field", 9, 5),
        ("duplicate-item.yaml", "duplicate-id", 8, 10),
        ("unknown-dimension.yaml", "unknown-dimension", 9, 43),
        ("stage-gap.yaml", "stage-gap", 10, 34),
        ("stage-overlap.yaml", "stage-overlap", 9, 40),
        ("stage-out-of-range.yaml", "stage-out-of-range", 11, 46),
        ("compare-unknown.yaml", "compare-unknown-group", 8, 18),
        ("alias-bomb.yaml", "yaml-anchor", 4, 4),
        ("alias-only.yaml", "yaml-alias", 5, 8),
        ("duplicate-key.yaml", "yaml-duplicate-key", 7, 1),
        ("python-tag.yaml", "yaml-tag", 3, 8),
        ("label-out-of-range.yaml", "label-out-of-range", 7, 25),
        ("alias-duplicate.yaml", "alias-duplicate", 7, 49),
        ("unquoted-version.yaml", "schema-invalid", 2, 10),
    ],
)
def test_each_problem_has_its_code_and_line(
    fixture: str, code: str, line: int, column: int
) -> None:
    report = check_any_file(FIX / fixture)
    assert not report.ok
    found = [(d.code, d.line, d.column) for d in report.diagnostics]
    assert (code, line, column) in found, found
    result = runner.invoke(app, ["validate", str(FIX / fixture), "--format", "text"])
    assert result.exit_code == 1
    assert f"{fixture}:{line}:{column}: [error] {code}:" in result.stdout


def test_minimal_fixture_is_valid() -> None:
    result = runner.invoke(app, ["validate", str(FIX / "minimal.yaml")])
    assert result.exit_code == 0, result.output
    assert "1 valid, 0 invalid" in result.stderr


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    bad = tmp_path / "many.yaml"
    bad.write_text(
        "id: many\nversion: '1'\ntitle: Many problems\nscale: {min: 1, max: 5}\n"
        "groups: [{id: sales, label: Sales}, {id: marketing, label: Marketing}]\n"
        "compare: [sales, hr]\n"
        "dimensions: [{id: talk, label: Talk}]\n"
        "items:\n"
        "  - {id: q1, text: One., dimension: talk}\n"
        "  - {id: q1, text: Two., dimension: nope}\n"
        "stages:\n"
        "  - {id: a, label: A, min: 3}\n",
        encoding="utf-8",
    )
    codes = sorted(d.code for d in check_any_file(bad).diagnostics)
    assert codes == ["compare-unknown-group", "duplicate-id", "stage-gap", "unknown-dimension"]


def test_shipped_questionnaires_validate_clean_dogfooding() -> None:
    paths = builtin_paths("questionnaires")
    assert {p.stem for p in paths} >= {
        "alignment",
        "need-to-align",
        "integration-checklist",
        "buying-funnel",
    }
    for path in paths:
        report = check_any_file(path)
        assert report.diagnostics == [], (path, report.diagnostics)
    result = runner.invoke(app, ["validate", "--strict"])
    assert result.exit_code == 0, result.output


def test_json_format_lists_diagnostics() -> None:
    result = runner.invoke(app, ["validate", str(FIX / "duplicate-item.yaml"), "-f", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == [
        {
            "file": str(FIX / "duplicate-item.yaml"),
            "line": 8,
            "column": 10,
            "level": "error",
            "code": "duplicate-id",
            "message": "item id 'q1' is already used by item #1",
        }
    ]


def test_json_format_prints_empty_list_when_valid() -> None:
    result = runner.invoke(app, ["validate", str(FIX / "minimal.yaml"), "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_github_format_annotations() -> None:
    result = runner.invoke(app, ["validate", str(FIX / "stage-gap.yaml"), "-f", "github"])
    assert result.exit_code == 1
    line = result.stdout.strip().splitlines()[0]
    assert line.startswith("::error file=")
    assert ",line=10,col=34,title=stage-gap::" in line


def test_auto_format_uses_github_under_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = runner.invoke(app, ["validate", str(FIX / "stage-gap.yaml")])
    assert result.stdout.startswith("::error ")
    monkeypatch.delenv("GITHUB_ACTIONS")
    result = runner.invoke(app, ["validate", str(FIX / "stage-gap.yaml")])
    assert "[error] stage-gap:" in result.stdout


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    warn = tmp_path / "warn.yaml"
    warn.write_text(
        "id: warn\nversion: '1'\ntitle: Empty dimension\nscale: {min: 1, max: 5}\n"
        "dimensions: [{id: talk, label: Talk}, {id: unused, label: Unused}]\n"
        "items: [{id: q1, text: One., dimension: talk}]\n",
        encoding="utf-8",
    )
    relaxed = runner.invoke(app, ["validate", str(warn)])
    assert relaxed.exit_code == 0
    assert "[warning] empty-dimension:" in relaxed.stdout
    strict = runner.invoke(app, ["validate", "--strict", str(warn)])
    assert strict.exit_code == 1


def test_folder_is_expanded_and_missing_file_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text((FIX / "minimal.yaml").read_text(), encoding="utf-8")
    (tmp_path / "b.yml").write_text((FIX / "duplicate-item.yaml").read_text(), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "2 file(s) checked: 1 valid, 1 invalid" in result.stderr
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1
    assert "nope.yaml:1:1: [error] file-not-found:" in missing.stdout


def test_unknown_kind_and_non_mapping(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("name: something else\n", encoding="utf-8")
    assert [d.code for d in check_any_file(other).diagnostics] == ["unknown-kind"]
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n- 2\n", encoding="utf-8")
    assert [d.code for d in check_any_file(listy).diagnostics] == ["yaml-not-mapping"]


def test_usage_error_exits_2() -> None:
    result = runner.invoke(app, ["validate", "--format", "xml"])
    assert result.exit_code == 2


def test_schema_command_prints_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["title"] == "Questionnaire"
    assert {"id", "version", "title", "scale", "items"} <= set(doc["required"])
    assert doc["additionalProperties"] is False


def test_schema_of_rules_and_assessment() -> None:
    rules = json.loads(runner.invoke(app, ["schema", "rules"]).stdout)
    assert "rules" in rules["properties"]
    assessment = runner.invoke(app, ["schema", "assessment"])
    assert assessment.exit_code == 0
    doc = json.loads(assessment.stdout)
    assert {"questionnaire", "respondents", "overall", "groups", "items"} <= set(doc["properties"])
    assert runner.invoke(app, ["schema", "spreadsheet"]).exit_code == 2


# -- schema and meaning errors in one run ------------------------------------------------


def _alignment_with(tmp_path: Path, edit: Callable[[list[str], list[int]], None]) -> Path:
    lines = (QUESTIONNAIRES / "alignment.yaml").read_text(encoding="utf-8").split("\n")
    edit(lines, [i for i, line in enumerate(lines) if line.startswith("  - id: q")])
    path = tmp_path / "survey.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_schema_and_meaning_errors_come_in_one_run(tmp_path: Path) -> None:
    def edit(lines: list[str], items: list[int]) -> None:
        lines[items[5]] = lines[items[5]].replace("q06", "q05")  # a meaning error
        lines.insert(items[2] + 1, "    weight: 2")  # a schema error, earlier in the file

    path = _alignment_with(tmp_path, edit)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    codes = re.findall(r"\[error\] ([a-z-]+):", result.stdout)
    assert codes == ["schema-unknown-field", "duplicate-id"]
    assert "item id 'q05' is already used by item #5" in result.stdout


def test_a_missing_required_field_shows_only_the_schema_error(tmp_path: Path) -> None:
    def edit(lines: list[str], items: list[int]) -> None:
        lines[items[5]] = lines[items[5]].replace("q06", "q05")
        del lines[items[2] + 1]  # q03's text: required

    path = _alignment_with(tmp_path, edit)
    result = runner.invoke(app, ["validate", str(path)])
    assert re.findall(r"\[error\] ([a-z-]+):", result.stdout) == ["schema-missing-field"]


def test_problems_of_the_entry_that_lost_a_value_wait(tmp_path: Path) -> None:
    def edit(lines: list[str], items: list[int]) -> None:
        lines.insert(items[2] + 1, "    owner: 7")  # refused; left out, owner has a default

    path = _alignment_with(tmp_path, edit)
    result = runner.invoke(app, ["validate", str(path)])
    assert re.findall(r"\[error\] ([a-z-]+):", result.stdout) == ["schema-invalid"]


# -- the pre-commit hook --------------------------------------------------------------------


def test_skip_foreign_lets_other_yaml_be(tmp_path: Path) -> None:
    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs:\n  test: &job\n    runs-on: x\n  again: *job\n")
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text("repos:\n  - repo: local\n")
    broken = tmp_path / "survey.yaml"
    broken.write_text("items: 3\n")
    plain = runner.invoke(app, ["validate", str(workflow), str(config)])
    assert plain.exit_code == 1  # without the flag: unknown-kind, yaml-alias
    result = runner.invoke(
        app, ["validate", "--strict", "--skip-foreign", str(workflow), str(config), str(broken)]
    )
    assert result.exit_code == 1  # the real definition still fails
    assert f"{workflow}: skipped: not a questionnaire or rules file" in result.stderr
    assert f"{config}: skipped: not a questionnaire or rules file" in result.stderr
    assert "1 file(s) checked: 0 valid, 1 invalid" in result.stderr and "2 skipped" in result.stderr
    only = runner.invoke(app, ["validate", "--skip-foreign", str(workflow)])
    assert only.exit_code == 0


def test_the_hook_defaults_to_definition_paths() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    pattern = re.compile(hooks[0]["files"])
    assert "--skip-foreign" in hooks[0]["entry"]
    for path in ("questionnaires/alignment.yaml", "rules/moving-up.yml", "x/a.rules.yaml"):
        assert pattern.search(path), path
    for path in (".pre-commit-config.yaml", ".github/workflows/ci.yml", "docker-compose.yml"):
        assert not pattern.search(path), path
