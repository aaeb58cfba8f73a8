"""The headcount file (``--headcount``): how many people of each group were invited.

Vocabulary:
- *headcount file*: a small CSV (or TSV) or YAML file. CSV: a header row with a
  ``group`` column, an ``invited`` column and at most one more column, named like a
  column of the responses file (``Region``): its values are *segments*. YAML: a list of
  mappings with the same keys (``- {group: sales, invited: 12}``), or one mapping of
  group → invited (``sales: 12``).
- *entry*: one :class:`Headcount`: a group id (matched by id, label or alias, like the
  responses' group column), optionally a segment column and value, the number invited,
  and where it was written (``file:row:column`` or ``file:line:column``).

Every problem is one located line (:class:`HeadcountError`, exit 1): an unknown group,
an ``invited`` that is not a whole number of at least 1, a missing column, a repeated
group (and segment), more than one segment column. Nothing here needs pandas.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesmkt.definitions.questionnaire import normalise
from salesmkt.errors import SalesmktError
from salesmkt.intake.inputbytes import read_input_bytes

if TYPE_CHECKING:
    from salesmkt.definitions.questionnaire import Questionnaire

__all__ = ["MAX_BYTES", "Headcount", "HeadcountError", "read_headcount"]

MAX_BYTES = 1024 * 1024  # a headcount file lists a few groups; anything bigger is a mistake
YAML_SUFFIXES = {".yaml", ".yml"}


class HeadcountError(SalesmktError):
    """A headcount file that cannot be used (``location`` says where)."""


@dataclass(frozen=True)
class Headcount:
    """People invited in one group (and, optionally, one segment)."""

    group: str
    invited: int
    where: str
    column: str | None = None
    value: str | None = None


def read_headcount(path: Path, questionnaire: Questionnaire) -> list[Headcount]:
    """The entries of a headcount file, checked (see the module docstring)."""
    path = Path(path)
    # One byte past the limit is enough to know the file is too large.
    raw = read_input_bytes(path, hint=" (--headcount)", limit=MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise HeadcountError("headcount file larger than 1 MB", location=f"{path}:1:1")
    if path.suffix.lower() in YAML_SUFFIXES:
        records = _yaml_records(path, raw)
    else:
        records = _csv_records(path, raw)
    entries = [_entry(questionnaire, fields) for fields in records]
    _check_unique(entries)
    if not entries:
        raise HeadcountError("no groups listed; expected group and invited", location=f"{path}:1:1")
    return entries


# A record: each field's text with where it was written, plus the record's own place.
Field = tuple[str, str]  # (value as text, location)
Record = dict[str, Field]


def _csv_records(path: Path, raw: bytes) -> list[Record]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HeadcountError("not UTF-8 text", location=f"{path}:1:1") from None
    rows = [r for r in csv.reader(io.StringIO(text), dialect=_dialect(text))]
    if not rows:
        raise HeadcountError("empty file; expected a header: group,invited", location=f"{path}:1:1")
    header = [h.strip() for h in rows[0]]
    _check_header(header, path)
    records: list[Record] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record: Record = {}
        for col, name in enumerate(header):
            value = row[col].strip() if col < len(row) else ""
            record[name] = (value, f"{path}:{number}:{col + 1}")
        record[""] = ("", f"{path}:{number}:1")
        records.append(record)
    return records


def _dialect(text: str) -> type[csv.Dialect]:
    first = text.splitlines()[0] if text else ""
    return csv.excel_tab if "\t" in first and "," not in first else csv.excel


def _check_header(header: list[str], path: Path) -> None:
    names = [normalise(h) for h in header]
    for need in ("group", "invited"):
        if need not in names:
            raise HeadcountError(
                f"no {need!r} column; expected a header such as group,invited "
                "(or group,Region,invited)",
                location=f"{path}:1:1",
            )
    extra = [h for h in header if normalise(h) not in ("group", "invited")]
    if len(extra) > 1:
        col = header.index(extra[1]) + 1
        raise HeadcountError(
            f"more than one segment column ({', '.join(extra)}); give one, e.g. Region",
            location=f"{path}:1:{col}",
        )
    if any(not h for h in header):
        raise HeadcountError("a column has no name", location=f"{path}:1:{header.index('') + 1}")


def _yaml_records(path: Path, raw: bytes) -> list[Record]:
    from salesmkt.definitions.yamlload import load_yaml

    located = load_yaml(path)
    data = located.data

    def where(loc: tuple[str | int, ...]) -> str:
        line, col = located.position(loc)
        return f"{path}:{line}:{col}"

    if isinstance(data, dict):  # the short form, group: invited
        return [
            {"group": (str(k), where((k,))), "invited": (_text(v), where((k,))), "": ("", "")}
            for k, v in data.items()
        ]
    if not isinstance(data, list):
        raise HeadcountError(
            "expected a list of {group, invited} entries or a mapping group: invited",
            location=where(()),
        )
    records: list[Record] = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise HeadcountError("expected a mapping with group and invited", location=where((i,)))
        record: Record = {str(k): (_text(v), where((i, k))) for k, v in item.items()}
        record[""] = ("", where((i,)))
        for need in ("group", "invited"):
            if not any(normalise(k) == need for k in record):
                raise HeadcountError(f"no {need!r} in this entry", location=where((i,)))
        extra = [k for k in record if k and normalise(k) not in ("group", "invited")]
        if len(extra) > 1:
            raise HeadcountError(
                f"more than one segment key ({', '.join(extra)})", location=where((i,))
            )
        records.append(record)
    return records


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    return str(value)


def _entry(q: Questionnaire, record: Record) -> Headcount:
    by_name = {normalise(k): k for k in record if k}
    group_text, group_at = record[by_name["group"]]
    invited_text, invited_at = record[by_name["invited"]]
    lookup = q.group_lookup()
    group = lookup.get(normalise(group_text)) if q.groups else "all"
    if group is None:
        known = ", ".join(g.id for g in q.groups)
        raise HeadcountError(
            f"unknown group {group_text!r}; expected one of {known}", location=group_at
        )
    try:
        invited = int(invited_text)
    except ValueError:
        invited = 0
    if invited < 1 or invited_text.strip() != str(invited):
        raise HeadcountError(
            f"invited {invited_text!r}: expected a whole number of at least 1", location=invited_at
        )
    extra = [k for k in record if k and normalise(k) not in ("group", "invited")]
    column = extra[0] if extra else None
    value = record[column][0] if column is not None else None
    if column is not None and not value:
        raise HeadcountError(f"no {column} value", location=record[column][1])
    return Headcount(group, invited, group_at, column, value)


def _check_unique(entries: list[Headcount]) -> None:
    columns = {e.column for e in entries if e.column is not None}
    if len(columns) > 1:
        raise HeadcountError(
            f"entries name different segment columns ({', '.join(sorted(columns))}); use one",
            location=entries[-1].where,
        )
    seen: set[tuple[str, str | None]] = set()
    for e in entries:
        key = (e.group, None if e.value is None else normalise(e.value))
        if key in seen:
            what = e.group + (f" in {e.column} {e.value}" if e.column else "")
            raise HeadcountError(f"{what} is listed twice", location=e.where)
        seen.add(key)
