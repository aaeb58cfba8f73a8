"""The ninth round's reading path: coded columns (labels, groups, segments handed on as
pyarrow's codes and words, :class:`salesmkt.intake.coded.CodedText`), the byte-wise
single digits, the ascending-ids shortcut of the duplicate check.

Oracles: every file is read three ways and must give the same table or the same refusal
(message and every problem): the arrow path as it is now; the arrow path with this
round's shortcuts switched off (every coded column turned into its object array as the
reader used to hand it on, the ids dictionary-encoded and always hashed); and pandas'
read (the arrow path off).
The group codes handed to scoring must name each row's group, and the ids and groups
must match a plain pandas read of the file tidied by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from salesmkt.definitions import questionnaire_load
from salesmkt.errors import ResponseDataError
from salesmkt.intake import arrowread, files, gate
from salesmkt.intake.arrowtext import ArrowText
from salesmkt.intake.coded import CodedText, as_cells
from salesmkt.intake.responses import column_codes, column_values, read_responses
from salesmkt.intake.scale import BLANK_CODE
from salesmkt.intake.source import ResponseSource
from salesmkt.intake.spelling import tidy

HEADER = "respondent,group,region," + ",".join(f"q{i:02d}" for i in range(1, 21))
LABELS = ["1 - Strongly disagree", "2 - Disagree", "3 - Neither agree nor disagree",
          "4 - Agree", "5 - Strongly agree"]  # fmt: skip


def _fingerprint(path: Path, patch: pytest.MonkeyPatch, way: str, drop: bool) -> object:
    """The table read from ``path`` one ``way`` ("new", "old" or "pandas"), or the
    refusal."""
    with patch.context() as p:
        if way == "pandas":
            p.setattr(files.TextFile, "_read_arrow", lambda *args: None)
        if way == "old":
            real = arrowread.arrow_column

            def old_column(*args: Any) -> Any:
                cell, codes = real(*args)
                return as_cells(cell), codes

            p.setattr(files, "arrow_column", old_column)
            p.setattr(gate, "_ascending", lambda ids: False)
            p.setattr(files, "_all_distinct", lambda cells: False)  # ids dictionary-encoded
        try:
            table = read_responses(
                ResponseSource(path, drop_invalid=drop), questionnaire_load.load("alignment")
            )
        except ResponseDataError as exc:
            return ("refused", str(exc), exc.problems)
    groups = column_values(table, "group")
    known = column_codes(table, "group")
    assert groups is not None and known is not None
    assert [known[1][c] for c in known[0]] == groups.tolist()  # the codes name the groups
    assert isinstance(groups, np.ndarray)
    respondent = column_values(table, "respondent")
    # The ids may stay arrow text (tenth round): it stands for the object array.
    assert respondent is None or isinstance(respondent, np.ndarray | ArrowText)
    segments = table.segments
    assert all(isinstance(v, str) for col in segments for v in segments[col].tolist())
    return (
        table.answers.to_numpy().tobytes(),
        groups.tolist(),
        None if respondent is None else respondent.tolist(),
        segments.to_dict("list"),
        table.comments.to_dict("list"),
        table.rows.tolist(),
        [e.model_dump() for e in table.excluded],
        [w.model_dump() for w in table.warnings],
        table.rows_read,
    )


def _same_three_ways(path: Path, patch: pytest.MonkeyPatch, drop: bool = True) -> object:
    new = _fingerprint(path, patch, "new", drop)
    assert new == _fingerprint(path, patch, "old", drop)
    assert new == _fingerprint(path, patch, "pandas", drop)
    return new


def _answers(i: int, labels: bool, blank_every: int = 17) -> list[str]:
    cells = []
    for j in range(20):
        v = 1 + (i * 7 + j * 3) % 5
        if (i + j) % blank_every == 0:
            cells.append("")
        else:
            cells.append(LABELS[v - 1] if labels else str(v))
    return cells


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return path


def _rows(n: int, *, labels: bool, group: Any = None, ids: Any = None) -> list[list[str]]:
    out = []
    for i in range(n):
        g = group(i) if group else ["Sales", "Marketing"][i % 2]
        rid = ids(i) if ids else f"R{i:06d}"
        out.append([rid, g, ["EMEA", "Americas", "APAC"][i % 3], *_answers(i, labels)])
    return out


# Files of 25,000 rows are some 2-10 MB: pyarrow reads them in several blocks, so the
# codes of several chunks are unified.
@pytest.mark.parametrize("labels", [False, True])
@pytest.mark.parametrize("n", [1, 3, 25_000])
def test_clean_files_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, labels: bool, n: int
) -> None:
    path = _write(tmp_path / "clean.csv", _rows(n, labels=labels))
    table = _same_three_ways(path, monkeypatch)
    assert isinstance(table, tuple) and table[8] == n


def test_odd_cells_read_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _rows(25_000, labels=True, group=lambda i: [" sales", "Marketing ", "SALES"][i % 3])
    rows[5][3] = "4"  # a number among labels
    rows[6][4] = "Agree"  # a label without its number
    rows[7][5] = "9 - Agree"  # a bad label: ambiguous
    rows[8][6] = "Sort of"  # not an answer
    rows[9][1] = ""  # a blank group
    rows[10][1] = "Finance"  # an unknown group
    rows[11][2] = "  EMEA   north "  # an untidy segment
    rows[20_000][0] = rows[3][0]  # an id used twice, far apart
    rows[12] = ["R-empty", "Sales", "EMEA", *[""] * 20]  # every answer missing
    rows[13] = [""] * 23  # an empty row
    rows[-1][7] = "N/A"  # a missing code
    path = _write(tmp_path / "odd.csv", rows)
    kept = _same_three_ways(path, monkeypatch, drop=True)
    refused = _same_three_ways(path, monkeypatch, drop=False)
    assert isinstance(kept, tuple) and len(kept[6]) == 7  # the excluded respondents
    assert refused[0] == "refused"
    problems = refused[2]
    assert any("respondent id 'R000003' is used on rows 5 and 20002" in p for p in problems)
    assert any("unknown group 'Finance'" in p for p in problems)
    assert any("the group is blank" in p for p in problems)
    assert any("ambiguous" in p for p in problems)


@pytest.mark.parametrize("cells", [("", "55"), ("", "12"), ("", "", "345")])
def test_two_digit_cells_beside_blanks_are_refused_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cells: tuple[str, ...]
) -> None:
    # As many bytes as cells ("" and "55" are two cells of two bytes): the cells must
    # not be read as one digit each (5 and 5), which would score a wrong answer.
    rows = _rows(200, labels=False, ids=lambda i: f"R{i:05d}")
    for row in rows:  # no other blank in the column: as many bytes as cells
        row[3] = row[3] or "3"
    for i, cell in enumerate(cells):
        rows[10 + i][3] = cell
    path = _write(tmp_path / "two-digits.csv", rows)
    refused = _same_three_ways(path, monkeypatch, drop=False)
    assert refused[0] == "refused"
    assert any(repr(cells[-1]) in p or cells[-1] in p for p in refused[2])


@pytest.mark.parametrize("labels", [False, True])
def test_one_group_and_duplicate_ids_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, labels: bool
) -> None:
    rows = _rows(25_000, labels=labels, group=lambda i: "Sales", ids=lambda i: f"R{i % 24_000}")
    path = _write(tmp_path / "dups.csv", rows)
    refused = _same_three_ways(path, monkeypatch, drop=False)
    assert refused[0] == "refused" and len(refused[2]) == 2_000


def test_descending_and_unsorted_ids_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, ids in {
        "descending": lambda i: f"R{99_999 - i:05d}",
        "numbers": lambda i: str(i + 1),  # "10" sorts before "9": not ascending, hashed
        "ascending with a repeat": lambda i: f"R{i:05d}" if i != 500 else "R00499",
    }.items():
        path = _write(tmp_path / f"{name}.csv", _rows(3_000, labels=False, ids=ids))
        _same_three_ways(path, monkeypatch, drop=False)


def test_ids_and_groups_match_a_plain_pandas_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _rows(25_000, labels=True, group=lambda i: ["  Sales", "marketing", "SALES "][i % 3])
    path = _write(tmp_path / "plain.csv", rows)
    table = read_responses(ResponseSource(path), questionnaire_load.load("alignment"))
    oracle = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected_group = oracle["group"].str.split().str.join(" ").str.lower()
    assert column_values(table, "group").tolist() == expected_group.tolist()
    assert column_values(table, "respondent").tolist() == oracle["respondent"].tolist()
    assert table.segments["region"].tolist() == oracle["region"].tolist()
    codes = table.__dict__["_answer_codes"][0]
    for j in range(20):
        expected = oracle[f"q{j + 1:02d}"].str[:1].replace("", str(BLANK_CODE)).astype(int)
        assert codes[j].tolist() == expected.tolist()


# -- the coded column itself ------------------------------------------------------------


def _coded(codes: list[int], words: list[str]) -> CodedText:
    return CodedText(np.array(codes, dtype=np.int32), words)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=" ab\u00a0\t", max_size=4), min_size=1, max_size=6),
    st.data(),
)
def test_a_coded_column_answers_as_its_cells(words: list[str], data: st.DataObject) -> None:
    codes = data.draw(st.lists(st.integers(0, len(words) - 1), max_size=40))
    column = _coded(codes, words)
    cells = np.array([words[c] for c in codes] + [None], dtype=object)[:-1]
    assert len(column) == len(cells) and column.shape == cells.shape
    assert column.dtype == object
    for i in range(len(cells)):
        assert column[i] is cells[i] or column[i] == cells[i]
    flags = data.draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    mask = np.array(flags, dtype=bool)
    index = np.flatnonzero(mask)
    assert column[mask].tolist() == cells[mask].tolist()
    assert column[index].tolist() == cells[index].tolist()
    assert column[1:5].tolist() == cells[1:5].tolist()
    for word in [*words, "zz"]:
        assert (column == word).tolist() == (cells == word).tolist()
        assert (column != word).tolist() == (cells != word).tolist()
    assert tidy(column).tolist() == tidy(cells).tolist()
    assert np.asarray(column).tolist() == cells.tolist()
    assert column.tolist() == cells.tolist()


def test_a_coded_column_read_by_arrow_is_the_old_object_array() -> None:
    chunks = [["Sales", "Marketing", "Sales"] * 4, ["Marketing", "x"] * 3, [], ["Sales"] * 2]
    column = pa.chunked_array([pa.array(c, pa.string()).dictionary_encode() for c in chunks])
    cell, codes = arrowread.arrow_column(column, False, False, 1, 5)
    assert isinstance(cell, CodedText) and codes is None
    assert cell.tolist() == [w for c in chunks for w in c]
    cell, codes = arrowread.arrow_column(column, False, True, 1, 5)
    assert codes is not None and [codes[1][c] for c in codes[0]] == cell.tolist()
    distinct = pa.chunked_array([pa.array([f"R{i}" for i in range(6)]).dictionary_encode()])
    cell, _ = arrowread.arrow_column(distinct, False, False, 1, 5)
    assert isinstance(cell, np.ndarray)  # mostly distinct (ids): an object array as before


# -- single digits against a plain oracle -----------------------------------------------


def _digits_oracle(cells: list[str], lo: int, hi: int) -> list[int] | None:
    if all(c == "" for c in cells):
        return [BLANK_CODE] * len(cells)
    out = []
    for c in cells:
        if c == "":
            out.append(BLANK_CODE)
        elif len(c) == 1 and c.isdigit() and c.isascii() and lo <= int(c) <= hi:
            out.append(int(c))
        else:
            return None
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["", "", "0", "1", "3", "5", "7", "9", "12", "a", " ", "/"]),
                 max_size=30),
        min_size=1, max_size=4,
    ),
    st.integers(-2, 11),
    st.integers(0, 12),
    st.booleans(),
)  # fmt: skip
@example(chunks=[["", "12"]], lo=0, span=2, clean=False)  # as many bytes as cells
def test_single_digits_match_a_plain_reading(
    chunks: list[list[str]], lo: int, span: int, clean: bool
) -> None:
    if clean:  # mostly the common case: digits on the scale and blanks only
        chunks = [[c for c in chunk if c in ("", "1", "3", "5")] for chunk in chunks]
    hi = lo + span
    column = pa.chunked_array([pa.array(c, pa.string()) for c in chunks], type=pa.string())
    sliced = column.slice(1) if len(column) > 1 else column  # offsets not starting at 0
    for col in (column, sliced):
        cells = [c for chunk in col.chunks for c in chunk.to_pylist()]
        got = arrowread.single_digits(col, lo, hi)
        expected = _digits_oracle(cells, lo, hi)
        assert (None if got is None else got.tolist()) == expected


# -- the body of a file read whole, read again from the file ----------------------------


def test_a_file_read_whole_reads_its_body_from_the_file_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _rows(3_000, labels=False)
    rows[7][1] = "Finance"
    path = _write(tmp_path / "whole.csv", rows)
    opened: list[object] = []
    real = files._native

    def native(handle: Any) -> Any:
        opened.append(handle)
        return real(handle)

    monkeypatch.setattr(files, "_native", native)
    found = []
    for from_file in (1, 1 << 62):
        monkeypatch.setattr(files, "BODY_FROM_FILE", from_file)
        found += [_fingerprint(path, monkeypatch, "new", drop) for drop in (True, False)]
    assert found[:2] == found[2:] and found[1][0] == "refused"
    assert len(opened) == 2  # read from the file only when allowed


def test_distinct_head_cells_guess_plain_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "ids.csv", _rows(100, labels=False))
    opened = files.open_responses(path, "ids.csv")
    assert isinstance(opened, files.TextFile)
    opened.head()
    assert opened._distinct == {0}  # the ids; not the group, region or answers
    body = opened.body(1, list(range(3, 23)), 1, 5, items=list(range(3, 23)))
    assert isinstance(body.cells[0], ArrowText)  # plain text kept as arrow's (tenth round)
    assert body.cells[0].tolist() == [f"R{i:06d}" for i in range(100)]
