"""Read a responses file with the reader's fast paths switched off, for tests that hold
the fast paths to the plain ones: a *fingerprint* is everything a response table holds
(answers as bytes, groups, codes, segments, comments, rows, exclusions, warnings, rows
read), or the refusal (message and problems)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import strategies as st

from salesmkt.definitions import questionnaire_load
from salesmkt.errors import ResponseDataError
from salesmkt.intake import files
from salesmkt.intake.responses import read_responses
from salesmkt.intake.source import ResponseSource


def fingerprint(
    path: Path, monkeypatch: pytest.MonkeyPatch, *, arrow: bool = True, guess: bool = True
) -> object:
    """The table read from ``path`` (``arrow``: pyarrow's read; ``guess``: records of a
    long file counted by the first ones' width), or the refusal."""
    with monkeypatch.context() as patch:
        if not arrow:
            patch.setattr(files.TextFile, "_read_arrow", lambda *args: None)
        if not guess:
            patch.setattr(files, "uniform_records", lambda *args: None)
            patch.setattr(files, "quoted_records", lambda *args: None)
        try:
            table = read_responses(
                ResponseSource(path, drop_invalid=True), questionnaire_load.load("alignment")
            )
        except ResponseDataError as exc:
            return ("refused", str(exc), exc.problems)
    return (
        table.answers.to_numpy().tobytes(),
        table.group.tolist(),
        None if table.respondent is None else table.respondent.tolist(),
        table.segments.to_dict("list"),
        table.comments.to_dict("list"),
        table.rows.tolist(),
        [e.model_dump() for e in table.excluded],
        [w.model_dump() for w in table.warnings],
        table.rows_read,
    )


# -- a quoted survey file with comments, and the odd rows put into it --------------------

HEADER = "respondent,group,region," + ",".join(f"q{i:02d}" for i in range(1, 21)) + ",comment"
"""The header of :func:`survey_row`'s rows: id, group, region, 20 items, a comment."""


def survey_row(i: int, comment: str | None = None, tail: str = "") -> str:
    """Respondent ``i``'s record: answers with a blank every 13th cell, and ``comment``
    as written (by default a quoted one holding a comma, doubled quotes and ``tail``)."""
    answers = ["" if (i + j) % 13 == 0 else str(1 + (i * 7 + j) % 5) for j in range(20)]
    if comment is None:
        comment = f'"#{i} the forecast missed, again; ""qualified"" leads{" x" * (i % 40)}{tail}"'
    return ",".join([f"R{i}", ["Sales", "Marketing"][i % 2], "EMEA", *answers, comment])


def odd_rows(tail: str = "") -> dict[str, list[str]]:
    """The odd records every fast path must read as the plain one does (or refuse alike)."""
    return {
        "none": [],
        "stray quote": [survey_row(9, 'a"b,c"d')],
        "line break in quotes": [survey_row(9, '"line one\nline two"')],
        "short row": ["R9,Sales,EMEA,1,2"],
        "long row": [survey_row(9, tail=tail) + ",extra"],
    }


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    """``lines`` as a file (LF line ends; ``encoding`` "crlf" is UTF-8 with CR LF)."""
    text = "\n".join(lines) + "\n"
    if encoding == "crlf":
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def same_every_way(
    path: Path, monkeypatch: pytest.MonkeyPatch, ways: list[dict[str, object]]
) -> object:
    """The fingerprint of ``path`` read each of ``ways`` (attributes of
    :mod:`salesmkt.intake.files` to set, or ``arrow``/``guess`` for :func:`fingerprint`);
    all must be the same."""
    found = []
    for way in ways:
        switches = {k: v for k, v in way.items() if k not in ("arrow", "guess")}
        for name, value in switches.items():
            monkeypatch.setattr(files, name, value)
        arrow, guess = bool(way.get("arrow", True)), bool(way.get("guess", True))
        found.append(fingerprint(path, monkeypatch, arrow=arrow, guess=guess))
    assert all(f == found[0] for f in found[1:])
    return found[0]


def quoted_comments(alphabet: str, max_size: int, count: int = 600) -> st.SearchStrategy[list[str]]:
    """``count`` comment cells of up to ``max_size`` characters from ``alphabet``, each
    quoted as the CSV rules want (a quote inside doubled)."""
    cell = st.text(alphabet=alphabet, max_size=max_size).map(
        lambda t: '"' + t.replace('"', '""') + '"'
    )
    return st.lists(cell, min_size=count, max_size=count)
