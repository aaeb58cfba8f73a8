"""One export read as text columns, and the typed fields of the metric model.

Vocabulary: a *sheet* is one export file read as text (pandas, every cell a string),
with its mapping and the problems found so far. Its methods return one typed field
(``dates``, ``amounts``, ``booleans``, ``steps``, ``ids``) and add a located problem for
every cell they cannot read: ``file:row:column (header): message``, the row numbered as
a spreadsheet shows it (header = row 1). At most :data:`PER_COLUMN` cells are listed per
column and kind of problem, then how many more there are: nothing is left out unsaid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from salesmkt.definitions.crm_mapping import REQUIRED, CrmMapping
from salesmkt.errors import EvidenceDataError
from salesmkt.intake.evidence import cells
from salesmkt.intake.evidence.recognise import Opened, column_index
from salesmkt.intake.rawfile import column_letter

if TYPE_CHECKING:
    import pandas as pd

PER_COLUMN = 20


@dataclass
class Sheet:
    opened: Opened
    mapping: CrmMapping
    frame: pd.DataFrame
    date_format: str | None = None
    problems: list[str] = field(default_factory=list)

    def where(self, fieldname: str, row: int | None = None) -> str:
        header = self.mapping.header(fieldname) or fieldname
        index = column_index(self.opened, header)
        letter = column_letter(index) if index is not None else "?"
        return f"{self.opened.path}:{1 if row is None else row + 2}:{letter} ({header})"

    def text(self, fieldname: str) -> pd.Series | None:
        header = self.mapping.header(fieldname)
        if header is None or header not in self.frame.columns:
            return None
        column: pd.Series = self.frame[header]
        return column

    def blank(self) -> pd.Series:
        import pandas as pd

        return pd.Series("", index=self.frame.index, dtype=object)

    def report(self, fieldname: str, bad: pd.Series, text: pd.Series, expected: str) -> None:
        rows = bad.to_numpy().nonzero()[0]
        for row in rows[:PER_COLUMN]:
            value = text.iloc[row]
            self.problems.append(f"{self.where(fieldname, int(row))}: {value!r} is not {expected}")
        if len(rows) > PER_COLUMN:
            self.problems.append(
                f"{self.where(fieldname, int(rows[PER_COLUMN]))}: … and "
                f"{len(rows) - PER_COLUMN:,} more cells in this column that are not {expected}"
            )

    def dates(self, fieldname: str, *, required: bool = False) -> pd.Series:
        import pandas as pd

        text = self.text(fieldname)
        if text is None:
            return pd.Series(pd.NaT, index=self.frame.index, dtype="datetime64[ns, UTC]")
        parsed = cells.parse_dates(text, self.date_format or self.mapping.date_format)
        if parsed.ambiguous:
            self.problems.append(
                f"{self.where(fieldname)}: the dates are ambiguous: day-first and "
                f"month-first both read them (e.g. {', '.join(parsed.ambiguous)}); give "
                "--date-format '%d/%m/%Y' (European) or '%m/%d/%Y' (US)"
            )
            return parsed.values
        self.report(fieldname, parsed.bad, text, parsed.expected)
        if required:
            self.report(fieldname, text == "", text, "a date (the cell is empty)")
        return parsed.values

    def amounts(self, fieldname: str) -> pd.Series:
        text = self.text(fieldname)
        if text is None:
            return self.blank().astype(float)
        parsed = cells.parse_amounts(text, self.mapping.decimal)
        self.report(fieldname, parsed.bad, text, parsed.expected)
        return parsed.values.fillna(0.0)

    def booleans(self, fieldname: str) -> pd.Series | None:
        text = self.text(fieldname)
        if text is None:
            return None
        parsed = cells.parse_booleans(text)
        self.report(fieldname, parsed.bad, text, parsed.expected)
        return parsed.values

    def steps(self, fieldname: str, table: dict[str, str], names: Sequence[str]) -> pd.Series:
        """Codes into ``names`` of each status or stage (-1: not in the mapping, reported)."""
        import numpy as np
        import pandas as pd

        text = self.text(fieldname)
        if text is None:
            return pd.Series(-1, index=self.frame.index, dtype="int8")
        folded = {k.strip().casefold(): names.index(v) for k, v in table.items()}
        codes, raw = pd.factorize(text, use_na_sentinel=False)
        uniques = [str(u).strip() for u in raw]
        lookup = np.array([folded.get(u.casefold(), -1) for u in uniques], dtype="int8")
        steps = pd.Series(lookup[codes], index=self.frame.index)
        for i in np.flatnonzero(lookup < 0):
            rows = np.flatnonzero(codes == i)
            shown = ", ".join(str(r + 2) for r in rows[:5]) + (" …" if len(rows) > 5 else "")
            what = "status" if self.mapping.export == "leads" else "stage"
            self.problems.append(
                f"{self.where(fieldname, int(rows[0]))}: {what} {uniques[i]!r} is not in the "
                f"mapping {self.mapping.id} (found in {len(rows):,} row(s): {shown}); say "
                f"what it means under {what}es: in a mapping file (--map)"
            )
        return steps

    def ids(self, fieldname: str = "id") -> pd.Series:
        """Ids as written (compared exactly); an empty one is a problem."""
        text = self.text(fieldname)
        if text is None:
            return self.blank()
        self.report(fieldname, text == "", text, "an id (the cell is empty)")
        return text

    def missing_columns(self) -> None:
        for name in REQUIRED[self.mapping.export]:
            header = self.mapping.header(name)
            if header is None or column_index(self.opened, header) is None:
                self.problems.append(
                    f"{self.opened.path}:1: column {header!r} ({name}) is missing; the "
                    f"mapping {self.mapping.id} needs it"
                )


def read_sheet(opened: Opened, mapping: CrmMapping, date_format: str | None) -> Sheet:
    """The file's mapped columns as text (every other column is not read at all)."""
    import pandas as pd

    wanted = {
        h: i
        for h in mapping.columns.model_dump().values()
        if isinstance(h, str) and (i := column_index(opened, h)) is not None
    }
    # pyarrow's reader: several times faster than pandas' own C parser, multi-threaded.
    options: dict[str, Any] = {
        "sep": opened.delimiter,
        "dtype": str,
        "keep_default_na": False,
        "usecols": [opened.raw_header[i] for i in sorted(set(wanted.values()))],
        "header": 0,
        "engine": "pyarrow",
    }
    try:
        frame = _read(opened, options)
    except (pd.errors.ParserError, ValueError) as exc:
        raise EvidenceDataError(f"{opened.path}: not a well-formed CSV file: {exc}") from None
    by_index = {i: h for h, i in wanted.items()}
    frame.columns = [by_index[i] for i in sorted(by_index)]
    sheet = Sheet(opened, mapping, frame.reset_index(drop=True), date_format)
    sheet.missing_columns()
    return sheet


def _read(opened: Opened, options: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    encodings = list(dict.fromkeys([opened.encoding, "cp1252", "latin-1"]))
    for encoding in encodings[:-1]:
        try:
            return pd.read_csv(opened.path, encoding=encoding, **options)
        except (UnicodeDecodeError, ValueError) as exc:
            if "utf" not in str(exc).lower() and "decode" not in str(exc).lower():
                raise
    # Past the sampled start the file is not UTF-8 (nor Windows-1252): Latin-1 reads any byte.
    return pd.read_csv(opened.path, encoding=encodings[-1], **options)
