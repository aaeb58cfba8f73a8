"""The quote check of a text file with long free-text comments (issue 13, target 6)
against a plain Python statement of its rule, byte by byte (the oracle).

:func:`.records._lines_if_plain` decides whether a quoted file's records may be taken
at the first records' width (every quote where the CSV rules put one, no line feed
inside quotes); it looks at the text a block at a time, each block on its own and in
two threads for a long text. Its answer must not depend on the block size or on the
threads.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmkt.intake import records


def _rule(data: bytes, delim: int) -> int | None:
    """The rule, one byte at a time: quotes alternate opening and closing; an opening
    quote stands at the start, after the delimiter, a line feed or a quote; a closing
    one at the end, before the delimiter, a line feed or a quote; no line feed inside
    quotes and none left open at the end. The number of line feeds, else None."""
    inside = False
    for i, byte in enumerate(data):
        if byte == 10 and inside:
            return None
        if byte != 34:
            continue
        if not inside and i > 0 and data[i - 1] not in (delim, 10, 34):
            return None
        if inside and i < len(data) - 1 and data[i + 1] not in (delim, 10, 34):
            return None
        inside = not inside
    return None if inside else data.count(b"\n")


def _check(data: bytes, delim: str = ",") -> int | None:
    a = np.frombuffer(data, dtype=np.uint8)
    return records._lines_if_plain(a, ord(delim))


_ALPHABET = b'ab,;"\n'


@given(
    st.binary(min_size=1, max_size=200).map(lambda b: bytes(_ALPHABET[x % 6] for x in b)),
    st.sampled_from([1, 2, 3, 7, 64, 1 << 20]),
    st.booleans(),
    st.sampled_from([",", ";"]),
)
@settings(max_examples=600, deadline=None)
def test_the_quote_check_is_the_rule(data: bytes, block: int, threads: bool, delim: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "_SCAN_BLOCK", block)
        patch.setattr(records, "_THREADED", 0 if threads else 1 << 62)
        assert _check(data, delim) == _rule(data, ord(delim))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'"', None),
        (b'""', 0),
        (b'"a"\n', 1),
        (b'a,"b""c"\n"d"', 1),
        (b'\n"', None),
        (b'"\n"', None),  # a line feed inside quotes
        (b'a"', None),
        (b'"a"b', None),
        (b'"""a"""', 0),
    ],
)
def test_the_ends_of_the_text(text: bytes, expected: int | None) -> None:
    for block in (1, 2, 3, 1 << 20):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(records, "_SCAN_BLOCK", block)
            patch.setattr(records, "_THREADED", 0)
            assert _check(text) == expected == _rule(text, ord(","))


def test_a_long_text_in_two_threads() -> None:
    row = b'R1,Sales,3,"a ""quoted"" comment, long",4\n'
    good = row * 40_000
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "_SCAN_BLOCK", 4096)
        patch.setattr(records, "_THREADED", 0)
        assert _check(good) == 40_000
        for at in (5, len(good) // 2 + 17, len(good) - 3):
            assert _check(good[:at] + b"x" + good[at:]) == _rule(
                good[:at] + b"x" + good[at:], ord(",")
            )
        bad = good[: len(good) // 2] + b'"' + good[len(good) // 2 :]
        assert _check(bad) is None
