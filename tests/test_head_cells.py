"""The head of a text file read by the csv module, as pandas' C parser read it before.

:func:`salesmkt.intake.files.head_cells` keeps pandas out of ``score`` on ordinary
files. The oracle is pandas' C parser (``read_csv`` with the options the head read used
before, kept in the reader as ``_head_cells_by_pandas``):
for any text, both give the same cells, or both give up (another number of records than
the record scan found), over hypothesis-made files of quotes, delimiters, CR/LF, blanks
and spaces. A cell over the csv module's own limit is read by pandas, so the gate still
names it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.intake.files import _head_cells_by_pandas, head_cells
from salesmkt.intake.records import find_records


def _pandas_head(chunk: bytes, sep: str, width: int, n: int) -> list[list[Any]] | None:
    """The head as the reader read it before: pandas' C parser (kept in the reader for
    cells over the csv module's limit)."""
    cells = _head_cells_by_pandas(chunk, sep, width, n)
    return None if cells is None else [c.tolist() for c in cells]


CELL = st.text(alphabet='ab1 "é\r\n;,', max_size=6)


@settings(max_examples=400, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=8),
    sep=st.sampled_from([",", ";"]),
    crlf=st.booleans(),
)
def test_same_cells_as_pandas(rows: list[list[str]], sep: str, crlf: bool) -> None:
    text = ("\r\n" if crlf else "\n").join(sep.join(r) for r in rows) + "\n"
    data = text.encode("utf-8")
    starts, counts = find_records(data, sep)
    n, width = len(starts), int(counts.max(initial=1))
    ours = head_cells(data, sep, width, n)
    theirs = _pandas_head(data, sep, width, n)
    if theirs is None:
        # pandas gave up and the file was read record by record; the csv module may
        # read it (then the record-by-record read is the same csv module).
        return
    assert ours is not None
    assert [col.tolist() for col in ours] == theirs
    assert all(col.dtype == np.dtype(object) for col in ours)


def test_quoted_cells_blank_lines_and_short_rows() -> None:
    data = b'a,b,c\r\n1,"x""y, z",3\r\n\r\n4,5\r\n"p\nq",r,s\r\n'
    starts, _counts = find_records(data, ",")
    ours = head_cells(data, ",", 3, len(starts))
    assert ours is not None
    assert [c.tolist() for c in ours] == _pandas_head(data, ",", 3, len(starts))
    assert ours[1].tolist() == ["b", 'x"y, z', "", "5", "r"]


def test_a_cell_over_the_csv_limit_is_still_named(tmp_path: Path) -> None:
    f = tmp_path / "long.csv"
    f.write_text("group,q01\n" + 'sales,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(f)])
    assert result.exit_code == 1
    assert "long.csv:2:B: the cell holds 200,000 characters, over the limit" in result.output
