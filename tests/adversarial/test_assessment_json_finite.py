"""A saved assessment JSON holding NaN or Infinity is refused, with the file and JSON path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.paths import EXAMPLES
from typer.testing import CliRunner

from salesmkt.analysis.saved import load_assessment_json
from salesmkt.cli import app
from salesmkt.errors import InvalidFileError

runner = CliRunner()


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    responses = tmp_path / "workshop.csv"
    shutil.copy(EXAMPLES / "workshop.csv", responses)
    target = tmp_path / "before.json"
    result = runner.invoke(app, ["score", str(responses), "-f", "json", "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def _poison(saved: Path, token: str) -> Path:
    """The saved file with settings.gap_threshold replaced by ``token`` (raw JSON text)."""
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["settings"]["gap_threshold"] = 12345.678
    text = json.dumps(doc, indent=2).replace("12345.678", token)
    bad = saved.with_name("bad.json")
    bad.write_text(text, encoding="utf-8")
    return bad


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_loader_refuses_non_finite_numbers(saved: Path, token: str) -> None:
    bad = _poison(saved, token)
    with pytest.raises(InvalidFileError) as caught:
        load_assessment_json(bad)
    message = str(caught.value)
    assert str(bad) in message
    assert f"non-finite number {token} at $.settings.gap_threshold" in message


def test_first_bad_value_is_named_with_list_indexes(saved: Path) -> None:
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["stages"][1]["min"] = float("nan")
    doc["settings"]["gap_threshold"] = float("inf")
    bad = saved.with_name("bad.json")
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidFileError, match=r"NaN at \$\.stages\[1\]\.min"):
        load_assessment_json(bad)


@pytest.mark.parametrize("command", ["compare", "gaps", "recommend", "report"])
def test_commands_refuse_a_nan_assessment_in_one_line(
    saved: Path, tmp_path: Path, command: str
) -> None:
    bad = _poison(saved, "NaN")
    args = {
        "compare": ["compare", str(bad), str(saved)],
        "gaps": ["gaps", str(bad)],
        "recommend": ["recommend", str(bad), "--situation", str(EXAMPLES / "situation.yaml")],
        "report": ["report", str(bad), "-o", str(tmp_path / "r.html")],
    }[command]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"salesmkt: error: {bad}: ")
    assert "$.settings.gap_threshold" in lines[0]
    assert "nan" not in result.stdout.lower()


def test_finite_saved_assessment_still_loads(saved: Path) -> None:
    assert load_assessment_json(saved).settings.gap_threshold == 1.0
