"""Read a responses file with the reader's fast paths switched off, for tests that hold
the fast paths to the plain ones: a *fingerprint* is everything a response table holds
(answers as bytes, groups, codes, segments, comments, rows, exclusions, warnings, rows
read), or the refusal (message and problems)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
