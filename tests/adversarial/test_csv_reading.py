"""Reading CSV text and workbooks: open quotes, line endings, library warnings, encryption.

Every input is written into ``tmp_path`` at test time, from the bundled example.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import EXAMPLES
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import ResponseDataError
from salesmkt.intake.files import MAX_CELL_LINES
from salesmkt.intake.responses import ResponseTable, read_responses
from salesmkt.intake.source import ResponseSource

runner = CliRunner()


def _lines() -> list[bytes]:
    """The example's lines (header, then one respondent each), without line ends."""
    return (EXAMPLES / "workshop.csv").read_bytes().splitlines()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _with_comment(row: int, comment: bytes) -> bytes:
    """The example with ``comment`` put in the (empty) Comments cell of line ``row``."""
    lines = _lines()
    assert lines[row].endswith(b",")
    lines[row] += comment
    return b"\n".join(lines) + b"\n"


def _read(path: Path, q: Questionnaire) -> ResponseTable:
    return read_responses(ResponseSource(path), q)


def _score_json(path: Path) -> dict[str, object]:
    result = runner.invoke(app, ["score", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
    figures: dict[str, object] = json.loads(result.stdout)
    figures.pop("source_file", None)
    return figures


# -- 1. a quoted cell that never closes ---------------------------------------------------


@pytest.mark.parametrize(
    "comment",
    [b'"he said ""fine', b'"he said fine', b'"unclosed, with a comma'],
    ids=["escaped-quote", "plain", "comma"],
)
@pytest.mark.parametrize("row", [2, 5], ids=["before-a-quoted-comment", "later"])
def test_open_quote_is_refused_with_its_row(
    tmp_path: Path, alignment: Questionnaire, comment: bytes, row: int
) -> None:
    path = _write(tmp_path, "open.csv", _with_comment(row, comment))
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert f"{path}:{row + 1}:X: a quoted cell starts here and never closes" in lines[0]
    assert "Traceback" not in result.output and "Warning" not in result.stderr
    assert result.stdout == ""
    with pytest.raises(ResponseDataError, match=rf":{row + 1}:X: a quoted cell starts here"):
        _read(path, alignment)


def test_open_quote_on_the_last_row_with_no_quote_after(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    lines = _lines()
    lines[1] += b'"it starts here'  # the first respondent: swallows all the others
    path = _write(tmp_path, "open.csv", b"\n".join(lines) + b"\n")
    with pytest.raises(ResponseDataError, match=r":2:X: a quoted cell starts here"):
        _read(path, alignment)


@pytest.mark.parametrize("breaks", [1, 2, MAX_CELL_LINES - 1])
def test_multi_line_comment_still_reads(
    tmp_path: Path, alignment: Questionnaire, breaks: int
) -> None:
    text = b"\n".join(b"line %d, with a comma" % i for i in range(breaks + 1))
    path = _write(tmp_path, "multi.csv", _with_comment(2, b'"' + text + b'"'))
    table = _read(path, alignment)
    plain = _read(EXAMPLES / "workshop.csv", alignment)
    assert len(table.answers) == len(plain.answers) == 15
    assert table.answers.equals(plain.answers)
    assert table.comments.iloc[1, 0].count("line") == breaks + 1
    assert _score_json(path) == _score_json(EXAMPLES / "workshop.csv")


def test_a_cell_over_the_line_limit_is_refused(tmp_path: Path, alignment: Questionnaire) -> None:
    text = b"\n".join(b"line %d" % i for i in range(MAX_CELL_LINES + 1))
    path = _write(tmp_path, "long.csv", _with_comment(2, b'"' + text + b'"'))
    with pytest.raises(ResponseDataError, match=r":3:X: a quoted cell starts here"):
        _read(path, alignment)


# -- 2. line endings ------------------------------------------------------------------------


@pytest.mark.parametrize("cr_rows", [False, True], ids=["crlf-lf", "crlf-lf-cr"])
def test_mixed_line_endings_read_as_uniform(
    tmp_path: Path, alignment: Questionnaire, cr_rows: bool
) -> None:
    lines = _lines()
    lines[2] += b'"a quoted, multi\r\nline comment"'
    uniform = _write(tmp_path, "uniform.csv", b"\n".join(lines) + b"\n")
    ends = [b"\n", b"\r\n", b"\r"] if cr_rows else [b"\n", b"\r\n"]  # CR: classic Mac
    mixed = b"".join(line + ends[i % len(ends)] for i, line in enumerate(lines))
    path = _write(tmp_path, "mixed.csv", mixed)
    assert _read(path, alignment).answers.equals(_read(uniform, alignment).answers)
    assert _score_json(path) == _score_json(uniform)


def test_lone_cr_inside_a_quoted_cell(tmp_path: Path, alignment: Questionnaire) -> None:
    path = _write(tmp_path, "cr.csv", _with_comment(2, b'"first\rsecond"'))
    uniform = _write(tmp_path, "lf.csv", _with_comment(2, b'"first\nsecond"'))
    table = _read(path, alignment)
    assert len(table.answers) == 15
    assert table.answers.equals(_read(uniform, alignment).answers)
    assert _score_json(path) == _score_json(uniform)


def test_lone_cr_in_a_quoted_cell_of_a_crlf_file(tmp_path: Path) -> None:
    data = _with_comment(2, b'"first\rsecond"').replace(b"\n", b"\r\n")
    path = _write(tmp_path, "crlf.csv", data)
    assert _score_json(path) == _score_json(_write(tmp_path, "lf.csv", _with_comment(2, b"x")))


# -- 3. no library warning reaches the user --------------------------------------------------


def test_no_parser_warning_on_an_unbalanced_quote(tmp_path: Path) -> None:
    # Quotes inside an unquoted header cell: the quick count of fields and pandas
    # disagree on the first row, pandas warns and the csv module reads the file.
    lines = _lines()
    lines[0] += b',Notes "free, text"'
    path = _write(tmp_path, "stray.csv", b"\n".join(lines) + b"\n")
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1, result.output
    assert "Warning" not in result.stderr
    # pytest records warnings itself: the real process shows what a user would see.
    done = subprocess.run(
        [sys.executable, "-W", "default", "-m", "salesmkt", "score", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    assert "the row has 24 field(s) but the header has 25" in done.stderr


# -- 4. an encrypted workbook -----------------------------------------------------------------


def _ole2(names: list[str]) -> bytes:
    """A minimal compound file (OLE2, 512-byte sectors): header, one FAT sector, one
    directory sector holding a root entry and empty streams named ``names``."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    assert len(header) == 512
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, child: int, right: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, free, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", end, 0)
        )

    entries = [entry("Root Entry", 5, 1, free)]
    for i, name in enumerate(names, start=1):
        entries.append(entry(name, 2, free, i + 1 if i < len(names) else free))
    directory = b"".join(entries).ljust(512, b"\0")
    return header + fat + directory


def test_encrypted_xlsx_is_named_as_such(tmp_path: Path) -> None:
    data = _ole2(["EncryptionInfo", "EncryptedPackage"])
    path = _write(tmp_path, "locked.xlsx", data)
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1, result.output
    assert (
        f"{path}: the workbook is password-protected; save an unprotected copy "
        "(File \N{RIGHTWARDS ARROW} Info \N{RIGHTWARDS ARROW} Protect Workbook) and read that"
    ) in result.stderr
    assert ".xls)" not in result.stderr


def test_legacy_xls_is_still_named_as_such(tmp_path: Path) -> None:
    path = _write(tmp_path, "old.xls", _ole2(["Workbook"]))
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1, result.output
    assert "legacy Excel workbook (.xls)" in result.stderr
    assert "password" not in result.stderr
