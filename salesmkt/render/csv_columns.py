"""Each column of a table as CSV cells, ready to be joined into rows without Python per row.

Vocabulary: a column becomes either *coded* (:class:`Coded`: one code per row into a
short list of *distinct* cell texts, each formatted, neutralised and quoted once) or
*plain* (:class:`Plain`: one text per row in an arrow string array, for columns whose
values are mostly distinct, such as respondent codes and row numbers). The texts are
those ``DataFrame.to_csv`` writes after :func:`~salesmkt.render.text.neutralise_cell`:
numbers as numpy prints them, missing values blank, a field quoted only when it holds a
comma, a quote or a line break (quotes doubled).

Plain text columns are checked in arrow with one regular expression that finds every
cell neutralising or quoting could change (a control character, a comma, a quote, a
formula start); only those cells are visited in Python. Which form a column takes
changes the speed, never the text: both give the same cells.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesmkt.render.arrow_calls import call, cast, match_regex
from salesmkt.render.text import CONTROL_CHARS, neutralise_cell

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DECIMALS = 4
_NEEDS_QUOTES = (",", '"', "\n", "\r")
_FORMULA_START = ("=", "+", "-", "@")
_RANGE_CODES = 1 << 16
"""Whole numbers spanning fewer values than this are coded (one text per value)."""
_SAMPLE = 2048
"""Rows looked at to guess whether a text column is mostly distinct."""


@dataclass(frozen=True)
class Coded:
    """Cells as ``texts[codes]``: ``codes`` an integer array, one per row."""

    codes: np.ndarray[Any, Any]
    texts: list[str]


@dataclass(frozen=True)
class Plain:
    """Cells as an arrow string array, one text per row, no nulls."""

    cells: Any  # pyarrow.StringArray


def quoted(text: str) -> str:
    """``text`` as one CSV field (the csv module's minimal quoting)."""
    if any(ch in text for ch in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def cell(value: Any) -> str:
    """A neutralised text cell, or a blank for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return quoted(str(neutralise_cell(str(value))))


_SPECIAL = re.compile(f'(?!\n)[{CONTROL_CHARS},"]')
"""A character :func:`~salesmkt.render.text.visible` shows by code (bar the line break
that joins the values), a comma or a quote."""


def distinct_texts(values: Any) -> list[str]:
    """Distinct non-missing cells as CSV fields."""
    # str() of a text is the text (of a str subclass, the same characters).
    texts: list[str] = [v if type(v) is str else str(v) for v in values]
    # One search over them all: only when something needs escaping is each one visited.
    joined = "\n".join(texts)
    plain = (
        joined.count("\n") == max(len(texts) - 1, 0)
        and not _SPECIAL.search(joined)
        and not joined.startswith(_FORMULA_START)
        and not any("\n" + start in joined for start in _FORMULA_START)
    )
    return texts if plain else [cell(v) for v in values]


def arrow_text(texts: list[str]) -> Any:
    """``texts`` as an arrow string array, built from its buffers: ``pyarrow.array``
    imports pandas (pyarrow checks every argument against pandas' types). Raises
    UnicodeEncodeError for a lone surrogate, which UTF-8 cannot hold, and OverflowError
    beyond 2 GB (arrow's string offsets are 32-bit)."""
    import numpy as np
    import pyarrow as pa

    joined = "".join(texts)
    data = joined.encode("utf-8")
    if len(data) == len(joined):  # ASCII: a character a byte
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    else:
        encoded = (len(t.encode("utf-8")) for t in texts)
        lengths = np.fromiter(encoded, dtype=np.int64, count=len(texts))
    if len(data) >= 1 << 31:
        raise OverflowError("more text than one arrow string array holds")
    offsets = np.zeros(len(texts) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.string(), len(texts), buffers)


def text_scalar(text: str) -> Any:
    """An arrow string scalar (``pyarrow.scalar`` imports pandas, as ``pyarrow.array``)."""
    return arrow_text([text])[0]


def arrow_numbers(values: Any) -> Any:
    """A one-dimensional numpy array of numbers as an arrow array over the same bytes."""
    import numpy as np
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    kind = pa.from_numpy_dtype(values.dtype)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


def _factorize_bits(values: Any) -> tuple[Any, Any]:
    """Codes (first appearance first) and distinct values of an int64 array, hashed by
    arrow (as ``pandas.factorize``, without pandas)."""
    import numpy as np

    encoded = call("dictionary_encode", arrow_numbers(values))
    indices = encoded.indices
    codes = np.frombuffer(indices.buffers()[1], dtype=np.int32)
    codes = codes[indices.offset : indices.offset + len(indices)]
    uniques = encoded.dictionary
    distinct = np.frombuffer(uniques.buffers()[1], dtype=np.int64)
    return codes, distinct[uniques.offset : uniques.offset + len(uniques)]


def coded_cells(codes: Any, texts: list[str]) -> Coded:
    """Codes with -1 (missing) pointing at a blank appended to ``texts``."""
    import numpy as np

    # A copy (``codes`` may be the table's own), 32-bit: a code counts distinct texts.
    codes = np.array(codes, dtype=np.int32)
    codes[codes < 0] = len(texts)
    return Coded(codes, [*texts, ""])


def float_cells(values: Any) -> Coded:
    """Floats rounded to :data:`DECIMALS`, each distinct value printed once by numpy."""
    import numpy as np

    # Distinct by bit pattern (so that -0.0 keeps its sign as numpy prints it), first
    # as given, then as rounded: only the few distinct values are rounded and printed.
    codes, uniques = _factorize_bits(np.ascontiguousarray(values, dtype=np.float64).view(np.int64))
    with np.errstate(over="ignore"):  # a huge value rounds to inf, as in pandas
        rounded = uniques.view(np.float64).round(DECIMALS)
    inner, distinct = _factorize_bits(rounded.view(np.int64))
    texts: list[str] = distinct.view(np.float64).astype(str).tolist()
    inner = inner.astype(np.int32)  # a code per row: 32 bits are as many as arrow's
    inner[np.isnan(rounded)] = len(texts)  # every NaN, whatever its bits, is a blank
    return Coded(inner[codes], [*texts, ""])


def integer_cells(numbers: Any) -> Coded | Plain:
    """Whole numbers (never missing): coded over their range when it is short, else
    printed by arrow (the same digits as ``str``)."""
    import numpy as np
    import pyarrow as pa

    if len(numbers) and int(numbers.max()) - int(numbers.min()) < _RANGE_CODES:
        low = int(numbers.min())
        wide = np.uint64 if numbers.dtype.kind == "u" else np.int64  # no overflow below
        codes = (numbers.astype(wide, copy=False) - wide(low)).astype(np.int32)
        return Coded(codes, [str(v) for v in range(low, int(numbers.max()) + 1)])
    return Plain(cast(arrow_numbers(numbers), pa.string()))


def _arrow_class(python_class: str) -> str:
    """A Python regex class body in RE2's spelling (``\\uXXXX`` → ``\\x{XXXX}``)."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", r"\\x{\1}", python_class)


_NEEDS_WORK = f'[{_arrow_class(CONTROL_CHARS)},"]|^[=+\\-@]'
"""RE2: a cell :func:`cell` would change (control characters include tab, CR and LF)."""


def _mostly_distinct(column: pd.Series) -> bool:
    """Whether the first rows of ``column`` are mostly distinct (a guess: speed only)."""
    head = column.iloc[:_SAMPLE]
    return bool(head.nunique(dropna=True) * 2 > len(head))


def _arrow_strings(column: pd.Series) -> Any:
    """``column`` as one arrow string array (nulls for missing), or None when it holds
    something other than text or does not fit one array."""
    import pandas as pd
    import pyarrow as pa

    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) != "string":
        return None
    try:
        cells = pa.array(column, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, UnicodeError, TypeError, ValueError):
        return None  # e.g. a lone surrogate: the coded path writes what Python writes
    if isinstance(cells, pa.ChunkedArray):
        if cells.num_chunks != 1:
            return None
        cells = cells.chunk(0)
    return cells


def _surely_plain(cells: Any) -> bool:
    """Whether no cell can need work, judged from the bytes: none below space or from
    DEL on (controls, and every non-ASCII byte: such text is left to the regular
    expression), no comma or quote, no formula start. A quick test that may say no
    when the answer is yes (an empty cell looks at its neighbour), never the reverse."""
    import numpy as np

    _, offsets, data = cells.buffers()
    ends = np.frombuffer(offsets, dtype=np.int32)[cells.offset : cells.offset + len(cells) + 1]
    if data is None or ends[0] == ends[-1]:
        return True
    body = np.frombuffer(data, dtype=np.uint8)[ends[0] : ends[-1]]
    if body.min() < 0x20 or body.max() >= 0x7F:
        return False
    if any((body == ord(c)).any() for c in ',"'):
        return False
    if not any((body == ord(c)).any() for c in _FORMULA_START):
        return True
    firsts = body[np.minimum(ends[:-1] - ends[0], len(body) - 1)]
    return not any((firsts == ord(c)).any() for c in _FORMULA_START)


def plain_text_cells(cells: Any) -> Plain:
    """Arrow text cells neutralised and quoted; only cells the check flags go to Python."""
    if not _surely_plain(cells):
        flagged = match_regex(cells, _NEEDS_WORK)
        if cells.null_count:
            flagged = call("and_kleene", flagged, call("is_valid", cells))  # missing: False
        picked = call("take", cells, call("indices_nonzero", flagged))
        fixed = [cell(v) for v in picked.to_pylist()]
        if fixed:
            cells = call("replace_with_mask", cells, flagged, arrow_text(fixed))
    if cells.null_count:
        cells = call("coalesce", cells, text_scalar(""))  # pyarrow.compute.fill_null
    return Plain(cells)


def arrow_cells(cells: Any) -> Coded | Plain:
    """Text held as an arrow string or large string array (one chunk or several; null
    where missing), as :func:`object_cells` writes the same values as Python objects."""
    import numpy as np
    import pyarrow as pa

    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks() if cells.num_chunks != 1 else cells.chunk(0)
    if not pa.types.is_string(cells.type):
        try:
            cells = cast(cells, pa.string())  # 32-bit offsets, as the join reads them
        except (pa.ArrowException, OverflowError):  # over 2 GB: the objects' way
            return object_cells(np.array(cells.to_pylist(), dtype=object))
    return plain_text_cells(cells)


def text_cells(column: pd.Series) -> Coded | Plain:
    """A column of text (or anything else printed by ``str``)."""
    import pandas as pd

    texty = column.dtype == object or isinstance(column.dtype, pd.StringDtype)
    if texty and _mostly_distinct(column):
        cells = _arrow_strings(column)
        if cells is not None:
            return plain_text_cells(cells)
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        return _arrow_coded(column)
    values = column if texty else column.astype(object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return coded_cells(codes, distinct_texts(uniques))


def _arrow_coded(column: pd.Series) -> Coded:
    """An arrow-backed text column coded by arrow's own dictionary encoding."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(column.array)
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    encoded = pc.dictionary_encode(cells)
    codes = pc.fill_null(encoded.indices, -1).to_numpy()
    uniques = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    return coded_cells(codes, distinct_texts(uniques))


def column_cells(column: pd.Series) -> Coded | Plain:
    """The cells of one column, in whichever form suits it."""
    import numpy as np
    import pandas as pd

    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":
        return integer_cells(column.to_numpy())
    if pd.api.types.is_float_dtype(column.dtype):
        return float_cells(column.to_numpy(dtype=np.float64, na_value=np.nan))
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = np.asarray(column.cat.categories, dtype=object)
        return coded_cells(column.cat.codes.to_numpy(), distinct_texts(categories))
    return text_cells(column)


def _mostly_distinct_values(values: Any) -> bool:
    """:func:`_mostly_distinct` of an object array (a guess: speed only)."""
    head = values[:_SAMPLE].tolist()
    return len({v for v in head if isinstance(v, str)}) * 2 > len(head)


def _object_text(values: Any) -> Any:
    """An object array of text as one arrow string array (a blank for a missing cell,
    as the writer shows it), or None when it holds something other than text or more
    than one array takes."""
    from salesmkt.intake.distinct import is_missing

    cells = values.tolist()
    try:
        return arrow_text(cells)
    except TypeError:  # some cell is not text
        pass
    except (UnicodeEncodeError, OverflowError):  # the coded path writes what Python writes
        return None
    if not all(isinstance(v, str) or is_missing(v) for v in cells):
        return None
    try:
        return arrow_text([v if isinstance(v, str) else "" for v in cells])
    except (UnicodeEncodeError, OverflowError):
        return None


def object_cells(values: Any) -> Coded | Plain:
    """A column of text held as a numpy object array (None or NaN where missing), as
    :func:`text_cells` writes it, without pandas."""
    if _mostly_distinct_values(values):
        cells = _object_text(values)
        if cells is not None:
            return plain_text_cells(cells)
    codes, uniques = factorize_objects(values)
    return coded_cells(codes, distinct_texts(uniques))


_BY_IDENTITY = 1 << 14
"""Object columns at least this long are factorised by the objects' identity first."""


def _addresses(values: Any) -> Any:
    """The objects of an object array as the addresses the array holds (an object's
    identity, as ``id``), read from its buffer without a Python call per cell."""
    import ctypes

    import numpy as np

    values = np.ascontiguousarray(values)
    held = (ctypes.c_void_p * len(values)).from_address(values.ctypes.data)
    # Copied (as int64, what the hashing takes) while ``values`` still holds the objects.
    return np.frombuffer(memoryview(held), dtype=np.uintp).astype(np.int64)


def factorize_objects(values: Any) -> tuple[Any, Any]:
    """:func:`salesmkt.intake.distinct.factorize` of an object array (codes, -1 where
    missing, and the distinct values in order of first appearance).

    A reader's segment column holds the same few text objects over and over, so the
    cells are first grouped by identity (arrow hashes the addresses: the same object
    is the same value), and only one object per group is compared by value; equal
    values held as different objects meet there. Mostly distinct objects take the
    direct way."""

    from salesmkt.intake.distinct import factorize

    if len(values) < _BY_IDENTITY:
        return factorize(values)
    addresses = _addresses(values)
    by_object, objects = _factorize_bits(addresses)
    if len(objects) * 4 > len(values):
        return factorize(values)
    codes, uniques = factorize(values[first_cells(by_object)])
    return codes[by_object], uniques


def first_cells(codes: Any) -> Any:
    """Where each code first appears, for codes numbered in order of first appearance
    (0 first, then 1…): there the running maximum of the codes rises (a running maximum
    and a comparison, where looking the distinct values up among all the cells hashed a
    million of them)."""
    import numpy as np

    if not len(codes):
        return np.zeros(0, dtype=np.intp)
    highest = np.maximum.accumulate(codes)
    rises = np.flatnonzero(highest[1:] != highest[:-1])
    return np.concatenate(([0], rises + 1))
