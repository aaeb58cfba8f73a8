"""Hostile YAML definition files: deep nesting, huge numbers, control characters.

Every input is generated in ``tmp_path`` at test time. Each must end in a located,
coded error (``file:line:col``), exit code 1, quickly, with no "internal error" and no
traceback, through every command that loads a definition or answers file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support.paths import QUESTIONNAIRES, WORKSHOP
from typer.testing import CliRunner

from salesmkt.cli import app

QUESTIONNAIRE_SCHEMA = Path(__file__).parents[2] / "schemas" / "questionnaire.schema.json"

RULES = QUESTIONNAIRES.parent / "rules" / "moving-up.yaml"

# name -> (file text, expected code, expected "line:col")
HOSTILE: dict[str, tuple[str, str, str]] = {
    "deep-sequence": ("[" * 5000, "yaml-too-deep", "1:65"),
    "deep-mapping": ("{a: " * 5000, "yaml-too-deep", "1:257"),
    "deep-block": (
        "".join(f"{' ' * i}k{i}:\n" for i in range(100)) + " " * 100 + "v\n",
        "yaml-too-deep",
        "65:65",
    ),
    "long-int-value": ("items: x\nmin: 1" + "2" * 5000 + "\n", "yaml-number-too-long", "2:6"),
    "long-int-key": ("1" + "0" * 5000 + ": x\n", "yaml-number-too-long", "1:1"),
    "long-negative-int": ("a: [1, -" + "9" * 31 + "]\n", "yaml-number-too-long", "1:8"),
    "long-float": ("a:\n  b: 0." + "1" * 40 + "\n", "yaml-number-too-long", "2:6"),
    "tagged-long-int": ('a: !!int "' + "7" * 5000 + '"\n', "yaml-number-too-long", "1:4"),
    "float-overflow": ("a: 1e999\n", "yaml-number-out-of-range", "1:4"),
    "negative-float-overflow": ("a: -9.5e400\n", "yaml-number-out-of-range", "1:4"),
}


# What the message says, for the commands that report a file's first problem without code.
WORDS = {
    "yaml-too-deep": "nested more than 64 levels deep",
    "yaml-number-too-long": "numbers are limited to 30 digits",
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _assert_located(result_output: str, exit_code: int, path: Path, code: str, where: str) -> None:
    assert exit_code == 1, result_output
    assert "internal error" not in result_output
    assert "Traceback" not in result_output
    assert f"{path}:{where}" in result_output, result_output
    assert code in result_output, result_output


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_validate_refuses_hostile_yaml(tmp_path: Path, name: str) -> None:
    text, code, where = HOSTILE[name]
    path = _write(tmp_path, name, text)
    # Warm up first: the first command of a session also pays for lazy imports.
    CliRunner().invoke(app, ["validate", str(QUESTIONNAIRES / "alignment.yaml")])
    started = time.process_time()  # CPU time: other processes' load does not count
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert time.process_time() - started < 1.0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    _assert_located(result.output, result.exit_code, path, code, where)
    assert f"[error] {code}:" in result.output


Command = Callable[[Path], list[str]]
COMMANDS: dict[str, Command] = {
    "score -q": lambda p: ["score", "-q", str(p), str(WORKSHOP)],
    "recommend --situation": lambda p: ["recommend", str(WORKSHOP), "--situation", str(p)],
    "recommend --funnel": lambda p: ["recommend", str(WORKSHOP), "--funnel", str(p)],
    "recommend --checklist": lambda p: ["recommend", str(WORKSHOP), "--checklist", str(p)],
    "score --map": lambda p: ["score", str(WORKSHOP), "--map", str(p)],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", ["deep-sequence", "deep-mapping", "long-int-value"])
def test_loading_commands_refuse_hostile_yaml(tmp_path: Path, command: str, name: str) -> None:
    text, code, where = HOSTILE[name]
    path = _write(tmp_path, name, text)
    started = time.process_time()
    result = CliRunner().invoke(app, COMMANDS[command](path))
    assert time.process_time() - started < 5.0
    _assert_located(result.output, result.exit_code, path, WORDS[code], where)


def test_depth_limit_allows_the_limit_itself(tmp_path: Path) -> None:
    from salesmkt.definitions.yamlload import MAX_DEPTH, load_yaml

    ok = _write(tmp_path, "ok", "[" * MAX_DEPTH + "]" * MAX_DEPTH)
    data = load_yaml(ok).data
    for _ in range(MAX_DEPTH - 1):
        data = data[0]
    assert data == []


def test_number_limit_allows_the_limit_itself(tmp_path: Path) -> None:
    from salesmkt.definitions.yamlload import MAX_NUMBER_DIGITS, load_yaml

    digits = "9" * MAX_NUMBER_DIGITS
    ok = _write(tmp_path, "ok", f"a: {digits}\nb: -{digits}\nc: 1.5e300\nd: '{digits}9'\n")
    assert load_yaml(ok).data == {
        "a": int(digits),
        "b": -int(digits),
        "c": 1.5e300,
        "d": digits + "9",
    }


# -- control characters ------------------------------------------------------------------

_TITLE = "title: Sales & Marketing Alignment Assessment"


def _questionnaire_with(tmp_path: Path, title_line: str) -> Path:
    text = (QUESTIONNAIRES / "alignment.yaml").read_text(encoding="utf-8")
    assert _TITLE in text
    path = tmp_path / "alignment.yaml"
    path.write_text(text.replace(_TITLE, title_line, 1), encoding="utf-8")
    return path


def _title_line() -> int:
    text = (QUESTIONNAIRES / "alignment.yaml").read_text(encoding="utf-8")
    return text[: text.index(_TITLE)].count("\n") + 1


# name -> (title line as written, the character named, the column reported)
CONTROL: dict[str, tuple[str, str, int]] = {
    "escape-sequence": ('title: "Sales \\e[31mred\\e[0m"', "U+001B", 8),
    "x1b-escape": ('title: "Sales \\x1b[2J"', "U+001B", 8),
    "nul": ('title: "Sales\\0"', "U+0000", 8),
    "bell": ('title: "Sales\\a"', "U+0007", 8),
    "backspace": ('title: "Sales\\b"', "U+0008", 8),
    "vertical-tab": ('title: "Sales\\v"', "U+000B", 8),
    "form-feed": ('title: "Sales\\f"', "U+000C", 8),
    "del": ('title: "Sales\\x7f"', "U+007F", 8),
    "c1-csi": ('title: "Sales\\x9b31m"', "U+009B", 8),
    "c1-nel": ('title: "Sales\\N"', "U+0085", 8),
    "in-key": ('"ti\\x01tle": x\n' + _TITLE, "U+0001", 1),
    "raw-escape": ("title: Sales \x1b[31mred", "U+001B", 14),
    "raw-del": ("title: Sales\x7f", "U+007F", 13),
    "raw-c1": ("title: Sales\x9b", "U+009B", 13),
    # Bidirectional controls reorder what a reader sees ("Trojan Source"); zero-width
    # characters hide text. Raw or escaped, they are refused like controls.
    "bidi-override": ('title: "Sales \u202eteg"', "U+202E", 8),
    "bidi-isolate": ("title: Sales \u2067x\u2069", "U+2067", 8),
    "zero-width-space": ('title: "Sa\u200bles"', "U+200B", 8),
    "mid-file-bom": ("title: Sa\ufeffles", "U+FEFF", 8),
}


@pytest.mark.parametrize("name", sorted(CONTROL))
def test_validate_reports_control_characters(tmp_path: Path, name: str) -> None:
    title_line, char, column = CONTROL[name]
    path = _questionnaire_with(tmp_path, title_line)
    result = CliRunner().invoke(app, ["validate", str(path)])
    _assert_located(
        result.output,
        result.exit_code,
        path,
        "[error] control-character:",
        f"{_title_line()}:{column}",
    )
    assert char in result.output


@pytest.mark.parametrize("name", ["escape-sequence", "c1-csi", "raw-escape", "in-key"])
def test_scoring_refuses_control_characters(tmp_path: Path, name: str) -> None:
    title_line, char, column = CONTROL[name]
    path = _questionnaire_with(tmp_path, title_line)
    result = CliRunner().invoke(app, ["score", "-q", str(path), str(WORKSHOP)])
    _assert_located(
        result.output, result.exit_code, path, "control-character", f"{_title_line()}:{column}"
    )
    assert char in result.output


def test_control_character_in_rules_file(tmp_path: Path) -> None:
    text = RULES.read_text(encoding="utf-8")
    line = "title: Moving up a stage"
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(line, 'title: "Moving\\e]0;pwned\\a up"', 1), encoding="utf-8")
    where = text[: text.index(line)].count("\n") + 1
    result = CliRunner().invoke(app, ["validate", str(path)])
    _assert_located(result.output, result.exit_code, path, "control-character", f"{where}:8")
    assert "U+001B" in result.output
    assert "U+0007" in result.output


@pytest.mark.parametrize(
    "title",
    ['"Sales\\tand\\nMarketing\\r"', "Sales & Marketing é ✓", "\u0645\u200c\u06cc", "👩\u200d💼"],
)
def test_tab_newline_and_text_are_fine(tmp_path: Path, title: str) -> None:
    path = _questionnaire_with(tmp_path, f"title: {title}")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "control-character" not in result.output


# -- escaped controls in mapping and answers files --------------------------------------


@pytest.mark.parametrize("value", ['"\\e]52;c;ZXZpbA==\\a"', '"q\\u202e01"', '"Q1\\x9b"'])
def test_a_mapping_file_with_escaped_controls_is_refused(tmp_path: Path, value: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(f"q01: Q1\nq02: {value}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(WORKSHOP), "--map", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:2:6: q02: control character" in result.output
    assert "Traceback" not in result.output


def test_an_answers_file_with_escaped_controls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "situation.yaml"
    path.write_text('s01: "yes\\e[2J"\n', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["recommend", str(WORKSHOP), "--situation", str(path)], input=""
    )
    assert result.exit_code == 1, result.output
    assert f"{path}:1:6: s01: control character U+001B" in result.output


# -- questionnaire size --------------------------------------------------------------------


def _items_yaml(n: int, help_len: int = 20) -> str:
    lines = [
        "id: big",
        'version: "1"',
        "title: Big",
        "scale: {type: numeric, min: 1, max: 5}",
        "items:",
    ]
    lines += [f"  - {{id: q{i}, text: 'Item {i}', help: '{'x' * help_len} {i}'}}" for i in range(n)]
    return "\n".join(lines) + "\n"


def test_a_questionnaire_of_5000_items_is_valid_and_5001_is_not(tmp_path: Path) -> None:
    from salesmkt.definitions.questionnaire_checks import MAX_ITEMS

    ok = _write(tmp_path, "ok", _items_yaml(MAX_ITEMS))
    result = CliRunner().invoke(app, ["validate", str(ok)])
    assert result.exit_code == 0, result.output
    big = _write(tmp_path, "big", _items_yaml(MAX_ITEMS + 1))
    result = CliRunner().invoke(app, ["validate", str(big)])
    assert result.exit_code == 1
    assert f"{big}:6:3: [error] too-many-items: 5,001 items" in result.output


def test_an_over_long_text_is_refused_where_it_stands(tmp_path: Path) -> None:
    from salesmkt.definitions.questionnaire_checks import MAX_TEXT_CHARS

    path = _write(tmp_path, "long", _items_yaml(3, MAX_TEXT_CHARS))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "text-too-long: the text holds 2,002 characters" in result.output
    assert result.output.count("text-too-long") == 3
    assert f"{path}:6:" in result.output
    # Statements and labels are capped by the schema itself, at the same length.
    schema = QUESTIONNAIRE_SCHEMA.read_text(encoding="utf-8")
    assert f'"maxLength": {MAX_TEXT_CHARS}' in schema
