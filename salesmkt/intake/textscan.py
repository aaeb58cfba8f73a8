"""Looking at a large text file a chunk at a time, without holding it in memory.

Vocabulary:
- *chunk*: :data:`CHUNK` bytes of the file, read into one of two buffers used in turn.
  Reading 2 GB into one ``bytes`` took 1.4 to 3 CPU s, mostly the page faults of that
  much fresh memory, and held the 2 GB until the body was read; a chunk's buffer is
  reused, and the file's text is never all in memory.
- *scan* (:class:`Scan`): what :class:`.files.TextFile` needs of a large file to read
  it the way it reads any file whose records it guesses (see
  :func:`.records.uniform_records` and :func:`.records.quoted_records`): the first
  :data:`PREFIX` bytes (the *prefix*, looked at as the first chunk: the head and the
  first records come from it), the text's length, its line feeds, whether it holds
  quotes and, if so, whether every quote follows the rule of
  :func:`.records._lines_if_plain` (and the longest line), or else how many delimiters
  it holds. A text that is not UTF-8, holds a carriage return or breaks the
  quote rule is not scanned (``None``): the file is then read into memory as before,
  so that whatever is said about it is said as before.
"""

from __future__ import annotations

import codecs
import io
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from salesmkt.intake import records
from salesmkt.intake.records import PlainRule, quote_neighbours

CHUNK = 1 << 26
"""Bytes read from the file at a time, after the prefix."""

PREFIX = 1 << 25
"""Bytes of the prefix (at most :data:`CHUNK`): the head, the first records of the record
guess and the first :data:`.freetext.HEAD_CELLS` cells of a lazy free-text column come
from it (32 MB hold 5,000 records of 6 KB; a longer record's file has its text read
whole for those cells, as 64 MB did from 13 KB). A ``bytes`` object, not one of the
buffers: each of its pages is faulted in afresh, which 64 MB made 16,000 page faults
(the buffers are numpy's, which asks for huge pages)."""


@dataclass(frozen=True)
class Scan:
    """A large text file looked at a chunk at a time (see the module's vocabulary)."""

    prefix: bytes
    size: int  # bytes of text (after a byte-order mark)
    lines: int  # line feeds
    quoted: bool  # any quote in the text
    longest: int  # bytes of the longest line, line feed left out (0 unless quoted)
    delimiters: int  # delimiters in the text (0 if quoted: not counted)
    non_ascii: bool  # some byte over 127 (the text is UTF-8 all the same)
    ends_with_line_feed: bool


_Found = tuple[records._Block, int, bool, int]
"""A block's verdict (:func:`.records._plain_block`), its largest byte, whether it holds
a carriage return, and its delimiters (when counted)."""


def _look(
    a: npt.NDArray[np.uint8],
    at: int,
    beside: npt.NDArray[np.bool_],
    edges: tuple[int, int],
    delim: int,
    count: bool,
) -> _Found:
    """One block of chunk ``a`` from ``at`` on: the quote rule's verdict, the largest
    byte, a carriage return, and its delimiters if ``count``. Line feeds and carriage
    returns are found by one compare (bytes up to 13; a tab is one of them)."""
    block = a[at : at + records._SCAN_BLOCK]
    top = int(block.max()) if block.size else 0
    low = np.flatnonzero(block <= 13)
    lows = block[low]
    cr = bool((lows == 13).any())
    newline = low[lows == 10]
    found = records._plain_block(a, at, beside, edges, newline)
    delims = int(np.count_nonzero(block == delim)) if count else 0
    return found, top, cr, delims


def scan_text(handle: io.RawIOBase, prefix: bytes, sep: str) -> Scan | None:
    """The text made of ``prefix`` and the rest of ``handle`` (read from where it
    stands), looked at a chunk at a time in two threads (numpy lets go of the
    interpreter lock), the next chunk read while the last one is looked at; ``None``
    when it is not plain UTF-8 with LF line ends whose quotes follow the rule."""
    delim = ord(sep)
    beside = quote_neighbours(delim)
    rule = PlainRule()
    state = _State(quoted=b'"' in prefix)
    buffers = [np.empty(CHUNK, dtype=np.uint8) for _ in range(2)]
    chunk = np.frombuffer(prefix, dtype=np.uint8)
    offset, before, turn, last = 0, -1, 0, False
    with ThreadPoolExecutor(max_workers=2) as pool:
        while chunk.size:
            count = not state.quoted
            starts = list(range(0, chunk.size, records._SCAN_BLOCK))
            jobs: list[Future[_Found]] = [
                pool.submit(_look, chunk, at, beside, (before, -1), delim, count)
                for at in starts[:-1]
            ]
            following = _read_into(handle, buffers[turn])
            turn ^= 1
            after = int(following[0]) if following.size else -1
            edges = (before, after)
            jobs.append(pool.submit(_look, chunk, starts[-1], beside, edges, delim, count))
            if not state.take([job.result() for job in jobs], rule, offset, chunk):
                return None
            offset += chunk.size
            before = int(chunk[-1])
            last = before == 10
            chunk = following
    found = rule.result(offset) if state.quoted else (rule.lines, 0)
    if found is None or not state.finish():
        return None
    lines, longest = found
    return Scan(
        prefix, offset, lines, state.quoted, longest if state.quoted else 0,
        0 if state.quoted else state.delimiters, state.decoder is not None, last,
    )  # fmt: skip


@dataclass
class _State:
    """What :func:`scan_text` carries from one chunk to the next."""

    quoted: bool
    delimiters: int = 0
    decoder: codecs.IncrementalDecoder | None = None

    def take(
        self, found: list[_Found], rule: PlainRule, offset: int, chunk: npt.NDArray[np.uint8]
    ) -> bool:
        """The verdicts of a chunk's blocks in order; False when the text is not plain."""
        for block, top, cr, delims in found:
            if cr or not rule.add(block, offset):
                return False
            self.quoted = self.quoted or block[0] > 0
            self.delimiters += delims
            if top > 127 and self.decoder is None:
                self.decoder = codecs.getincrementaldecoder("utf-8")()
        if self.decoder is not None:  # UTF-8 from the first chunk holding a byte over 127
            try:
                self.decoder.decode(memoryview(chunk))  # type: ignore[arg-type]
            except UnicodeDecodeError:
                return False
        return True

    def finish(self) -> bool:
        """Whether the text ended where UTF-8 may end."""
        if self.decoder is None:
            return True
        try:
            self.decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True


def _read_into(handle: io.RawIOBase, buffer: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The next bytes of ``handle`` read into ``buffer`` (as many as it holds, fewer at
    the end of the file), as the part of it they fill."""
    view = memoryview(buffer)  # type: ignore[arg-type]
    filled = 0
    while filled < buffer.size:
        got = handle.readinto(view[filled:])
        if not got:
            break
        filled += got
    return buffer[:filled]
