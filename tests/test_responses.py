"""Reading responses files: every export style, the data-quality gate, missing answers.

Expected answers are written out by hand here (the oracle), never taken from the reader.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.errors import NotFoundError, ResponseDataError, UsageError
from salesmkt.intake.responses import ResponseTable, column_letter, parse_answers, read_responses
from salesmkt.intake.source import ResponseSource


def read(
    path: Path, q: Questionnaire, *, max_missing: float = 0.2, **options: Any
) -> ResponseTable:
    """read_responses on a file with the given reading options (a ResponseSource)."""
    return read_responses(ResponseSource(path, **options), q, max_missing=max_missing)


EXPORTS = Path(__file__).parent / "fixtures" / "exports"
ITEMS = [f"q{i:02d}" for i in range(1, 21)]
MISSING_CODES = "(N/A, Don't know, Not applicable)"
EXPECTED_TAIL = f"expected 1–5, a label such as 'Agree', or a missing code {MISSING_CODES}"

# The six respondents every export fixture holds ("." = no answer), by hand.
PEOPLE = {
    "R1": ("sales", "45344 54434 43345 44354"),
    "R2": ("sales", "34423 33432 24333 32433"),
    "R3": ("sales", "55544 45544 55445 5445."),
    "R4": ("marketing", "23322 32232 22323 32223"),
    "R5": ("marketing", "22.33 23322 3.232 22232"),
    "R6": ("marketing", "12221 21122 12212 21121"),
}


def _digits(text: str) -> list[float]:
    return [math.nan if c == "." else float(c) for c in text.replace(" ", "")]


EXPECTED = np.array([_digits(a) for _, a in PEOPLE.values()])


@pytest.fixture(scope="module")
def alignment() -> Questionnaire:
    return load("alignment")


def write(tmp_path: Path, text: str, name: str = "responses.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def table(rows: list[list[str]], header: list[str] | None = None) -> str:
    """A CSV text: header ``group,q01..q20,respondent`` (so q05 sits in column F)."""
    header = header or ["group", *ITEMS, "respondent"]
    return "\n".join(",".join(r) for r in [header, *rows]) + "\n"


def person(group: str, answers: list[str] | str, rid: str) -> list[str]:
    cells = answers.split() if isinstance(answers, str) else answers
    assert len(cells) == 20
    return [group, *cells, rid]


FULL = "4 3 4 2 3 4 5 3 4 2 3 4 4 3 2 4 3 4 5 3"
FULL_VALUES = [4, 3, 4, 2, 3, 4, 5, 3, 4, 2, 3, 4, 4, 3, 2, 4, 3, 4, 5, 3]


def problems_of(excinfo: pytest.ExceptionInfo[ResponseDataError]) -> list[str]:
    return list(excinfo.value.problems)


# -- every export style ------------------------------------------------------------------

TEAM_Q = "Which team are you in?"
NUMBERED = ["1", "2", "3", "4", "5", "6"]
STYLES = [
    # file, encoding, delimiter, header rows, respondent ids (None = no id column), group col
    ("google_forms.csv", "utf-8", ",", 1, None, TEAM_Q),
    ("microsoft_forms.xlsx", "xlsx", None, 1, NUMBERED, TEAM_Q),
    ("microsoft_forms_de.xlsx", "xlsx", None, 1, NUMBERED, "Welchem Team gehören Sie an?"),
    ("surveymonkey.csv", "utf-8", ",", 2, [str(114523987650 + i) for i in range(6)], TEAM_Q),
    ("qualtrics.csv", "utf-8", ",", 3, [f"R_2Vx9k{i}Lq0pZ7mAb" for i in range(6)], "Team"),
    ("excel_csv_utf8.csv", "utf-8-sig", ",", 1, list(PEOPLE), "Team"),
    ("excel_csv_legacy.csv", "cp1252", ",", 1, list(PEOPLE), "Team"),
    ("european_semicolon.csv", "utf-8", ";", 1, list(PEOPLE), "Abteilung"),
    ("excel_unicode_text.txt", "utf-16-le", "\t", 1, list(PEOPLE), "Group"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "header_rows", "ids", "group_col"), STYLES
)
def test_each_export_style_reads_to_the_same_answers(
    alignment: Questionnaire,
    name: str,
    encoding: str,
    delimiter: str | None,
    header_rows: int,
    ids: list[str] | None,
    group_col: str,
) -> None:
    t = read(EXPORTS / name, alignment)
    assert list(t.answers.columns) == ITEMS
    assert t.answers.dtypes.unique().tolist() == [np.dtype("float64")]
    np.testing.assert_array_equal(t.answers.to_numpy(), EXPECTED)
    assert t.group.tolist() == ["sales"] * 3 + ["marketing"] * 3
    assert t.encoding == encoding
    assert t.delimiter == delimiter
    assert t.header_rows == header_rows
    assert t.group_column == group_col
    assert (t.respondent.tolist() if t.respondent is not None else None) == ids
    # Header rows count as spreadsheet rows: the first respondent sits right under them.
    assert t.rows.tolist() == list(range(header_rows + 1, header_rows + 7))
    assert t.rows_read == 6
    assert t.excluded == []
    # Every file carries the same six comments; the last one has non-ASCII text.
    assert t.comments.shape == (6, 1)
    assert t.comments.iloc[5, 0] == "Müller's team – great partner."
    assert t.comments.iloc[1, 0] == ""


def test_examples_folder_holds_the_same_files() -> None:
    examples = Path(__file__).parent.parent / "examples" / "exports"
    for fixture in EXPORTS.iterdir():
        if fixture.suffix != ".py":
            assert (examples / fixture.name).read_bytes() == fixture.read_bytes(), fixture.name
    assert (examples / "README.md").is_file()


def test_export_metadata_columns_become_segments(alignment: Questionnaire) -> None:
    google = read(EXPORTS / "google_forms.csv", alignment)
    assert list(google.segments.columns) == ["Timestamp", "Region"]
    assert google.segments["Region"].tolist() == [
        "EMEA", "EMEA", "Americas", "EMEA", "APAC", "Americas",
    ]  # fmt: skip
    assert google.segments["Timestamp"].iloc[0] == "2024/03/05 9:10:30 AM GMT+1"
    german = read(EXPORTS / "microsoft_forms_de.xlsx", alignment)
    assert "Startzeit" in german.segments.columns
    assert german.segments["Startzeit"].iloc[0] == "2024-03-05 09:10:00"
    assert german.columns["q01"].startswith("q01. When a period closes")
    qualtrics = read(EXPORTS / "qualtrics.csv", alignment)
    assert qualtrics.columns["q05"] == "Q2_5"
    assert "Progress" in qualtrics.segments.columns
    assert [w.code for w in qualtrics.warnings] == ["header-rows"]
    assert qualtrics.warnings[0].row == 2


def test_surveymonkey_matrix_question_with_statements_in_the_second_row(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    # A matrix question exports its title once, over blank cells, and the statements in
    # the sub-header row beneath.
    texts = [alignment.item(i).text for i in ITEMS]
    first = ["Respondent ID", "Which team are you in?", "Please rate each statement."]
    first += [""] * 19
    second = ["", "Response", *texts]
    rows = [first, second, ["9001", "Sales", *FULL.split()], ["9002", "Marketing", *FULL.split()]]
    body = "".join(",".join(f'"{c}"' for c in row) + "\r\n" for row in rows)
    t = read(write(tmp_path, body), alignment)
    assert t.header_rows == 2
    assert t.rows.tolist() == [3, 4]
    assert t.answers.iloc[1].tolist() == FULL_VALUES
    assert t.columns["q01"] == "Please rate each statement."
    assert t.columns["q02"] == texts[1]
    assert t.group.tolist() == ["sales", "marketing"]


def test_legacy_encoding_is_read_with_a_warning(alignment: Questionnaire) -> None:
    t = read(EXPORTS / "excel_csv_legacy.csv", alignment)
    (warning,) = t.warnings
    assert warning.code == "encoding"
    assert "Windows-1252" in warning.message
    # The first non-UTF-8 byte: the curly apostrophe of R3's "Don’t know" on line 4.
    assert "(first at line 4)" in warning.message


def test_raw_bytes_of_the_encoding_fixtures_are_what_excel_writes() -> None:
    assert (EXPORTS / "excel_csv_utf8.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert (EXPORTS / "excel_unicode_text.txt").read_bytes()[:2] == b"\xff\xfe"
    legacy = (EXPORTS / "excel_csv_legacy.csv").read_bytes()
    assert b"M\xfcller" in legacy and b"\x96" in legacy and b"Don\x92t know" in legacy


# -- answers --------------------------------------------------------------------------------


def test_labels_in_any_case_spacing_and_number_label_forms(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    cells = [
        "Strongly agree", "strongly AGREE", " agree ", "Strongly\u00a0disagree",
        "strongly  disagree", "4 - Agree", "4 (Agree)", "Agree (4)", "2 – Disagree",
        "(5) Strongly agree", "3", "3.0", "+3", '"4,0"', "Neither agree nor disagree",
        "NEITHER AGREE NOR DISAGREE", "1", "2", "Disagree\u00a0", "5",
    ]  # fmt: skip
    path = write(tmp_path, table([person("sales", cells, "r1")]))
    t = read(path, alignment)
    expected = [5, 5, 4, 1, 1, 4, 4, 4, 2, 5, 3, 3, 3, 4, 3, 3, 1, 2, 2, 5]
    assert t.answers.iloc[0].tolist() == expected


def test_missing_codes_and_blanks_are_nan_never_zero_or_midpoint(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    cells = ["N/A", "n/a", "Don't know", "don\u2019t KNOW", "", " ", *FULL.split()[6:]]
    path = write(tmp_path, table([person("sales", cells, "r1")]))
    # Six of twenty missing is 30%: allow it here to look at the values.
    t = read(path, alignment, max_missing=0.5)
    row = t.answers.iloc[0].tolist()
    assert all(math.isnan(v) for v in row[:6])
    assert row[6:] == FULL_VALUES[6:]
    assert t.answers.iloc[0].count() == 14


def test_text_that_numeric_parsers_take_for_missing_is_an_error(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    # pandas' defaults would silently read these as NaN or infinity.
    cells = ["NA", "nan", "NULL", "inf", *FULL.split()[4:]]
    path = write(tmp_path, table([person("sales", cells, "r1")]))
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment)
    assert [p.split(":")[2] for p in problems_of(excinfo)] == [
        "B (q01)", "C (q02)", "D (q03)", "E (q04)",
    ]  # fmt: skip
    assert (
        problems_of(excinfo)[0]
        == f"{path}:2:B (q01): 'NA' is not an answer on the 1–5 scale; {EXPECTED_TAIL}"
    )


def test_numbers_outside_the_scale_in_an_all_numeric_file(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    # A file of plain numbers is read on the fast numeric path; out-of-scale numbers
    # must still be reported cell by cell, with the text as typed.
    cells = ["7", "0", "3.5", "1e0", "04", "-2", *FULL.split()[6:]]
    rows = [person("1", FULL, "1"), person("2", cells, "2")]
    header = ["group", *ITEMS, "respondent"]
    path = write(tmp_path, table(rows, header))
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment, group_column="group")
    f = str(path)
    assert problems_of(excinfo) == [
        f"{f}:2:A (group): unknown group '1'; expected Sales, Marketing or Leadership "
        "(or an alias such as 'sales team')",
        f"{f}:3:A (group): unknown group '2'; expected Sales, Marketing or Leadership "
        "(or an alias such as 'sales team')",
        f"{f}:3:B (q01): '7' is outside the 1–5 scale; {EXPECTED_TAIL}",
        f"{f}:3:C (q02): '0' is outside the 1–5 scale; {EXPECTED_TAIL}",
        f"{f}:3:D (q03): '3.5' is not a whole number on the 1–5 scale; {EXPECTED_TAIL}",
        f"{f}:3:G (q06): '-2' is outside the 1–5 scale; {EXPECTED_TAIL}",
    ]
    # Number spellings the fast path takes are the ones the text path takes.
    fine = ["1e0", "04", "+2", "4.", *FULL.split()[4:]]
    for extra in ([], [person("sales", ["Agree", *FULL.split()[1:]], "y")]):
        t = read(write(tmp_path, table([person("sales", fine, "x"), *extra])), alignment)
        assert t.answers.iloc[0].tolist() == [1, 4, 2, 4, *FULL_VALUES[4:]]


def test_parse_answers_helper(alignment: Questionnaire) -> None:
    assert parse_answers(["5", "agree", "N/A", "", "2 - Disagree"], alignment) == [
        5.0, 4.0, None, None, 2.0,
    ]  # fmt: skip
    with pytest.raises(ResponseDataError) as excinfo:
        parse_answers(["3", "6", "Agreed", "5 - agree"], alignment)
    assert excinfo.value.problems == [
        f"2: '6' is outside the 1–5 scale; {EXPECTED_TAIL}",
        f"3: 'Agreed' is not an answer on the 1–5 scale; {EXPECTED_TAIL}",
        f"4: '5 - agree' is ambiguous: 'Agree' is 4, not 5; {EXPECTED_TAIL}",
    ]


def test_choice_scale_reads_option_ids_labels_and_aliases(tmp_path: Path) -> None:
    funnel = load("buying-funnel")
    header = ["Respondent", *[f"f{i}" for i in range(1, 9)]]
    rows = [
        ["a", "Marketing", "mktg", "marketing", "Shared", "both", "SALES", "Nobody", "no one"],
        ["b", "sales", "Sales", "Don't know", "joint", " Shared ", "none", "shared", "Marketing"],
    ]
    t = read(write(tmp_path, table(rows, header)), funnel)
    # option index: marketing 0, sales 1, shared 2, nobody 3
    assert t.answers.iloc[0].tolist() == [0, 0, 0, 2, 2, 1, 3, 3]
    second = t.answers.iloc[1].tolist()
    assert second[:2] == [1, 1] and math.isnan(second[2]) and second[3] == 2
    assert second[4:] == [2, 3, 2, 0]
    assert t.group.tolist() == ["all", "all"]
    assert t.group_column == ""


def test_choice_scale_rejects_unknown_options(tmp_path: Path) -> None:
    funnel = load("buying-funnel")
    header = ["Respondent", *[f"f{i}" for i in range(1, 9)]]
    rows = [["a", "Marketting", "sales", "sales", "sales", "sales", "sales", "sales", "2"]]
    with pytest.raises(ResponseDataError) as excinfo:
        read(write(tmp_path, table(rows, header)), funnel)
    expected = (
        "expected Marketing, Sales, Shared or Nobody (ids, labels or aliases such as "
        "'mktg'), or a missing code (Don't know)"
    )
    f = tmp_path / "responses.csv"
    assert problems_of(excinfo) == [
        f"{f}:2:B (f1): 'Marketting' is not one of the options; {expected}",
        f"{f}:2:I (f8): '2' is not one of the options; {expected}",
    ]


def test_questionnaire_without_groups_needs_no_group_column(tmp_path: Path) -> None:
    need = load("need-to-align")
    header = [f"n{i:02d}" for i in range(1, 21)]
    rows = [["Yes", "no", "1", "0", *["No"] * 15, "Not sure"]]
    t = read(write(tmp_path, table(rows, header)), need)
    assert t.answers.iloc[0].tolist()[:19] == [1, 0, 1, 0, *[0] * 15]
    assert math.isnan(t.answers.iloc[0, 19])
    assert t.group.tolist() == ["all"]
    assert t.respondent is None
    # All "No" on a yes/no decision aid is a plausible answer, not straight-lining.
    assert [w.code for w in t.warnings] == []
    with pytest.raises(UsageError):
        read(tmp_path / "responses.csv", need, group_column="team")


# -- the data-quality gate ------------------------------------------------------------------


def test_gate_lists_every_problem_with_file_row_and_column(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    typo = FULL.split()
    typo[4] = "Strongly agreee"
    out_of_range = FULL.split()
    out_of_range[0], out_of_range[19] = "7", "0"
    rows = [
        person("sales", FULL, "r1"),  # row 2
        person("marketing", FULL, "r2"),  # row 3
        person("Finance", FULL, "r3"),  # row 4: unknown group
        person("", FULL, "r4"),  # row 5: blank group
        person("sales", out_of_range, "r5"),  # row 6
        person("sales", typo, "r6"),  # row 7: the README example
        person("marketing", FULL, "r2"),  # row 8: duplicate id
        person("sales", FULL, "r8")[:-3],  # row 9: two fields short
        [*person("sales", FULL, "r9"), "surplus"],  # row 10: an extra field
        person("sales", "3.5 " + " ".join(FULL.split()[1:]), "r10"),  # row 11
    ]
    path = write(tmp_path, table(rows))
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment)
    f = str(path)
    groups = "expected Sales, Marketing or Leadership (or an alias such as 'sales team')"
    assert problems_of(excinfo) == [
        f"{f}:3:V (respondent): respondent id 'r2' is used on rows 3 and 8",
        f"{f}:4:A (group): unknown group 'Finance'; {groups}",
        f"{f}:5:A (group): the group is blank; {groups}",
        f"{f}:6:B (q01): '7' is outside the 1–5 scale; {EXPECTED_TAIL}",
        f"{f}:6:U (q20): '0' is outside the 1–5 scale; {EXPECTED_TAIL}",
        f"{f}:7:F (q05): 'Strongly agreee' is not an answer on the 1–5 scale; {EXPECTED_TAIL}",
        f"{f}:8:V (respondent): respondent id 'r2' is used on rows 3 and 8",
        f"{f}:9:T (q19): the row has 19 field(s) but the header has 22; a delimiter is "
        "missing or the row was cut short",
        f"{f}:10:W (no header): the row has 23 fields but the header has 22; extra value "
        "'surplus' (an unquoted delimiter inside a cell?)",
        f"{f}:11:B (q01): '3.5' is not a whole number on the 1–5 scale; {EXPECTED_TAIL}",
    ]
    assert str(excinfo.value) == (
        f"{f}: 10 problem(s) in 9 row(s) failed the data-quality gate; fix them, or rerun "
        "with --drop-invalid to exclude those respondents"
    )


def test_drop_invalid_excludes_and_names_each_respondent(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    typo = FULL.split()
    typo[4] = "Strongly agreee"
    rows = [
        person("sales", FULL, "r1"),  # row 2: kept
        person("Finance", FULL, "r2"),  # row 3
        person("marketing", typo, "r3"),  # row 4
        person("marketing", "2 2 3 3 2 2 3 3 2 2 3 3 2 2 3 3 2 2 3 3", "r4"),  # row 5: kept
        person("sales", FULL, "r1"),  # row 6: duplicate of row 2
    ]
    path = write(tmp_path, table(rows))
    t = read(path, alignment, drop_invalid=True)
    assert t.respondent is not None and t.respondent.tolist() == ["r4"]
    assert t.rows.tolist() == [5]
    assert t.group.tolist() == ["marketing"]
    assert t.answers.to_numpy().tolist() == [[2, 2, 3, 3] * 5]
    assert t.rows_read == 5
    by_row = {e.row: e for e in t.excluded}
    assert sorted(by_row) == [2, 3, 4, 6]
    assert by_row[2].respondent == "r1" and by_row[2].group == "sales"
    assert by_row[2].reason == "V (respondent): respondent id 'r1' is used on rows 2 and 6"
    assert by_row[3].group == "Finance"
    assert by_row[3].reason.startswith("A (group): unknown group 'Finance'")
    assert by_row[4].reason == (
        f"F (q05): 'Strongly agreee' is not an answer on the 1–5 scale; {EXPECTED_TAIL}"
    )
    assert by_row[6].respondent == "r1"


def test_duplicate_item_columns_fail_even_with_drop_invalid(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    header = ["group", *ITEMS, "q05"]
    path = write(tmp_path, table([["sales", *FULL.split(), "3"]], header))
    for drop in (False, True):
        with pytest.raises(ResponseDataError) as excinfo:
            read(path, alignment, drop_invalid=drop)
        first = problems_of(excinfo)[0]
        assert first == (
            f"{path}:1:V (q05): duplicate column for q05; column F (q05) is q05 too; "
            "delete one, or say which one is meant with --map"
        )
        assert problems_of(excinfo)[-1].startswith(f"{path}:1: columns found: A (group); B (q01)")


def test_missing_item_column_lists_found_and_expected(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    header = ["team", *ITEMS[:6], "Q7", *ITEMS[7:]]
    path = write(tmp_path, table([["sales", *FULL.split()]], header))
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment)
    assert "do not match questionnaire 'alignment' (20 items q01…q20)" in str(excinfo.value)
    problems = problems_of(excinfo)
    assert problems[0] == (
        f"{path}:1: no column for q07 ('Sales and Marketing use the same terms for key ideas "
        "such…'); expected a header 'q07', the item's text, or an entry in a --map file"
    )
    assert "H (Q7)" in problems[1] and "A (team)" in problems[1]


def test_a_header_naming_two_items_is_ambiguous(tmp_path: Path, alignment: Questionnaire) -> None:
    both = (
        "Marketing asks Sales for input while it is drafting the marketing plan. / "
        "Both functions are judged on a common set of performance measures."
    )
    header = ["team", *ITEMS, both]
    path = write(tmp_path, table([["sales", *FULL.split(), "3"]], header))
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment)
    assert problems_of(excinfo)[0].startswith(
        f"{path}:1:V (Marketing asks Sales for input while it is…): the header matches "
        "several items (q04, q12)"
    )


def test_ambiguous_group_columns_list_what_was_found(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    header = ["Team", "Department", *ITEMS]
    rows = [["Sales", "Marketing", *FULL.split()], ["Marketing", "Sales", *FULL.split()]]
    path = write(tmp_path, table(rows, header))
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment)
    assert str(excinfo.value) == (
        f"{path}: 2 columns could be the group column (A (Team), B (Department)); "
        "name one with --group-column"
    )
    t = read(path, alignment, group_column="department")
    assert t.group.tolist() == ["marketing", "sales"]
    assert t.group_column == "Department"
    assert t.segments["Team"].tolist() == ["Sales", "Marketing"]


def test_two_unnamed_columns_of_group_names_are_ambiguous(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    header = ["Your role", "Reports to", *ITEMS]
    rows = [["Sales", "Leadership", *FULL.split()], ["Marketing", "Leadership", *FULL.split()]]
    path = write(tmp_path, table(rows, header))
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment)
    assert str(excinfo.value) == (
        f"{path}: several columns hold group names (A (Your role) 100% group names, "
        "B (Reports to) 100% group names); name one with --group-column"
    )


def test_no_group_column_says_what_is_expected(tmp_path: Path, alignment: Questionnaire) -> None:
    header = ["Region", *ITEMS]
    path = write(tmp_path, table([["EMEA", *FULL.split()]], header))
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment)
    message = str(excinfo.value)
    assert "no group column; expected a column headed group, groups, team, function" in message
    assert "Sales, Marketing or Leadership (or their aliases)" in message
    assert message.endswith("columns found: A (Region)")


def test_group_found_by_values_and_by_header(tmp_path: Path, alignment: Questionnaire) -> None:
    header = ["What is your role?", "FUNCTION ", *ITEMS]
    rows = [["Vertrieb", "x", *FULL.split()]]
    t = read(write(tmp_path, table(rows, header)), alignment, drop_invalid=True)
    # A column headed "function" is the group column, even over one holding group names.
    assert t.group_column == "FUNCTION"
    assert [e.reason for e in t.excluded] == [
        "B (FUNCTION): unknown group 'x'; expected Sales, Marketing or Leadership "
        "(or an alias such as 'sales team')"
    ]
    header = ["What is your role?", "Region", *ITEMS]
    rows = [["Vertrieb", "EMEA", *FULL.split()], ["CRO", "EMEA", *FULL.split()]]
    t = read(write(tmp_path, table(rows, header)), alignment)
    assert t.group.tolist() == ["sales", "leadership"]


def test_respondent_column_by_name_or_option(tmp_path: Path, alignment: Questionnaire) -> None:
    header = ["Code", "team", *ITEMS, "Badge"]
    rows = [["c1", "sales", *FULL.split(), "b1"], ["c2", "marketing", *FULL.split(), "b2"]]
    path = write(tmp_path, table(rows, header))
    t = read(path, alignment)
    assert t.respondent is not None and t.respondent.tolist() == ["c1", "c2"]
    t = read(path, alignment, respondent_column="badge")
    assert t.respondent is not None and t.respondent.tolist() == ["b1", "b2"]
    assert t.segments["Code"].tolist() == ["c1", "c2"]
    with pytest.raises(ResponseDataError, match="no column headed 'Nope' for the respondent id"):
        read(path, alignment, respondent_column="Nope")


# -- missing answers, empty rows, straight-lining --------------------------------------------


def _with_missing(count: int) -> list[str]:
    cells = FULL.split()
    for i in range(count):
        cells[i] = ""
    return cells


def test_max_missing_boundary(tmp_path: Path, alignment: Questionnaire) -> None:
    rows = [
        person("sales", _with_missing(4), "four"),  # 20%: kept, prorated later
        person("sales", _with_missing(5), "five"),  # 25%: excluded
        person("marketing", _with_missing(20), "none"),  # nothing answered: excluded
    ]
    t = read(write(tmp_path, table(rows)), alignment)
    assert t.respondent is not None and t.respondent.tolist() == ["four"]
    assert t.answers.iloc[0].count() == 16
    assert [(e.row, e.respondent, e.group, e.reason) for e in t.excluded] == [
        (3, "five", "sales", "5 of 20 answers missing (25%); at most 4 (20%) may be missing"),
        (4, "none", "marketing", "20 of 20 answers missing (100%); at most 4 (20%) may be missing"),
    ]
    assert t.rows_read == 3
    strict = read(tmp_path / "responses.csv", alignment, max_missing=0.0)
    assert strict.answers.empty
    assert [e.respondent for e in strict.excluded] == ["four", "five", "none"]
    with pytest.raises(UsageError):
        read(tmp_path / "responses.csv", alignment, max_missing=1.5)


def test_unanswered_row_with_blank_group_is_excluded_not_a_gate_failure(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    # Qualtrics exports started-but-abandoned responses this way: metadata only.
    rows = [person("sales", FULL, "r1"), person("", [""] * 20, "r2")]
    t = read(write(tmp_path, table(rows)), alignment)
    assert [(e.row, e.respondent, e.group) for e in t.excluded] == [(3, "r2", None)]


def test_empty_rows_are_skipped_with_a_warning(tmp_path: Path, alignment: Questionnaire) -> None:
    text = table([person("sales", FULL, "r1"), [""] * 22, person("marketing", FULL, "r2")])
    text += "\n" + ",,,\n"
    t = read(write(tmp_path, text), alignment)
    assert t.rows.tolist() == [2, 4]
    assert t.rows_read == 2 and t.excluded == []
    (warning,) = [w for w in t.warnings if w.code == "empty-rows"]
    # Rows 5 and 6 trail the data (as spreadsheet programs save them): not worth a word.
    assert warning.message.endswith("skipped 1 empty row(s): 3")


def test_only_trailing_empty_rows_give_no_warning(tmp_path: Path, alignment: Questionnaire) -> None:
    text = table([person("sales", FULL, "r1"), person("marketing", FULL, "r2")])
    text += "\n" + ",,,\n" * 300
    t = read(write(tmp_path, text), alignment)
    assert t.rows.tolist() == [2, 3] and t.rows_read == 2
    assert [w.code for w in t.warnings] == []


def test_header_without_data_is_an_error(tmp_path: Path, alignment: Questionnaire) -> None:
    with pytest.raises(ResponseDataError, match="has a header but no data rows"):
        read(write(tmp_path, table([])), alignment)


def test_straight_lining_is_a_warning_not_an_exclusion(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    same = ["4"] * 20
    five = ["5"] * 5 + [""] * 15  # 5 answered: enough to call it straight-lining
    four = ["2"] * 4 + [""] * 16  # 4 answered: too few
    rows = [person("sales", same, "s1"), person("sales", five, "s2"), person("sales", four, "s3")]
    t = read(write(tmp_path, table(rows)), alignment, max_missing=1.0)
    assert t.respondent is not None and t.respondent.tolist() == ["s1", "s2", "s3"]
    flagged = [(w.code, w.row, w.respondent) for w in t.warnings]
    assert flagged == [("straight-lining", 2, "s1"), ("straight-lining", 3, "s2")]
    assert t.warnings[0].message == (
        "row 2 (respondent s1) gave the same answer, 4 ('Agree'), to all 20 items answered; "
        "kept, but check it was answered with care"
    )


# -- mapping --------------------------------------------------------------------------------


def test_mapping_file_names_the_columns(tmp_path: Path, alignment: Questionnaire) -> None:
    header = ["team", *[f"Statement {i}" for i in range(1, 21)]]
    path = write(tmp_path, table([["sales", *FULL.split()]], header))
    with pytest.raises(ResponseDataError):
        read(path, alignment)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("".join(f"q{i:02d}: Statement {i}\n" for i in range(1, 21)))
    t = read(path, alignment, mapping=mapping)
    assert t.answers.iloc[0].tolist() == FULL_VALUES
    assert t.columns["q07"] == "Statement 7"
    # A column letter works too when no header has that name.
    mapping.write_text("".join(f"q{i:02d}: Statement {i}\n" for i in range(2, 21)) + "q01: b\n")
    assert read(path, alignment, mapping=mapping).answers.iloc[0, 0] == 4.0


def test_mapping_overrides_and_reports_its_own_mistakes(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    # Two columns look like q05; the mapping says which one is meant.
    header = ["team", *ITEMS, "q05 (old wording)"]
    path = write(tmp_path, table([["sales", *FULL.split(), "1"]], header))
    mapping = tmp_path / "map.yaml"
    mapping.write_text("q05: q05 (old wording)\n")
    t = read(path, alignment, mapping=mapping)
    assert t.answers.iloc[0, 4] == 1.0
    assert t.segments.columns.tolist() == ["q05"]  # the other one is left as a segment
    mapping.write_text("q99: x\nq02: Nowhere\n")
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment, mapping=mapping)
    assert problems_of(excinfo)[0] == (
        f"{mapping}:1:1: 'q99' is not an item of questionnaire 'alignment'; items are q01…q20"
    )
    mapping.write_text("q02: Nowhere\n")
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment, mapping=mapping)
    assert problems_of(excinfo)[0].startswith(f"{mapping}:1:1: no column 'Nowhere' for q02;")


# -- files and formats ----------------------------------------------------------------------


def test_quoted_newlines_and_commas_count_as_one_spreadsheet_row(
    tmp_path: Path, alignment: Questionnaire
) -> None:
    header = ["group", *ITEMS, "comment"]
    rows = [
        ["sales", *FULL.split(), '"two\nlines, and a comma"'],
        ["marketing", *FULL.split()[:19], "9", "ok"],
    ]
    path = write(tmp_path, table(rows, header))
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment)
    assert problems_of(excinfo)[0].startswith(f"{path}:3:U (q20): '9' is outside")


def test_stray_quotes_fall_back_to_the_csv_module(tmp_path: Path, alignment: Questionnaire) -> None:
    header = ["group", *ITEMS, "comment"]
    rows = [["sales", *FULL.split(), 'a 15" screen'], ["marketing", *FULL.split(), "fine"]]
    t = read(write(tmp_path, table(rows, header)), alignment)
    assert t.comments["comment"].tolist() == ['a 15" screen', "fine"]
    assert t.answers.iloc[1].tolist() == FULL_VALUES


@pytest.mark.parametrize(("delimiter", "name"), [("|", "pipe.txt"), ("\t", "plain.tsv")])
def test_other_delimiters(
    tmp_path: Path, alignment: Questionnaire, delimiter: str, name: str
) -> None:
    text = table([person("sales", FULL, "r1")]).replace(",", delimiter)
    t = read(write(tmp_path, text, name=name), alignment)
    assert t.delimiter == delimiter
    assert t.answers.iloc[0].tolist() == FULL_VALUES


def test_utf16_big_endian_and_mac_line_ends(tmp_path: Path, alignment: Questionnaire) -> None:
    text = table([person("Vertrieb", FULL, "Jürgen")])
    t = read(write(tmp_path, "\ufeff" + text, encoding="utf-16-be"), alignment)
    assert t.encoding == "utf-16-be"
    assert t.respondent is not None and t.respondent.tolist() == ["Jürgen"]
    t = read(write(tmp_path, text.replace("\n", "\r")), alignment)
    assert t.answers.iloc[0].tolist() == FULL_VALUES


def test_xlsx_rows_are_sheet_rows(tmp_path: Path, alignment: Questionnaire) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([])  # a blank first row: the header is on row 2
    sheet.append(["Team", *ITEMS])
    sheet.append(["Sales", *FULL_VALUES])
    sheet.append(["Marketing", 4.0, "Strongly agreee", *FULL_VALUES[2:]])
    book.create_sheet("Notes")
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(ResponseDataError) as excinfo:
        read(path, alignment)
    assert problems_of(excinfo) == [
        f"{path}:4:C (q02): 'Strongly agreee' is not an answer on the 1–5 scale; {EXPECTED_TAIL}"
    ]
    t = read(path, alignment, drop_invalid=True)
    assert t.rows.tolist() == [3]
    assert [w.code for w in t.warnings] == []  # the empty "Notes" sheet holds nothing to miss


def test_unreadable_inputs(tmp_path: Path, alignment: Questionnaire) -> None:
    with pytest.raises(NotFoundError):
        read(tmp_path / "absent.csv", alignment)
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(ResponseDataError, match=r"legacy Excel workbook \(\.xls\)"):
        read(legacy, alignment)
    with pytest.raises(ResponseDataError, match="the file is empty"):
        read(write(tmp_path, "\n\n"), alignment)


cell_text = st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\t|ü')), max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(cell_text, min_size=1, max_size=6), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    final_newline=st.booleans(),
)
def test_record_count_without_parsing_agrees_with_the_csv_module(
    rows: list[list[str]], delimiter: str, final_newline: bool
) -> None:
    """The fast field count per record (used to find ragged rows) matches a real parser,
    whatever quotes, delimiters and line breaks the cells hold."""
    import csv
    import io

    from salesmkt.intake.records import find_records

    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    if not final_newline:
        text = text[:-2]
    data = text.encode("utf-8")
    starts, counts = find_records(data, delimiter)
    parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert counts.tolist() == [len(r) for r in parsed]
    # Each record starts where the previous one's line end stops.
    for start, row in zip(starts.tolist(), parsed, strict=True):
        again = next(
            csv.reader(io.StringIO(data[start:].decode("utf-8"), newline=""), delimiter=delimiter)
        )
        assert again == row


@pytest.mark.parametrize("block", [1, 3, 65_536])
@pytest.mark.parametrize("fields", [255, 256, 65_536, 65_537, 131_073])
def test_record_count_of_very_wide_rows(
    fields: int, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Delimiters are summed per record in 16 bits, a block of records at a time; a row
    too wide for that still counts."""
    import csv
    import io

    from salesmkt.intake import records
    from salesmkt.intake.records import find_records

    monkeypatch.setattr(records, "_RECORD_BLOCK", block)
    lines = ["a,b,c", ",".join(["1"] * fields), "", "x,y"]
    for text in ("\n".join(lines), "\n".join(lines) + "\n"):
        starts, counts = find_records(text.encode("utf-8"), ",")
        parsed = list(csv.reader(io.StringIO(text, newline="")))
        assert counts.tolist() == [max(1, len(r)) for r in parsed] == [3, fields, 1, 2]
        assert starts.tolist() == [0, 6, 6 + 2 * fields, 7 + 2 * fields]


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


# -- properties -----------------------------------------------------------------------------

LABEL = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree"}
LABEL[5] = "Strongly agree"

answer_rows = st.lists(
    st.lists(st.integers(min_value=0, max_value=5), min_size=20, max_size=20).filter(
        lambda row: sum(v == 0 for v in row) <= 4
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=answer_rows, seed=st.integers(0, 10_000), shuffle_seed=st.integers(0, 10_000))
def test_shuffling_rows_keeps_the_parsed_respondents(
    tmp_path_factory: pytest.TempPathFactory,
    alignment: Questionnaire,
    rows: list[list[int]],
    seed: int,
    shuffle_seed: int,
) -> None:
    """Answers written in any accepted form (0 = blank) parse back to the numbers, and
    the set of (respondent, answers) does not depend on the row order."""
    rng = random.Random(seed)

    def spell(v: int) -> str:
        if v == 0:
            return rng.choice(["", "N/A", "don't know"])
        return rng.choice([str(v), LABEL[v], LABEL[v].upper(), f"{v} - {LABEL[v]}", f" {v}"])

    lines = [
        ["sales" if i % 2 else "Marketing", *[spell(v) for v in row], f"id{i}"]
        for i, row in enumerate(rows)
    ]
    folder = tmp_path_factory.mktemp("shuffle")
    shuffled = lines[:]
    random.Random(shuffle_seed).shuffle(shuffled)

    def parsed(name: str, body: list[list[str]]) -> set[tuple[str, tuple[float, ...]]]:
        t = read(write(folder, table(body), name=name), alignment)
        assert t.respondent is not None
        return {
            (rid, tuple(-1.0 if math.isnan(v) else v for v in answers))
            for rid, answers in zip(t.respondent, t.answers.itertuples(index=False), strict=True)
        }

    expected = {
        (f"id{i}", tuple(float(v) if v else -1.0 for v in row)) for i, row in enumerate(rows)
    }
    assert parsed("a.csv", lines) == expected
    assert parsed("b.csv", shuffled) == expected
