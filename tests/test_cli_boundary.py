"""The CLI's one error boundary: one-line messages, exit codes, --debug."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions import kinds
from salesmkt.errors import UsageError

runner = CliRunner()
ALIGNMENT = str(Path(__file__).resolve().parent.parent / "questionnaires" / "alignment.yaml")


def test_package_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"salesmkt: error: {tmp_path / 'missing.csv'}: no such file"]
    assert "Traceback" not in result.output


def test_debug_lets_the_traceback_through(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "score", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    assert result.exception is not None
    assert "no such file" in str(result.exception)


def test_unexpected_exception_becomes_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(kinds, "check_any_file", boom)
    result = runner.invoke(app, ["validate", ALIGNMENT])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "salesmkt: error: internal error: RuntimeError: boom (rerun with --debug for details)"
    )
    debug = runner.invoke(app, ["--debug", "validate", ALIGNMENT])
    assert isinstance(debug.exception, RuntimeError)


def test_usage_errors_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["score"]).exit_code == 2  # typer: missing argument
    assert runner.invoke(app, ["no-such-command"]).exit_code == 2

    def refuse(*args: object, **kwargs: object) -> object:
        raise UsageError("--stage 'sideways': expected one of undefined, defined, aligned")

    monkeypatch.setattr(kinds, "check_any_file", refuse)
    result = runner.invoke(app, ["validate", ALIGNMENT])
    assert result.exit_code == 2
    assert "expected one of undefined, defined, aligned" in result.stderr


def test_version_and_help() -> None:
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0
    assert version.stdout.startswith("salesmkt ")
    for command in (
        "validate",
        "score",
        "gaps",
        "recommend",
        "report",
        "template",
        "take",
        "compare",
        "schema",
        "questionnaires",
    ):
        help_result = runner.invoke(app, [command, "--help"])
        assert help_result.exit_code == 0, command
        assert "Usage:" in help_result.stdout, command
