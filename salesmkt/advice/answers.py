"""Answers to the small instruments that ``recommend`` reads besides the survey.

Vocabulary:
- *instrument*: the need-to-align decision aid (the *situation*), the integration
  *checklist* or the buying-*funnel* map: questionnaires answered once per company (or
  once per function, for the funnel) rather than surveys that are scored.
- *answer set*: one respondent's (or one joint) answers, item id → value: a number on a
  numeric scale (``Yes`` = 1, ``Partly`` = 1…), an option id on a choice scale
  (``nobody``), or ``None`` when the item was skipped or answered "Don't know".
- *answers file*: a small YAML file, one of three shapes::

      n08: "Yes"                 # flat: item ids at the top level
      questionnaire: need-to-align
      answers: {n08: yes, n11: no}
      respondents:               # several answer sets (the funnel, one per function)
        - name: Head of Sales
          answers: {f4: sales, f5: nobody}

  or a responses table (CSV/XLSX) with one row per answer set and a column per item.

Answers are matched case- and space-insensitively against the scale's labels, option
ids, option labels and aliases; every problem is reported with its file, line and
column (or row and column).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from salesmkt.definitions.checks import refuse_controls
from salesmkt.definitions.questionnaire import Questionnaire, normalise
from salesmkt.definitions.rules import answer_choices
from salesmkt.definitions.yamlload import PathT, load_yaml
from salesmkt.errors import NotFoundError, ResponseDataError, YamlError
from salesmkt.intake.rawfile import column_letter
from salesmkt.l10n import _

Value = float | str | None
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


@dataclass(frozen=True)
class AnswerSet:
    label: str
    values: dict[str, Value]


@dataclass(frozen=True)
class Answers:
    """The answers to one instrument, from one file (or typed in)."""

    questionnaire: Questionnaire
    source: str
    sets: tuple[AnswerSet, ...]

    def value(self, item_id: str) -> Value:
        """The answer of the first (usually only) answer set."""
        return self.sets[0].values.get(item_id) if self.sets else None

    def answered(self, item_id: str) -> list[tuple[str, float | str]]:
        """(set label, value) for every set that answered ``item_id``."""
        out: list[tuple[str, float | str]] = []
        for s in self.sets:
            v = s.values.get(item_id)
            if v is not None:
                out.append((s.label, v))
        return out

    def label_of(self, value: Value) -> str:
        """The scale's word for a value ("Yes", "Partly", "Nobody")."""
        s = self.questionnaire.scale
        if value is None:
            return _("no answer")
        if isinstance(value, str):
            return next((o.label for o in s.options if o.id == value), value)
        return s.labels.get(int(value), f"{value:g}")


def _missing_words(q: Questionnaire) -> set[str]:
    return {normalise(m) for m in q.scale.missing}


def parse_value(q: Questionnaire, raw: Any) -> tuple[bool, Value]:
    """(ok, value) for one raw answer; blanks and 'Don't know' are (True, None)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return True, None
    if isinstance(raw, str) and normalise(raw) in _missing_words(q):
        return True, None
    if isinstance(raw, bool):
        # YAML's true/false only make sense on a two-point (no/yes) scale.
        points = q.scale.points
        if len(points) == 2:
            return True, float(points[1] if raw else points[0])
        return False, None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if not isinstance(raw, str | int | float):
        return False, None
    value = q.scale.read(raw)
    return (value is not None), value


def _expected(q: Questionnaire) -> str:
    extra = f", or {' / '.join(q.scale.missing)}" if q.scale.missing else ""
    return f"{answer_choices(q)}{extra}"


def _item_lookup(q: Questionnaire) -> dict[str, str]:
    return {normalise(i.id): i.id for i in q.items}


class _Collector:
    def __init__(self, source: str, q: Questionnaire) -> None:
        self.source = source
        self.q = q
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}:{where}: {message}")

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        if len(self.problems) == 1:
            raise ResponseDataError(self.problems[0])
        raise ResponseDataError(
            f"{self.source}: {len(self.problems)} problems in the {self.q.id} answers",
            self.problems,
        )


def from_mapping(
    q: Questionnaire, answers: Mapping[str, Any], *, source: str = "answers", label: str = ""
) -> Answers:
    """Answers from a plain mapping (tests, interactive prompts); raises on any bad entry."""
    col = _Collector(source, q)
    lookup = _item_lookup(q)
    values: dict[str, Value] = {}
    for key, raw in answers.items():
        item = lookup.get(normalise(str(key)))
        if item is None:
            col.add(str(key), f"unknown item {key!r} for {q.id} ({_ids(q)})")
            continue
        ok, value = parse_value(q, raw)
        if not ok:
            col.add(item, f"{raw!r} is not an answer (expected {_expected(q)})")
        values[item] = value
    col.raise_if_any()
    return Answers(q, source, (AnswerSet(label or source, values),))


def to_yaml(answers: Answers) -> str:
    """The first answer set as an answers file that ``--situation`` (or ``--checklist``,
    ``--funnel``) reads back: the questionnaire's id, then ``item: "answer"`` lines in
    questionnaire order. Values are JSON strings, which YAML reads as they are."""
    import json

    q = answers.questionnaire
    lines = [
        f"# {q.title}: answers typed at the terminal, saved by salesmkt",
        f"questionnaire: {json.dumps(q.id)}",
    ]
    for item in q.items:
        value = answers.value(item.id)
        if value is not None:
            lines.append(f"{item.id}: {json.dumps(answers.label_of(value))}")
    return "\n".join(lines) + "\n"


def _ids(q: Questionnaire) -> str:
    return f"{q.item_ids[0]}–{q.item_ids[-1]}" if len(q.items) > 1 else q.item_ids[0]


def load_answers(path: Path, q: Questionnaire, *, many: bool = False) -> Answers:
    """Read an answers file (YAML, or a CSV/XLSX responses table) for instrument ``q``.

    ``many`` allows several answer sets (the funnel); otherwise exactly one is required.
    """
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file")
    table = path.suffix.lower() in TABLE_SUFFIXES
    answers = _from_table(path, q) if table else _from_yaml(path, q)
    if not answers.sets:
        raise ResponseDataError(f"{path}: no answers for {q.id}")
    if not many and len(answers.sets) > 1:
        raise ResponseDataError(
            f"{path}: expected one set of {q.id} answers (one joint answer per statement), "
            f"found {len(answers.sets)}"
        )
    return answers


class At(Protocol):
    """Where a value (or, with ``key``, its key) stands in the YAML file: ``line:col``."""

    def __call__(self, loc: PathT, key: bool = False) -> str: ...


Block = tuple[str, PathT, Any]  # (answer-set label, where its answers are, the answers)


def _from_yaml(path: Path, q: Questionnaire) -> Answers:
    try:
        located = load_yaml(path)
    except YamlError as exc:
        raise ResponseDataError(str(exc)) from None
    refuse_controls(located, "answers file")
    source = str(path)
    col = _Collector(source, q)

    def at(loc: PathT, key: bool = False) -> str:
        line, column = located.position(loc, key=key)
        return f"{line}:{column}"

    doc = located.data
    if not isinstance(doc, dict):
        raise ResponseDataError(
            f"{source}:1:1: expected a mapping of item ids to answers, e.g. "
            f'{q.item_ids[0]}: "{_example(q)}"'
        )
    declared = doc.get("questionnaire")
    if declared is not None and normalise(str(declared)) != normalise(q.id):
        col.add(
            at(("questionnaire",)),
            f"these answers are for {declared!r}, but {q.id!r} answers are needed here",
        )
    sets = [_answer_set(q, block, col, at) for block in _blocks(doc, source, col, at)]
    col.raise_if_any()
    return Answers(q, source, tuple(s for s in sets if s is not None))


def _blocks(doc: dict[str, Any], source: str, col: _Collector, at: At) -> list[Block]:
    """The answer sets of a file: several ``respondents``, one ``answers`` or a flat map."""
    if "respondents" in doc:
        return _respondent_blocks(doc, col, at)
    if "answers" in doc:
        for k in doc:
            if k not in ("questionnaire", "answers"):
                col.add(at((k,), key=True), f"unexpected key {k!r} next to 'answers'")
        return [(source, ("answers",), doc["answers"])]
    return [(source, (), {k: v for k, v in doc.items() if k != "questionnaire"})]


def _respondent_blocks(doc: dict[str, Any], col: _Collector, at: At) -> list[Block]:
    for k in doc:
        if k not in ("questionnaire", "respondents"):
            col.add(at((k,), key=True), f"unexpected key {k!r} next to 'respondents'")
    people = doc["respondents"]
    if not isinstance(people, list):
        col.add(at(("respondents",)), "'respondents' must be a list")
        people = []
    blocks: list[Block] = []
    for i, person in enumerate(people):
        where: PathT = ("respondents", i)
        if not isinstance(person, dict) or "answers" not in person:
            col.add(at(where), "each respondent needs 'answers' (and optionally 'name')")
            continue
        for k in person:
            if k not in ("name", "answers"):
                col.add(at((*where, k), key=True), f"unexpected key {k!r}")
        name = str(person.get("name") or f"respondent {i + 1}")
        blocks.append((name, (*where, "answers"), person["answers"]))
    return blocks


def _answer_set(q: Questionnaire, block: Block, col: _Collector, at: At) -> AnswerSet | None:
    """One block's answers, each item matched and each value read on the scale."""
    label, base, answers = block
    if not isinstance(answers, dict):
        col.add(at(base), "answers must be a mapping of item ids to answers")
        return None
    lookup = _item_lookup(q)
    values: dict[str, Value] = {}
    for key, raw in answers.items():
        item = lookup.get(normalise(str(key)))
        if item is None:
            col.add(at((*base, key), key=True), f"unknown item {key!r} for {q.id} ({_ids(q)})")
            continue
        ok, value = parse_value(q, raw)
        if not ok:
            col.add(at((*base, key)), f"{item}: {raw!r} is not an answer (expected {_expected(q)})")
        values[item] = value
    return AnswerSet(label, values)


def _example(q: Questionnaire) -> str:
    s = q.scale
    if s.type == "choice":
        return s.options[0].id
    return s.labels.get(s.max or 0, str(s.max))


LABEL_COLUMNS = ("name", "respondent", "respondent_id", "label", "group", "function", "role")


def _from_table(path: Path, q: Questionnaire) -> Answers:
    """One answer set per row of a CSV/XLSX whose columns are item ids or item texts.

    A table with a column for every item (what ``salesmkt template`` writes) is read by
    the survey reader, with its encodings, sub-header rows and data-quality messages; a
    table with only some of the items is read here, cell by cell.
    """
    source = str(path)
    try:
        rows = _read_table(path)
    except ResponseDataError:  # an encoding only the survey reader knows (UTF-16…)
        return _from_survey_reader(path, q)
    if not rows:
        raise ResponseDataError(f"{source}: the table is empty")
    matched = set(_header_items(q, rows[0]).values())
    if matched == set(q.item_ids):
        return _from_survey_reader(path, q)
    return _from_rows(source, q, rows)


def _header_items(q: Questionnaire, header: list[Any]) -> dict[int, str]:
    by_key: dict[str, str] = {}
    for it in q.items:
        for spelling in (it.id, it.text, it.short):
            if spelling:
                by_key.setdefault(normalise(spelling), it.id)
    return {
        j: by_key[normalise(str(name or ""))]
        for j, name in enumerate(header)
        if normalise(str(name or "")) in by_key
    }


def _from_survey_reader(path: Path, q: Questionnaire) -> Answers:
    import math

    # The survey reader brings pandas: only answers given as CSV or XLSX need it.
    from salesmkt.intake.responses import read_responses
    from salesmkt.intake.source import ResponseSource

    # Instruments are answered selectively (only the current stage's statements), so no
    # row is dropped for unanswered items.
    table = read_responses(ResponseSource(path), q, max_missing=1.0)
    options = [o.id for o in q.scale.options]
    names = None
    if table.respondent is not None:
        names = table.respondent
    else:
        for column in table.segments.columns:
            if normalise(str(column)) in LABEL_COLUMNS:
                names = table.segments[column]
                break
    sets = []
    for i, (_index, row) in enumerate(table.answers.iterrows()):
        values: dict[str, Value] = {}
        for item in q.item_ids:
            raw = float(row[item])
            if math.isnan(raw):
                values[item] = None
            else:
                values[item] = options[int(raw)] if options else raw
        label = str(names.iloc[i]).strip() if names is not None else ""
        sets.append(AnswerSet(label or f"row {int(table.rows.iloc[i])}", values))
    return Answers(q, str(path), tuple(sets))


def _from_rows(source: str, q: Questionnaire, rows: list[list[Any]]) -> Answers:
    col = _Collector(source, q)
    header = rows[0]
    columns = _header_items(q, header)
    label_col = next(
        (
            j
            for j, name in enumerate(header)
            if j not in columns and normalise(str(name or "")) in LABEL_COLUMNS
        ),
        None,
    )
    if not columns:
        raise ResponseDataError(
            f"{source}:1: no column matches a {q.id} item; name the columns by item id "
            f"({_ids(q)}) or by the item text"
        )
    sets: list[AnswerSet] = []
    for r, row in enumerate(rows[1:], start=2):
        if all(str(c or "").strip() == "" for c in row):
            continue
        values: dict[str, Value] = {}
        for j, item in columns.items():
            raw = row[j] if j < len(row) else None
            ok, value = parse_value(q, raw)
            if not ok:
                col.add(
                    f"{r}:{column_letter(j)}",
                    f"{item}: {raw!r} is not an answer (expected {_expected(q)})",
                )
            values[item] = value
        label = str(row[label_col]) if label_col is not None and label_col < len(row) else ""
        sets.append(AnswerSet(label.strip() or f"row {r}", values))
    col.raise_if_any()
    return Answers(q, source, tuple(sets))


def _read_table(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import warnings

        import openpyxl

        from salesmkt.intake.workbook import check_zip, refuse_dtd

        check_zip(path, str(path))  # the same bomb guards as a responses workbook
        refuse_dtd(path, str(path))
        try:
            with warnings.catch_warnings():  # "no default style": nothing to act on
                warnings.simplefilter("ignore")
                book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise ResponseDataError(f"{path}: cannot read the workbook: {exc}") from None
        try:
            sheet = book.worksheets[0]
            return [list(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    import csv

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ResponseDataError(f"{path}: not UTF-8 text; save the table as UTF-8") from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(text.splitlines(), dialect)]
