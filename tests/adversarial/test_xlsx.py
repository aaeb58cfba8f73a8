"""Hostile workbooks: zip bombs, XML entity bombs and formulas with no saved result.

Every workbook is written into ``tmp_path`` at test time, from the bundled example.
"""

from __future__ import annotations

import csv
import json
import time
import zipfile
from pathlib import Path

import openpyxl
from support.paths import EXAMPLES
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.intake.workbook import FORMULA_PROBLEM, MAX_XLSX_MEMBERS

runner = CliRunner()


def _workbook(tmp_path: Path, name: str = "book.xlsx") -> Path:
    """The bundled example as a workbook, every cell as openpyxl writes it."""
    with (EXAMPLES / "workshop.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    path = tmp_path / name
    book.save(path)
    return path


def _rewrite(path: Path, out: Path, replace: dict[str, bytes]) -> None:
    """``path``'s zip copied to ``out`` with the members in ``replace`` swapped or added."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names:
            dst.writestr(name, replace.get(name, src.read(name)))
        for name, data in replace.items():
            if name not in names:
                dst.writestr(name, data)


def _refused(path: Path) -> str:
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_an_ordinary_workbook_still_scores(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(_workbook(tmp_path))])
    assert result.exit_code == 0, result.output


# -- 1. zip bombs -----------------------------------------------------------------------


def test_a_zip_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    _rewrite(_workbook(tmp_path), bomb, {})
    chunk = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/media/zeros.bin", "w", force_zip64=True) as f,
    ):
        for _ in range(300):
            f.write(chunk)
    assert bomb.stat().st_size < 2 * 2**20
    started = time.process_time()  # CPU time: other processes' load does not count
    line = _refused(bomb)
    assert time.process_time() - started < 2
    assert line.startswith(f"{bomb}: ") or str(bomb) in line
    assert "unpack to 300 MB" in line and "200 MB" in line


def test_a_tightly_packed_member_is_refused(tmp_path: Path) -> None:
    packed = tmp_path / "packed.xlsx"
    _rewrite(_workbook(tmp_path), packed, {"xl/media/zeros.bin": b"\0" * (20 * 2**20)})
    line = _refused(packed)
    assert "xl/media/zeros.bin" in line and "over the limit of 100:1" in line


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    crowded = tmp_path / "crowded.xlsx"
    _rewrite(_workbook(tmp_path), crowded, {})
    with zipfile.ZipFile(crowded, "a", zipfile.ZIP_STORED) as zf:
        for i in range(MAX_XLSX_MEMBERS):
            zf.writestr(f"xl/media/{i}.bin", b"")
    line = _refused(crowded)
    assert f"over the limit of {MAX_XLSX_MEMBERS:,}" in line


# -- 2. XML entities ----------------------------------------------------------------------


LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE sst [
 <!ENTITY a "lol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&i;</t></si></sst>"""


def test_an_entity_bomb_in_shared_strings_is_refused(tmp_path: Path) -> None:
    source = _workbook(tmp_path)
    with zipfile.ZipFile(source) as zf:  # openpyxl writes inline strings: add the table
        rels = zf.read("xl/_rels/workbook.xml.rels")
        types = zf.read("[Content_Types].xml")
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    bomb = tmp_path / "laughs.xlsx"
    _rewrite(
        source,
        bomb,
        {
            "xl/sharedStrings.xml": LAUGHS,
            "xl/_rels/workbook.xml.rels": rels,
            "[Content_Types].xml": types,
        },
    )
    started = time.process_time()
    line = _refused(bomb)
    assert time.process_time() - started < 2
    assert "DTD or entities" in line


# -- 3. formulas with no saved result ---------------------------------------------------------


def test_a_formula_with_no_saved_result_fails_the_gate(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["D3"] = "=1+3"  # an item cell of the second respondent
    book.save(path)
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"{path}:3:D (q01): {FORMULA_PROBLEM}" in result.output


def test_drop_invalid_leaves_out_the_respondent_with_a_formula(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    code = sheet["A3"].value
    sheet["D3"] = "=1+3"
    book.save(path)
    result = runner.invoke(app, ["score", str(path), "--drop-invalid", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    excluded = data["respondents"]["excluded"]
    assert [e["row"] for e in excluded] == [3]
    assert FORMULA_PROBLEM in excluded[0]["reason"]
    # The oracle: the same file without that respondent scores the same.
    sheet.delete_rows(3)
    book.save(tmp_path / "without.xlsx")
    plain = runner.invoke(app, ["score", str(tmp_path / "without.xlsx"), "--format", "json"])
    assert json.loads(plain.output)["overall"] == data["overall"], code


def test_a_funnel_workbook_gets_the_same_guards(tmp_path: Path) -> None:
    """An answers table given as .xlsx (--funnel) is checked like a responses workbook."""
    packed = tmp_path / "funnel.xlsx"
    _rewrite(_workbook(tmp_path), packed, {"xl/media/zeros.bin": b"\0" * (20 * 2**20)})
    result = runner.invoke(
        app, ["recommend", str(EXAMPLES / "workshop.csv"), "--funnel", str(packed)], input=""
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "xl/media/zeros.bin" in result.output and "over the limit of 100:1" in result.output
