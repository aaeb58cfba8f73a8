"""Reading a named input file: one line for a missing or unreadable file, whatever reads it.

The saved assessment (``score`` of a .json), the headcount (``--headcount``) and the CRM
export (``evidence``) share one reader; each still names the file and, for the headcount,
the option. Reading stops at the limit, so a huge file is not read to find it too big.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesmkt.analysis.saved import load_assessment_json
from salesmkt.definitions.questionnaire_load import load
from salesmkt.errors import EvidenceDataError, NotFoundError
from salesmkt.intake.evidence.recognise import open_export
from salesmkt.intake.headcount import MAX_BYTES, HeadcountError, read_headcount
from salesmkt.intake.inputbytes import read_input_bytes


def test_bytes_and_limit(tmp_path: Path) -> None:
    f = tmp_path / "a.bin"
    f.write_bytes(b"0123456789")
    assert read_input_bytes(f) == b"0123456789"
    assert read_input_bytes(f, limit=4) == b"0123"
    assert read_input_bytes(f, limit=0) == b""


def test_missing_and_folder_messages(tmp_path: Path) -> None:
    missing = tmp_path / "gone.json"
    with pytest.raises(NotFoundError, match=r"gone\.json: no such file \(--x\)$"):
        read_input_bytes(missing, hint=" (--x)")
    with pytest.raises(EvidenceDataError, match=r": cannot read: Is a directory$"):
        read_input_bytes(tmp_path, error=EvidenceDataError)


def test_saved_assessment_missing(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as caught:
        load_assessment_json(tmp_path / "nope.json")
    assert str(caught.value) == f"{tmp_path / 'nope.json'}: no such file"


def test_headcount_missing_names_the_option(tmp_path: Path) -> None:
    q = load("alignment")
    with pytest.raises(NotFoundError, match=r"no such file \(--headcount\)$"):
        read_headcount(tmp_path / "hc.csv", q)
    with pytest.raises(NotFoundError, match=r"cannot read: Is a directory \(--headcount\)$"):
        read_headcount(tmp_path, q)


def test_headcount_too_large_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "hc.csv"
    big.write_bytes(b"group,headcount\n" + b"x" * (MAX_BYTES + 10))
    with pytest.raises(HeadcountError, match="larger than 1 MB"):
        read_headcount(big, load("alignment"))
    # Exactly the limit is still read (one byte over is what refuses).
    assert len(read_input_bytes(big, limit=MAX_BYTES + 1)) == MAX_BYTES + 1


def test_crm_export_header_from_the_first_64_kb(tmp_path: Path) -> None:
    export = tmp_path / "deals.csv"
    export.write_bytes(b"Deal ID;Stage;Amount\n" + b"1;Won;100\n" * 20_000)
    opened = open_export(export)
    assert opened.delimiter == ";"
    assert opened.header == ["Deal ID", "Stage", "Amount"]
    with pytest.raises(EvidenceDataError, match=r"cannot read: Is a directory$"):
        open_export(tmp_path)
