"""The body of a text file read by pyarrow's multithreaded CSV parser (the *arrow path*).

Vocabulary:
- *body* (:class:`Body`): what is known of a text before pyarrow reads it: its bytes,
  records and width, its delimiter, and which columns to read as plain text or at all.
- *arrow table*: the body as pyarrow reads it, every column as text: item columns read
  as plain numbers as plain text, long free text as plain text, the rest
  dictionary-encoded (each column's distinct cells once, with a code per row).
- *single digits*: an item column whose every cell is blank or one digit on the scale,
  read straight from pyarrow's offsets and bytes as ``int8`` (:func:`single_digits`; a
  blank as :data:`.scale.BLANK_CODE`).
- *piece*: some 8 MB of whole records of a large body of single-digit answers, read
  by pyarrow on its own (:func:`body_columns`): its digits are taken and its table let
  go before the next piece is read.
- *codes*: an item column read as text comes with a code per row into its distinct
  cells (:data:`.rawfile.Factorized`), so that the scale parses each distinct cell once;
  it and any column of few distinct cells (the group, a region) are handed on as such
  (:class:`.coded.CodedText`), never as a Python object per row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.intake.coded import CodedText
from salesmkt.intake.rawfile import Factorized
from salesmkt.intake.scale import BLANK_CODE


@dataclass(frozen=True)
class Body:
    """A text as pyarrow is to read it: ``size`` bytes holding ``records`` records of
    ``width`` cells split at ``sep``; the ``plain`` columns read as plain text, the
    others dictionary-encoded; ``breaks``: a quoted cell may hold a line break;
    ``include``: the columns to convert (None: all; pyarrow still tokenises the others,
    and checks every record's width, but neither copies nor unescapes their cells)."""

    size: int
    records: int
    width: int
    sep: str
    plain: Set[int] = frozenset()
    breaks: bool = False
    include: Sequence[int] | None = None


def arrow_table(source: Any, body: Body) -> Any:
    """The text read from ``source`` (a binary file object at its first byte) as
    ``body`` describes it: a pyarrow table of text columns named by their index."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    size, records, plain, include = body.size, body.records, body.plain, body.include
    names = [str(c) for c in range(body.width)]
    # Long records (free text) in blocks of some 16,000 records, up to 16 MB: pyarrow's
    # default 1 MB holds only 500 records of 2 KB comments, and every block is a chunk
    # of every column, each converted on its own (40,000 chunks at a million such
    # records). Short records keep the default (larger blocks cost them more CPU).
    long = size > 1024 * records
    block = min(16_384 * (size // max(records, 1)), 1 << 24) if long else 1 << 20
    text = pa.dictionary(pa.int32(), pa.string())
    types = {name: pa.string() if c in plain else text for c, name in enumerate(names)}
    return pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(column_names=names, block_size=block),
        parse_options=pacsv.ParseOptions(
            delimiter=body.sep,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=body.breaks,
            ignore_empty_lines=False,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            include_columns=None if include is None else [names[c] for c in include],
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,  # decode() already made it UTF-8
        ),
    )


def in_memory(data: bytes, offset: int) -> Any:
    """``data`` from ``offset`` on as a file pyarrow reads without a copy: ``io.BytesIO``
    copies a memoryview it is given (63 MB and 0.1 CPU s of page faults for a million
    respondents, the text held twice during the read)."""
    import pyarrow as pa

    return pa.BufferReader(pa.py_buffer(data).slice(offset))


PIECE_BYTES = 1 << 23
"""The bytes of text a large body is read in at a time (see :func:`body_columns`)."""


@dataclass
class BodyColumns:
    """A body read by :func:`body_columns`: its ``rows``, each ``digits`` column as small
    integers (what :func:`single_digits` makes of it), every other column as arrow's."""

    rows: int
    digits: dict[int, npt.NDArray[np.int8]]
    columns: dict[int, Any]


def body_columns(
    source: Any, body: Body, digits: tuple[Set[int], float, float] = (frozenset(), 0, 0)
) -> BodyColumns:
    """:func:`arrow_table` of ``source`` (the columns ``body`` includes), with the
    ``digits`` columns (of the plain ones; and the scale's ``lo`` and ``hi``) whose every
    cell is blank or one digit on the scale already small integers.

    A body with such columns, of short records (a kilobyte or less a record, no line
    break in a quoted cell), larger than :data:`PIECE_BYTES` is read a piece of that many
    bytes (whole records) at a time, each piece's digits taken and its table let go
    before the next: the peak
    holds one piece's text and table, not the whole body's (pyarrow's multithreaded read
    of a whole body holds some 200 MB for a million records of 63 MB). pyarrow parses
    each 1 MB block of such a body on its own, cut at its last line feed, so cutting the
    pieces there too reads every cell as the whole read does. A body of labels is read
    whole: its columns stay arrow's (codes), so pieces would save little memory and
    cost a read per piece (50 for a million records)."""
    import pyarrow as pa

    ints, lo, hi = digits
    size, records = body.size, body.records
    if not ints or body.breaks or size <= PIECE_BYTES or size > 1024 * records:
        table = arrow_table(source, body)
        rows, names = table.num_rows, [int(name) for name in table.column_names]
        columns = dict(zip(names, table.columns, strict=True))
        del table  # each column is let go once converted: never the whole table twice
        found: dict[int, npt.NDArray[np.int8]] = {}
        for c in sorted(ints & columns.keys()):
            values = single_digits(columns[c], lo, hi)
            if values is not None:
                found[c] = values
                del columns[c]
        return BodyColumns(rows, found, columns)
    include = range(body.width) if body.include is None else body.include
    out = {c: np.empty(records, dtype=np.int8) for c in ints if c in include}
    chunks: dict[int, list[Any]] = {c: [] for c in include if c not in out}
    types: dict[int, Any] = {}
    at = 0
    for piece in _pieces(source, size):
        table = arrow_table(pa.BufferReader(piece), body)  # each piece: the body's blocks
        del piece
        rows = table.num_rows
        if at + rows > records:
            raise ValueError("more records than counted")
        for name, column in zip(table.column_names, table.columns, strict=True):
            c = int(name)
            types[c] = column.type
            if c in out and not _piece_digits(column, lo, hi, out[c][at : at + rows]):
                taken = out.pop(c)[:at]  # text from here on, the digits so far as text too
                chunks[c] = [_digits_text(taken)] if at else []
            if c not in out:
                chunks[c].extend(column.chunks)
        table = column = None  # the piece's columns go (but what was taken of them)
        at += rows
        # The piece's memory stays in pyarrow's pool for the next piece: handing it back
        # to the system each time (release_unused) made every piece fault its pages in
        # afresh, some 15,000 page faults at a million records (the caller releases the
        # pool once the body is read).
    columns = {
        c: pa.chunked_array(parts, type=types.get(c, pa.string())) for c, parts in chunks.items()
    }
    return BodyColumns(at, out, columns)


def _pieces(source: Any, size: int) -> Iterator[Any]:
    """The ``size`` bytes of ``source`` (a file object at the body's first byte) as
    pyarrow buffers of :data:`PIECE_BYTES` or so, each cut after its last line feed (the
    last one holds the rest); a piece holding no line feed is read again twice as
    long. Each piece is read from where the previous one was cut (the file is seeked
    back over the bytes after the cut)."""
    import pyarrow as pa

    start, at, want = source.tell(), 0, PIECE_BYTES
    read = getattr(source, "read_buffer", source.read)  # pyarrow's file: no copy in Python
    while at < size:
        source.seek(start + at)
        want = min(want, size - at)
        data = read(want)
        piece = data if isinstance(data, pa.Buffer) else pa.py_buffer(data)
        if len(piece) != want:
            raise ValueError("the text is shorter than it was")
        if at + want == size:
            yield piece
            return
        cut = _last_line_end(piece)
        if cut < 0:
            want *= 2
            continue
        yield piece.slice(0, cut + 1)
        at, want = at + cut + 1, PIECE_BYTES


def _last_line_end(piece: Any) -> int:
    """Where the last line feed of a pyarrow buffer lies, or -1: looked for in its last
    64 KB first (records are short), then in the whole."""
    data = np.frombuffer(piece, dtype=np.uint8)
    for window in (data[-65536:], data):
        found = np.flatnonzero(window == ord("\n"))
        if len(found):
            return len(data) - len(window) + int(found[-1])
    return -1


def _piece_digits(column: Any, lo: float, hi: float, out: npt.NDArray[np.int8]) -> bool:
    """:func:`single_digits` of one piece's column, into ``out``."""
    at = 0
    for chunk in column.chunks:
        if not _chunk_digits(chunk, lo, hi, out[at : at + len(chunk)]):
            return False
        at += len(chunk)
    return True


def _digits_text(values: npt.NDArray[np.int8]) -> Any:
    """The text of cells :func:`single_digits` read (a blank as "", else the digit), as
    a pyarrow string array: a column found not all single digits in a later piece is
    text throughout, cell for cell as the file holds it."""
    import pyarrow as pa

    filled = values != BLANK_CODE
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(filled, out=offsets[1:])
    text = (values[filled] + ord("0")).astype(np.uint8)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(text)]
    return pa.Array.from_buffers(pa.string(), len(values), buffers)


_DIGITS = re.compile(r"[0-9]+")


def arrow_column(
    column: Any, numeric: bool, item: bool, lo: float, hi: float
) -> tuple[npt.NDArray[Any] | CodedText, Factorized | None]:
    """One pyarrow column as a numpy array: small integers for a ``numeric`` column whose
    cells are all blank or whole numbers from ``lo`` to ``hi`` (see :func:`_numbers`),
    otherwise text: a coded column (:class:`.coded.CodedText`) when the column has few
    distinct cells or is an ``item`` (with its codes, see :class:`RawRows`), else an
    object array (each distinct cell one Python string, shared by the rows holding it).
    A numeric column comes as plain text: single digits are read straight from its bytes."""
    import pyarrow as pa

    if not hasattr(column.type, "index_type"):  # plain text, not dictionary-encoded
        digits = single_digits(column, lo, hi)
        if digits is not None:
            return digits, None
        column = column.dictionary_encode()
    few = item or _few_distinct(column)
    if few and column.num_chunks > 1:
        # One dictionary for the whole column (pyarrow's C remaps each chunk's codes):
        # each distinct cell becomes one Python string and is parsed once, not once per
        # 1 MB block. Not for a column of mostly distinct cells (respondent ids): its
        # dictionary would be hashed once more (0.2 CPU s at a million).
        column = column.unify_dictionaries().combine_chunks()
        column = pa.chunked_array([column], type=column.type)
    chunks = [(c.dictionary.to_pylist(), _indices(c.indices)) for c in column.chunks]
    if numeric:
        values = [[_plain_value(v, lo, hi) for v in words] for words, _ in chunks]
        if all(v is not None for found in values for v in found):
            return _numbers(values, [idx for _, idx in chunks], lo, hi), None
    if few:
        codes = _codes(chunks)
        return CodedText(*codes), codes if item else None
    parts = [_as_objects(words)[idx] for words, idx in chunks]
    text = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
    return text, None


def _few_distinct(column: Any) -> bool:
    """Whether a dictionary-encoded column's first chunk holds at most half as many
    distinct cells as cells (a group, a region; not respondent ids): only the first, as
    a column of 1 MB chunks has hundreds (only the speed depends on the guess)."""
    if not column.num_chunks:
        return True
    first = column.chunk(0)
    return len(first.dictionary) <= len(first) // 2


def _numbers(
    values: list[list[float | None]], indices: list[npt.NDArray[Any]], lo: float, hi: float
) -> npt.NDArray[Any]:
    """The cells of a numeric column from each chunk's distinct values and codes: as
    ``int8`` (a blank as :data:`BLANK_CODE`) when the scale fits, else as floats."""
    small = lo > BLANK_CODE and hi <= 127
    kind = np.int8 if small else np.float64
    parts = []
    for found, idx in zip(values, indices, strict=True):
        known = [v if v is not None else math.nan for v in found]
        table = np.array(known, dtype=np.float64)
        if small:
            table = np.where(np.isnan(table), BLANK_CODE, table)
        parts.append(table.astype(kind)[idx])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=kind)


def within(column: Any, limit: int) -> bool:
    """Whether no cell of a pyarrow text column (plain or dictionary) holds more than
    ``limit`` characters (code points, as ``len`` counts them). A cell holds no more
    characters than bytes, so the bytes (from the offsets) answer first; characters are
    counted only when some cell has more bytes than the limit."""
    import pyarrow as pa

    if hasattr(column.type, "index_type"):  # each chunk's distinct cells
        column = pa.chunked_array([c.dictionary for c in column.chunks], type=pa.string())
    if not len(column):
        return True
    if max(_most_bytes(chunk) for chunk in column.chunks) <= limit:
        return True
    # pyarrow.compute only here: importing it costs some 50 ms of every start-up.
    import pyarrow.compute as pc

    return bool(pc.max(pc.utf8_length(column)).as_py() <= limit)


def _most_bytes(chunk: Any) -> int:
    """The most bytes any cell of a pyarrow text chunk holds, from its offsets."""
    if chunk.null_count:  # never from our reads (no cell is null); kept exact if one is
        import pyarrow.compute as pc

        longest = pc.max(pc.binary_length(chunk)).as_py()
        return 0 if longest is None else int(longest)
    n = len(chunk)
    if not n:
        return 0
    offsets = np.frombuffer(
        chunk.buffers()[1], dtype=np.int32, count=n + 1, offset=4 * chunk.offset
    )
    return int((offsets[1:] - offsets[:-1]).max())


def plain_text(chunks: list[Any], n: int) -> npt.NDArray[Any]:
    """The ``n`` cells of a plain pyarrow text column's ``chunks`` as Python strings; each
    chunk is let go once converted, so that a column of long free text (2 GB of 2 KB
    comments at a million rows) is never held twice over (``to_pylist`` per chunk is
    also three times the speed of ``to_numpy``, which goes through pandas)."""
    import pyarrow as pa

    out = np.empty(n, dtype=object)
    at = 0
    pool = pa.default_memory_pool()
    for i, chunk in enumerate(chunks):
        chunks[i] = None
        out[at : at + len(chunk)] = chunk.to_pylist()
        at += len(chunk)
        del chunk
        pool.release_unused()  # the chunk's memory back to the system, not kept for arrow
    return out


def _codes(chunks: list[tuple[list[str], npt.NDArray[Any]]]) -> Factorized:
    """One code per row into the chunks' distinct cells listed one after the other."""
    if not chunks:
        return np.zeros(0, dtype=np.intp), []
    if len(chunks) == 1:  # pyarrow's own codes (int32) serve as they are
        return chunks[0][1], chunks[0][0]
    shift = np.cumsum([0] + [len(words) for words, _ in chunks[:-1]])
    codes = np.concatenate(
        [idx.astype(np.intp) + int(s) for (_, idx), s in zip(chunks, shift, strict=True)]
    )
    return codes, [word for words, _ in chunks for word in words]


def single_digits(column: Any, lo: float, hi: float) -> npt.NDArray[np.int8] | None:
    """A text column whose every cell is blank or one digit from ``lo`` to ``hi``, as
    small integers (:data:`BLANK_CODE` for blanks), read from each chunk's offsets and
    bytes; ``None`` otherwise."""
    out = np.empty(len(column), dtype=np.int8)
    at = 0
    for chunk in column.chunks:
        if not _chunk_digits(chunk, lo, hi, out[at : at + len(chunk)]):
            return None
        at += len(chunk)
    return out


def _chunk_digits(chunk: Any, lo: float, hi: float, out: npt.NDArray[np.int8]) -> bool:
    """:func:`single_digits` of one chunk of a pyarrow text column, into ``out``; False
    when some cell is not blank or one such digit.

    A chunk is some 16,000 cells, so the passes are few (a million cells take sixty
    chunks): the cells' bytes lie one after the other between the first and last offset,
    so the digits are checked there at once; each cell's length comes from the offsets
    (one pass), and only a chunk with blanks places the digits one by one."""
    n = len(chunk)
    if chunk.null_count:
        return False
    if not n:
        return True
    _, offsets_buf, data_buf = chunk.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=n + 1, offset=4 * chunk.offset)
    first, end = int(offsets[0]), int(offsets[-1])
    if end == first:  # every cell blank
        out[:] = BLANK_CODE
        return True
    low = int(lo) if 0 <= lo <= 9 else 0
    if lo > 9 or end - first > n:  # some cell holds two bytes or more
        return False
    cells = np.frombuffer(data_buf, dtype=np.uint8, count=end - first, offset=first)
    # Bytes below the scale's lowest digit wrap round to 246 and more: one max checks
    # that every byte is a digit from lo to hi.
    digits = cells - np.uint8(ord("0") + low)
    if int(digits.max()) > min(int(hi), 9) - low:
        return False
    # Each cell's length is checked even when the bytes are as many as the cells: a
    # blank beside a two-byte cell ("", "12") adds up the same as two digits.
    lengths = np.diff(offsets)
    if int(lengths.max()) > 1:
        return False
    values = digits.view(np.int8)
    values += np.int8(low)
    if end - first == n:  # one byte each, none blank: the bytes are the cells
        out[:] = values
        return True
    out[:] = BLANK_CODE  # the blank cells; the others take the bytes in order
    out[lengths.astype(bool)] = values
    return True


def _as_objects(words: list[str]) -> npt.NDArray[Any]:
    out = np.empty(len(words), dtype=object)
    out[:] = words
    return out


def _plain_value(cell: str, lo: float, hi: float) -> float | None:
    """NaN for a blank, the number for plain digits from ``lo`` to ``hi``, else ``None``."""
    if cell == "":
        return math.nan
    if _DIGITS.fullmatch(cell) and lo <= int(cell) <= hi:
        return float(int(cell))
    return None


def _indices(indices: Any) -> npt.NDArray[Any]:
    """A dictionary chunk's codes as a numpy view of its buffer (they hold no nulls here:
    a blank cell is the empty word): ``to_numpy`` imports pandas inside pyarrow."""
    if indices.null_count:  # never from our reads; kept exact if one ever holds a null
        return np.asarray(indices.to_numpy(zero_copy_only=False))
    dtype = np.dtype(str(indices.type))
    return np.frombuffer(
        indices.buffers()[1],
        dtype=dtype,
        count=len(indices),
        offset=dtype.itemsize * indices.offset,
    )
