"""Long free-text columns (comments) are tidied only when read, with the same text.

The oracle is plain Python: a tidied cell is ``" ".join(cell.split())``.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.intake.responses import ResponseTable, raw_comments, read_responses, with_comments
from salesmkt.intake.source import ResponseSource
from salesmkt.intake.spelling import LONG_CELLS, is_free_text, not_blank

ITEMS = [f"q{i:02d}" for i in range(1, 21)]
ODD = ["  ", "\n", "\t", "\u00a0", " \n ", "\u3000", "\x1f", "\u2028", ""]
WORDS = "the leads were qualified said sales; marketing disagreed. " * 8


@pytest.fixture(scope="module")
def alignment() -> Questionnaire:
    return load("alignment")


def _cell(i: int) -> str:
    odd = ODD[i % len(ODD)]
    return f"{odd}#{i}{odd}{WORDS[i % 30 :]}{odd}"


def _file(tmp_path: Path, comments: list[str], header: str = "comment") -> Path:
    lines = [",".join(["group", *ITEMS, "respondent", header])]
    for i, text in enumerate(comments):
        group = "sales" if i % 2 else "marketing"
        answers = [str(1 + (i + j) % 5) for j in range(20)]
        quoted = '"' + text.replace('"', '""') + '"'
        lines.append(",".join([group, *answers, f"R{i}", quoted]))
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read(path: Path, q: Questionnaire) -> ResponseTable:
    return read_responses(ResponseSource(path), q)


def test_long_comments_are_tidied_when_read(tmp_path: Path, alignment: Questionnaire) -> None:
    cells = [_cell(i) for i in range(60)] + ["   ", ""]
    t = _read(_file(tmp_path, cells), alignment)
    held = raw_comments(t)["comment"].tolist()
    assert held == cells  # as read: nothing tidied yet
    assert t.comments["comment"].tolist() == [" ".join(c.split()) for c in cells]
    assert raw_comments(t)["comment"].tolist() == [" ".join(c.split()) for c in cells]


def test_blanking_keeps_the_tidying_for_later(tmp_path: Path, alignment: Questionnaire) -> None:
    cells = [_cell(i) for i in range(20)]
    t = _read(_file(tmp_path, cells), alignment)
    frame = raw_comments(t).copy()
    frame.loc[[0, 3]] = None
    blanked = with_comments(t, frame)
    assert raw_comments(blanked)["comment"].tolist()[1] == cells[1]
    # The old order, tidied first and blanked after, gives the same frame.
    expected = t.comments.copy()
    assert expected["comment"].tolist() == [" ".join(c.split()) for c in cells]
    expected.loc[[0, 3]] = None
    # A copy (pickled, as for a worker process) tidies the same way.
    for table in (blanked, pickle.loads(pickle.dumps(blanked))):
        pd.testing.assert_frame_equal(table.comments, expected)
    assert t.comments["comment"].tolist() == [" ".join(c.split()) for c in cells]


def test_a_long_text_segment_is_tidied_for_by(tmp_path: Path, alignment: Questionnaire) -> None:
    # Long cells, but the median is under the comment length: a segment (e.g. --by).
    cells = [("x " * 10 + "  ") if i % 3 else ("  y" * 600) for i in range(30)]
    t = _read(_file(tmp_path, cells, header="region"), alignment)
    assert list(t.comments.columns) == []
    assert t.segments["region"].tolist() == [" ".join(c.split()) for c in cells]


def test_a_row_with_only_spaces_in_free_text_is_empty(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    path = _file(tmp_path, [_cell(i) for i in range(10)])
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "," * 21 + '"  \u00a0\n "\n', encoding="utf-8")
    t = _read(path, alignment)
    assert t.rows_read == 10
    assert len(t.comments) == 10


def test_free_text_and_blank_helpers() -> None:
    long = np.array(["a" * (2 * LONG_CELLS), ""], dtype=object)
    assert is_free_text(long)
    assert not is_free_text(np.array(["a" * (LONG_CELLS - 1)], dtype=object))
    assert not is_free_text(np.zeros(0, dtype=object))
    spaces = [c for c in map(chr, range(0x3001)) if c.isspace()]
    cells = np.array(["", " ", "".join(spaces), "\u00a0x", "x"], dtype=object)
    expected = [" ".join(c.split()) != "" for c in cells.tolist()]
    assert not_blank(cells).tolist() == expected


def test_free_text_reads_the_same_with_and_without_arrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesmkt.intake import files
    from tests.test_arrow_reading import _read as read_both_ways

    # Long comments in the head (read as plain text by the arrow path), short ones and
    # blanks further down.
    cells = [_cell(i) for i in range(70)] + ["short", "", "  ", "é  x"] * 20
    path = _file(tmp_path, cells)
    arrow_seen: list[bool] = []
    original = files.TextFile._read_arrow

    def spy(self: files.TextFile, *args: object) -> object:
        found = original(self, *args)  # type: ignore[arg-type]
        arrow_seen.append(found is not None and 22 in self._free_text)
        return found

    monkeypatch.setattr(files.TextFile, "_read_arrow", spy)
    with_arrow = read_both_ways(path, arrow=True, monkeypatch=monkeypatch)
    assert arrow_seen == [True]
    assert with_arrow == read_both_ways(path, arrow=False, monkeypatch=monkeypatch)


def _records_in_one_pass(data: bytes, delim: str) -> tuple[list[int], list[int], bool]:
    """The record starts and field counts by a plain scan byte by byte (the oracle)."""
    starts, counts, inside, breaks, fields = [0], [], False, False, 1
    for i, byte in enumerate(data):
        if byte == ord('"'):
            inside = not inside
        elif byte == ord("\n") and inside:
            breaks = True
        elif byte == ord(delim) and not inside:
            fields += 1
        elif byte == ord("\n"):
            counts.append(fields)
            fields = 1
            starts.append(i + 1)
    if starts[-1] < len(data):
        counts.append(fields)
    else:
        starts.pop()
    return starts, counts, breaks


@given(st.binary(min_size=1, max_size=80).map(lambda b: bytes(b'ab,;"\n'[x % 6] for x in b)))
@settings(max_examples=300)
def test_records_are_found_the_same_block_by_block(data: bytes) -> None:
    from salesmkt.intake import records

    data += b'"'  # the quoted scan
    for block in (1, 2, 5, 64):
        saved, records._SCAN_BLOCK = records._SCAN_BLOCK, block
        try:
            starts, counts, breaks = records.scan_records(data, ",")
        finally:
            records._SCAN_BLOCK = saved
        assert (starts.tolist(), counts.tolist(), breaks) == _records_in_one_pass(data, ",")
