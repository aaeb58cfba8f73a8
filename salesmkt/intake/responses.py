"""Reading survey responses: a file in, a checked table of answers out.

Vocabulary:
- *responses file*: one row per respondent, one column per item, plus a *group column*
  (sales, marketing…) and any other columns. CSV/TSV/text in any common encoding, or
  ``.xlsx``.
- *row*: a row number as a spreadsheet shows it (the header is row 1, or further down
  when blank rows sit above it); *column*: a spreadsheet column letter plus its header,
  e.g. ``F (q05)``. Every problem is reported as ``file:row:column: message``.
- *header rows*: the header plus any *sub-header rows* under it that hold no answers
  (SurveyMonkey's "Response" row, Qualtrics' question-text and ImportId rows).
- *cell states*: an answer cell is *answered* (a scale point or option), *blank*, a
  *missing code* (the scale's ``missing`` list, e.g. "N/A") or *invalid*. Blank and
  missing codes are missing answers (NaN), never 0 or the midpoint.
- *segment*: another non-item column (region, business unit, timestamp…), kept as text
  for ``--by``; *comments*: free-text columns.
- *data-quality gate*: the checks run before any figure is computed: invalid answers,
  ragged rows (more or fewer fields than the header), unknown or blank groups and
  duplicate respondent ids. By default any of them fails the read with every problem
  listed; ``drop_invalid`` excludes the respondents concerned instead, each named in
  ``excluded``. Respondents missing more than ``max_missing`` of the items are always
  excluded, with the reason.

Why the reading is hand-rolled rather than ``pandas.read_csv`` defaults: pandas guesses
types and turns "NA", "null" or "None" into missing values; here every cell is read as
text and this module decides what it means.

Speed (a million respondents must score in seconds): no Python loop ever runs per row
on the way to a clean file. Item columns are first read as plain numbers, and kept
when every cell is blank or a whole number on the scale; otherwise they are read as
text and mapped through a table of every distinct spelling per column
(``pandas.factorize``), so only the few distinct spellings go through Python. Ragged
rows are found by counting delimiters outside quotes with numpy, not by parsing twice.
Only the cells and rows that are wrong are visited one by one, to word their messages.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from salesmkt.definitions.questionnaire import Questionnaire, normalise
from salesmkt.errors import NotFoundError, ResponseDataError, UsageError
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import DataWarning, Excluded

__all__ = [
    "AnswerScale",
    "ResponseTable",
    "column_letter",
    "parse_answers",
    "read_responses",
]

# Cell states of an answer cell.
ANSWERED, BLANK, MISSING_CODE, INVALID = 0, 1, 2, 3

GROUP_COLUMN_NAMES = (
    "group",
    "groups",
    "team",
    "function",
    "department",
    "dept",
    "respondent group",
    "your team",
    "your function",
    "your department",
    "abteilung",
    "funktion",
    "équipe",
    "equipe",
    "fonction",
    "departamento",
    "equipo",
)
"""Headers that name the group column outright (compared after :func:`_key`)."""

RESPONDENT_COLUMN_NAMES = (
    "respondent id",
    "respondentid",
    "respondent",
    "respondent code",
    "response id",
    "responseid",
    "id",
    "code",
    "respondent number",
    "respondent no",
    "participant",
    "participant id",
    "teilnehmer",
    "teilnehmer id",
)
"""Headers of a respondent id column, most specific first."""

_COMMENT_WORDS = re.compile(
    r"\b(comment|remark|note|feedback|kommentar|commentaire|anmerkung|bemerkung|"
    r"comentario|suggestion|anything else|other thoughts)"
)
LONG_TEXT = 40
"""Median length (characters) from which an unnamed text column counts as comments."""

MAX_SUBHEADER_ROWS = 3
"""At most this many sub-header rows are looked for under the header."""

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u201c": '"',
     "\u201d": '"', "\u201e": '"'}
)  # fmt: skip
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?$")
_NUM_THEN_LABEL = re.compile(r"^\(?\s*([+-]?\d+)\s*\)?\s*[-\u2013\u2014:.=]?\s*\(?(.+?)\)?$")
_LABEL_THEN_NUM = re.compile(r"^(.+?)\s*[(\[]\s*([+-]?\d+)\s*[)\]]$")
_ITEM_PREFIX = re.compile(
    r"^(?:q(?:uestion)?\s*)?\d+[a-z]?(?:\s*[.):\-\u2013]\s*|\s+)(?=\S)"
)  # "q05. ", "Q5) ", "5 - ", "Question 5: " before an item's text
_BRACKET_TAIL = re.compile(r"\[([^\[\]]+)\]\s*$")
_DASH_TAIL = re.compile(r"\s[-\u2013\u2014:]\s(.+)$")
_TRAILING_PUNCT = re.compile(r"[\s.:?!*]+$")
_ODD_SPACE = re.compile(r"[^\S ]")
_PLAIN_NUMBER = re.compile(r"^(?:[+-]?\d+(?:\.\d*)?)?$")


def _key(text: object) -> str:
    """Case-, space- and quote-insensitive form used for every match."""
    return normalise(str(text).translate(_QUOTES))


def _text_key(text: str) -> str:
    return _TRAILING_PUNCT.sub("", _key(text))


def _quote(text: str) -> str:
    shown = text.strip().replace("\n", "\\n").replace("\r", "\\r")
    return f"'{shown}'"


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _join(words: Sequence[str], last: str = "or") -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


# -- answers ------------------------------------------------------------------------


class AnswerScale:
    """Every accepted spelling of a questionnaire's answers, and the reason for a refusal.

    ``lookup`` maps a normalised spelling (:func:`_key`) to ``(state, value)``; cells not
    in it go through :meth:`parse`, which also understands numbers, "4 - Agree" and
    "Agree (4)" forms and explains what is wrong with anything else.
    """

    def __init__(self, questionnaire: Questionnaire) -> None:
        scale = questionnaire.scale
        self.choice = scale.type == "choice"
        self.lo = scale.min
        self.hi = scale.max
        self.labels: dict[str, int] = {}
        self.label_of = dict(scale.labels)
        self.lookup: dict[str, tuple[int, float]] = {"": (BLANK, math.nan)}
        if self.choice:
            for index, option in enumerate(scale.options):
                for spelling in (option.id, option.label, *option.aliases):
                    self.lookup.setdefault(_key(spelling), (ANSWERED, float(index)))
        else:
            for point, label in scale.labels.items():
                self.labels.setdefault(_key(label), point)
                self.lookup.setdefault(_key(label), (ANSWERED, float(point)))
            for point in scale.points:
                self.lookup.setdefault(str(point), (ANSWERED, float(point)))
        for code in scale.missing:
            self.lookup.setdefault(_key(code), (MISSING_CODE, math.nan))
        self._expected = self._describe(questionnaire)
        self._cache: dict[str, tuple[int, float, str | None]] = {}

    def _describe(self, questionnaire: Questionnaire) -> str:
        scale = questionnaire.scale
        codes = ", ".join(scale.missing)
        missing = f", or a missing code ({codes})" if codes else " (or leave the cell blank)"
        if self.choice:
            names = _join([o.label for o in scale.options])
            alias = next((a for o in scale.options for a in o.aliases), None)
            such = f" (ids, labels or aliases such as {_quote(alias)})" if alias else ""
            return f"expected {names}{such}{missing}"
        span = f"{self.lo}–{self.hi}"
        example = None
        if scale.labels and self.hi is not None:
            example = scale.labels.get(self.hi - 1) or next(iter(scale.labels.values()))
        label = f", a label such as {_quote(example)}" if example else ""
        return f"expected {span}{label}{missing}"

    @property
    def scale_name(self) -> str:
        return "the list of options" if self.choice else f"the {self.lo}–{self.hi} scale"

    def parse(self, cell: str) -> tuple[int, float, str | None]:
        """``(state, value, problem)`` of one cell; ``problem`` is set when invalid."""
        hit = self._cache.get(cell)
        if hit is not None:
            return hit
        result = self._parse(cell)
        if len(self._cache) < 100_000:
            self._cache[cell] = result
        return result

    def _parse(self, cell: str) -> tuple[int, float, str | None]:
        key = _key(cell)
        found = self.lookup.get(key)
        if found is not None:
            return found[0], found[1], None
        if self.choice:
            return INVALID, math.nan, f"{_quote(cell)} is not one of the options; {self._expected}"
        assert self.lo is not None and self.hi is not None
        if _NUMBER.match(key):
            # The same numbers the C parser's fast path takes (4, 4.0, +4, 1e0), plus a
            # decimal comma (4,0) from European spreadsheets.
            number = float(key.replace(",", "."))
            if not number.is_integer():
                return (
                    INVALID,
                    math.nan,
                    (
                        f"{_quote(cell)} is not a whole number on {self.scale_name}; "
                        f"{self._expected}"
                    ),
                )
            if self.lo <= number <= self.hi:
                return ANSWERED, number, None
            return (
                INVALID,
                math.nan,
                (f"{_quote(cell)} is outside {self.scale_name}; {self._expected}"),
            )
        for pattern, num_first in ((_NUM_THEN_LABEL, True), (_LABEL_THEN_NUM, False)):
            m = pattern.match(key)
            if not m:
                continue
            digits, label = (m.group(1), m.group(2)) if num_first else (m.group(2), m.group(1))
            labelled = self.labels.get(_TRAILING_PUNCT.sub("", label.strip()))
            if labelled is None:
                continue
            if int(digits) == labelled:
                return ANSWERED, float(labelled), None
            return (
                INVALID,
                math.nan,
                (
                    f"{_quote(cell)} is ambiguous: {_quote(self.label_of[labelled])} is "
                    f"{labelled}, not {digits}; {self._expected}"
                ),
            )
        return (
            INVALID,
            math.nan,
            (f"{_quote(cell)} is not an answer on {self.scale_name}; {self._expected}"),
        )

    def parse_column(
        self, cells: npt.NDArray[Any]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8], dict[int, str]]:
        """Values (NaN unless answered), states, and the problem text per invalid row.

        Vectorised: only each distinct spelling is parsed in Python.
        """
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        parsed = [self.parse(str(u)) for u in uniques]
        values = np.array([p[1] for p in parsed] + [math.nan], dtype=np.float64)
        states = np.array([p[0] for p in parsed] + [BLANK], dtype=np.int8)
        # NaN cells (never produced by the readers, but possible from callers) are blank.
        codes = np.where(codes < 0, len(parsed), codes)
        out_values = values[codes]
        out_states = states[codes]
        problems: dict[int, str] = {}
        bad = [i for i, p in enumerate(parsed) if p[0] == INVALID]
        if bad:
            for row in np.flatnonzero(np.isin(codes, bad)):
                text = parsed[codes[row]][2]
                assert text is not None
                problems[int(row)] = text
        return out_values, out_states, problems


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


# -- the result -----------------------------------------------------------------------


@dataclass
class ResponseTable:
    """The respondents that passed the gate, and what happened to the others."""

    source: str
    questionnaire: Questionnaire
    answers: pd.DataFrame
    group: pd.Series
    respondent: pd.Series | None
    segments: pd.DataFrame
    comments: pd.DataFrame
    rows: pd.Series
    columns: dict[str, str]
    group_column: str
    rows_read: int
    excluded: list[Excluded] = field(default_factory=list)
    warnings: list[DataWarning] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str | None = ","
    header_rows: int = 1


# -- reading the raw cells --------------------------------------------------------------


@dataclass
class _Raw:
    """Rows of a file: one array per column (text, or float for fast-path item columns)."""

    cells: list[npt.NDArray[Any]]
    rownum: npt.NDArray[np.int64]  # spreadsheet row number per row
    fields: npt.NDArray[np.int64] | None  # fields per record (text files only)


HEAD_RECORDS = 64
"""Records read first to find the header, sub-header rows and the item columns."""

_DELIMITERS = ",;\t|"


class _Source:
    """An opened responses file: its head first, then its body once the items are known."""

    encoding: str = "utf-8"
    delimiter: str | None = None
    warnings: list[DataWarning]

    def head(self) -> _Raw:
        raise NotImplementedError

    def body(self, start: int, numeric: Sequence[int], lo: float, hi: float) -> _Raw:
        """Rows from record ``start`` on; ``numeric`` columns may come back as floats."""
        raise NotImplementedError


def _open(path: Path, source: str) -> _Source:
    if path.is_dir():
        raise ResponseDataError(f"{source}: is a folder, not a responses file")
    if not path.is_file():
        raise NotFoundError(f"{source}: no such file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ResponseDataError(f"{source}: cannot read the file: {exc.strerror}") from None
    if data.startswith(b"PK\x03\x04"):
        return _SheetSource(path, source)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ResponseDataError(
            f"{source}: a legacy Excel workbook (.xls) cannot be read; "
            "save it as .xlsx or CSV UTF-8"
        )
    if path.suffix.lower() in {".xls", ".ods", ".numbers"}:
        raise ResponseDataError(
            f"{source}: {path.suffix} files are not supported; save it as .xlsx or CSV UTF-8"
        )
    return _TextSource(data, source, tab_first=path.suffix.lower() in {".tsv", ".tab"})


def _decode(data: bytes, source: str) -> tuple[bytes, str, list[DataWarning]]:
    """Clean UTF-8 bytes (no BOM) and the encoding the file was in."""
    warnings: list[DataWarning] = []
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ResponseDataError(
                f"{source}: starts with a UTF-8 mark but byte {exc.start + 3} is not UTF-8"
            ) from None
        return body, "utf-8-sig", warnings
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _from_utf16(data[2:], name, source), name, warnings
    head = data[:4000]
    if len(head) >= 4:  # UTF-16 without a BOM: every other byte is NUL
        odd, even = head[1::2], head[0::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return _from_utf16(data, "utf-16-le", source), "utf-16-le", warnings
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return _from_utf16(data, "utf-16-be", source), "utf-16-be", warnings
    if data.isascii():
        return data, "utf-8", warnings
    try:
        data.decode("utf-8")
        return data, "utf-8", warnings
    except UnicodeDecodeError as exc:
        where = exc.start
    try:
        text = data.decode("cp1252")
        encoding, label = "cp1252", "Windows-1252 (Excel's legacy 'CSV' format)"
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined: Latin-1 takes anything
        text = data.decode("latin-1")
        encoding, label = "latin-1", "Latin-1"
    line = data.count(b"\n", 0, where) + 1
    warnings.append(
        DataWarning(
            code="encoding",
            message=(
                f"{source} is not UTF-8 (first at line {line}); read it as {label}. "
                "Check accented names; save as 'CSV UTF-8' to be sure."
            ),
        )
    )
    return text.encode("utf-8"), encoding, warnings


def _from_utf16(data: bytes, encoding: str, source: str) -> bytes:
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResponseDataError(
            f"{source}: looks like UTF-16 text but byte {exc.start} is not valid UTF-16"
        ) from None


def _sniff_delimiter(sample: str, tab_first: bool) -> str:
    """The delimiter that splits the header and the first rows most consistently.

    ``csv.Sniffer`` (restricted to , ; tab |) proposes; its choice is kept when it gives
    at least two columns and the rows mostly agree with the header's width, otherwise
    the most consistent candidate wins (ties: the wider header).
    """
    cut = sample.rfind("\n")
    sample = sample[: cut + 1] if cut > 0 else sample
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    scores: dict[str, tuple[float, int]] = {}
    for delim in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample), delimiter=delim)
        rows = [r for r in reader if any(c.strip() for c in r)][:50]
        if not rows or len(rows[0]) < 2:
            scores[delim] = (0.0, len(rows[0]) if rows else 0)
            continue
        width = len(rows[0])
        scores[delim] = (sum(len(r) == width for r in rows) / len(rows), width)
    plausible = [d for d, (agree, width) in scores.items() if width >= 2 and agree >= 0.9]
    if sniffed in plausible:
        return sniffed
    if plausible:
        return max(plausible, key=lambda d: (scores[d], d == "\t" and tab_first))
    if sniffed:
        return sniffed
    best = max(_DELIMITERS, key=lambda d: scores[d][1])
    return best if scores[best][1] >= 2 else ("\t" if tab_first else ",")


def _records(data: bytes, delim: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start offset and number of fields of every record, found without parsing.

    Records end at an unquoted LF (a CR before it belongs to the last field and does not
    change the count); a quote toggles quoted mode, so an escaped quote ("") toggles
    twice and leaves it unchanged. Any disagreement with the real parser is caught by
    comparing record counts (see :class:`_TextSource`).
    """
    if not data:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    a = np.frombuffer(data, dtype=np.uint8)
    quoted = b'"' in data
    if not quoted:
        return _plain_records(a, delim)
    # Work on the positions of the few special bytes only, not on every byte.
    special = (a == 10) | (a == ord(delim))
    if quoted:
        special |= a == 34
    pos = np.flatnonzero(special)
    del special
    chars = a[pos]
    if quoted:
        is_quote = chars == 34
        inside = np.bitwise_xor.accumulate(is_quote.view(np.uint8)).view(bool)
        keep = ~inside & ~is_quote
        pos, chars = pos[keep], chars[keep]
    newline_at = np.flatnonzero(chars == 10)  # indexes into pos
    counts = np.diff(newline_at, prepend=-1) - 1  # delimiters between two newlines
    starts = np.concatenate((np.zeros(1, dtype=np.int64), pos[newline_at] + 1))
    if starts[-1] < len(a):  # a last record without a line end
        after = len(pos) - (int(newline_at[-1]) + 1 if len(newline_at) else 0)
        counts = np.append(counts, after)
    else:
        starts = starts[:-1]
    return starts, counts.astype(np.int64) + 1


_RECORD_BLOCK = 65_536


def _plain_records(
    a: npt.NDArray[np.uint8], delim: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """:func:`_records` for text without quotes: every LF ends a record and every
    delimiter separates two fields, so the delimiters are counted per record directly
    (half the time of listing all their positions, and none of that list's memory)."""
    newline_at = np.flatnonzero(a == 10)
    starts = np.zeros(newline_at.size + 1, dtype=np.int64)
    starts[1:] = newline_at + 1
    if starts[-1] >= a.size:  # the text ends with a line end
        starts = starts[:-1]
    is_delim = (a == ord(delim)).view(np.uint8)
    counts = np.empty(starts.size, dtype=np.int64)
    # reduceat first casts its whole input to the sum's type, so records are summed a
    # block at a time (a few MB cast, not 8 bytes per byte of the file), into uint16
    # (several times faster than int64). A record with 65,536 delimiters or more would
    # wrap around; then the grand total disagrees and the slow exact sum is used.
    for first in range(0, starts.size, _RECORD_BLOCK):
        block = starts[first : first + _RECORD_BLOCK]
        end = int(starts[first + _RECORD_BLOCK]) if first + _RECORD_BLOCK < starts.size else a.size
        part = is_delim[int(block[0]) : end]
        counts[first : first + block.size] = np.add.reduceat(
            part, block - block[0], dtype=np.uint16
        )
    if int(counts.sum()) != np.count_nonzero(is_delim):
        counts = np.add.reduceat(is_delim, starts, dtype=np.int64)
    return starts, counts + 1


class _TextSource(_Source):
    """CSV, TSV or text: decoded to UTF-8, delimiter sniffed, records counted up front.

    Cells are read by pandas' C parser as text (no type guessing, no NA strings). The
    body is first read with the item columns as numbers, which is much faster than
    text; the moment a cell is not a plain in-range whole number (a label, a missing
    code, a typo) it is read again as text and every cell is judged by
    :class:`AnswerScale`. If the record count ever disagrees with the parser (stray
    quotes), the csv module reads the file instead.
    """

    def __init__(self, data: bytes, source: str, *, tab_first: bool) -> None:
        clean, self.encoding, self.warnings = _decode(data, source)
        if b"\n" not in clean and b"\r" in clean:
            clean = clean.replace(b"\r", b"\n")  # classic Mac line ends
        if not clean or clean.isspace():
            raise ResponseDataError(f"{source}: the file is empty")
        self.data = clean
        self.source = source
        sample = clean[:65536].decode("utf-8", errors="ignore")
        self.sep = _sniff_delimiter(sample, tab_first)
        self.delimiter = self.sep
        self.starts, self.counts = _records(clean, self.sep)
        self.width = int(self.counts.max())
        self._records: list[list[str]] | None = None

    def _read(self, offset: int, dtype: dict[int, Any], na: dict[int, list[str]]) -> Any:
        return pd.read_csv(
            io.BytesIO(self.data[offset:]),
            sep=self.sep,
            header=None,
            names=list(range(self.width)),
            dtype=dtype,
            keep_default_na=False,
            na_values=na,
            na_filter=bool(na),
            skip_blank_lines=False,
            index_col=False,
            engine="c",
            quotechar='"',
            doublequote=True,
            encoding="utf-8",
        )

    def _slow(self, first: int, last: int) -> _Raw:
        if self._records is None:
            text = self.data.decode("utf-8")
            self._records = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.sep))
            self.counts = np.array([len(r) for r in self._records], dtype=np.int64)
            self.width = max(int(self.counts.max(initial=0)), self.width)
        rows = self._records[first:last]
        cells = [
            np.array([r[c] if c < len(r) else "" for r in rows], dtype=object)
            for c in range(self.width)
        ]
        rownum = np.arange(first + 1, first + len(rows) + 1, dtype=np.int64)
        return _Raw(cells, rownum, self.counts[first : first + len(rows)])

    def head(self) -> _Raw:
        total = len(self.counts)
        n = min(HEAD_RECORDS, total)
        if self._records is None:
            chunk = self.data if n == total else self.data[: self.starts[n]]
            try:
                frame = pd.read_csv(
                    io.BytesIO(chunk), sep=self.sep, header=None,
                    names=list(range(self.width)), dtype=object, na_filter=False,
                    skip_blank_lines=False, index_col=False, engine="c", encoding="utf-8",
                )  # fmt: skip
            except (pd.errors.ParserError, ValueError):
                frame = None
            if frame is not None and len(frame) == n:
                cells = [frame[c].to_numpy(dtype=object) for c in range(self.width)]
                rownum = np.arange(1, n + 1, dtype=np.int64)
                return _Raw(cells, rownum, self.counts[:n])
        return self._slow(0, HEAD_RECORDS)

    def body(self, start: int, numeric: Sequence[int], lo: float, hi: float) -> _Raw:
        total = len(self.counts)
        if self._records is not None:
            return self._slow(start, total)
        if start >= total:
            empty = [np.zeros(0, dtype=object) for _ in range(self.width)]
            return _Raw(empty, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        offset = int(self.starts[start])
        text_types: dict[int, Any] = dict.fromkeys(range(self.width), object)
        frame = None
        if numeric:
            try:
                frame = self._read(
                    offset,
                    {**text_types, **dict.fromkeys(numeric, np.float64)},
                    {c: [""] for c in numeric},
                )
                for c in numeric:
                    v = frame[c].to_numpy(dtype=np.float64)
                    ok = np.isnan(v) | ((v >= lo) & (v <= hi) & (v == np.floor(v)))
                    if not ok.all():
                        frame = None
                        break
            except (pd.errors.ParserError, ValueError):
                frame = None
        if frame is None:
            try:
                frame = self._read(offset, text_types, {})
            except (pd.errors.ParserError, ValueError):
                return self._slow(start, total)
        if len(frame) != total - start:
            return self._slow(start, total)
        cells = [
            frame[c].to_numpy(dtype=np.float64 if frame[c].dtype.kind == "f" else object)
            for c in range(self.width)
        ]
        rownum = np.arange(start + 1, total + 1, dtype=np.int64)
        return _Raw(cells, rownum, self.counts[start:])


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        text = str(value)
        return text[:-9] if text.endswith(" 00:00:00") else text
    return str(value)


class _SheetSource(_Source):
    """The first sheet of an .xlsx workbook, every cell turned into text."""

    def __init__(self, path: Path, source: str) -> None:
        import zipfile

        import openpyxl

        self.encoding = "xlsx"
        self.delimiter = None
        self.warnings = []
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise ResponseDataError(f"{source}: not a readable .xlsx workbook ({exc})") from None
        try:
            sheets = book.worksheets
            if not sheets:
                raise ResponseDataError(f"{source}: the workbook has no sheets")
            sheet = sheets[0]
            rows = [[_xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if len(sheets) > 1:
                others = ", ".join(repr(s.title) for s in sheets[1:])
                self.warnings.append(
                    DataWarning(
                        code="sheets",
                        message=f"{source}: read the first sheet {sheet.title!r} only; "
                        f"ignored {others}",
                    )
                )
        finally:
            book.close()
        width = max((len(r) for r in rows), default=0)
        if not any(any(r) for r in rows):
            raise ResponseDataError(f"{source}: the first sheet is empty")
        self.cells = [
            np.array([r[c] if c < len(r) else "" for r in rows], dtype=object) for c in range(width)
        ]
        self.rownum = np.arange(1, len(rows) + 1, dtype=np.int64)

    def head(self) -> _Raw:
        return _Raw(self.cells, self.rownum, None)

    def body(self, start: int, numeric: Sequence[int], lo: float, hi: float) -> _Raw:
        return _Raw([c[start:] for c in self.cells], self.rownum[start:], None)


# -- finding the columns ---------------------------------------------------------------


def _clean_text(cells: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """NBSP → space, runs of spaces collapsed, ends stripped; untouched if already clean."""
    if len(cells) == 0:
        return cells
    # One pass over the joined text is far cheaper than a Python call per cell. NUL is
    # the separator because it is not whitespace (\x1f, the usual choice, is).
    joined = "\0".join(cells.tolist())
    untidy = (
        # One fast scan for a space first: ids and group names usually have none, and
        # the two-character searches cost ten times as much.
        (
            " " in joined
            and (
                joined.startswith(" ")
                or joined.endswith(" ")
                or "  " in joined
                or "\0 " in joined
                or " \0" in joined
            )
        )
        or (
            any(ch in joined for ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
            if joined.isascii()
            else _ODD_SPACE.search(joined) is not None
        )
    )
    if not untidy:
        return cells
    codes, uniques = pd.factorize(cells)
    cleaned = np.array([" ".join(str(u).split()) for u in uniques] + [""], dtype=object)
    codes = np.where(codes < 0, len(uniques), codes)
    result: npt.NDArray[Any] = cleaned[codes]
    return result


@dataclass
class _Column:
    index: int
    header: str  # as shown in messages and in ``columns``
    candidates: list[str]  # header texts from every header row (cleaned)


def _short(text: str, limit: int = 48) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


class _ItemMatcher:
    """How well a header names an item: 0 id, 1 text, 2 short label, 3 contains text."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.ids = {_key(i.id): i.id for i in questionnaire.items}
        self.texts = {_text_key(i.text): i.id for i in questionnaire.items}
        self.shorts = {_text_key(i.short): i.id for i in questionnaire.items if i.short}
        self.text_of = {i.id: _text_key(i.text) for i in questionnaire.items}

    def variants(self, header: str) -> list[str]:
        key = _text_key(header)
        out = [key]
        m = _BRACKET_TAIL.search(key)
        if m:
            out.append(_text_key(m.group(1)))
        stripped = _ITEM_PREFIX.sub("", key)
        if stripped and stripped != key:
            out.append(_text_key(stripped))
        m = _DASH_TAIL.search(key)
        if m:
            out.append(_text_key(m.group(1)))
        return out

    def match(self, header: str) -> tuple[int, list[str]]:
        """Best level and the items matched at it (level 9 = none)."""
        key = _key(header)
        if not key:
            return 9, []
        if key in self.ids:
            return 0, [self.ids[key]]
        variants = self.variants(header)
        for level, table in ((1, self.texts), (2, self.shorts)):
            found = {table[v] for v in variants if v in table}
            if found:
                return level, sorted(found)
        text_key = variants[0]
        contained = [
            item for item, text in self.text_of.items() if len(text) >= 12 and text in text_key
        ]
        if len(contained) > 1:
            longest = max(contained, key=lambda i: len(self.text_of[i]))
            if all(self.text_of[i] in self.text_of[longest] for i in contained):
                contained = [longest]
        return (3, contained) if contained else (9, [])


def _is_group_name(header: str) -> bool:
    return _text_key(header) in GROUP_COLUMN_NAMES


def _respondent_rank(header: str) -> int | None:
    key = _text_key(re.sub(r"[_\-]+", " ", header))
    return RESPONDENT_COLUMN_NAMES.index(key) if key in RESPONDENT_COLUMN_NAMES else None


@dataclass
class _Layout:
    header_row: int  # index into raw rows
    header_rows: int
    width: int  # fields in the header
    columns: list[_Column]
    data_start: int


def _find_layout(
    raw: _Raw, source: str, matcher: _ItemMatcher, scale: AnswerScale, groups: dict[str, str]
) -> tuple[_Layout, list[DataWarning]]:
    nrows = len(raw.rownum)

    def row_cells(r: int, width: int) -> list[str]:
        return [re.sub(r"\s+", " ", str(raw.cells[c][r]).replace("\ufeff", "")).strip()
                for c in range(width)]  # fmt: skip

    total_width = len(raw.cells)
    header_row = next((r for r in range(min(nrows, 1000)) if any(row_cells(r, total_width))), None)
    if header_row is None:
        raise ResponseDataError(f"{source}: the file is empty (no header row)")
    width = int(raw.fields[header_row]) if raw.fields is not None else total_width
    headers = row_cells(header_row, width)
    subrows: list[list[str]] = []
    r = header_row + 1
    while r < nrows and len(subrows) < MAX_SUBHEADER_ROWS:
        cells = row_cells(r, width)
        if not _is_subheader(cells, matcher, scale, groups):
            break
        subrows.append(cells)
        r += 1
    columns: list[_Column] = []
    last_header = ""
    for c in range(width):
        candidates = [headers[c]] + [s[c] for s in subrows]
        if headers[c]:
            last_header = headers[c]
        elif subrows and last_header:
            candidates.append(last_header)  # a matrix question spans the cells to its right
        shown = headers[c] or next((x for x in candidates[1:] if x), "")
        columns.append(_Column(c, shown, [x for x in candidates if x]))
    warnings: list[DataWarning] = []
    if subrows:
        first, last = raw.rownum[header_row + 1], raw.rownum[header_row + len(subrows)]
        span = f"row {first}" if first == last else f"rows {first}–{last}"
        warnings.append(
            DataWarning(
                code="header-rows",
                message=f"{source}: {span} under the header hold(s) sub-headers, not answers "
                "(SurveyMonkey/Qualtrics export); read as part of the header",
                row=int(first),
            )
        )
    layout = _Layout(header_row, 1 + len(subrows), width, columns, r)
    return layout, warnings


def _is_subheader(
    cells: list[str], matcher: _ItemMatcher, scale: AnswerScale, groups: dict[str, str]
) -> bool:
    filled = [c for c in cells if c]
    if not filled:
        return False
    if any(c.startswith("{") and "importid" in c.casefold() for c in filled):
        return True  # Qualtrics' third header row
    if any(matcher.match(c)[0] <= 1 for c in filled):
        return True  # a row of question texts (Qualtrics' second header row)
    for c in filled:
        if any(ch.isdigit() for ch in c) or _key(c) in groups:
            return False
        if scale.parse(c)[0] in (ANSWERED, MISSING_CODE):
            return False
    return True  # only words that are no answers: "Response", "Open-Ended Response"


def _load_mapping(path: Path, questionnaire: Questionnaire) -> dict[str, tuple[str, str]]:
    """item id → (header, location) from a ``--map`` YAML file."""
    from salesmkt.definitions.yamlload import load_yaml

    if not path.is_file():
        raise NotFoundError(f"{path}: no such mapping file")
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        line, col = doc.position(())
        raise ResponseDataError(
            f"{path}:{line}:{col}: a mapping file is 'item id: column header' lines"
        )
    problems: list[str] = []
    mapping: dict[str, tuple[str, str]] = {}
    ids = questionnaire.item_ids
    for key, value in doc.data.items():
        line, col = doc.position((key,), key=True)
        where = f"{path}:{line}:{col}"
        if str(key) not in ids:
            problems.append(
                f"{where}: {key!r} is not an item of questionnaire {questionnaire.id!r}; "
                f"items are {ids[0]}…{ids[-1]}"
            )
        elif not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
            problems.append(f"{where}: the header for {key} must be text, got {value!r}")
        else:
            mapping[str(key)] = (str(value), where)
    if problems:
        raise ResponseDataError(f"{path}: {len(problems)} problem(s) in the mapping", problems)
    return mapping


def _found_list(columns: list[_Column]) -> str:
    shown = [f"{column_letter(c.index)} ({_short(c.header)})" for c in columns if c.header]
    return "; ".join(shown) if shown else "none"


def _find_by_header(columns: list[_Column], wanted: str) -> list[_Column]:
    key = _key(wanted)
    hits = [c for c in columns if any(_key(x) == key for x in c.candidates)]
    if not hits and re.fullmatch(r"[A-Za-z]{1,3}", wanted.strip()):
        hits = [c for c in columns if column_letter(c.index) == wanted.strip().upper()]
    return hits


def _match_items(
    layout: _Layout,
    questionnaire: Questionnaire,
    matcher: _ItemMatcher,
    mapping: dict[str, tuple[str, str]],
    source: str,
) -> dict[str, _Column]:
    problems: list[str] = []
    chosen: dict[str, list[_Column]] = {i: [] for i in questionnaire.item_ids}
    taken: set[int] = set()
    for item_id, (wanted, where) in mapping.items():
        hits = _find_by_header(layout.columns, wanted)
        if len(hits) == 1:
            chosen[item_id] = hits
            taken.add(hits[0].index)
        elif not hits:
            problems.append(
                f"{where}: no column {wanted!r} for {item_id}; columns found: "
                f"{_found_list(layout.columns)}"
            )
        else:
            problems.append(
                f"{where}: {len(hits)} columns are headed {wanted!r} "
                f"({', '.join(column_letter(c.index) for c in hits)}); rename one of them"
            )
    best: dict[str, int] = {}
    per_column: dict[int, tuple[int, list[str]]] = {}
    for col in layout.columns:
        if col.index in taken:
            continue
        level, items = min(
            (matcher.match(x) for x in col.candidates), key=lambda m: m[0], default=(9, [])
        )
        items = [i for i in items if i not in mapping]
        if not items:
            continue
        if len(items) > 1:
            problems.append(
                f"{source}:1:{_label(col)}: the header matches several items "
                f"({', '.join(items)}); name the column by item id or use --map"
            )
            continue
        per_column[col.index] = (level, items)
        best[items[0]] = min(best.get(items[0], 9), level)
    for col in layout.columns:
        if col.index not in per_column:
            continue
        level, (item,) = per_column[col.index]
        if level == best[item]:
            chosen[item].append(col)
    for item_id, cols in chosen.items():
        if len(cols) > 1:
            first = cols[0]
            for dup in cols[1:]:
                problems.append(
                    f"{source}:{1}:{_label(dup, item_id)}: duplicate column for {item_id}; "
                    f"column {column_letter(first.index)} ({_short(first.header)}) is {item_id} "
                    "too; delete one, or say which one is meant with --map"
                )
    missing = [i for i, cols in chosen.items() if not cols]
    for item_id in missing:
        text = questionnaire.item(item_id).text
        problems.append(
            f"{source}:1: no column for {item_id} ({_short(text, 60)!r}); expected a header "
            f"{item_id!r}, the item's text, or an entry in a --map file"
        )
    if problems:
        problems.append(f"{source}:1: columns found: {_found_list(layout.columns)}")
        raise ResponseDataError(
            f"{source}: the columns do not match questionnaire {questionnaire.id!r} "
            f"({len(questionnaire.items)} items {questionnaire.item_ids[0]}…"
            f"{questionnaire.item_ids[-1]})",
            problems,
        )
    return {item_id: cols[0] for item_id, cols in chosen.items()}


def _label(col: _Column, item_id: str | None = None) -> str:
    letter = column_letter(col.index)
    if not col.header:
        return f"{letter} (no header)"
    if item_id and _key(col.header) != _key(item_id):
        return f"{letter} ({item_id}: {_short(col.header)})"
    return f"{letter} ({_short(col.header)})"


def _find_respondent(
    layout: _Layout, used: set[int], wanted: str | None, source: str
) -> _Column | None:
    free = [c for c in layout.columns if c.index not in used]
    if wanted is not None:
        hits = _find_by_header(free, wanted)
        if len(hits) != 1:
            what = "no column" if not hits else f"{len(hits)} columns"
            raise ResponseDataError(
                f"{source}: {what} headed {wanted!r} for the respondent id; "
                f"columns found: {_found_list(free)}"
            )
        return hits[0]
    ranked = [(rank, c) for c in free if (rank := _respondent_rank(c.header)) is not None]
    if not ranked:
        return None
    top = min(rank for rank, _ in ranked)
    best = [c for rank, c in ranked if rank == top]
    if len(best) > 1:
        raise ResponseDataError(
            f"{source}: {len(best)} columns could hold the respondent id "
            f"({', '.join(_label(c) for c in best)}); name one with --respondent-column"
        )
    return best[0]


def _find_group(
    layout: _Layout,
    data: list[npt.NDArray[Any]],
    used: set[int],
    wanted: str | None,
    groups: dict[str, str],
    questionnaire: Questionnaire,
    source: str,
) -> _Column:
    free = [c for c in layout.columns if c.index not in used]
    names = _join([g.label for g in questionnaire.groups])
    if wanted is not None:
        hits = _find_by_header(free, wanted)
        if len(hits) != 1:
            what = "no column" if not hits else f"{len(hits)} columns"
            raise ResponseDataError(
                f"{source}: {what} headed {wanted!r} for the group; "
                f"columns found: {_found_list(free)}"
            )
        return hits[0]

    def share(col: _Column) -> float:
        sample = [s for s in data[col.index][:5000].tolist() if s.strip()]
        if not sample:
            return 0.0
        return sum(_key(s) in groups for s in sample) / len(sample)

    named = [c for c in free if _is_group_name(c.header)]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        scored = [(share(c), c) for c in named]
        good = [c for s, c in scored if s >= 0.5]
        if len(good) == 1:
            return good[0]
        raise ResponseDataError(
            f"{source}: {len(named)} columns could be the group column "
            f"({', '.join(_label(c) for c in named)}); name one with --group-column",
        )
    by_values = [(s, c) for c in free if (s := share(c)) >= 0.5]
    if len(by_values) == 1:
        return by_values[0][1]
    if len(by_values) > 1:
        found = ", ".join(f"{_label(c)} {s:.0%} group names" for s, c in by_values)
        raise ResponseDataError(
            f"{source}: several columns hold group names ({found}); name one with --group-column"
        )
    expected = ", ".join(GROUP_COLUMN_NAMES[:4])
    raise ResponseDataError(
        f"{source}: no group column; expected a column headed {expected} (any case) or one "
        f"whose values are {names} (or their aliases), or --group-column; columns found: "
        f"{_found_list(free)}"
    )


def _is_comment(col: _Column, cells: npt.NDArray[Any]) -> bool:
    if any(_COMMENT_WORDS.search(_key(text)) for text in col.candidates):
        return True
    sample = [s for s in cells[:2000].tolist() if s.strip()]
    if not sample:
        return False
    lengths = sorted(len(s) for s in sample)
    return lengths[len(lengths) // 2] >= LONG_TEXT


def _unique_names(columns: list[_Column]) -> list[str]:
    seen: dict[str, int] = {}
    names: list[str] = []
    for col in columns:
        base = col.header or f"column {column_letter(col.index)}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return names


# -- the gate ------------------------------------------------------------------------

Problem = tuple[int, int, str]
"""(data row index, column index, ``column: message``), sorted into file order."""


@dataclass
class _Cells:
    """The data rows of a file, parsed: what the gate looks at."""

    values: npt.NDArray[np.float64]  # (items, rows): answers, NaN unless answered
    states: npt.NDArray[np.int8]  # (items, rows): cell states
    text: dict[int, npt.NDArray[Any]]  # column index → cleaned text of non-item columns
    content: npt.NDArray[np.bool_]  # the row holds anything at all
    extra: npt.NDArray[np.bool_]  # the row has non-empty fields beyond the header
    problems: list[Problem]
    answered: npt.NDArray[np.int64]  # items answered per row
    touched: npt.NDArray[np.bool_]  # some item cell is not blank (answered, coded or invalid)
    invalid: npt.NDArray[np.bool_]  # some item cell is invalid


def _parse_cells(
    data: list[npt.NDArray[Any]],
    layout: _Layout,
    items: dict[str, _Column],
    questionnaire: Questionnaire,
    scale: AnswerScale,
) -> _Cells:
    item_ids = questionnaire.item_ids
    n = len(data[0]) if data else 0
    # Items along the first axis, so each column's values are contiguous and the
    # answers DataFrame can be built without a transposing copy.
    values = np.empty((len(item_ids), n), dtype=np.float64)
    states = np.empty((len(item_ids), n), dtype=np.int8)
    problems: list[Problem] = []
    for j, item_id in enumerate(item_ids):
        col = items[item_id]
        column = data[col.index]
        if column.dtype.kind == "f":  # the fast path: already checked to be scale points
            values[j] = column
            states[j] = np.where(np.isnan(column), BLANK, ANSWERED)
            continue
        values[j], states[j], found = scale.parse_column(column)
        label = _label(col, item_id)
        problems += [(r, col.index, f"{label}: {m}") for r, m in found.items()]
    answered = (states == ANSWERED).sum(axis=0, dtype=np.int64)
    invalid = (states == INVALID).any(axis=0) if problems else np.zeros(n, dtype=bool)
    if all(data[c.index].dtype.kind == "f" for c in items.values()):
        touched = answered > 0  # the fast path has only answered and blank cells
    else:
        touched = (states != BLANK).any(axis=0)
    content = touched.copy()
    item_columns = {c.index for c in items.values()}
    text: dict[int, npt.NDArray[Any]] = {}
    for col in layout.columns:
        if col.index not in item_columns:
            text[col.index] = _clean_text(data[col.index])
            # Only rows with no answer can still be empty; comparing a million Python
            # strings to "" costs 10 ms a column.
            if not content.all():
                rest = np.flatnonzero(~content)
                content[rest] = text[col.index][rest] != ""
    extra = np.zeros(n, dtype=bool)
    for c in range(layout.width, len(data)):
        extra |= data[c] != ""
    content |= extra
    return _Cells(values, states, text, content, extra, problems, answered, touched, invalid)


def _ragged_problems(
    cells: _Cells, fields: npt.NDArray[np.int64], data: list[npt.NDArray[Any]], layout: _Layout
) -> list[Problem]:
    out: list[Problem] = []
    width = layout.width
    for r in np.flatnonzero(cells.content & (fields < width)).tolist():
        got = int(fields[r])
        out.append(
            (r, got, f"{_label(layout.columns[got])}: the row has {got} field(s) but the header "
             f"has {width}; a delimiter is missing or the row was cut short")
        )  # fmt: skip
    # Extra fields that are all empty (trailing delimiters) carry nothing and are let be.
    for r in np.flatnonzero(cells.extra).tolist():
        first = next(c for c in range(width, len(data)) if data[c][r] != "")
        out.append(
            (r, first, f"{column_letter(first)} (no header): the row has {int(fields[r])} "
             f"fields but the header has {width}; extra value {_quote(data[first][r])} "
             "(an unquoted delimiter inside a cell?)")
        )  # fmt: skip
    return out


def _resolve_groups(
    cells: _Cells, col: _Column, questionnaire: Questionnaire
) -> tuple[npt.NDArray[Any], list[Problem]]:
    """Group id per row ("" when unknown or blank) and a problem per unusable group."""
    lookup_table = questionnaire.group_lookup()
    raw = cells.text[col.index]
    codes, uniques = pd.factorize(raw)
    resolved = [lookup_table.get(_key(u), "") for u in uniques] + [""]
    codes = np.where(codes < 0, len(uniques), codes)
    ids: npt.NDArray[Any] = np.array(resolved, dtype=object)[codes]
    unknown = np.array([not r for r in resolved])[codes]
    names = _join([g.label for g in questionnaire.groups])
    alias = next(
        (a for g in questionnaire.groups for a in g.aliases
         if _key(a) not in {_key(g.id), _key(g.label)}),
        None,
    )  # fmt: skip
    hint = f" (or an alias such as {_quote(alias)})" if alias else ""
    out: list[Problem] = []
    for r in np.flatnonzero(cells.content & unknown).tolist():
        text = str(raw[r])
        if not text:
            if not cells.touched[r]:
                continue  # nothing answered: excluded for its missing answers instead
            message = f"the group is blank; expected {names}{hint}"
        else:
            message = f"unknown group {_quote(text)}; expected {names}{hint}"
        out.append((r, col.index, f"{_label(col)}: {message}"))
    return ids, out


def _duplicate_ids(cells: _Cells, col: _Column, rownum: npt.NDArray[np.int64]) -> list[Problem]:
    ids = cells.text[col.index]
    # The common case, no id used twice, is settled by sorting the ids' hashes: about
    # 100 ms for a million ids where a hash table of the strings takes 150. Equal hashes
    # (a repeat, or a collision) lead to the exact check.
    hashes = np.fromiter(map(hash, ids.tolist()), dtype=np.int64, count=len(ids))
    hashes.sort()
    if not (hashes[1:] == hashes[:-1]).any():
        return []
    repeated = pd.Series(ids, dtype=object, copy=False).duplicated(keep=False).to_numpy()
    mask = repeated & (ids != "") & cells.content
    rows_of: dict[str, list[int]] = {}
    for r in np.flatnonzero(mask).tolist():
        rows_of.setdefault(str(ids[r]), []).append(r)
    out: list[Problem] = []
    for rid, where in rows_of.items():
        if len(where) < 2:
            continue  # its twin is an empty row
        listed = _join([str(rownum[x]) for x in where], "and")
        out += [
            (r, col.index, f"{_label(col)}: respondent id {_quote(rid)} is used on rows {listed}")
            for r in where
        ]
    return out


def read_responses(
    source: ResponseSource, questionnaire: Questionnaire, *, max_missing: float = 0.2
) -> ResponseTable:
    """Read a responses file, match its columns, and run the data-quality gate.

    Raises :class:`ResponseDataError` when the columns cannot be matched (always) or when
    the gate finds problems and ``drop_invalid`` is false; its ``problems`` list every
    one as ``file:row:column: message``. With ``drop_invalid`` the respondents concerned
    are left out and named in ``excluded`` instead. Respondents missing more than
    ``max_missing`` (a fraction of the items) are always excluded; completely empty rows
    are skipped with a warning and not counted in ``rows_read``.
    """
    path, mapping, drop_invalid = source.path, source.mapping, source.drop_invalid
    group_column, respondent_column = source.group_column, source.respondent_column
    name = str(path)
    if not 0 <= max_missing <= 1:
        raise UsageError(f"max_missing must be a fraction between 0 and 1, got {max_missing}")
    has_groups = bool(questionnaire.groups)
    if group_column is not None and not has_groups:
        raise UsageError(
            f"questionnaire {questionnaire.id!r} has no groups, so a group column does not apply"
        )
    scale = AnswerScale(questionnaire)
    matcher = _ItemMatcher(questionnaire)
    group_names = questionnaire.group_lookup()
    item_map = _load_mapping(mapping, questionnaire) if mapping is not None else {}

    opened = _open(path, name)
    head = opened.head()
    layout, warnings = _find_layout(head, name, matcher, scale, group_names)
    warnings = opened.warnings + warnings
    items = _match_items(layout, questionnaire, matcher, item_map, name)
    # Try the numeric fast path only when the first rows give no reason to expect text.
    first_cells = [
        str(cell) for c in items.values() for cell in head.cells[c.index][layout.data_start :]
    ]
    plain = all(_PLAIN_NUMBER.match(cell) for cell in first_cells)
    numeric = [c.index for c in items.values()] if plain and not scale.choice else []
    lo, hi = questionnaire.scale.min or 0, questionnaire.scale.max or 0
    body = opened.body(layout.data_start, numeric, lo, hi)
    data = body.cells
    rownum = body.rownum
    n = len(rownum)

    used = {c.index for c in items.values()}
    resp_col = _find_respondent(layout, used, respondent_column, name)
    if resp_col is not None:
        used.add(resp_col.index)
    grp_col: _Column | None = None
    if has_groups:
        grp_col = _find_group(layout, data, used, group_column, group_names, questionnaire, name)
        used.add(grp_col.index)

    cells = _parse_cells(data, layout, items, questionnaire, scale)
    for col in items.values():  # parsed: let the item cells go (half the memory at 1M rows)
        data[col.index] = data[col.index][:0]
    if not cells.content.any():
        raise ResponseDataError(f"{name}: the file has a header but no data rows")
    empty = np.flatnonzero(~cells.content)
    if len(empty):
        shown = ", ".join(str(rownum[i]) for i in empty[:20])
        more = f" and {len(empty) - 20} more" if len(empty) > 20 else ""
        warnings.append(
            DataWarning(
                code="empty-rows",
                message=f"{name}: skipped {len(empty)} empty row(s): {shown}{more}",
                row=int(rownum[empty[0]]),
            )
        )

    problems = list(cells.problems)
    if body.fields is not None:
        problems += _ragged_problems(cells, body.fields, data, layout)
    group_ids: npt.NDArray[Any] | None = None
    if grp_col is not None:
        group_ids, found = _resolve_groups(cells, grp_col, questionnaire)
        problems += found
    if resp_col is not None:
        problems += _duplicate_ids(cells, resp_col, rownum)
    problems.sort(key=lambda p: (p[0], p[1]))

    if problems and not drop_invalid:
        rows_hit = len({r for r, _, _ in problems})
        raise ResponseDataError(
            f"{name}: {len(problems)} problem(s) in {rows_hit} row(s) failed the data-quality "
            "gate; fix them, or rerun with --drop-invalid to exclude those respondents",
            [f"{name}:{rownum[r]}:{text}" for r, _, text in problems],
        )

    # -- exclusions ------------------------------------------------------------------
    k = len(questionnaire.items)
    reasons: dict[int, list[str]] = {}
    for r, _, text in problems:
        reasons.setdefault(r, []).append(text)
    invalid = cells.invalid
    missing = k - cells.answered
    allowed = math.floor(max_missing * k + 1e-9)
    for r in np.flatnonzero(cells.content & (missing > allowed) & ~invalid).tolist():
        m = int(missing[r])
        reasons.setdefault(r, []).append(
            f"{m} of {k} answers missing ({m / k:.0%}); at most {allowed} "
            f"({max_missing:.0%}) may be missing"
        )
    resp_ids = cells.text[resp_col.index] if resp_col is not None else None
    group_raw = cells.text[grp_col.index] if grp_col is not None else None
    excluded: list[Excluded] = []
    for r in sorted(reasons):
        excluded.append(
            Excluded(
                row=int(rownum[r]),
                respondent=(str(resp_ids[r]) or None) if resp_ids is not None else None,
                group=(str(group_ids[r]) or str(group_raw[r]) or None)
                if group_raw is not None and group_ids is not None
                else None,
                reason="; ".join(reasons[r]),
            )
        )
    keep = cells.content.copy()
    keep[list(reasons)] = False
    kept = np.flatnonzero(keep)
    every = len(kept) == n

    values = cells.values
    if not every:  # compact in place, one item at a time: no second copy of the grid
        for j in range(len(values)):
            values[j, : len(kept)] = values[j, kept]
        values = values[:, : len(kept)]
    answers = pd.DataFrame(values.T, columns=questionnaire.item_ids, copy=False)
    index = answers.index

    def take(column: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return column if every else column[kept]

    group_of = take(group_ids) if group_ids is not None else np.full(len(kept), "all", dtype=object)
    # copy=False: these arrays are the table's own from here on (pandas 3 copies by default).
    group = pd.Series(group_of, index=index, dtype=object, name="group", copy=False)
    respondent = (
        pd.Series(take(resp_ids), index=index, dtype=object, name="respondent", copy=False)
        if resp_ids is not None
        else None
    )
    rows = pd.Series(take(rownum), index=index, dtype=np.int64, name="row", copy=False)
    if len(questionnaire.scale.points) >= STRAIGHT_LINE_MIN_POINTS:
        counts = take(cells.answered)
        warnings += _straight_lining(values, counts, rows, respondent, questionnaire)

    rest = [
        c
        for c in layout.columns
        if c.index not in used and c.index in cells.text
        and (c.header or (cells.text[c.index] != "").any())
    ]  # fmt: skip
    comment_cols = [c for c in rest if _is_comment(c, cells.text[c.index])]
    segment_cols = [c for c in rest if c not in comment_cols]

    def frame(cols: list[_Column]) -> pd.DataFrame:
        names = _unique_names(cols)
        body = {name: take(cells.text[c.index]) for name, c in zip(names, cols, strict=True)}
        return pd.DataFrame(body, index=index, columns=names, dtype=object)

    return ResponseTable(
        source=name,
        questionnaire=questionnaire,
        answers=answers,
        group=group,
        respondent=respondent,
        segments=frame(segment_cols),
        comments=frame(comment_cols),
        rows=rows,
        columns={item_id: items[item_id].header for item_id in questionnaire.item_ids},
        group_column=grp_col.header if grp_col is not None else "",
        rows_read=int(cells.content.sum()),
        excluded=excluded,
        warnings=warnings,
        encoding=opened.encoding,
        delimiter=opened.delimiter,
        header_rows=layout.header_rows,
    )


STRAIGHT_LINE_MIN_ANSWERS = 5
STRAIGHT_LINE_MIN_POINTS = 4
"""Straight-lining is looked for on rating scales only: on a yes/no or no/partly/yes
checklist, or a choice of owners, giving every item the same answer is a plausible,
careful answer rather than a sign of clicking down one column."""


def _straight_lining(
    values: npt.NDArray[np.float64],
    count: npt.NDArray[np.int64],
    rows: pd.Series,
    respondent: pd.Series | None,
    questionnaire: Questionnaire,
) -> list[DataWarning]:
    """Respondents who gave every item the same answer (``values`` is items × rows)."""
    # fmax/fmin skip NaN, and reducing along the item axis is one pass per item.
    hi = np.fmax.reduce(values, axis=0)
    lo = np.fmin.reduce(values, axis=0)
    out: list[DataWarning] = []
    for r in np.flatnonzero((count >= STRAIGHT_LINE_MIN_ANSWERS) & (lo == hi)).tolist():
        point = int(lo[r])
        rid = str(respondent.iloc[r]) if respondent is not None else None
        who = f"row {rows.iloc[r]}" + (f" (respondent {rid})" if rid else "")
        out.append(
            DataWarning(
                code="straight-lining",
                message=(
                    f"{who} gave the same answer, {point} "
                    f"({_quote(questionnaire.scale.label(point))}), to all {count[r]} items "
                    "answered; kept, but check it was answered with care"
                ),
                row=int(rows.iloc[r]),
                respondent=rid or None,
            )
        )
    return out
