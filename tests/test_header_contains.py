"""Level-3 header matching (a header containing an item's text) without a quadratic scan.

:meth:`ItemMatcher._texts_within` finds the texts through their first 12 characters; the
oracle here is the plain rule written out: every item whose text has 12 characters or
more and occurs in the header, in questionnaire order.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from salesmkt.definitions.questionnaire_load import load
from salesmkt.intake.headers import NO_MATCH, ItemMatcher


def _oracle(matcher: ItemMatcher, header_key: str) -> list[str]:
    return [i for i, t in matcher.text_of.items() if len(t) >= 12 and t in header_key]


@cache
def _alignment() -> Any:
    return load("alignment")


def _matcher(texts: list[str]) -> ItemMatcher:
    q = _alignment()
    items = [
        it.model_copy(update={"text": texts[k % len(texts)] + " " * (k // len(texts))})
        for k, it in enumerate(q.items)
    ]
    copy: Any = q.model_copy(update={"items": items})
    return ItemMatcher(copy)


WORDS = st.sampled_from(["sales", "marketing", "lead", "the", "shared", "goals", "x", "ab"])
TEXTS = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=20), header=st.lists(TEXTS, max_size=4))
def test_same_items_as_the_plain_rule(texts: list[str], header: list[str]) -> None:
    matcher = _matcher(texts)
    key = " / ".join(header)
    assert matcher._texts_within(key) == _oracle(matcher, key)


def test_builtin_texts_inside_a_longer_header() -> None:
    q = load("alignment")
    matcher = ItemMatcher(q)
    first, second = q.items[0], q.items[1]
    header = f"Please rate: {first.text} (1-5)"
    level, found = matcher.match(header)
    assert (level, found) == (3, [first.id])
    both = matcher._texts_within(matcher.text_of[first.id] + " " + matcher.text_of[second.id])
    assert both == [first.id, second.id]
    assert matcher.match("short")[0] == NO_MATCH
