"""The XLSX template never writes a cell a spreadsheet would run as a formula."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from salesmkt.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '=HYPERLINK("http://x")'


def _hostile_questionnaire(tmp_path: Path) -> Path:
    doc = yaml.safe_load((ROOT / "questionnaires" / "alignment.yaml").read_text(encoding="utf-8"))
    doc["title"] = HOSTILE
    doc["instructions"] = HOSTILE
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_title_and_instructions_are_not_formulas(tmp_path: Path) -> None:
    questionnaire = _hostile_questionnaire(tmp_path)
    target = tmp_path / "sheet.xlsx"
    result = runner.invoke(app, ["template", "-q", str(questionnaire), "-o", str(target)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(target)
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), (
                        ws.title,
                        cell.coordinate,
                        cell.value,
                    )
                    if HOSTILE in cell.value:
                        seen.append((ws.title, cell.coordinate))
    statements = [c for sheet, c in seen if sheet == "Statements"]
    assert "A1" in statements  # the title, kept as text
    assert len(statements) >= 2  # and the instructions


@pytest.mark.parametrize("suffix", [".xlsx"])
def test_a_plain_template_is_unchanged(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"sheet{suffix}"
    result = runner.invoke(app, ["template", "-o", str(target)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(target)["Responses"]
    assert [c.value for c in ws[1]][:3] == ["group", "respondent", "segment"]


def test_the_test_questionnaire_is_valid(tmp_path: Path) -> None:
    path = _hostile_questionnaire(tmp_path)
    shutil.copy(path, tmp_path / "copy.yaml")
    result = runner.invoke(app, ["validate", str(tmp_path / "copy.yaml")])
    assert result.exit_code == 0, result.output
