"""Text cells to typed columns: dates, amounts, booleans, all vectorised.

Vocabulary:
- *date*: ISO 8601 (``2026-03-04``, ``2026-03-04T09:30:00Z``, ``+01:00`` offsets), or
  day/month/year with ``/``, ``-`` or ``.`` (``04/03/2026 9:30 AM``). Every date is
  returned in UTC; a date without a zone is read as UTC. Slash dates are *ambiguous*
  when no value in the column has a first or second number above 12: then neither
  day-first (European) nor month-first (US) can be told, and the column is refused
  unless a format is given. Dotted dates (``04.03.2026``) are day-first, as written in
  Europe.
- *amount*: digits with an optional currency symbol or code, sign or parentheses, and
  thousands separators (``,`` or space or ``'`` when the decimal separator is ``.``;
  ``.`` or space or ``'`` when it is ``,``). A value that fits neither pattern is refused,
  never guessed: ``12,50`` with ``.`` as the decimal separator is an error, not 1250.
- *bad*: a boolean mask of the non-empty cells that could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_NUMERIC_DATE = (
    r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_SEPS = "[ '\u00a0\u202f]"
_AMOUNT = (
    r"^(?P<open>\()?\s*(?P<neg>-)?\s*(?:[A-Z]{3}|[$€£¥₹])?\s*(?P<neg2>-)?\s*"
    r"(?P<num>\d[\d,.'\u00a0\u202f ]*)\s*(?:[A-Z]{3}|[$€£¥₹])?\s*(?P<close>\))?$"
)
_GROUPED = {
    ".": rf"^\d+(?:\.\d+)?$|^\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?$"
    rf"|^\d{{1,3}}(?:{_SEPS}\d{{3}})+(?:\.\d+)?$",
    ",": rf"^\d+(?:,\d+)?$|^\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?$"
    rf"|^\d{{1,3}}(?:{_SEPS}\d{{3}})+(?:,\d+)?$",
}
TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f", ""}


@dataclass
class Parsed:
    """Typed values, the mask of unreadable cells, and why they failed (one phrase)."""

    values: pd.Series
    bad: pd.Series
    expected: str
    ambiguous: list[str] | None = None  # examples, when slash dates cannot be told apart


def parse_dates(text: pd.Series, fmt: str | None = None) -> Parsed:
    """Dates in UTC; see the module docstring for what is read and what is refused.

    Fast path: the whole column through pandas' ISO 8601 parser (C code); only the
    cells it refuses are stripped and tried as day/month/year dates.
    """
    import pandas as pd

    blank = text == ""
    if fmt is not None:
        out = pd.to_datetime(text.str.strip().where(~blank), format=fmt, errors="coerce", utc=True)
        return Parsed(out, out.isna() & ~blank, f"a date written as {fmt}")
    out = pd.to_datetime(text.where(~blank), format="ISO8601", errors="coerce", utc=True)
    retry = out.isna() & ~blank
    ambiguous = None
    if retry.any():
        s = text[retry].str.strip()
        out[retry] = pd.to_datetime(s, format="ISO8601", errors="coerce", utc=True)
        numeric = s.str.match(_NUMERIC_DATE)
        if numeric.any():
            parsed, ambiguous = _numeric_dates(s[numeric])
            out[numeric[numeric].index] = parsed
    expected = "a date (ISO 2026-03-31, 31/03/2026 or 03/31/2026, with an optional time)"
    return Parsed(out, out.isna() & ~blank, expected, ambiguous)


def _numeric_dates(s: pd.Series) -> tuple[pd.Series, list[str] | None]:
    """Day/month/year dates: day-first or month-first as the values show, else ambiguous."""
    import pandas as pd

    parts = s.str.extract(_NUMERIC_DATE)
    a, b = parts["a"].astype(int), parts["b"].astype(int)
    dotted = (parts["sep"] == ".").all()
    day_first = dotted or bool((a > 12).any())
    month_first = bool((b > 12).any())
    if (day_first and month_first) or not (day_first or month_first):
        if bool((a == b).all()):
            day_first = True  # 03/03/2026 reads the same either way
        else:
            examples = list(dict.fromkeys(s[(a != b)].head(50)))[:3]
            return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]"), examples
    day, month = (a, b) if day_first else (b, a)
    hour = parts["H"].fillna("0").astype(int)
    pm = parts["ampm"].fillna("").str.lower().str.startswith("p")
    am = parts["ampm"].fillna("").str.lower().str.startswith("a")
    hour = hour.where(~(pm & (hour < 12)), hour + 12).where(~(am & (hour == 12)), 0)
    frame = pd.DataFrame(
        {
            "year": parts["y"].astype(int),
            "month": month,
            "day": day,
            "hour": hour,
            "minute": parts["M"].fillna("0").astype(int),
            "second": parts["S"].fillna("0").astype(int),
        }
    )
    stamps = pd.to_datetime(frame, errors="coerce")
    return (stamps - _offsets(parts["tz"])).dt.tz_localize("UTC"), None


def _offsets(tz: pd.Series) -> pd.Series:
    """The UTC offset each zone suffix stands for (none, Z, UTC and GMT: zero)."""
    import pandas as pd

    sign = tz.str[0].map({"+": 1, "-": -1}).fillna(0)
    digits = tz.str.replace(":", "", regex=False).str[1:]
    hours = pd.to_numeric(digits.str[:2], errors="coerce").fillna(0)
    minutes = pd.to_numeric(digits.str[2:4], errors="coerce").fillna(0)
    return pd.to_timedelta(sign * (hours * 60 + minutes), unit="m")


def parse_amounts(text: pd.Series, decimal: str = ".") -> Parsed:
    """Amounts as floats; currency marks, signs and the declared separators allowed.

    Fast path (``.`` as the decimal separator): plain numbers through pandas' C parser;
    only the cells it refuses go through the patterns of the module docstring.
    """
    import pandas as pd

    blank = text == ""
    values = pd.Series(float("nan"), index=text.index, dtype=float)
    retry = ~blank
    if decimal == ".":
        values = pd.to_numeric(text.where(~blank), errors="coerce").astype(float)
        retry = values.isna() & ~blank
    if retry.any():
        values[retry] = _patterned_amounts(text[retry], decimal)
    values = values.where(values.abs() != float("inf"))  # "inf" is text, not an amount
    other = "," if decimal == "." else "."
    expected = (
        f"an amount with '{decimal}' as the decimal separator (if '{other}' is the decimal "
        f"separator, set decimal: '{other}' in a mapping file)"
    )
    return Parsed(values, values.isna() & ~blank, expected)


def _patterned_amounts(text: pd.Series, decimal: str) -> pd.Series:
    import pandas as pd

    parts = text.str.strip().str.extract(_AMOUNT)
    num = parts["num"].fillna("").str.strip()
    shaped = num.str.match(_GROUPED[decimal]).fillna(False).astype(bool)
    digits = num.str.replace(r"[^\d" + ("," if decimal == "," else ".") + "]", "", regex=True)
    if decimal == ",":
        digits = digits.str.replace(",", ".", regex=False)
    values = pd.to_numeric(digits.where(shaped), errors="coerce").astype(float)
    negative = parts["neg"].notna() | parts["neg2"].notna()
    negative |= parts["open"].notna() & parts["close"].notna()
    return values.where(~negative, -values)


def parse_booleans(text: pd.Series) -> Parsed:
    """true/false, 1/0, yes/no (any case); an empty cell is false."""
    import pandas as pd

    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    words = [str(u).strip().lower() for u in uniques]
    lookup = [True if w in TRUE else False if w in FALSE else None for w in words]
    mapped = pd.Series([lookup[c] if c >= 0 else False for c in range(len(uniques))])
    known = pd.Series([v is not None for v in lookup], dtype=bool)
    values = pd.Series(mapped.to_numpy()[codes] if len(uniques) else [], index=text.index)
    bad = pd.Series(~known.to_numpy()[codes] if len(uniques) else [], index=text.index)
    return Parsed(values.fillna(False).astype(bool), bad.astype(bool), "true or false")
