"""Choosing the worksheet that holds the responses, by its content.

Vocabulary:
- *candidate*: a worksheet that holds anything (hidden sheets included: a hidden sheet
  that matches is as likely the real data as an old copy, so it is never skipped
  silently).
- *fits*: the candidate's header rows are found and every item of the questionnaire is
  matched to a column (what :func:`.columns.match_items` accepts).
- The choice: ``--sheet`` names the sheet; otherwise exactly one candidate must fit. None
  fitting is the first candidate's own error; two or more fitting is refused, naming
  them, since scoring either one could be silently wrong. A warning names the sheet
  read when it is not the first visible one (the sheet the workbook opens on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from salesmkt.errors import ResponseDataError, SalesmktError
from salesmkt.intake.workbook import Workbook
from salesmkt.model.assessment import DataWarning

T = TypeVar("T")


def choose_sheet(book: Workbook, fit: Callable[[], T], named: bool) -> tuple[T, list[DataWarning]]:
    """What ``fit`` makes of the sheet that fits (set in use on ``book``), and a warning
    naming the sheet read when the workbook has others."""
    candidates = book.candidates()
    if named or len(candidates) == 1:
        return fit(), []
    fitting: list[tuple[int, T]] = []
    first_error: SalesmktError | None = None
    for index in candidates:
        book.use(index)
        try:
            fitting.append((index, fit()))
        except SalesmktError as exc:
            first_error = first_error or exc
    if not fitting:
        book.use(candidates[0])
        assert first_error is not None
        raise first_error
    if len(fitting) > 1:
        names = " and ".join(book.sheets[i].described() for i, _ in fitting)
        raise ResponseDataError(
            f"{book.source}: the sheets {names} both hold responses to this questionnaire; "
            "say which to read with --sheet NAME"
        )
    index, result = fitting[0]
    book.use(index)
    first_seen = ([i for i in candidates if not book.sheets[i].hidden] or candidates)[0]
    # Said only when the sheet read is not the one the workbook opens on: the sheets
    # after the responses (a template's statements and lists) are no news.
    return result, [] if index == first_seen else [_read_one(book, index)]


def _read_one(book: Workbook, index: int) -> DataWarning:
    others = ", ".join(s.described() for i, s in enumerate(book.sheets) if i != index)
    return DataWarning(
        code="sheets",
        message=f"{book.source}: read the sheet {book.sheets[index].described()}, the one "
        f"whose header matches the questionnaire; left out {others}",
    )
