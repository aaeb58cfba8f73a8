"""The tenth round's reading path: respondent ids kept as arrow text
(:class:`salesmkt.intake.arrowtext.ArrowText`), their tidy check and duplicate check
done on arrow's bytes.

Oracles: every file is read three ways and must give the same table or the same refusal
(message and every problem): the arrow path as it is now; the arrow path with the ids
dictionary-encoded, which hands them on as an object array as before (the old way);
and pandas' read. ``score``'s outputs (JSON and the per-respondent CSV) must be the same
the new and the old way. The stand-in itself is checked against its object array and
against plain Python (hypothesis).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions import questionnaire_load
from salesmkt.errors import ResponseDataError
from salesmkt.intake import files
from salesmkt.intake.arrowtext import ArrowText
from salesmkt.intake.responses import column_values, read_responses
from salesmkt.intake.source import ResponseSource
from salesmkt.intake.spelling import tidy

HEADER = "respondent,group,region," + ",".join(f"q{i:02d}" for i in range(1, 21))


def _answers(i: int, blank_every: int = 17) -> list[str]:
    return ["" if (i + j) % blank_every == 0 else str(1 + (i * 7 + j * 3) % 5) for j in range(20)]


def _write(path: Path, ids: list[str], answers: Any = _answers) -> Path:
    rows = [
        ",".join([rid, ["Sales", "Marketing"][i % 2], ["EMEA", "APAC"][i % 2], *answers(i)])
        for i, rid in enumerate(ids)
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _fingerprint(path: Path, patch: pytest.MonkeyPatch, way: str, drop: bool) -> object:
    """The table read from ``path`` one ``way`` ("new", "old" or "pandas"), or the
    refusal; the new way must hand the ids on as arrow text whenever it can."""
    with patch.context() as p:
        if way == "pandas":
            p.setattr(files.TextFile, "_read_arrow", lambda *args: None)
        if way == "old":
            p.setattr(files, "_all_distinct", lambda cells: False)  # ids dictionary-encoded
        try:
            table = read_responses(
                ResponseSource(path, drop_invalid=drop), questionnaire_load.load("alignment")
            )
        except ResponseDataError as exc:
            return ("refused", str(exc), exc.problems)
    ids = column_values(table, "respondent")
    assert ids is not None
    if way == "old":
        assert isinstance(ids, np.ndarray)
    if isinstance(ids, ArrowText):
        assert ids.arrow().to_pylist() == ids.tolist()  # the contract of arrow()
    return (
        ids.tolist(),
        table.respondent.tolist(),  # the Series built from the stand-in
        table.answers.to_numpy().tobytes(),
        table.rows.tolist(),
        [e.model_dump() for e in table.excluded],
        [w.model_dump() for w in table.warnings],
        table.rows_read,
    )


def _same_three_ways(path: Path, patch: pytest.MonkeyPatch, drop: bool) -> object:
    new = _fingerprint(path, patch, "new", drop)
    assert new == _fingerprint(path, patch, "old", drop)
    assert new == _fingerprint(path, patch, "pandas", drop)
    return new


def _ids(n: int) -> list[str]:
    return [f"R{i:06d}" for i in range(n)]


def _shuffled(ids: list[str]) -> list[str]:
    order = np.random.default_rng(7).permutation(len(ids))
    return [ids[i] for i in order]


CASES: dict[str, Any] = {
    "ascending": lambda: _ids(25_000),  # several pyarrow blocks (chunks)
    "unsorted, 7 bytes": lambda: _shuffled(_ids(25_000)),  # the bytes sorted as numbers
    "unsorted, varied lengths": lambda: _shuffled([str(i) for i in range(25_000)]),
    "unsorted, 20 bytes": lambda: _shuffled([f"respondent-{i:09d}" for i in range(3_000)]),
    "unicode": lambda: _shuffled([f"Ré{i:05d}-ü" for i in range(3_000)]),
    "untidy": lambda: [f" R{i} " if i % 3 else f"R  {i}" for i in range(3_000)],
    "inner spaces": lambda: [f"id {i}" for i in range(3_000)],
    "odd spaces": lambda: [f"R{i}\u00a0" if i % 2 else f"R{i}" for i in range(3_000)],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_distinct_ids_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    path = _write(tmp_path / "ids.csv", CASES[case]())
    table = _same_three_ways(path, monkeypatch, drop=False)
    assert isinstance(table, tuple)


def _with_repeat(n: int, a: int, b: int) -> list[str]:
    ids = _ids(n)
    ids[b] = ids[a]
    return ids


REPEATS: dict[str, Any] = {
    "first and last": lambda: _with_repeat(25_000, 0, 24_999),
    "adjacent": lambda: _with_repeat(3_000, 1_000, 1_001),
    "across a block": lambda: _shuffled(_with_repeat(25_000, 10, 20_000)),
    "blank ids": lambda: ["" if i % 50 == 0 else f"R{i:06d}" for i in range(3_000)],
    "blank and repeated": lambda: ["" if i % 7 == 0 else f"R{i % 900}" for i in range(3_000)],
    "unicode repeat": lambda: [f"Ré{i % 2_999}" for i in range(3_000)],
    "varied lengths": lambda: _shuffled([str(i % 2_500) for i in range(3_000)]),
    "untidy repeat": lambda: [f"R{i}" if i != 5 else " R4" for i in range(3_000)],
}


@pytest.mark.parametrize("case", sorted(REPEATS))
@pytest.mark.parametrize("drop", [False, True])
def test_repeated_and_blank_ids_are_refused_or_excluded_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, drop: bool
) -> None:
    path = _write(tmp_path / "repeats.csv", REPEATS[case]())
    found = _same_three_ways(path, monkeypatch, drop=drop)
    if not drop and case != "blank ids":  # blank ids are no problem
        assert isinstance(found, tuple) and found[0] == "refused"
        assert any("is used on rows" in p for p in found[2])


def test_the_message_names_every_row_of_a_repeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _ids(3_000)
    ids[2_999] = ids[1_000] = ids[0]
    found = _fingerprint(_write(tmp_path / "r.csv", ids), monkeypatch, "new", drop=False)
    assert isinstance(found, tuple) and found[0] == "refused"
    assert found[2] == [
        f"{tmp_path / 'r.csv'}:{row}:A (respondent): respondent id 'R000000' is used on "
        "rows 2, 1002 and 3001"
        for row in (2, 1002, 3001)
    ]


@pytest.mark.parametrize("n", [1, 2, 17])
def test_tiny_files_read_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    _same_three_ways(_write(tmp_path / "tiny.csv", _ids(n)), monkeypatch, drop=False)


def test_rows_left_out_keep_the_ids_of_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answers(i: int) -> list[str]:  # every tenth respondent answers nothing
        return [""] * 20 if i % 10 == 3 else _answers(i)

    ids = _shuffled(_ids(3_000))
    path = _write(tmp_path / "some-empty.csv", ids, answers)
    table = _same_three_ways(path, monkeypatch, drop=True)
    assert isinstance(table, tuple)
    assert table[0] == [rid for i, rid in enumerate(ids) if i % 10 != 3]


# -- score's outputs the new way and the old ---------------------------------------------


def _outputs(path: Path, runner: CliRunner, patch: pytest.MonkeyPatch, old: bool) -> list[str]:
    with patch.context() as p:
        if old:
            p.setattr(files, "_all_distinct", lambda cells: False)
        out = []
        for fmt in ("json", "csv"):
            result = runner.invoke(app, ["score", str(path), "--format", fmt])
            assert result.exit_code == 0, result.output
            out.append(result.stdout)
    return out


def test_score_writes_the_same_with_ids_as_arrow_text(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answers(i: int) -> list[str]:
        cells = _answers(i)
        if i % 97 == 5:  # skips a whole dimension: warned by id
            cells[:5] = [""] * 5
        if i % 89 == 7:  # the same answer to every item: straight-lining, named by id
            cells = ["4"] * 20
        return cells

    for name, ids in {
        "ascending": _ids(3_000),
        "unsorted": _shuffled([f"Ré{i}" for i in range(3_000)]),
    }.items():
        path = _write(tmp_path / f"{name}.csv", ids, answers)
        new = _outputs(path, runner, monkeypatch, old=False)
        assert new == _outputs(path, runner, monkeypatch, old=True)
        assert ids[5] in new[0]  # a skipped dimension, named by the respondent's id


# -- the stand-in against its object array -----------------------------------------------

_CELLS = st.lists(st.text(alphabet='ab é\u00a0\t\n,"0', max_size=5), max_size=30)


def _arrow(cells: list[str], chunks: int) -> ArrowText:
    size = max(1, -(-len(cells) // chunks))
    parts = [cells[i : i + size] for i in range(0, len(cells), size)] or [[]]
    column = pa.chunked_array([pa.array(p, pa.string()) for p in parts], type=pa.string())
    return ArrowText.of_chunks(column.chunks)


@settings(max_examples=200, deadline=None)
@given(_CELLS, st.integers(1, 4), st.data())
def test_arrow_text_answers_as_its_cells(cells: list[str], chunks: int, data: Any) -> None:
    column = _arrow(cells, chunks)
    oracle = np.empty(len(cells), dtype=object)
    oracle[:] = cells
    assert len(column) == len(oracle) and column.shape == oracle.shape
    assert column.dtype == object
    assert column.arrow().to_pylist() == cells
    for i in range(-len(cells), len(cells)):
        assert column[i] == oracle[i]
    for bad in (len(cells), -len(cells) - 1):
        with pytest.raises(IndexError):
            column[bad]
    start, stop = data.draw(st.integers(-35, 35)), data.draw(st.integers(-35, 35))
    step = data.draw(st.sampled_from([None, 1, 2, -1, 3]))
    assert column[start:stop:step].tolist() == oracle[start:stop:step].tolist()
    flags = data.draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    mask = np.array(flags, dtype=bool)
    assert column[mask].tolist() == oracle[mask].tolist()
    index = np.array(
        data.draw(st.lists(st.integers(-len(cells), len(cells) - 1), max_size=10)) if cells else [],
        dtype=np.intp,
    )
    assert column[index].tolist() == oracle[index].tolist()
    rows = np.sort(np.flatnonzero(mask))
    taken = column.take(rows)
    assert isinstance(taken, ArrowText) and taken.tolist() == oracle[rows].tolist()
    assert taken.arrow().to_pylist() == oracle[rows].tolist()
    if cells:  # any rows, unsorted and repeated: arrow's take
        anyhow = np.array(data.draw(st.lists(st.integers(0, len(cells) - 1), max_size=10)))
        assert column.take(anyhow).tolist() == oracle[anyhow.astype(np.intp)].tolist()
    assert column.surely_distinct() == (len(set(cells)) == len(cells))
    if column.clean():
        assert tidy(oracle) is oracle  # clean: tidy leaves it as it is
    assert tidy(column).tolist() == tidy(oracle).tolist()
    assert (column == "a").tolist() == (oracle == "a").tolist()
    assert np.asarray(column).tolist() == cells
    assert column.tolist() == cells


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(min_size=3, max_size=3).map(lambda b: b.hex()[:5]), max_size=40))
def test_fixed_width_ids_are_distinct_exactly_when_python_says(cells: list[str]) -> None:
    column = _arrow(cells, 2)
    assert column.surely_distinct() == (len(set(cells)) == len(cells))
    rows = np.arange(0, len(cells), 3)  # cells of one width: gathered as rows of bytes
    assert column.take(rows).tolist() == cells[::3]
    assert column.clean() == all(c.isascii() and c.isprintable() and " " not in c for c in cells)


def test_the_ids_of_a_large_file_stay_arrow_text_through_scoring(tmp_path: Path) -> None:
    from salesmkt.analysis.scoring import score_table
    from salesmkt.model.assessment import Settings

    path = _write(tmp_path / "big.csv", _ids(25_000))
    table = read_responses(ResponseSource(path), questionnaire_load.load("alignment"))
    ids = column_values(table, "respondent")
    assert isinstance(ids, ArrowText)
    score_table(table, Settings())
    assert ids._cells is None  # no cell built: a million Python strings never made


def test_many_rows_are_gathered_alike() -> None:
    cells = [f"id{i * 7919 % 5003}" + "x" * (i % 3) for i in range(5_000)]
    column = _arrow(cells, 3)
    oracle = np.array(cells, dtype=object)
    rows = np.flatnonzero(np.arange(5_000) % 4 != 1)  # over a thousand: taken, not one by one
    assert column[rows].tolist() == oracle[rows].tolist()
    assert column[rows[::-1]].tolist() == oracle[rows[::-1]].tolist()
    assert column[np.arange(5_000) % 3 == 0].tolist() == oracle[::3].tolist()


_PROBE = """
import sys
from pathlib import Path
from salesmkt.definitions import questionnaire_load
from salesmkt.intake.responses import read_responses, column_values
from salesmkt.intake.source import ResponseSource
table = read_responses(ResponseSource(Path(sys.argv[1])), questionnaire_load.load("alignment"))
column_values(table, "respondent")[[3, 1]]
print(type(column_values(table, "respondent")).__name__, "pyarrow.compute" in sys.modules)
"""


def test_reading_ids_as_arrow_text_imports_no_arrow_compute(tmp_path: Path) -> None:
    # pyarrow.compute costs some 50 ms to import: the usual ids (one width, ascending or
    # not) and a few of them named are answered with numpy on arrow's bytes.
    import subprocess
    import sys

    for name, ids in {"sorted": _ids(3_000), "unsorted": _shuffled(_ids(3_000))}.items():
        path = _write(tmp_path / f"{name}.csv", ids)
        run = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, check=True
        )
        assert run.stdout.split() == ["ArrowText", "False"], run.stdout
