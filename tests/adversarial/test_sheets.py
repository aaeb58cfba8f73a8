"""Which worksheet is read, and the size limits of a responses file.

A workbook's first sheet is not always the responses (a cover sheet, a hidden old copy):
the sheet is chosen by content, two candidates are refused, and ``--sheet`` chooses.
The oracle for every figure is the same answers read from the bundled CSV.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.intake import rawfile, workbook
from tests.support.paths import EXAMPLES

runner = CliRunner()


def _rows() -> list[list[object]]:
    with (EXAMPLES / "workshop.csv").open(encoding="utf-8", newline="") as f:
        return [[int(v) if v.isdigit() else v for v in row] for row in csv.reader(f)]


def _book(tmp_path: Path, sheets: list[tuple[str, list[list[object]], bool]]) -> Path:
    """A workbook with the given (title, rows, hidden) sheets, in order."""
    book = openpyxl.Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, rows, hidden in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if hidden:
            sheet.sheet_state = "hidden"
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def _score(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["score", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _overall(*args: str) -> object:
    code, output = _score(*args, "--format", "json")
    assert code == 0, output
    return json.loads(output)["overall"]


COVER = [["Sales & Marketing survey"], ["Prepared for the board"]]


def test_the_sheet_whose_header_matches_is_read(tmp_path: Path) -> None:
    path = _book(tmp_path, [("Cover", COVER, False), ("Answers", _rows(), False)])
    assert _overall(str(path)) == _overall(str(EXAMPLES / "workshop.csv"))
    code, output = _score(str(path), "--format", "json")
    assert code == 0, output
    warnings = json.loads(output)["warnings"]
    sheets = [w["message"] for w in warnings if w["code"] == "sheets"]
    assert len(sheets) == 1 and "'Answers'" in sheets[0] and "'Cover'" in sheets[0]


def test_two_matching_sheets_are_refused_and_sheet_chooses(tmp_path: Path) -> None:
    old = _rows()
    old[1][3] = 1  # an older copy with a different answer
    path = _book(tmp_path, [("Old copy", old, True), ("Answers", _rows(), False)])
    code, output = _score(str(path))
    assert code == 1
    assert "'Old copy' (hidden) and 'Answers' both hold responses" in output
    assert "--sheet NAME" in output
    assert _overall(str(path), "--sheet", "Answers") == _overall(str(EXAMPLES / "workshop.csv"))
    assert _overall(str(path), "--sheet", "Old copy") != _overall(str(path), "--sheet", "Answers")


def test_an_unknown_sheet_is_a_usage_error_listing_the_sheets(tmp_path: Path) -> None:
    path = _book(tmp_path, [("Cover", COVER, False), ("Answers", _rows(), False)])
    code, output = _score(str(path), "--sheet", "Responses")
    assert code == 2
    assert "--sheet 'Responses'" in output and "'Cover', 'Answers'" in output


def test_sheet_with_a_text_file_is_a_usage_error() -> None:
    code, output = _score(str(EXAMPLES / "workshop.csv"), "--sheet", "Answers")
    assert code == 2 and "is a text file, not a workbook" in output


def test_no_matching_sheet_gives_the_first_sheets_error(tmp_path: Path) -> None:
    path = _book(tmp_path, [("Cover", COVER, False), ("Notes", [["x", "y"]], False)])
    code, output = _score(str(path))
    assert code == 1 and len(output.strip().splitlines()) >= 1


def test_every_sheet_empty(tmp_path: Path) -> None:
    path = _book(tmp_path, [("A", [], False), ("B", [], False)])
    code, output = _score(str(path))
    assert code == 1 and "every sheet is empty" in output


def test_a_workbook_without_styles_reads_without_warnings(tmp_path: Path) -> None:
    path = _book(tmp_path, [("Answers", _rows(), False)])
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bare, "w") as dst:
        for name in src.namelist():
            if name != "xl/styles.xml":
                data = src.read(name)
                if name == "[Content_Types].xml" or name.endswith(".rels"):
                    data = data.replace(b"styles.xml", b"missing.xml")
                dst.writestr(name, data)
    result = runner.invoke(app, ["score", str(bare), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr and "style" not in result.stderr
    assert json.loads(result.stdout)["overall"] == _overall(str(EXAMPLES / "workshop.csv"))


@pytest.mark.parametrize(
    "member",
    ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"],
)
def test_a_dtd_in_any_member_is_refused(tmp_path: Path, member: str) -> None:
    path = _book(tmp_path, [("Answers", _rows(), False)])
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(hostile, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == member:
                prolog = (
                    b'<?xml version="1.0"?>\n<!-- a comment -->\n<!DOCTYPE x [<!ENTITY e "e">]>'
                )
                data = (
                    prolog + data.split(b"?>", 1)[-1] if data.startswith(b"<?") else prolog + data
                )
            dst.writestr(name, data)
    code, output = _score(str(hostile))
    assert code == 1
    assert f"a DTD in {member}" in output and "refused as unsafe" in output


def test_too_many_rows_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rawfile, "MAX_ROWS", 10)
    code, output = _score(str(EXAMPLES / "workshop.csv"))
    assert code == 1 and "the file has 15 rows, over the limit of 10" in output


def test_too_many_sheet_rows_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "MAX_ROWS", 10)
    path = _book(tmp_path, [("Answers", _rows(), False)])
    code, output = _score(str(path))
    assert code == 1 and "the sheet has 16 rows, over the limit of 10" in output


def test_too_many_columns_are_refused(tmp_path: Path) -> None:
    rows = _rows()
    header = [*map(str, rows[0]), *(f"extra{i}" for i in range(rawfile.MAX_COLUMNS))]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(header) + "\n", encoding="utf-8")
    code, output = _score(str(path))
    assert code == 1
    assert f"columns, over the limit of {rawfile.MAX_COLUMNS:,}" in output


def test_an_over_long_comment_is_refused_at_its_cell(tmp_path: Path) -> None:
    rows = _rows()
    rows[0].append("comment")
    for row in rows[1:]:
        row.append("fine")
    rows[5][-1] = "x" * (rawfile.MAX_CELL_CHARS + 1)
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    code, output = _score(str(path))
    letter = rawfile.column_letter(len(rows[0]) - 1)
    assert code == 1
    assert f"{path}:6:{letter}: the cell holds 32,768 characters, over the limit" in output


def test_no_warning_when_the_responses_are_the_first_visible_sheet(tmp_path: Path) -> None:
    path = _book(
        tmp_path,
        [
            ("Lists", [["Sales"], ["Marketing"]], True),
            ("Answers", _rows(), False),
            ("Notes", COVER, False),
        ],
    )
    code, output = _score(str(path), "--format", "json")
    assert code == 0, output
    assert [w for w in json.loads(output)["warnings"] if w["code"] == "sheets"] == []


def test_scoring_the_tools_own_template_gives_no_sheet_warning(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.xlsx"
    made = runner.invoke(app, ["template", "-o", str(sheet)])
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(sheet)
    answers = book.worksheets[0]
    header = [str(c.value) for c in answers[1]]
    for n in range(8):  # four people per function, varied answers, filled in by hand
        cells = {"group": "Sales" if n < 4 else "Marketing", "respondent": f"P{n}"}
        row = [
            cells.get(h, (n + k) % 5 + 1 if h.startswith("q") else "") for k, h in enumerate(header)
        ]
        answers.append(row)
    book.save(sheet)  # as a spreadsheet program saves it: other sheets kept
    assert len(openpyxl.load_workbook(sheet).sheetnames) > 1
    code, output = _score(str(sheet), "--format", "json")
    assert code == 0, output
    assert json.loads(output)["warnings"] == []


# -- the workbook's numeric fast path reads as the CSV of the same cells --------------------


@pytest.mark.parametrize(
    "cell",
    [4, 4.0, "4", "", None, 3.5, True, "Agree", 0, 9, "=1+1"],
)
def test_a_cell_reads_as_in_the_same_csv(tmp_path: Path, cell: object) -> None:
    """Every other answer is a plain number (the fast path's case); one cell varies."""
    rows = _rows()
    col = rows[0].index("q01")
    rows[2][col] = cell
    path = _book(tmp_path, [("Answers", rows, False)])
    as_csv = tmp_path / "same.csv"
    with as_csv.open("w", encoding="utf-8", newline="") as f:
        text = {True: "TRUE", None: ""}
        csv.writer(f).writerows(
            [[text.get(v, v) if isinstance(v, bool | type(None)) else v for v in r] for r in rows]
        )
    if cell == "=1+1":  # a formula with no saved value: a problem at its cell in a workbook
        code, output = _score(str(path))
        assert code == 1 and "a formula with no saved result" in output
        return
    got = runner.invoke(app, ["score", str(path), "--format", "json", "--drop-invalid"])
    want = runner.invoke(app, ["score", str(as_csv), "--format", "json", "--drop-invalid"])
    assert got.exit_code == want.exit_code == 0, (got.output, want.output)
    a, b = json.loads(got.stdout), json.loads(want.stdout)
    for key in ("overall", "groups", "items", "respondents"):
        assert a[key] == b[key], key
