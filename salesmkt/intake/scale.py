"""Reading one answer on the questionnaire's scale.

Vocabulary:
- *scale*: the questionnaire's answers: a rating scale of whole numbers ``min``–``max``
  with optional *labels* ("4" is "Agree"), or a *choice* between named *options*
  (each with an id, a label and aliases). Either may list *missing codes* ("N/A",
  "don't know") that mean "no answer".
- *spelling*: one way a cell can write an answer: ``4``, ``4.0``, ``4,0``, ``Agree``,
  ``4 - Agree``, ``Agree (4)``; compared by their key (see :mod:`.spelling`).
- *cell states*: an answer cell is *answered* (a scale point or option), *blank*, a
  *missing code* or *invalid*. Blank and missing codes are missing answers (NaN), never
  0 or the midpoint. A choice is answered with the 0-based index of its option.
- *problem*: why an invalid cell was refused, worded for the person who fixes the file
  (what was found, and what was expected).

A whole column is read by parsing each distinct spelling once (:func:`.distinct.factorize`),
never each cell: a million cells usually hold a handful of spellings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import ResponseDataError
from salesmkt.intake.distinct import factorize
from salesmkt.intake.spelling import TRAILING_PUNCT, join, key, quote

# Cell states of an answer cell.
ANSWERED, BLANK, MISSING_CODE, INVALID = 0, 1, 2, 3

BLANK_CODE = -128
"""A blank cell in an item column the reader holds as small integers (``int8``: every
other cell a whole number on the scale, already checked); see :mod:`.files`."""

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?$")
_NUM_THEN_LABEL = re.compile(r"^\(?\s*([+-]?\d+)\s*\)?\s*[-\u2013\u2014:.=]?\s*\(?(.+?)\)?$")
_LABEL_THEN_NUM = re.compile(r"^(.+?)\s*[(\[]\s*([+-]?\d+)\s*[)\]]$")

Parsed = tuple[int, float, str | None]
"""``(state, value, problem)`` of one cell; ``problem`` is set when it is invalid."""


class AnswerScale:
    """Every accepted spelling of a questionnaire's answers, and the reason for a refusal.

    ``lookup`` maps a normalised spelling (:func:`.spelling.key`) to ``(state, value)``;
    cells not in it go through :meth:`parse`, which also understands numbers, "4 - Agree"
    and "Agree (4)" forms and explains what is wrong with anything else.
    """

    def __init__(self, questionnaire: Questionnaire) -> None:
        scale = questionnaire.scale
        self.choice = scale.type == "choice"
        self.lo = scale.min
        self.hi = scale.max
        self.labels: dict[str, int] = {}
        self.label_of = dict(scale.labels)
        self.lookup: dict[str, tuple[int, float]] = {"": (BLANK, math.nan)}
        for s in scale.accepted_spellings():
            if s.value is None:
                self.lookup.setdefault(key(s.text), (MISSING_CODE, math.nan))
                continue
            if s.kind == "label":
                self.labels.setdefault(key(s.text), s.value)
            self.lookup.setdefault(key(s.text), (ANSWERED, float(s.value)))
        self._expected = self._describe(questionnaire)
        self._cache: dict[str, Parsed] = {}

    def _describe(self, questionnaire: Questionnaire) -> str:
        scale = questionnaire.scale
        codes = ", ".join(scale.missing)
        missing = f", or a missing code ({codes})" if codes else " (or leave the cell blank)"
        if self.choice:
            names = join([o.label for o in scale.options])
            alias = next((a for o in scale.options for a in o.aliases), None)
            such = f" (ids, labels or aliases such as {quote(alias)})" if alias else ""
            return f"expected {names}{such}{missing}"
        span = f"{self.lo}–{self.hi}"
        example = None
        if scale.labels and self.hi is not None:
            example = scale.labels.get(self.hi - 1) or next(iter(scale.labels.values()))
        label = f", a label such as {quote(example)}" if example else ""
        return f"expected {span}{label}{missing}"

    @property
    def scale_name(self) -> str:
        return "the list of options" if self.choice else f"the {self.lo}–{self.hi} scale"

    def parse(self, cell: str) -> Parsed:
        """``(state, value, problem)`` of one cell; ``problem`` is set when invalid."""
        hit = self._cache.get(cell)
        if hit is not None:
            return hit
        result = self._parse(cell)
        if len(self._cache) < 100_000:
            self._cache[cell] = result
        return result

    def _parse(self, cell: str) -> Parsed:
        spelling = key(cell)
        found = self.lookup.get(spelling)
        if found is not None:
            return found[0], found[1], None
        if self.choice:
            return INVALID, math.nan, f"{quote(cell)} is not one of the options; {self._expected}"
        assert self.lo is not None and self.hi is not None
        if _NUMBER.match(spelling):
            return self._number(cell, spelling, self.lo, self.hi)
        labelled = self._numbered_label(cell, spelling)
        if labelled is not None:
            return labelled
        return (
            INVALID,
            math.nan,
            (f"{quote(cell)} is not an answer on {self.scale_name}; {self._expected}"),
        )

    def _number(self, cell: str, spelling: str, lo: int, hi: int) -> Parsed:
        """A cell written as a number: a whole number on the scale, or a problem."""
        # The same numbers the C parser's fast path takes (4, 4.0, +4, 1e0), plus a
        # decimal comma (4,0) from European spreadsheets.
        number = float(spelling.replace(",", "."))
        if not number.is_integer():
            return (
                INVALID,
                math.nan,
                (f"{quote(cell)} is not a whole number on {self.scale_name}; {self._expected}"),
            )
        if lo <= number <= hi:
            return ANSWERED, number, None
        return (
            INVALID,
            math.nan,
            (f"{quote(cell)} is outside {self.scale_name}; {self._expected}"),
        )

    def _numbered_label(self, cell: str, spelling: str) -> Parsed | None:
        """A number with a label, as in "4 - Agree" or "Agree (4)": answered when the two
        agree, a problem when they do not, ``None`` when the text holds no label of the
        scale."""
        for pattern, num_first in ((_NUM_THEN_LABEL, True), (_LABEL_THEN_NUM, False)):
            m = pattern.match(spelling)
            if not m:
                continue
            digits, label = (m.group(1), m.group(2)) if num_first else (m.group(2), m.group(1))
            labelled = self.labels.get(TRAILING_PUNCT.sub("", label.strip()))
            if labelled is None:
                continue
            if int(digits) == labelled:
                return ANSWERED, float(labelled), None
            return (
                INVALID,
                math.nan,
                (
                    f"{quote(cell)} is ambiguous: {quote(self.label_of[labelled])} is "
                    f"{labelled}, not {digits}; {self._expected}"
                ),
            )
        return None

    def parse_column(
        self,
        cells: npt.NDArray[Any],
        factorized: tuple[npt.NDArray[np.intp], list[str]] | None = None,
        *,
        small: bool = False,
        into: tuple[npt.NDArray[Any], npt.NDArray[np.int8]] | None = None,
    ) -> tuple[npt.NDArray[Any], npt.NDArray[np.int8], dict[int, str]]:
        """Values (NaN unless answered), states, and the problem text per invalid row;
        ``factorized``: the cells' codes and distinct cells when the reader knows them.
        With ``small`` the values come as ``int8`` (:data:`BLANK_CODE` unless answered)
        when every answer fits (see :func:`small_values`), else as float64. ``into``:
        the rows of the caller's grids the values and states may be written into (and
        are returned as) when the values' type is theirs; else new arrays.

        Vectorised: only each distinct spelling is parsed in Python.
        """
        uniques: Sequence[Any]
        if factorized is None or len(factorized[0]) != len(cells):
            codes, distinct = factorize(cells)
            uniques = distinct.tolist() if distinct.dtype == object else list(distinct)
        else:
            codes, uniques = factorized
        parsed = [self.parse(str(u)) for u in uniques]
        values: npt.NDArray[Any] = np.array([p[1] for p in parsed] + [math.nan], dtype=np.float64)
        if small:
            values = small_values(values)
        states = np.array([p[0] for p in parsed] + [BLANK], dtype=np.int8)
        # NaN cells (never produced by the readers, but possible from callers) are blank.
        if len(codes) and int(codes.min()) < 0:  # a pass, where np.where is a copy
            codes = np.where(codes < 0, len(parsed), codes)
        out_values, out_states = _gather(values, states, codes, into)
        problems: dict[int, str] = {}
        bad = [i for i, p in enumerate(parsed) if p[0] == INVALID]
        if bad:
            for row in np.flatnonzero(np.isin(codes, bad)):
                text = parsed[codes[row]][2]
                assert text is not None
                problems[int(row)] = text
        return out_values, out_states, problems


def _gather(
    values: npt.NDArray[Any],
    states: npt.NDArray[np.int8],
    codes: npt.NDArray[Any],
    into: tuple[npt.NDArray[Any], npt.NDArray[np.int8]] | None,
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int8]]:
    """Each cell's value and state from its code (into ``into`` when the values' type is
    its own): one gather straight into the grid's rows, where indexing made two new
    arrays that the gate then copied into the grid (some 0.05 CPU s over 20 label columns
    of a million cells)."""
    if into is None or into[0].dtype != values.dtype:
        return values[codes], states[codes]
    n = len(values)
    if len(codes) and not 0 <= int(codes.min()) <= int(codes.max()) < n:
        raise IndexError(f"a code outside the {n} spellings")  # as indexing would
    # ``take`` casts int32 codes to intp once per call: cast them once for both. Every
    # code is in range (checked), so "clip" never clips; the default "raise" would
    # buffer ``out``.
    rows = codes.astype(np.intp, copy=False)
    np.take(values, rows, out=into[0], mode="clip")
    np.take(states, rows, out=into[1], mode="clip")
    return into


def small_values(values: npt.NDArray[np.float64]) -> npt.NDArray[Any]:
    """``values`` (NaN unless answered) as ``int8`` with :data:`BLANK_CODE` for NaN when
    every answer is a whole number int8 holds exactly above the blank code (every scale's
    answers are), else unchanged (float64)."""
    answered = values[~np.isnan(values)]
    whole = answered == np.floor(answered)
    if not (whole.all() and (answered > BLANK_CODE).all() and (answered <= 127).all()):
        return values
    if (np.signbit(answered) & (answered == 0)).any():
        return values  # a -0.0 (never a scale's answer) would lose its sign
    out = np.full(len(values), BLANK_CODE, dtype=np.int8)
    np.copyto(out, values, casting="unsafe", where=~np.isnan(values))
    return out


def parse_answers(values: Sequence[str], questionnaire: Questionnaire) -> list[float | None]:
    """Parse answer texts the way a responses file is read.

    Returns the value of each answer (for choice scales the 0-based option index), or
    ``None`` for a blank or a missing code. Raises :class:`ResponseDataError` listing
    every invalid answer as ``N: message`` (``N`` = 1-based position in ``values``).
    """
    scale = AnswerScale(questionnaire)
    out: list[float | None] = []
    problems: list[str] = []
    for position, cell in enumerate(values, start=1):
        state, value, problem = scale.parse("" if cell is None else str(cell))
        if state == INVALID:
            problems.append(f"{position}: {problem}")
        out.append(value if state == ANSWERED else None)
    if problems:
        raise ResponseDataError(f"{len(problems)} answer(s) not understood", problems)
    return out
