"""The pyarrow read of a text body against the pandas read it replaces (the oracle).

Every file here is read twice, once on the arrow path and once with it switched off,
and the response tables (answers, groups, ids, segments, comments, exclusions,
warnings) or the refusals must be identical.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.reading import fingerprint

from salesmkt.definitions import questionnaire_load
from salesmkt.intake.files import open_responses
from salesmkt.intake.scale import BLANK_CODE

HEADER = "respondent,group,region," + ",".join(f"q{i:02d}" for i in range(1, 21)) + ",comment"


def _row(code: str, group: str, answers: list[str], comment: str = "") -> str:
    return ",".join([code, group, "EMEA", *answers, comment])


def _read(path: Path, *, arrow: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    return fingerprint(path, monkeypatch, arrow=arrow)


def _same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _read(path, arrow=True, monkeypatch=monkeypatch) == _read(
        path, arrow=False, monkeypatch=monkeypatch
    )


def test_a_clean_file_takes_the_arrow_path(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    lines = [HEADER]
    for i in range(300):
        answers = [str(v) if v else "" for v in rng.integers(0, 6, 20)]
        lines.append(_row(f"R{i}", ["Sales", "Marketing"][i % 2], answers, "ok"))
    path = tmp_path / "clean.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    opened = open_responses(path, "clean.csv")
    body = opened.body(1, list(range(3, 23)), 1, 5)
    assert body.cells[3].dtype == np.int8  # numeric items came back as small integers
    oracle = pd.read_csv(path, dtype=str, keep_default_na=False)
    for j in range(20):
        expected = pd.to_numeric(oracle[f"q{j + 1:02d}"].replace("", np.nan))
        got = body.cells[3 + j].astype(np.float64)
        got[body.cells[3 + j] == BLANK_CODE] = np.nan
        np.testing.assert_array_equal(got, expected)
    assert body.cells[0].tolist() == oracle["respondent"].tolist()


@pytest.mark.parametrize(
    "cell", ["0x4", "+4", " 4", "4 ", "4.0", "04", "-0", "6", "4 - Agree", "Agree", "1e0", "٤"]
)
def test_unusual_answers_read_as_the_text_path_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str
) -> None:
    lines = [HEADER] + [
        _row(
            f"R{i}",
            "Sales",
            [cell if i == 2 and j == 4 else str(1 + (i + j) % 5) for j in range(20)],
        )
        for i in range(6)
    ]
    path = tmp_path / "unusual.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _same_both_ways(path, monkeypatch)


def test_quotes_line_breaks_and_ragged_rows_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [str(1 + j % 5) for j in range(20)]
    lines = [
        HEADER,
        _row('"R1"', '"Sales"', answers, '"a, b"'),
        _row("R2", "Marketing", answers, '"two\nlines"'),
        _row("R3", "Sales", answers, '"say ""hi"""'),
        _row("R4", '"Sales"', answers, ""),
    ]
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _same_both_ways(path, monkeypatch)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("\n".join([*lines, "R5,Sales,EMEA,1,2"]) + "\n", encoding="utf-8")
    _same_both_ways(ragged, monkeypatch)


def test_label_answers_over_many_blocks_read_as_the_text_path_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Over pyarrow's 1 MB block, so the columns come in several chunks, each with its
    # own dictionary: the codes handed to the scale must still point at their own cells.
    words = ["1 - Strongly disagree", "2 - Disagree", "3 - Neutral", "4 - Agree", "5"]
    rng = np.random.default_rng(11)
    lines = [HEADER]
    for i in range(12_000):
        answers = [words[v] if v < 5 else "" for v in rng.integers(0, 6, 20)]
        if i in (7, 11_000):
            answers[3] = "Agreed?" if i == 7 else "9 - Very much"
        lines.append(_row(f"R{i}", ["Sales", "Marketing"][i % 2], answers, "x" * (i % 7)))
    path = tmp_path / "labels.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 2 * 2**20
    body = open_responses(path, "labels.csv").body(1, list(range(3, 23)), 1, 5)
    assert set(body.factorized) == set(range(3, 23))  # the label columns' codes came along
    # Several chunks, each with its own dictionary, unified into one: each distinct
    # cell once.
    assert sorted(body.factorized[3][1]) == sorted(["", *words])
    _same_both_ways(path, monkeypatch)


def test_the_scale_parses_given_codes_as_it_parses_the_cells() -> None:
    from salesmkt.intake.scale import AnswerScale

    scale = AnswerScale(questionnaire_load.load("alignment"))
    cells = np.array(["4 - Agree", "", "x", "2", "4 - Agree", "x"], dtype=object)
    # The distinct cells listed twice (two chunks' dictionaries), codes into either copy.
    uniques = ["4 - Agree", "", "x", "2", "x", "4 - Agree"]
    codes = np.array([0, 1, 2, 3, 5, 4], dtype=np.intp)
    given = scale.parse_column(cells, (codes, uniques))
    hashed = scale.parse_column(cells)
    np.testing.assert_array_equal(given[0], hashed[0])
    np.testing.assert_array_equal(given[1], hashed[1])
    assert given[2] == hashed[2] and set(given[2]) == {2, 5}
