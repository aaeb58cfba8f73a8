"""Number options: nan, inf and values off the scale are usage errors, before any work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.paths import EXAMPLES
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.cli import console as out
from salesmkt.errors import UsageError

runner = CliRunner()


@pytest.fixture
def responses(tmp_path: Path) -> Path:
    target = tmp_path / "workshop.csv"
    shutil.copy(EXAMPLES / "workshop.csv", target)
    return target


def _one_usage_line(result: object, flag: str) -> str:
    assert getattr(result, "exit_code", None) == 2, getattr(result, "output", "")
    lines = getattr(result, "stderr", "").strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"salesmkt: error: {flag} "), lines
    assert ": expected " in lines[0]
    assert "Traceback" not in getattr(result, "output", "")
    assert getattr(result, "stdout", "") == ""
    return lines[0]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_gaps_midpoint_must_be_finite(responses: Path, value: str) -> None:
    result = runner.invoke(app, ["gaps", str(responses), "--midpoint", value])
    assert "finite" in _one_usage_line(result, "--midpoint")


@pytest.mark.parametrize("value", ["9", "0.5", "-3", "5.01"])
def test_gaps_midpoint_must_be_on_the_scale(responses: Path, value: str) -> None:
    result = runner.invoke(app, ["gaps", str(responses), "--midpoint", value])
    line = _one_usage_line(result, "--midpoint")
    assert "1 to 5" in line


@pytest.mark.parametrize("value", ["1", "2.5", "5"])
def test_gaps_midpoint_on_the_scale_still_works(responses: Path, value: str) -> None:
    result = runner.invoke(app, ["gaps", str(responses), "--midpoint", value])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", ["score", "gaps", "compare"])
def test_gap_threshold_inf_is_refused(responses: Path, command: str) -> None:
    extra = [str(responses)] if command == "compare" else []
    result = runner.invoke(app, [command, str(responses), *extra, "--gap-threshold", "inf"])
    assert "finite" in _one_usage_line(result, "--gap-threshold")


def _refused_as_usage(result: object) -> None:
    """Exit 2 and nothing on stdout: the parser's own range check (typer's box) or ours."""
    assert getattr(result, "exit_code", None) == 2, getattr(result, "output", "")
    assert getattr(result, "stdout", "") == ""
    assert "Traceback" not in getattr(result, "output", "")


@pytest.mark.parametrize("command", ["score", "gaps", "recommend", "compare"])
@pytest.mark.parametrize(
    ("flag", "value"),
    [("--max-missing", "nan"), ("--max-missing", "inf"), ("--gap-threshold", "nan")],
)
def test_nan_ranges_are_usage_errors(responses: Path, command: str, flag: str, value: str) -> None:
    extra = {
        "compare": [str(responses)],
        "recommend": ["--situation", str(EXAMPLES / "situation.yaml")],
    }.get(command, [])
    _refused_as_usage(runner.invoke(app, [command, str(responses), *extra, flag, value]))


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"max_missing": float("nan")}, "--max-missing"),
        ({"max_missing": float("inf")}, "--max-missing"),
        ({"max_missing": 1.5}, "--max-missing"),
        ({"gap_threshold": float("nan")}, "--gap-threshold"),
        ({"gap_threshold": float("inf")}, "--gap-threshold"),
        ({"gap_threshold": -1.0}, "--gap-threshold"),
        ({"midpoint": float("nan")}, "--midpoint"),
        ({"midpoint": float("-inf")}, "--midpoint"),
    ],
)
def test_the_one_settings_check_refuses_whatever_the_parser_let_through(
    kwargs: dict[str, float], flag: str
) -> None:
    # typer built on click lets nan through its FloatRange (every comparison is false):
    # the settings object is the one place that catches it, whatever the parser did.
    with pytest.raises(UsageError, match=rf"^{flag} \S+: expected "):
        out.settings(**kwargs)


def test_report_refuses_inf_before_writing(responses: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = runner.invoke(
        app, ["report", str(responses), "-o", str(target), "--gap-threshold", "inf"]
    )
    _one_usage_line(result, "--gap-threshold")
    assert not target.exists()
