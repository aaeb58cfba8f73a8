"""Finding the records of a text file and their fields, without parsing it.

Vocabulary:
- *record*: one line of a text file as the CSV rules see it (a quoted cell may hold line
  breaks); its *fields* are its cells, counted before any parsing so that *ragged*
  records (more or fewer fields than the header) can be reported.
- *starts* and *counts*: the byte offset where each record starts and its number of
  fields, as numpy arrays (:func:`find_records`).
- *record guess*: for a long file, only the first records are counted and the rest are
  taken to have the widest of their widths (:func:`uniform_records`); the reader checks
  the guess where it matters (see :class:`.files.TextFile`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

HEAD_RECORDS = 64
"""Records read first to find the header, sub-header rows and the item columns."""


def find_records(data: bytes, delim: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start offset and number of fields of every record, found without parsing.

    Records end at an unquoted LF (a CR before it belongs to the last field and does not
    change the count); a quote toggles quoted mode, so an escaped quote ("") toggles
    twice and leaves it unchanged. Any disagreement with the real parser is caught by
    comparing record counts (see :class:`.files.TextFile`).
    """
    starts, counts, _ = scan_records(data, delim)
    return starts, counts


def scan_records(
    data: bytes, delim: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], bool]:
    """:func:`find_records`, and whether any LF lies inside quotes (a multi-line cell, or
    a quote left open: see :meth:`.files.TextFile._check_open_quotes`)."""
    if not data:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), False
    a = np.frombuffer(data, dtype=np.uint8)
    quoted = b'"' in data
    if not quoted:
        return (*_find_plain_records(a, delim), False)
    # Work on the positions of the few special bytes only, not on every byte; found a
    # block at a time, so that the masks cost a block's bytes, not the file's three times
    # over, and only the bytes outside quotes are kept (2 GB of quoted comments made 6 GB
    # of masks, then 1.5 GB of positions inside quotes).
    parts: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]] = []
    inside_before = breaks = False
    for at in range(0, a.size, _SCAN_BLOCK):
        pos, chars = _special_bytes(a[at : at + _SCAN_BLOCK], delim, at)
        is_quote = chars == 34
        # Inside quotes: an odd number of quotes so far (this one included), carried
        # over from the blocks before.
        inside = np.bitwise_xor.accumulate(is_quote.view(np.uint8)).view(bool)
        if inside_before:
            inside = ~inside
        breaks = breaks or bool(np.any(inside & (chars == 10)))
        if len(inside):
            inside_before = bool(inside[-1])
        keep = ~inside & ~is_quote
        parts.append((pos[keep], chars[keep]))
    pos = np.concatenate([p for p, _ in parts])
    chars = np.concatenate([c for _, c in parts])
    del parts
    newline_at = np.flatnonzero(chars == 10)  # indexes into pos
    counts = np.diff(newline_at, prepend=-1) - 1  # delimiters between two newlines
    starts = np.concatenate((np.zeros(1, dtype=np.int64), pos[newline_at] + 1))
    if starts[-1] < len(a):  # a last record without a line end
        after = len(pos) - (int(newline_at[-1]) + 1 if len(newline_at) else 0)
        counts = np.append(counts, after)
    else:
        starts = starts[:-1]
    return starts, counts.astype(np.int64) + 1, breaks


_RECORD_BLOCK = 65_536


def count_byte(a: npt.NDArray[np.uint8], byte: int) -> int:
    """How often ``byte`` occurs in ``a``, a block at a time (twice the speed of
    ``bytes.count``, and a block's mask rather than the whole text's)."""
    return sum(
        int(np.count_nonzero(a[at : at + _COUNT_BLOCK] == byte))
        for at in range(0, a.size, _COUNT_BLOCK)
    )


_COUNT_BLOCK = 1 << 22


def uniform_records(
    data: bytes, delim: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """:func:`find_records` of text without quotes, on the guess that every record after
    the first ones has as many fields as the widest of those: the start of the first
    records only, and the fields of every record. ``None`` when the number of delimiters
    in the text rules the guess out (or the text is short: then counting is cheap).

    Counting the delimiters of every record of 400 MB took a second. The guess is
    checked where it matters: the arrow path reads the body at that width and fails on
    any record of another width, and every other path counts the records first."""
    a = np.frombuffer(data, dtype=np.uint8)
    records = count_byte(a, 10) + (not data.endswith(b"\n"))
    return guessed_records(data, records, delim, delimiters=count_byte(a, ord(delim)))


def quoted_records(
    data: bytes, delim: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int] | None:
    """:func:`uniform_records` for text with quotes: the first records counted, the rest
    taken to have the widest of their widths; ``None`` unless every quote stands where
    the CSV rules put one and no line feed lies inside quotes (:func:`_lines_if_plain`),
    or when the text is short. The third value is the length in bytes of the longest
    record (no cell holds more characters).

    Counting the fields of every record of 2 GB of quoted comments took five seconds;
    in such a file every parser (pyarrow, pandas, the csv module, :func:`scan_records`)
    finds the same records and fields, so the arrow path's read at this width checks the
    guess as it does for :func:`uniform_records`."""
    a = np.frombuffer(data, dtype=np.uint8)
    found = plain_lines(a, ord(delim))
    if found is None:
        return None
    lines, longest = found
    records = lines + (not data.endswith(b"\n"))
    guess = guessed_records(data, records, delim)
    return None if guess is None else (*guess, longest)


def guessed_records(
    text: bytes, records: int, delim: str, *, delimiters: int | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """The record guess of a text of ``records`` records, ``text`` its start (at least
    its first records): the first records' starts and the fields of every record, the
    rest taken at the widest of the first ones' widths. ``delimiters``: the text's
    delimiters, for a text without quotes (the guess must account for every one);
    ``None`` for a quoted text whose quotes follow the rule of :func:`_lines_if_plain`
    (the fields of its first records are counted outside quotes). ``None`` when the text
    is short (counting is cheap then), its first records are not in ``text``, or the
    delimiters rule the guess out."""
    first = 2 * HEAD_RECORDS
    if records <= 4 * first:
        return None
    end = -1
    try:
        for _ in range(first):
            end = text.index(b"\n", end + 1)
    except ValueError:  # a start shorter than the first records (a scan's first chunk)
        return None
    if delimiters is None:
        starts, counts, _ = scan_records(text[: end + 1], delim)
        width = int(counts.max())
        return starts, np.concatenate((counts, np.full(records - first, width, dtype=np.int64)))
    starts, counts = _find_plain_records(np.frombuffer(text, dtype=np.uint8)[: end + 1], delim)
    width = int(counts.max())
    rest = records - first
    if delimiters - int(counts.sum() - first) != rest * (width - 1):
        return None
    return starts, np.concatenate((counts, np.full(rest, width, dtype=np.int64)))


def _lines_if_plain(a: npt.NDArray[np.uint8], delim: int) -> int | None:
    """The number of line feeds in ``a``, if every quote in it opens a field (at the
    start of the text or after a delimiter, a line feed or a closing quote) or closes one
    (at the end of the text or before a delimiter, a line feed or an opening quote: a
    doubled quote closes and opens again), quotes counted in turn as opening and
    closing, and none is left open at a line feed or at the end; else ``None``."""
    found = plain_lines(a, delim)
    return None if found is None else found[0]


def plain_lines(a: npt.NDArray[np.uint8], delim: int) -> tuple[int, int] | None:
    """:func:`_lines_if_plain`, with the length in bytes of the longest line (line feed
    left out): ``(line feeds, longest)``, or ``None``.

    The text is looked at a block at a time (:func:`_plain_block`), each block on its
    own, both as if it started outside quotes and inside (an odd number of quotes
    before it), so that a long text's blocks are looked at in two threads (numpy lets
    go of the interpreter lock while it compares and lists); the verdicts are then put
    together in order (:class:`PlainRule`)."""
    beside = quote_neighbours(delim)

    def look(at: int) -> _Block:
        return _plain_block(a, at, beside)

    starts = range(0, a.size, _SCAN_BLOCK)
    if a.size >= _THREADED:
        with ThreadPoolExecutor(max_workers=2) as pool:
            found = list(pool.map(look, starts))
    else:
        found = [look(at) for at in starts]
    rule = PlainRule()
    for block in found:
        if not rule.add(block, 0):
            return None
    return rule.result(a.size)


def quote_neighbours(delim: int) -> npt.NDArray[np.bool_]:
    """The bytes a quote may stand next to (see :func:`_lines_if_plain`)."""
    beside = np.zeros(256, dtype=bool)
    beside[[delim, 10, 34]] = True
    return beside


class PlainRule:
    """The verdicts of a text's blocks (:func:`_plain_block`), put together in order:
    whether the whole text follows the rules of :func:`_lines_if_plain`, its line feeds
    and its longest line."""

    def __init__(self) -> None:
        self.quotes = self.lines = self.longest = 0
        self.end = -1  # the last line feed so far
        self.ok = True

    def add(self, block: _Block, offset: int) -> bool:
        """The next block's verdict (its line feeds' offsets are ``offset`` short of
        the text's); False once the text breaks the rules."""
        count, newlines, ok = block
        if not (self.ok and ok[self.quotes & 1]):
            self.ok = False
            return False
        self.quotes += count
        self.lines += len(newlines)
        if len(newlines):
            inner = int(np.diff(newlines).max(initial=1))
            self.longest = max(self.longest, int(newlines[0]) + offset - self.end, inner)
            self.end = int(newlines[-1]) + offset
        return True

    def result(self, size: int) -> tuple[int, int] | None:
        """``(line feeds, longest line)`` of the text of ``size`` bytes, or ``None``."""
        if not self.ok or self.quotes & 1:
            return None
        return self.lines, max(self.longest, size - self.end) - 1


_THREADED = 1 << 26
"""Bytes of text from which :func:`_lines_if_plain` looks at its blocks in two threads."""


_Block = tuple[int, npt.NDArray[np.intp], tuple[bool, bool]]
"""A block's quotes, the offsets of its line feeds, and its verdicts (see
:func:`_plain_block`)."""


def _plain_block(
    a: npt.NDArray[np.uint8],
    at: int,
    beside: npt.NDArray[np.bool_],
    edges: tuple[int, int] = (-1, -1),
    newline: npt.NDArray[np.intp] | None = None,
) -> _Block:
    """The quotes (how many) and the line feeds (where) in the block of ``a`` from ``at``
    on, and whether
    the block follows the rules of :func:`_lines_if_plain` if the quotes before it are
    even (its first quote opens) and if they are odd (its first quote closes);
    ``beside``: the bytes a quote may stand next to; ``edges``: the bytes just before
    ``a`` and just after it when ``a`` is a piece of a longer text (-1: the text's
    start or end); ``newline``: the block's line feeds when the caller found them.

    Only the positions of the quotes and line feeds are listed (one compare each, no
    mask of both), and only the bytes either side of a quote are looked at."""
    block = a[at : at + _SCAN_BLOCK]
    q = np.flatnonzero(block == 34)
    if newline is None:
        newline = np.flatnonzero(block == 10)
    # The block's quotes before each line feed: an odd number leaves it inside quotes
    # when the block starts outside, an even number when it starts inside.
    odd = np.searchsorted(q, newline) & 1
    q += at
    # Each quote's neighbour before it (which matters if it opens) and after it (if it
    # closes); the text's first and last bytes stand next to its start and end.
    before = beside[a[q - 1]]
    if at == 0 and len(q) and q[0] == 0:
        before[0] = edges[0] < 0 or bool(beside[edges[0]])
    last = len(q) and q[-1] == a.size - 1
    after = beside[a[q[: len(q) - last] + 1]]
    if last:
        after = np.append(after, edges[1] < 0 or bool(beside[edges[1]]))
    ok = (
        not odd.any() and bool(before[0::2].all()) and bool(after[1::2].all()),
        bool(odd.all()) and bool(before[1::2].all()) and bool(after[0::2].all()),
    )
    return len(q), newline + at, ok


_SCAN_BLOCK = 1 << 20


def _special_bytes(
    block: npt.NDArray[np.uint8], delim: str, at: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """Offsets (from the file's start, ``block`` starting at ``at``) and values of the
    line feeds, delimiters and quotes in ``block``."""
    special = block == 10
    special |= block == ord(delim)
    special |= block == 34
    where = np.flatnonzero(special)
    return where.astype(np.int64) + at, block[where]


def _find_plain_records(
    a: npt.NDArray[np.uint8], delim: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """:func:`find_records` for text without quotes: every LF ends a record and every
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
