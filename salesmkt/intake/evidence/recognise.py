"""Which export a file is: its header against the mappings' ``recognise`` lists.

Vocabulary: a mapping *matches* a header when the header holds every name the mapping
recognises it by (compared without case and surrounding spaces); among several
matches the one that recognises the most names wins, a mapping given by the user
before a built-in one. A header that no mapping matches is refused, naming the
closest mapping and the columns it lacks.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from salesmkt.definitions.crm_mapping import CrmMapping
from salesmkt.errors import EvidenceDataError
from salesmkt.intake.inputbytes import read_input_bytes


@dataclass(frozen=True)
class Opened:
    """A CSV file's encoding, delimiter and header, read before the body."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]  # stripped
    raw_header: list[str]  # as written, to ask the CSV reader for columns by name


def _key(name: str) -> str:
    return name.strip().casefold()


def open_export(path: Path) -> Opened:
    """Read the header line: UTF-8 (with or without BOM), else Windows-1252."""
    # The header is in the first 64 KB; the rest of a large export is read later, once.
    raw = read_input_bytes(path, error=EvidenceDataError, limit=65536)
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:  # not just a character cut at the end of the sample
            text, encoding = raw.decode("cp1252", errors="replace"), "cp1252"
        else:
            text, encoding = raw[: exc.start].decode("utf-8-sig"), "utf-8-sig"
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        raise EvidenceDataError(f"{path}:1: the file is empty; expected a CRM export with a header")
    delimiter = max((",", ";", "\t"), key=first.count)
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter))
    return Opened(path, encoding, delimiter, [h.strip() for h in header], header)


def recognise(opened: Opened, mappings: list[CrmMapping]) -> CrmMapping:
    """The mapping for this header (EvidenceDataError naming the nearest miss)."""
    have = {_key(h) for h in opened.header}
    best: CrmMapping | None = None
    for mapping in mappings:
        if all(_key(n) in have for n in mapping.recognise) and (
            best is None or len(mapping.recognise) > len(best.recognise)
        ):
            best = mapping
    if best is not None:
        return best
    nearest = max(mappings, key=lambda m: sum(_key(n) in have for n in m.recognise))
    lacking = [n for n in nearest.recognise if _key(n) not in have]
    shown = ", ".join(opened.header[:8]) + (" …" if len(opened.header) > 8 else "")
    raise EvidenceDataError(
        f"{opened.path}:1: cannot tell which CRM export this is (header: {shown}); "
        f"closest: {nearest.id} ({nearest.title}), which also needs "
        f"{', '.join(lacking)}; give a mapping file with --map",
    )


def column_index(opened: Opened, header: str) -> int | None:
    """The 0-based index of a header name (case and spaces ignored), None if absent."""
    wanted = _key(header)
    for i, name in enumerate(opened.header):
        if _key(name) == wanted:
            return i
    return None
